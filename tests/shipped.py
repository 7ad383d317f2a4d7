"""The shipped admin's file, config/linli.yaml, one section at a time.

A section's text lives next to its plugin's ``config.py``, in
``plugins/<name>/config.yaml`` (``groups:`` in plugins/core/config.groups.yaml);
config/linli.yaml is their assembly (plugins/core/sample.py).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "config/linli.yaml"


def section_path(name: str) -> Path:
    """The file that holds the top-level ``name:`` section of config/linli.yaml."""
    if name == "groups":
        return ROOT / "plugins/core/config.groups.yaml"
    return ROOT / "plugins" / name / "config.yaml"


def section_text(name: str) -> str:
    """The top-level ``name:`` section of config/linli.yaml with its comment header."""
    return section_path(name).read_text(encoding="utf-8").strip("\n") + "\n"
