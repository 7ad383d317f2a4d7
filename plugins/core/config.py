"""The admin's YAML file as pydantic models: one section per plugin, plus groups.

A plugin declares its section with :func:`register_section`; core validates the
whole file at start and on ``/reload``. A group's effective settings are the
plugin's section with that group's overrides (``groups: <id>: <plugin>: …``)
merged on top and validated again.
"""

from __future__ import annotations

import copy
import difflib
import re
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeVar

from nonebot.log import logger
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .estates import DEFAULT, ESTATE_ID, ESTATE_KEYS, EstateProfile, legacy_estate
from .yamlfile import YamlDocument, YamlProblem, read_yaml

GROUP_ID = re.compile(r"^[a-z][a-z0-9]*:\S+$")
DEFAULT_HOUSEHOLD_PATTERN = (
    r"^\s*(?P<building>\d+)\s*(?:栋|幢|号楼|-)\s*"
    r"(?:(?P<unit>\d+)\s*(?:单元|-)\s*)?"
    r"(?P<room>\d{3,4})\s*室?[\s\-_]*(?P<name>.*?)\s*$"
)


class Section(BaseModel):
    """Base of every plugin's section: unknown keys are mistakes, and a number
    is accepted where text is expected (``building: 3``, ``room: 201``).

    ``renamed_keys`` maps an old spelling of a key to its new one: the old one
    still works, with a warning in the log naming file and line."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)
    renamed_keys: ClassVar[dict[str, str]] = {}
    enabled: bool = True


class SchedulerConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    poll_seconds: float = Field(1.0, gt=0, le=60)
    max_attempts: int = Field(5, ge=1, le=100)
    retry_base_seconds: float = Field(10.0, gt=0)
    lease_seconds: float = Field(300.0, gt=0)


class Budget(BaseModel):
    """At most ``per_group`` messages per group per ``group_window_seconds``, and
    at most ``per_bot`` per bot account per ``bot_window_seconds``. Moderation
    actions (recall, mute, kick) are not messages: at most ``actions_per_bot``
    per ``action_window_seconds``, counted apart, so an ad wave is recalled
    while the messages wait for their budget."""

    model_config = ConfigDict(extra="forbid")
    per_group: int = Field(20, ge=1)
    group_window_seconds: float = Field(60.0, gt=0)
    per_bot: int = Field(60, ge=1)
    bot_window_seconds: float = Field(60.0, gt=0)
    actions_per_bot: int = Field(120, ge=1)
    action_window_seconds: float = Field(60.0, gt=0)


class SendConfig(BaseModel):
    """Outbound budgets per platform, and retries on rate limits."""

    model_config = ConfigDict(extra="forbid")
    qq: Budget = Field(default_factory=Budget)
    wx: Budget = Field(
        default_factory=lambda: Budget(per_group=10, per_bot=30, actions_per_bot=20)
    )
    tg: Budget = Field(
        default_factory=lambda: Budget(
            per_bot=30,
            bot_window_seconds=1.0,
            actions_per_bot=20,
            action_window_seconds=1.0,
        )
    )
    other: Budget = Field(default_factory=Budget)
    max_attempts: int = Field(5, ge=1)
    retry_base_seconds: float = Field(2.0, gt=0)
    # bare replies (a vote number, a confirmation) without reactions: one
    # "已收到：…" line per window instead of one message each
    ack_window_seconds: float = Field(5.0, gt=0, le=120)

    def budget(self, platform: str) -> Budget:
        found = (
            getattr(self, platform, None) if platform in {"qq", "wx", "tg"} else None
        )
        return found or self.other


class MembersConfig(BaseModel):
    """Where the platform reports no joins or leaves (WeChat through
    ComWeChat), the member lists are compared every ``poll_seconds``; at most
    ``groups_per_round`` groups are asked at a time."""

    model_config = ConfigDict(extra="forbid")
    poll_seconds: float = Field(120.0, ge=1)
    groups_per_round: int = Field(20, ge=1, le=1000)


class AccountsConfig(BaseModel):
    """Several of linli's accounts in one group: one speaks (a lease in the
    database, renewed while it is connected); when it stops renewing, another
    takes over after ``takeover_seconds``. The copies of one message that
    reach every account within ``same_message_seconds`` are handled once."""

    model_config = ConfigDict(extra="forbid")
    takeover_seconds: float = Field(30.0, ge=1, le=3600)
    same_message_seconds: float = Field(5.0, gt=0, le=120)


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
    members: MembersConfig = Field(default_factory=MembersConfig)
    accounts: AccountsConfig = Field(default_factory=AccountsConfig)

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

    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True)
    name: str | None = None
    role: Literal["residents", "staff", "notice"] = "residents"
    building: str | None = None
    estate: str | None = None
    locale: Literal["zh-CN", "en"] | None = None
    tags: list[str] = Field(default_factory=list)
    admins: list[str] = Field(default_factory=list)
    staff: list[str] = Field(default_factory=list)


S = TypeVar("S", bound=Section)


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    """The pydantic models a field's type holds (``list[Level]``, ``X | None`` …)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


def _accept_numbers_as_text(model: type[BaseModel], done: set[type]) -> None:
    """Let ``model`` and every model nested in it take a number for a text field
    (an admin writes ``building: 3``, not ``building: "3"``). Children are
    rebuilt before their parents, whose schemas embed theirs."""
    if model in done:
        return
    done.add(model)
    for info in model.model_fields.values():
        for inner in _models_in(info.annotation):
            _accept_numbers_as_text(inner, done)
    model.model_config["coerce_numbers_to_str"] = True
    model.model_rebuild(force=True)


_accept_numbers_as_text(CoreConfig, set())
_accept_numbers_as_text(GroupProfile, set())
_sections: dict[str, type[Section]] = {"core": CoreConfig}


def register_section(name: str, model: type[S]) -> None:
    """Declare a plugin's YAML section; call it at import of the plugin."""
    existing = _sections.get(name)
    if existing is not None and existing is not model:
        raise RuntimeError(f"config section {name!r} is already registered")
    if existing is None:
        _accept_numbers_as_text(model, set())
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
    # estates.py: the declared estates, each configured group's, and theirs
    estates: dict[str, EstateProfile] = field(default_factory=dict)
    group_estates: dict[str, str] = field(default_factory=dict)
    estate_sections: dict[tuple[str, str], Section] = field(default_factory=dict)
    estate_of_none: str = DEFAULT

    @property
    def core(self) -> CoreConfig:
        return self.sections["core"]  # type: ignore[return-value]

    def section(self, name: str, group: str | None = None) -> Section:
        """The section ``name`` as it applies in ``group`` (or globally): the
        global one, then the group's estate's, then the group's own."""
        if group is not None:
            found = self._group_sections.get((group, name))
            if found is not None:
                return found
            if group not in self.groups:  # a group outside the YAML
                return self.estate_section(name, self.estate_of_none)
        return self.sections[name]

    def estate_section(self, name: str, estate: str) -> Section:
        """The section ``name`` as an estate sets it (the global one where it
        sets nothing)."""
        found = self.estate_sections.get((estate, name))
        return found if found is not None else self.sections[name]

    def group(self, group: str) -> GroupProfile:
        return self.groups.get(group) or GroupProfile()

    # -- estates --------------------------------------------------------------

    def estate_of(self, group: str | None) -> str:
        """The estate ``group`` belongs to (the estate of no group for None or
        a group outside the YAML)."""
        if group is not None:
            found = self.group_estates.get(group)
            if found is not None:
                return found
        return self.estate_of_none

    def estate(self, estate: str) -> EstateProfile:
        return self.estates.get(estate) or EstateProfile()

    def estate_ids(self) -> list[str]:
        """Every estate: the declared ones, then any only groups name."""
        found = dict.fromkeys(self.estates)
        found.update(dict.fromkeys(self.group_estates.values()))
        if not found:
            found[self.estate_of_none] = None
        return list(found)

    def estate_name(self, estate: str) -> str:
        """How people call the estate (its ``name``, else its id)."""
        return self.estate(estate).name or estate

    def groups_in(self, estate: str) -> list[str]:
        """The configured groups of ``estate``, in the YAML's order."""
        return [g for g in self.groups if self.estate_of(g) == estate]

    def same_estate(self, group: str | None, other: str | None) -> bool:
        return self.estate_of(group) == self.estate_of(other)

    # -- per group ------------------------------------------------------------

    def locale_of(self, group: str | None) -> str:
        if group is not None:
            profile = self.groups.get(group)
            if profile is not None and profile.locale:
                return profile.locale
        return self.estate(self.estate_of(group)).locale or self.core.locale

    def timezone_of(self, group: str | None) -> str:
        """The time zone of the group's estate (``core.timezone`` unless the
        estate sets its own)."""
        return self.estate(self.estate_of(group)).timezone or self.core.timezone

    def groups_with(
        self,
        *,
        role: str | None = None,
        tag: str | None = None,
        estate: str | None = None,
    ):
        for gid, profile in self.groups.items():
            if role is not None and profile.role != role:
                continue
            if tag is not None and tag not in profile.tags:
                continue
            if estate is not None and self.estate_of(gid) != estate:
                continue
            yield gid, profile


def _shown(value: Any) -> str:
    """A value as the admin wrote it: plain words bare, odd text quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, str):
        plain = value and value == value.strip() and "\n" not in value
        return value if plain and len(value) <= 60 else repr(value)
    return str(value)


def _choices(expected: str) -> str:
    """pydantic's ``'a', 'b' or 'c'`` as ``a, b, c``."""
    parts = re.split(r", | or ", expected)
    return ", ".join(part.strip().strip("'\"") for part in parts)


def _limit(kind: str, raw: dict[str, Any]) -> str | None:
    # a float field's limit 0 is 0.0 in pydantic's context: show it as written
    ctx = {
        k: int(v) if isinstance(v, float) and v.is_integer() else v
        for k, v in raw.items()
    }
    if kind == "greater_than":
        return f"must be more than {ctx['gt']}"
    if kind == "greater_than_equal":
        return f"must be {ctx['ge']} or more"
    if kind == "less_than":
        return f"must be less than {ctx['lt']}"
    if kind == "less_than_equal":
        return f"must be {ctx['le']} or less"
    if kind == "string_too_short":
        n = ctx["min_length"]
        return "must not be empty" if n == 1 else f"must be at least {n} characters"
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters"
    if kind == "too_short":
        n = ctx["min_length"]
        return f"needs at least {n} item{'s' if n != 1 else ''}"
    if kind == "too_long":
        return f"takes at most {ctx['max_length']} items"
    return None


_WORDING = {
    "missing": "this key is required",
    "int_parsing": "must be a whole number, a valid integer such as 10",
    "int_type": "must be a whole number, a valid integer such as 10",
    "int_from_float": "must be a whole number, without decimals",
    "float_parsing": "must be a valid number, such as 10 or 1.5",
    "float_type": "must be a valid number, such as 10 or 1.5",
    "decimal_parsing": "must be a valid number, such as 10 or 1.5",
    "decimal_type": "must be a valid number, such as 10 or 1.5",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be text",
    "list_type": "must be a list: [a, b], or one '- item' per line below the key",
    "dict_type": "must be a block of 'key: value' lines below the key",
    "model_type": "must be a block of 'key: value' lines below the key",
    "model_attributes_type": "must be a block of 'key: value' lines below the key",
    "date_parsing": "must be a date such as 2025-10-01",
    "date_type": "must be a date such as 2025-10-01",
    "date_from_datetime_parsing": "must be a date such as 2025-10-01",
    "date_from_datetime_inexact": "must be a date such as 2025-10-01, without a time",
}


def describe_error(error: Any, keys: list[str] | None = None) -> str:
    """One pydantic error in the admin's words: what is expected, and what was
    written. ``keys`` are the keys allowed where an unknown key stands."""
    kind, ctx = error["type"], error.get("ctx") or {}
    got = error.get("input")
    if kind == "extra_forbidden":
        name = str(error["loc"][-1]) if error["loc"] else ""
        close = difflib.get_close_matches(name, keys or [], n=1, cutoff=0.6)
        hint = f"did you mean {close[0]}?" if close else "check the spelling"
        return f"unknown key ({hint})"
    if kind in ("literal_error", "enum"):
        text = f"must be one of: {_choices(str(ctx.get('expected', '')))}"
    elif kind in ("value_error", "assertion_error"):
        text = str(ctx.get("error") or error["msg"])
        text = text.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    elif kind == "string_type" and isinstance(got, bool):
        text = "must be text (put words such as yes, no, on, off in quotes)"
    elif kind == "string_pattern_mismatch":
        text = f"is not in the expected form (the pattern {ctx.get('pattern')})"
    else:
        text = _limit(kind, ctx) or _WORDING.get(kind) or error["msg"]
        text = text.replace("Input should be ", "must be ")
    if kind == "missing" or isinstance(got, (dict, list)):
        return text
    shown = _shown(got)
    if kind in ("value_error", "assertion_error") and shown in text:
        return text  # the validator already names the value
    return f"{text} (got {shown})"


def _step(annotation: Any, part: Any) -> Any:
    """The type found at ``part`` (a key or an index) inside ``annotation``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        info = annotation.model_fields.get(str(part))
        return info.annotation if info is not None else None
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            found = _step(arg, part) if arg is not type(None) else None
            if found is not None:
                return found
        return None
    if origin is typing.Annotated:
        return _step(args[0], part)
    if origin in (list, tuple, set, frozenset) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


def _keys_at(model: type[BaseModel], path: tuple[Any, ...]) -> list[str]:
    """The keys the model allows at ``path`` (for 'did you mean …')."""
    current: Any = model
    for part in path:
        current = _step(current, part)
        if current is None:
            return []
    found = list(_models_in(current))
    return list(found[0].model_fields) if len(found) == 1 else []


def _problems(
    doc: YamlDocument,
    exc: ValidationError | list[Any],
    prefix: tuple[Any, ...],
    model: type[BaseModel] | None = None,
    renamed: dict[str, str] | None = None,
) -> list[YamlProblem]:
    out = []
    errors = exc.errors() if isinstance(exc, ValidationError) else exc
    for err in errors:
        sub = tuple(err["loc"])
        if sub and renamed and str(sub[0]) in renamed:
            sub = (renamed[str(sub[0])], *sub[1:])  # as the admin spelt it
        loc = prefix + sub
        keys = _keys_at(model, sub[:-1]) if model is not None else None
        key = ".".join(str(p) for p in loc)
        out.append(
            YamlProblem(str(doc.path), doc.line_of(loc), key, describe_error(err, keys))
        )
    return out


def _renamed(
    doc: YamlDocument,
    model: type[BaseModel],
    value: dict[str, Any],
    loc: tuple[Any, ...],
) -> tuple[dict[str, Any], dict[str, str], list[YamlProblem]]:
    """``value`` with old spellings of keys replaced by the new ones (logged as
    deprecated); the new → old names used; and problems (both spellings)."""
    renames: dict[str, str] = getattr(model, "renamed_keys", {})
    used: dict[str, str] = {}
    problems: list[YamlProblem] = []
    out = dict(value)
    for old, new in renames.items():
        if old not in out:
            continue
        line = doc.line_of((*loc, old))
        key = ".".join(str(p) for p in (*loc, old))
        if new in out:
            problems.append(
                YamlProblem(
                    str(doc.path),
                    line,
                    key,
                    f"{old} is the old name of {new}, which is also written "
                    f"(line {doc.line_of((*loc, new))}): keep only {new}",
                )
            )
            del out[old]  # said once: not also an unknown key
            continue
        logger.warning(
            f"{doc.path}:{line} [{key}]: {old} is the old name of {new}; it still "
            f"works, but please write {new}: instead"
        )
        out[new] = out.pop(old)
        used[new] = old
    return out, used, problems


def _own(over: Any, sub: tuple[Any, ...]) -> bool:
    """Whether the error at ``sub`` is in what a group's override wrote itself
    (a list or a value it gives replaces the global one)."""
    node = over
    for part in sub:
        if isinstance(node, dict):
            if part not in node and str(part) not in node:
                return False
            node = node[part] if part in node else node[str(part)]
        else:
            return True
    return not isinstance(node, dict)


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
    problems: list[YamlProblem] = list(doc.problems)
    raw = doc.data
    sections: dict[str, Section] = {}
    known = _sections
    path = str(doc.path)
    for key in raw:
        if key not in ("groups", "estates") and key not in known:
            names = [*known, "groups", "estates"]
            close = difflib.get_close_matches(str(key), names, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}? " if close else ""
            problems.append(
                YamlProblem(
                    path,
                    doc.line_of((key,)),
                    str(key),
                    f"unknown section ({hint}known sections: "
                    f"{', '.join(sorted(names))})",
                )
            )
    # each section as written (old key names replaced), and its own mistakes
    bases: dict[str, dict[str, Any]] = {}
    global_errors: dict[str, set[tuple[Any, ...]]] = {}
    for name, model in known.items():
        value = raw.get(name) or {}
        if not isinstance(value, dict):
            problems.append(
                YamlProblem(path, doc.line_of((name,)), name, "expected a mapping")
            )
            continue
        value, used, renamed = _renamed(doc, model, value, (name,))
        problems.extend(renamed)
        bases[name] = value
        try:
            sections[name] = model.model_validate(value)
        except ValidationError as exc:
            errors = exc.errors()
            global_errors[name] = {
                (tuple(e["loc"]), e["type"], e["msg"]) for e in errors
            }
            problems.extend(_problems(doc, errors, (name,), model, used))

    estates, estate_bases, estate_sections = _estates(
        doc, raw, bases, global_errors, problems
    )
    default = _estate_of_none(raw, estates)
    groups: dict[str, GroupProfile] = {}
    group_estates: dict[str, str] = {}
    group_sections: dict[tuple[str, str], Section] = {}
    raw_groups = raw.get("groups") or {}
    if not isinstance(raw_groups, dict):
        problems.append(
            YamlProblem(path, doc.line_of(("groups",)), "groups", "expected a mapping")
        )
        raw_groups = {}
    for gid, body in raw_groups.items():
        gid = str(gid)
        loc = ("groups", gid)
        if not GROUP_ID.match(gid):
            problems.append(
                YamlProblem(
                    path,
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
            problems.extend(_problems(doc, exc, loc, GroupProfile))
            continue
        groups[gid] = profile
        estate = _group_estate(doc, gid, profile, body, estates, default, problems)
        group_estates[gid] = estate
        found, _ = _overrides(
            doc,
            loc,
            profile.model_extra or {},
            estate_bases.get(estate, bases),
            global_errors,
            problems,
            "a group takes name, role, building, estate, locale, tags, admins, "
            "staff and feature sections",
        )
        for name in known:
            section = found.get(name) or estate_sections.get((estate, name))
            if section is not None:
                group_sections[(gid, name)] = section
    if problems:
        raise ConfigError(problems)
    estate_of_none = default or DEFAULT
    _tell_sections_their_estate(sections, group_sections, group_estates, estate_of_none)
    return LinliConfig(
        doc.path,
        sections,
        groups,
        group_sections,
        estates=estates,
        group_estates=group_estates,
        estate_sections=estate_sections,
        estate_of_none=estate_of_none,
    )


def _overrides(
    doc: YamlDocument,
    loc: tuple[Any, ...],
    extra: dict[str, Any],
    bases: dict[str, dict[str, Any]],
    global_errors: dict[str, set[tuple[Any, ...]]],
    problems: list[YamlProblem],
    takes: str,
) -> tuple[dict[str, Section], dict[str, dict[str, Any]]]:
    """The feature sections an estate or a group writes for itself (``extra``),
    each merged onto ``bases`` and validated; and the merged raw sections
    (every section, for the groups of an estate to merge onto)."""
    path = str(doc.path)
    found: dict[str, Section] = {}
    merged = dict(bases)
    for name, over in extra.items():
        model = _sections.get(name)
        where = (*loc, name)
        key = ".".join(str(p) for p in where)
        if model is None or name == "core":
            problems.append(
                YamlProblem(path, doc.line_of(where), key, f"unknown key: {takes}")
            )
            continue
        if not isinstance(over, dict):
            problems.append(
                YamlProblem(path, doc.line_of(where), key, "expected a mapping")
            )
            continue
        over, used, renamed = _renamed(doc, model, over, where)
        problems.extend(renamed)
        merged[name] = _merge(bases.get(name, {}), over)
        try:
            found[name] = model.model_validate(merged[name])
        except ValidationError as exc:
            seen = global_errors.get(name, set())
            # a mistake of the global section shows in every group that
            # does not replace the key: it is reported once, where written
            errors = [
                e
                for e in exc.errors()
                if _own(over, tuple(e["loc"]))
                or (tuple(e["loc"]), e["type"], e["msg"]) not in seen
            ]
            problems.extend(_problems(doc, errors, where, model, used))
    return found, merged


def _estates(
    doc: YamlDocument,
    raw: dict[str, Any],
    bases: dict[str, dict[str, Any]],
    global_errors: dict[str, set[tuple[Any, ...]]],
    problems: list[YamlProblem],
) -> tuple[
    dict[str, EstateProfile],
    dict[str, dict[str, dict[str, Any]]],
    dict[tuple[str, str], Section],
]:
    """The ``estates`` section: each estate's profile, its merged raw sections
    (for its groups) and its validated sections."""
    path = str(doc.path)
    estates: dict[str, EstateProfile] = {}
    merged: dict[str, dict[str, dict[str, Any]]] = {}
    sections: dict[tuple[str, str], Section] = {}
    raw_estates = raw.get("estates") or {}
    if not isinstance(raw_estates, dict):
        problems.append(
            YamlProblem(
                path, doc.line_of(("estates",)), "estates", "expected a mapping"
            )
        )
        return estates, merged, sections
    for name, body in raw_estates.items():
        name = str(name)
        loc = ("estates", name)
        if not ESTATE_ID.match(name):
            problems.append(
                YamlProblem(
                    path,
                    doc.line_of(loc),
                    ".".join(loc),
                    "an estate's name is one word of at most 64 characters, "
                    "without spaces, ':' or '/' (e.g. 东区, qisheng)",
                )
            )
            continue
        body = body or {}
        if not isinstance(body, dict):
            problems.append(
                YamlProblem(path, doc.line_of(loc), ".".join(loc), "expected a mapping")
            )
            continue
        own = {k: v for k, v in body.items() if k in ESTATE_KEYS}
        try:
            estates[name] = EstateProfile.model_validate(own)
        except ValidationError as exc:  # its groups still belong to it
            problems.extend(_problems(doc, exc, loc, EstateProfile))
            estates[name] = EstateProfile()
        found, merged[name] = _overrides(
            doc,
            loc,
            {k: v for k, v in body.items() if k not in ESTATE_KEYS},
            bases,
            global_errors,
            problems,
            f"an estate takes {', '.join(ESTATE_KEYS)} and feature sections",
        )
        for section, value in found.items():
            sections[(name, section)] = value
    return estates, merged, sections


def _estate_of_none(
    raw: dict[str, Any], estates: dict[str, EstateProfile]
) -> str | None:
    """The estate of whatever names none: the one declared, or the one of a
    file that declares none (``default``, or an older file's ``tickets.estate``);
    None when several are declared."""
    if len(estates) == 1:
        return next(iter(estates))
    if estates:
        return None
    return legacy_estate(raw) or DEFAULT


def _group_estate(
    doc: YamlDocument,
    gid: str,
    profile: GroupProfile,
    body: Any,
    estates: dict[str, EstateProfile],
    default: str | None,
    problems: list[YamlProblem],
) -> str:
    """The estate ``gid`` belongs to (a problem when it names an unknown one,
    or none where several are declared)."""
    path, loc = str(doc.path), ("groups", gid, "estate")
    named = profile.estate or legacy_estate(body)
    if named is None:
        if default is not None:
            return default
        problems.append(
            YamlProblem(
                path,
                doc.line_of(loc[:2]),
                ".".join(loc),
                "several estates are declared: say which this group belongs to "
                f"(estate: one of {', '.join(estates)})",
            )
        )
        return DEFAULT
    if estates and named not in estates and profile.estate is not None:
        close = difflib.get_close_matches(named, list(estates), n=1, cutoff=0.5)
        hint = f"did you mean {close[0]}? " if close else ""
        problems.append(
            YamlProblem(
                path,
                doc.line_of(loc),
                ".".join(loc),
                f"unknown estate {named!r} ({hint}the estates: {', '.join(estates)})",
            )
        )
    elif not estates and profile.estate is not None:
        problems.append(
            YamlProblem(
                path,
                doc.line_of(loc),
                ".".join(loc),
                f"estate {named!r} is not declared: add it under estates "
                f"(estates: {{{named}: {{name: …}}}})",
            )
        )
    return named


def _tell_sections_their_estate(
    sections: dict[str, Section],
    group_sections: dict[tuple[str, str], Section],
    group_estates: dict[str, str],
    estate_of_none: str,
) -> None:
    """A section that names its estate (``estate_field``, e.g. tickets'
    ``estate``) reads the estate of the group it applies in."""
    for name, section in list(sections.items()):
        field_name = getattr(type(section), "estate_field", None)
        if field_name is None:
            continue
        sections[name] = section.model_copy(update={field_name: estate_of_none})
        for gid, estate in group_estates.items():
            found = group_sections.get((gid, name), sections[name])
            group_sections[(gid, name)] = found.model_copy(update={field_name: estate})


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
