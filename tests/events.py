"""Moved to tests/helpers/events.py; this name stays for older imports."""

from tests.helpers.events import *  # noqa: F403
