"""Moved to tests/helpers/routing.py; this name stays for older imports."""

from tests.helpers.routing import *  # noqa: F403
