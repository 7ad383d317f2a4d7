"""faq test helpers: the shipped default entries, and a config that has them."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.shipped import section_text

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests/fixtures/linli.test.yaml"
_groups = itertools.count(41000)


def fresh_group() -> int:
    """A group id no other test uses (cooldowns are per group)."""
    return next(_groups)


def default_section(**overrides):
    """The ``faq:`` section of the shipped config/linli.yaml as a FaqConfig."""
    import yaml

    from plugins.faq.config import FaqConfig

    data = yaml.safe_load(section_text("faq"))["faq"]
    data.update(overrides)
    return FaqConfig.model_validate(data)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def faq_config(tmp_path: Path) -> Iterator[Path]:
    """The test config plus the shipped faq section, loaded for the test."""
    from plugins.core import store

    original = store.current.path
    path = tmp_path / "linli.yaml"
    path.write_text(
        FIXTURE.read_text(encoding="utf-8") + "\n" + section_text("faq"),
        encoding="utf-8",
    )
    store.load(path)
    try:
        yield path
    finally:
        store.load(original)
