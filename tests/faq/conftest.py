"""faq test helpers: a fake clock, and a config with the shipped default entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.shipped import section_text


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def faq_config(override_config) -> Path:
    """The test config plus the shipped faq section, loaded for the test."""
    return override_config(section_text("faq")).path
