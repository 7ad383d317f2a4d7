"""The owners' roster (业主名册): households with their floor area.

From the config key ``vote.households``: a list of entries or the path of a
CSV file. An entry is ``{building: 3, unit: 2, room: 201, area: 89.5}`` (unit,
area and ``members`` optional) or the short text ``"3-2-201 89.5"``. The CSV
has the columns building, unit, room, area (m²) and optionally members (ids
separated by spaces or ``;``), with or without a header row (English or
Chinese: 楼栋, 单元, 房号, 面积, 成员); UTF-8 (Excel's BOM is fine) or GBK.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from plugins.core.identity import Household

from .tally import to_centi


class RosterError(ValueError):
    """A mistake in the roster, worded for the admin (file and line when known)."""


@dataclass(frozen=True)
class RosterEntry:
    building: str
    unit: str | None
    room: str
    area: int | None = None  # hundredths of m²
    members: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return Household(self.building, self.unit, self.room).key


def _strip(part: str | None) -> str | None:
    if part is None:
        return None
    part = str(part).strip()
    if not part:
        return None
    return part.lstrip("0") or "0"


def make_entry(
    building: Any,
    unit: Any,
    room: Any,
    area: Any = None,
    members: list[str] | tuple[str, ...] = (),
) -> RosterEntry:
    b, u, r = _strip(building), _strip(unit), str(room or "").strip()
    if not b or not r:
        raise RosterError("a household needs a building and a room")
    if not (b.isalnum() and r.isalnum() and (u is None or u.isalnum())):
        raise RosterError(f"building/unit/room must be letters or digits: {b}-{u}-{r}")
    centi = None
    if area not in (None, ""):
        try:
            dec = Decimal(str(area).strip())
        except InvalidOperation:
            raise RosterError(f"area {area!r} is not a number") from None
        if not dec.is_finite() or dec <= 0:
            raise RosterError(f"area {area!r} must be a positive number of m²")
        centi = to_centi(dec)
    return RosterEntry(b, u, r, centi, tuple(m.strip() for m in members if m.strip()))


_SHORT = re.compile(
    r"^\s*(?P<b>[0-9A-Za-z]+)\s*[-栋幢]\s*(?:(?P<u>[0-9A-Za-z]+)\s*[-单元]+\s*)?"
    r"(?P<r>[0-9A-Za-z]+)\s*室?\s*(?:(?P<area>\d+(?:\.\d+)?)\s*(?:m2|m²|㎡|平米|平方米)?)?"
    r"\s*$"
)


def parse_short(text: str) -> RosterEntry:
    """``3-2-201 89.5`` / ``5-101`` / ``3栋2单元201 89.5``."""
    match = _SHORT.match(text)
    if match is None:
        raise RosterError(
            f"cannot read household {text!r}; write it as 3-2-201 89.5 "
            "(building-unit-room, then the floor area in m²)"
        )
    return make_entry(match["b"], match["u"], match["r"], match["area"])


_HEADERS = {
    "building": {"building", "楼栋", "楼号", "栋", "楼", "栋号"},
    "unit": {"unit", "单元", "单元号"},
    "room": {"room", "房号", "室", "门牌", "房间", "房间号"},
    "area": {"area", "面积", "建筑面积", "专有面积", "专有部分面积"},
    "members": {"members", "成员", "账号", "ids"},
}
_DEFAULT_COLUMNS = ["building", "unit", "room", "area", "members"]


def _column_of(header: str) -> str | None:
    name = re.sub(r"[(（].*?[)）]", "", header.strip().lower()).replace(" ", "")
    name = re.sub(r"(m2|m²|㎡)$", "", name)
    for column, names in _HEADERS.items():
        if name in names:
            return column
    return None


def _decode(raw: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterError(f"{path}: not UTF-8 or GBK text")


def read_csv(path: Path) -> list[RosterEntry]:
    """The households in a CSV file; RosterError names the file and line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RosterError(f"{path}: cannot read the roster file ({exc})") from None
    rows = list(csv.reader(io.StringIO(_decode(raw, path))))
    columns = _DEFAULT_COLUMNS
    start = 0
    if rows and rows[0] and not rows[0][0].strip()[:1].isdigit():
        found = [_column_of(cell) for cell in rows[0]]
        if "building" not in found or "room" not in found:
            raise RosterError(
                f"{path}:1: the header needs building and room columns "
                "(楼栋, 单元, 房号, 面积)"
            )
        columns = [c or "" for c in found]
        start = 1
    entries = []
    for number, row in enumerate(rows[start:], start + 1):
        if not any(cell.strip() for cell in row):
            continue
        values = dict(zip(columns, row, strict=False))
        members = re.split(r"[\s;；,，]+", values.get("members", "") or "")
        try:
            entries.append(
                make_entry(
                    values.get("building"),
                    values.get("unit"),
                    values.get("room"),
                    values.get("area"),
                    [m for m in members if m],
                )
            )
        except RosterError as exc:
            raise RosterError(f"{path}:{number}: {exc}") from None
    return entries


def resolve_path(text: str) -> Path:
    """A roster path; relative paths are relative to the project directory."""
    path = Path(text).expanduser()
    return path if path.is_absolute() else Path.cwd() / path


@dataclass
class Roster:
    entries: dict[str, RosterEntry] = field(default_factory=dict)

    @classmethod
    def of(cls, entries: list[RosterEntry]) -> Roster:
        roster = cls()
        for entry in entries:
            if entry.key in roster.entries:
                raise RosterError(f"household {entry.key} is listed twice")
            roster.entries[entry.key] = entry
        return roster

    @classmethod
    def from_areas(cls, areas: dict[str, int | None]) -> Roster:
        """Back from a vote's snapshot ``{"3-2-201": 8950, "5-101": None}``."""
        entries = {}
        for key, area in areas.items():
            parts = key.split("-")
            building, room = parts[0], parts[-1]
            unit = parts[1] if len(parts) == 3 else None
            entries[key] = RosterEntry(building, unit, room, area)
        return cls(entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def only_building(self, building: str | None) -> Roster:
        if not building:
            return self
        wanted = _strip(building)
        return Roster({k: e for k, e in self.entries.items() if e.building == wanted})

    def match(self, household: Household | None) -> RosterEntry | None:
        """The roster's household for a nickname's (``3-201`` finds ``3-2-201``
        when that is the only room 201 of building 3)."""
        if household is None:
            return None
        wanted = Household(
            _strip(household.building) or "", _strip(household.unit), household.room
        )
        found = self.entries.get(wanted.key)
        if found is not None:
            return found
        same_room = [
            e
            for e in self.entries.values()
            if e.building == wanted.building
            and e.room == wanted.room
            and (wanted.unit is None or e.unit is None)
        ]
        return same_room[0] if len(same_room) == 1 else None

    def for_member(self, user: str) -> RosterEntry | None:
        """The household that lists ``user`` (``qq:123`` or a bare ``123``)."""
        raw = user.partition(":")[2]
        for entry in self.entries.values():
            if user in entry.members or (raw and raw in entry.members):
                return entry
        return None

    @property
    def areas(self) -> dict[str, int | None]:
        return {k: e.area for k, e in self.entries.items()}

    @property
    def missing_areas(self) -> int:
        return sum(1 for e in self.entries.values() if e.area is None)


def build(households: list[Any] | str) -> Roster:
    """The roster from the config value (a list of entries or a CSV path)."""
    if isinstance(households, str):
        if not households.strip():
            return Roster()
        return Roster.of(read_csv(resolve_path(households)))
    entries = []
    for item in households:
        if isinstance(item, RosterEntry):
            entries.append(item)
        elif isinstance(item, str):
            entries.append(parse_short(item))
        elif isinstance(item, dict):
            entries.append(
                make_entry(
                    item.get("building"),
                    item.get("unit"),
                    item.get("room"),
                    item.get("area"),
                    item.get("members") or (),
                )
            )
        else:  # a pydantic entry of the config
            entries.append(
                make_entry(item.building, item.unit, item.room, item.area, item.members)
            )
    return Roster.of(entries)
