"""The e2e fixtures (linli_process, linli) for these tests too."""

from tests.e2e.conftest import linli, linli_process  # noqa: F401
