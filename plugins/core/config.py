"""The admin's YAML file as pydantic models: one section per plugin, plus groups.

A plugin declares its section with :func:`register_section`; core validates the
whole file at start and on ``/reload``. A group's effective settings are the
plugin's section with that group's overrides (``groups: <id>: <plugin>: …``)
merged on top and validated again.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .yamlfile import YamlDocument, YamlProblem, read_yaml

GROUP_ID = re.compile(r"^[a-z][a-z0-9]*:\S+$")
DEFAULT_HOUSEHOLD_PATTERN = (
    r"^\s*(?P<building>\d+)\s*(?:栋|幢|号楼|-)\s*"
    r"(?:(?P<unit>\d+)\s*(?:单元|-)\s*)?"
    r"(?P<room>\d{3,4})\s*室?[\s\-_]*(?P<name>.*?)\s*$"
)


class Section(BaseModel):
    """Base of every plugin's section: unknown keys are mistakes."""

    model_config = ConfigDict(extra="forbid")
    enabled: bool = True


class SchedulerConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    poll_seconds: float = Field(1.0, gt=0, le=60)
    max_attempts: int = Field(5, ge=1, le=100)
    retry_base_seconds: float = Field(10.0, gt=0)
    lease_seconds: float = Field(300.0, gt=0)


class Budget(BaseModel):
    """At most ``per_group`` messages per group per ``group_window_seconds``, and
    at most ``per_bot`` per bot account per ``bot_window_seconds``."""

    model_config = ConfigDict(extra="forbid")
    per_group: int = Field(20, ge=1)
    group_window_seconds: float = Field(60.0, gt=0)
    per_bot: int = Field(60, ge=1)
    bot_window_seconds: float = Field(60.0, gt=0)


class SendConfig(BaseModel):
    """Outbound budgets per platform, and retries on rate limits."""

    model_config = ConfigDict(extra="forbid")
    qq: Budget = Field(default_factory=Budget)
    wx: Budget = Field(default_factory=lambda: Budget(per_group=10, per_bot=30))
    tg: Budget = Field(
        default_factory=lambda: Budget(per_bot=30, bot_window_seconds=1.0)
    )
    other: Budget = Field(default_factory=Budget)
    max_attempts: int = Field(5, ge=1)
    retry_base_seconds: float = Field(2.0, gt=0)

    def budget(self, platform: str) -> Budget:
        found = (
            getattr(self, platform, None) if platform in {"qq", "wx", "tg"} else None
        )
        return found or self.other


class CoreConfig(Section):
    locale: Literal["zh-CN", "en"] = "zh-CN"
    timezone: str = "Asia/Shanghai"
    admins: list[str] = Field(default_factory=list)
    staff: list[str] = Field(default_factory=list)
    household_pattern: str = DEFAULT_HOUSEHOLD_PATTERN
    onebot_v11_platform: str = Field("qq", pattern=r"^[a-z][a-z0-9]*$")
    bots: dict[str, str] = Field(default_factory=dict)
    scheduler: SchedulerConfig = Field(default_factory=SchedulerConfig)
    send: SendConfig = Field(default_factory=SendConfig)

    @field_validator("household_pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            pattern = re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
        if "room" not in pattern.groupindex:
            raise ValueError("the pattern needs a named group (?P<room>…)")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value


class GroupProfile(BaseModel):
    """What the admin says about one group; plugin overrides are extra keys."""

    model_config = ConfigDict(extra="allow")
    name: str | None = None
    role: Literal["residents", "staff", "notice"] = "residents"
    building: str | None = None
    locale: Literal["zh-CN", "en"] | None = None
    tags: list[str] = Field(default_factory=list)
    admins: list[str] = Field(default_factory=list)
    staff: list[str] = Field(default_factory=list)


S = TypeVar("S", bound=Section)
_sections: dict[str, type[Section]] = {"core": CoreConfig}


def register_section(name: str, model: type[S]) -> None:
    """Declare a plugin's YAML section; call it at import of the plugin."""
    existing = _sections.get(name)
    if existing is not None and existing is not model:
        raise RuntimeError(f"config section {name!r} is already registered")
    _sections[name] = model


def registered_sections() -> dict[str, type[Section]]:
    return dict(_sections)


class ConfigError(Exception):
    def __init__(self, problems: list[YamlProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class LinliConfig:
    path: Path
    sections: dict[str, Section]
    groups: dict[str, GroupProfile]
    _group_sections: dict[tuple[str, str], Section] = field(default_factory=dict)

    @property
    def core(self) -> CoreConfig:
        return self.sections["core"]  # type: ignore[return-value]

    def section(self, name: str, group: str | None = None) -> Section:
        """The section ``name`` as it applies in ``group`` (or globally)."""
        if group is not None:
            found = self._group_sections.get((group, name))
            if found is not None:
                return found
        return self.sections[name]

    def group(self, group: str) -> GroupProfile:
        return self.groups.get(group) or GroupProfile()

    def locale_of(self, group: str | None) -> str:
        if group is not None:
            profile = self.groups.get(group)
            if profile is not None and profile.locale:
                return profile.locale
        return self.core.locale

    def groups_with(self, *, role: str | None = None, tag: str | None = None):
        for gid, profile in self.groups.items():
            if role is not None and profile.role != role:
                continue
            if tag is not None and tag not in profile.tags:
                continue
            yield gid, profile


def _expected(error: dict[str, Any]) -> str:
    msg = error["msg"]
    if error["type"] in {"missing"}:
        return "this key is required"
    if error["type"] == "extra_forbidden":
        return "unknown key (check the spelling; see config/linli.yaml)"
    got = error.get("input")
    if isinstance(got, (dict, list)):
        return msg
    return f"{msg} (got {got!r})"


def _problems(
    doc: YamlDocument, exc: ValidationError, prefix: tuple[Any, ...]
) -> list[YamlProblem]:
    out = []
    for err in exc.errors():
        loc = prefix + tuple(err["loc"])
        key = ".".join(str(p) for p in loc)
        out.append(YamlProblem(str(doc.path), doc.line_of(loc), key, _expected(err)))
    return out


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def validate(doc: YamlDocument) -> LinliConfig:
    """Turn a parsed document into a LinliConfig or raise ConfigError."""
    problems: list[YamlProblem] = []
    raw = doc.data
    sections: dict[str, Section] = {}
    known = _sections
    for key in raw:
        if key != "groups" and key not in known:
            names = ", ".join(sorted([*known, "groups"]))
            problems.append(
                YamlProblem(
                    str(doc.path),
                    doc.line_of((key,)),
                    str(key),
                    f"unknown section (known sections: {names})",
                )
            )
    for name, model in known.items():
        value = raw.get(name) or {}
        if not isinstance(value, dict):
            problems.append(
                YamlProblem(
                    str(doc.path), doc.line_of((name,)), name, "expected a mapping"
                )
            )
            continue
        try:
            sections[name] = model.model_validate(value)
        except ValidationError as exc:
            problems.extend(_problems(doc, exc, (name,)))

    groups: dict[str, GroupProfile] = {}
    group_sections: dict[tuple[str, str], Section] = {}
    raw_groups = raw.get("groups") or {}
    if not isinstance(raw_groups, dict):
        problems.append(
            YamlProblem(
                str(doc.path), doc.line_of(("groups",)), "groups", "expected a mapping"
            )
        )
        raw_groups = {}
    for gid, body in raw_groups.items():
        gid = str(gid)
        loc = ("groups", gid)
        if not GROUP_ID.match(gid):
            problems.append(
                YamlProblem(
                    str(doc.path),
                    doc.line_of(loc),
                    ".".join(loc),
                    "a group id is 'platform:id', e.g. qq:123456, "
                    "wx:1234@chatroom, tg:-100123",
                )
            )
            continue
        try:
            profile = GroupProfile.model_validate(body or {})
        except ValidationError as exc:
            problems.extend(_problems(doc, exc, loc))
            continue
        groups[gid] = profile
        for name, over in (profile.model_extra or {}).items():
            model = known.get(name)
            if model is None or name == "core":
                problems.append(
                    YamlProblem(
                        str(doc.path),
                        doc.line_of((*loc, name)),
                        f"groups.{gid}.{name}",
                        "unknown key: a group takes name, role, building, locale, "
                        "tags, admins, staff and plugin sections",
                    )
                )
                continue
            if not isinstance(over, dict):
                problems.append(
                    YamlProblem(
                        str(doc.path),
                        doc.line_of((*loc, name)),
                        f"groups.{gid}.{name}",
                        "expected a mapping",
                    )
                )
                continue
            try:
                group_sections[(gid, name)] = model.model_validate(
                    _merge(raw.get(name) or {}, over)
                )
            except ValidationError as exc:
                problems.extend(_problems(doc, exc, (*loc, name)))
    if problems:
        raise ConfigError(problems)
    return LinliConfig(doc.path, sections, groups, group_sections)


def load(path: Path) -> LinliConfig:
    try:
        doc = read_yaml(path)
    except YamlProblem as problem:
        raise ConfigError([problem]) from None
    return validate(doc)


class ConfigStore:
    """Holds the last good configuration; reload keeps it when the file is bad."""

    def __init__(self) -> None:
        self._current: LinliConfig | None = None
        self._listeners: list[Callable[[LinliConfig], None]] = []

    @property
    def loaded(self) -> bool:
        return self._current is not None

    @property
    def current(self) -> LinliConfig:
        if self._current is None:
            raise RuntimeError("linli config is not loaded yet")
        return self._current

    def load(self, path: Path) -> LinliConfig:
        """Load at start: raise ConfigError on any problem."""
        self._set(load(path))
        return self.current

    def reload(self) -> LinliConfig:
        """Re-read the same file; on error keep the last good one and raise."""
        self._set(load(self.current.path))
        return self.current

    def on_change(self, listener: Callable[[LinliConfig], None]) -> None:
        self._listeners.append(listener)

    def _set(self, config: LinliConfig) -> None:
        self._current = config
        for listener in self._listeners:
            listener(config)


store = ConfigStore()
