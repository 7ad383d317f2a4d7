"""The shipped admin's file, config/linli.yaml, one section at a time."""

from __future__ import annotations

from pathlib import Path

SHIPPED = Path(__file__).resolve().parents[1] / "config/linli.yaml"


def section_text(name: str) -> str:
    """The top-level ``name:`` section of config/linli.yaml with its comment header."""
    lines = SHIPPED.read_text(encoding="utf-8").splitlines()
    key = lines.index(f"{name}:")

    def comment_block_start(index: int) -> int:
        while index > 0 and (lines[index - 1].startswith("#") or not lines[index - 1]):
            index -= 1
        return index

    start = comment_block_start(key)
    end = next(
        (
            i
            for i in range(key + 1, len(lines))
            if lines[i] and not lines[i].startswith((" ", "#"))
        ),
        len(lines),
    )
    end = comment_block_start(end) if end < len(lines) else end
    return "\n".join(lines[start:end]).strip("\n") + "\n"
