"""Configs for tests: build one, or load one for a single test.

config = linli_config(tickets={"estate": "t-1"})    # built, not loaded
override_config(groups={"qq:1000": {"vote": {"enabled": False}}})  # loaded
override_config(section_text("faq"))                 # the shipped faq section
section = section_config("vote", allow_change=False)  # one section's model

YAML text and keyword sections are merged into the base file key by key
(mappings merge, any other value replaces), so a patch names only what it
changes. Plugins are imported inside the functions (after NoneBot starts).
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

if TYPE_CHECKING:
    from plugins.core.config import LinliConfig, Section

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests/fixtures/linli.test.yaml"  # the suite's loaded config
_dir: Path | None = None
_files = itertools.count(1)


def _merge(into: dict, patch: dict) -> dict:
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value
    return into


def _base_text(base: Any) -> str:
    if base is None:
        return ""
    path = getattr(base, "path", base)  # a LinliConfig: the file it was read from
    return Path(path).read_text(encoding="utf-8")


def config_text(
    yaml_text: str | None = None, /, *, base: Any = FIXTURE, **sections: Any
) -> str:
    """The YAML of ``base`` (a file, a LinliConfig, or None for nothing) with
    ``yaml_text`` and then ``sections`` merged in. With nothing to merge into
    (``base=None``, no keywords), ``yaml_text`` is kept as written."""
    if base is None and not sections:
        return yaml_text or ""
    data: dict = yaml.safe_load(_base_text(base)) or {}
    for patch in (yaml.safe_load(yaml_text or "") or {}, sections):
        _merge(data, patch)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def write_config(text: str) -> Path:
    """``text`` in a file of its own (the loaded config keeps its path)."""
    global _dir
    if _dir is None:
        _dir = Path(tempfile.mkdtemp(prefix="linli-test-config-"))
    path = _dir / f"linli-{next(_files)}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def linli_config(
    yaml_text: str | None = None, /, *, base: Any = FIXTURE, **sections: Any
) -> LinliConfig:
    """A validated LinliConfig (not loaded): tests/fixtures/linli.test.yaml, or
    ``base``, with ``yaml_text`` and keyword sections merged in; ConfigError
    if it is not valid."""
    from plugins.core.config import load

    return load(write_config(config_text(yaml_text, base=base, **sections)))


def section_config(name: str, /, *, shipped: bool = False, **values: Any) -> Section:
    """The registered section model ``name`` from ``values`` alone, or with
    ``shipped=True`` from config/linli.yaml's section updated with them."""
    from plugins.core.config import registered_sections
    from tests.shipped import section_text

    data = {}
    if shipped:
        data = yaml.safe_load(section_text(name))[name] or {}
    data.update(values)
    return registered_sections()[name].model_validate(data)


Override = Callable[..., "LinliConfig"]


@contextmanager
def config_overrides() -> Iterator[Override]:
    """What the ``override_config`` fixture yields, for code that is not a
    test: the config loaded before comes back when the block ends."""
    from plugins.core import store

    previous = store.current

    def override(
        yaml_text: str | None = None, /, *, base: Any = ..., **sections: Any
    ) -> LinliConfig:
        base = store.current if base is ... else base
        path = write_config(config_text(yaml_text, base=base, **sections))
        return store.load(path)

    try:
        yield override
    finally:
        store._set(previous)  # the very same object, its listeners told


@pytest.fixture
def override_config() -> Iterator[Override]:
    """``override_config(yaml_text=None, *, base=<the loaded config>, **sections)``
    loads the config ``linli_config`` builds (by default a patch of the one
    loaded now) and returns it; the config loaded before the first call comes
    back after the test, however it ends."""
    with config_overrides() as override:
        yield override
