"""The helpers' fixtures, registered for the whole suite by tests/conftest.py
(``pytest_plugins``): every test directory can ask for them by name."""

from tests.helpers.config import override_config
from tests.helpers.e2e import linli, linli_process
from tests.helpers.jobs import app_scheduler_paused

__all__ = ["app_scheduler_paused", "linli", "linli_process", "override_config"]
