"""Moved to tests/helpers/e2e.py; this name stays for older imports."""

from tests.helpers.e2e import *  # noqa: F403
