"""``@全体成员`` / ``@所有人`` by someone who is not an admin (admins are exempt
before any detector runs, so reaching here means a resident did it)."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.port import Segment


def mentions_all(segments: Sequence[Segment]) -> bool:
    return any(seg.kind == "mention_all" for seg in segments)
