"""The e2e fixtures (``linli_process``, ``linli``) and ``E2E_CONFIG`` live in
tests/helpers/e2e.py and are registered for every test directory; these names
stay importable from here for older imports."""

from tests.helpers.e2e import E2E_CONFIG, linli, linli_process  # noqa: F401
