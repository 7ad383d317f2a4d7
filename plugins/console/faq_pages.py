"""问答: the questions nobody could answer and the entries, with their history.

Each button calls what the ``/问答`` command calls — ``faq.add`` (添加),
``faq.undo`` (撤销), ``entries.history`` (历史), ``faq.unanswered`` (未答) —
so an entry taught here answers in the groups within the same second and is
in the same history and audit log. "Attach" (another phrasing of an entry)
has no chat command: it is ``entries.change(questions=…)``, the function the
CSV import uses, recorded as an edit (so ``撤销`` undoes it).

Who: the role the command asks for (``ctx.require(Role.STAFF)``); what: the
unanswered questions of the groups the session sees, and the entries meant
for at least one of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from plugins.core import Role, audit, format_time, store, t
from plugins.core.config import LinliConfig
from plugins.faq import entries
from plugins.faq.config import FaqConfig, entry_keys
from plugins.faq.entries import Actor, FaqError, split_questions
from plugins.faq.matcher import Entry
from plugins.faq.models import FaqChange, FaqEntry, FaqUnanswered
from plugins.faq.service import faq
from plugins.tickets.env import now_utc

from .auth import Scope
from .http import (
    PREFIX,
    checked_form,
    frame,
    html,
    leave_flash,
    nav,
    problem,
    router,
    signed_in,
    take_flash,
)
from .models import Session
from .pages import render

nav("faq")

EDITOR = Role.STAFF  # /问答 starts with ctx.require(Role.STAFF)
QUESTIONS = 30  # unanswered questions shown
SHOWN = 50  # entries shown (a keyword narrows them)
CHOICES = 500  # entries offered to attach to (the number can also be typed)
HERE = f"{PREFIX}/faq"


@dataclass(frozen=True)
class Question:
    text: str
    count: int
    group: str  # where it was asked ("" for a private chat): taught there
    where: str  # the groups' names


def section(config: LinliConfig, group: str | None = None) -> FaqConfig:
    return config.section("faq", group or None)  # type: ignore[return-value]


@dataclass(frozen=True)
class Reach:
    """The groups the session sees and their tags, worked out once a request."""

    everything: bool
    groups: frozenset[str]
    tags: frozenset[str]

    @classmethod
    def of(cls, config: LinliConfig, scope: Scope) -> Reach:
        groups = scope.groups(config)
        tags = {tag for g in groups for tag in config.group(g).tags}
        return cls(scope.everything, frozenset(groups), frozenset(tags))

    def sees(self, groups: Any, tags: Any) -> bool:
        """Whether an entry meant for ``groups`` / ``tags`` (neither: every
        group) serves one of the groups the session sees."""
        if self.everything or (not groups and not tags):
            return True
        return bool(self.groups & set(groups or ()) or self.tags & set(tags or ()))


async def unanswered(config: LinliConfig, scope: Scope, locale: str) -> list[Question]:
    """``/问答 未答`` for each group seen (superusers: every chat), most asked first."""
    if scope.everything:
        found = await faq.unanswered(section(config), group=None, limit=QUESTIONS)
    else:
        found = []
        for g in await _asking(config, scope.groups(config)):
            rows = await faq.unanswered(section(config, g), group=g, limit=QUESTIONS)
            found += [(sample, count, [g]) for sample, count, _ in rows]
    found.sort(key=lambda f: -f[1])
    return [
        Question(
            text=sample,
            count=count,
            group=groups[0] if groups else "",
            where=t(locale, "faq.separator").join(
                config.group(g).name or g for g in groups[:3]
            ),
        )
        for sample, count, groups in found[:QUESTIONS]
    ]


async def _asking(config: LinliConfig, groups: list[str]) -> list[str]:
    """The groups with questions counted lately: one query, so that an admin
    of many groups does not wait for one look per quiet group."""
    await faq.flush_unanswered()
    since = now_utc() - timedelta(days=section(config).unanswered_days)
    asking = await (
        FaqUnanswered.filter(group__in=groups, last_at__gte=since)
        .distinct()
        .values_list("group", flat=True)
    )
    return [g for g in groups if g in set(asking)]


async def visible_entries(
    config: LinliConfig, scope: Scope, keyword: str = ""
) -> list[Entry]:
    found = await faq.listing(section(config), group=None, keyword=keyword)
    reach = Reach.of(config, scope)
    return [e for e in found if reach.sees(e.groups, e.tags)]


def _reach(faq_section: FaqConfig, row: FaqEntry) -> tuple[Any, Any]:
    """The groups and tags of an entry from its row (a YAML entry's row
    keeps the file's when it did not change them)."""
    items = dict(zip(entry_keys(faq_section), faq_section.entries, strict=True))
    item = items.get(row.config_key or "")
    groups = row.groups if row.groups is not None else (item.groups if item else [])
    tags = row.tags if row.tags is not None else (item.tags if item else [])
    return groups, tags


async def find_entry(
    config: LinliConfig, scope: Scope, key: str
) -> tuple[Entry | None, FaqEntry | None] | None:
    """The live entry and its row (either may be missing: a YAML entry never
    changed has no row, a deleted one no live entry); None if not seen."""
    faq_section, reach = section(config), Reach.of(config, scope)
    key = key.strip().lstrip("#＃")
    live = {e.key.casefold(): e for e in await faq.listing(faq_section, group=None)}
    entry = live.get(key.casefold())
    row = await entries.find_row(entry.key if entry else key, faq_section)
    if entry is not None:
        return (entry, row) if reach.sees(entry.groups, entry.tags) else None
    if row is None or not reach.sees(*_reach(faq_section, row)):
        return None
    return None, row


async def recent_changes(config: LinliConfig, scope: Scope, locale: str) -> list:
    """The latest changes of entries the session sees (deleted ones too, so
    that a deletion can be undone from here)."""
    faq_section, reach = section(config), Reach.of(config, scope)
    rows = await FaqChange.all().order_by("-id").limit(40).prefetch_related("entry")
    tz = config.core.timezone
    out = []
    for change in rows:
        if not reach.sees(*_reach(faq_section, change.entry)):
            continue
        key = entries.display_key(change.entry)
        out.append(_change(change, locale, tz) | {"key": key})
        if len(out) >= 10:
            break
    return out


def _change(change: FaqChange, locale: str, tz: str) -> dict[str, Any]:
    after = change.after or {}
    return {
        "at": format_time(change.at, locale, tz),
        "actor": change.actor_name or change.actor,
        "action": t(locale, f"faq.action.{change.action}"),
        "answer": "" if change.action == "delete" else after.get("answer") or "",
        "questions": after.get("questions") or [],
        "undone": change.undone,
    }


def _actor(session: Session, group: str | None = None) -> Actor:
    return Actor(user=session.user, name=session.name, group=group)


@dataclass(frozen=True)
class Call:
    """A request let through: its session, its form (POST) and what it sees."""

    session: Session
    form: dict[str, str]
    config: LinliConfig
    scope: Scope

    @property
    def locale(self) -> str:
        return self.session.locale


async def _editor(request: Request) -> Response | Call:
    """The session and, for a POST, its checked form; or the refusal: 401
    without a session, 403 for a role /问答 refuses or a bad form."""
    session = await signed_in(request, now_utc())
    if session.role < EDITOR:
        return problem("console.faq_page.denied", 403, session.locale)
    form: dict[str, str] | None = {}
    if request.method == "POST":
        form = await checked_form(request, session)
    return Call(session, form, store.current, Scope.from_json(session.scope))


def _asked_in(config: LinliConfig, scope: Scope, group: str) -> str | None:
    """The question's group, as sent back by the form, if the session sees it."""
    return group if group and group in scope.groups(config) else None


# --------------------------------------------------------------------------
# pages
# --------------------------------------------------------------------------


@router.get("/faq")
async def _faq(request: Request) -> Response:
    c = await _editor(request)
    if isinstance(c, Response):
        return c
    keyword = request.query_params.get("q", "")[:64]
    found = await visible_entries(c.config, c.scope, keyword)
    every = await visible_entries(c.config, c.scope) if keyword else found
    return html(
        render(
            "faq.html",
            c.locale,
            **frame(c.session, "faq"),
            back=HERE,
            questions=await unanswered(c.config, c.scope, c.locale),
            days=section(c.config).unanswered_days,
            entries=found[:SHOWN],
            total=len(found),
            choices=[e for e in every if e.mode != "regex"][:CHOICES],
            keyword=keyword,
            changes=await recent_changes(c.config, c.scope, c.locale),
            flash=await take_flash(c.session),
        )
    )


@router.get("/faq/entries/{key}")
async def _entry(key: str, request: Request) -> Response:
    c = await _editor(request)
    if isinstance(c, Response):
        return c
    found = await find_entry(c.config, c.scope, key)
    if found is None:
        return problem("console.problem.not_found", 404, c.locale)
    entry, row = found
    shown = _key(entry, row)
    history = await entries.history(shown, section(c.config), limit=20)
    tz = c.config.core.timezone
    return html(
        render(
            "faq_entry.html",
            c.locale,
            **frame(c.session, "faq"),
            back=f"{HERE}/entries/{shown}",
            key=shown,
            entry=entry,
            history=[_change(h, c.locale, tz) for h in reversed(history)],
            undoable=any(not h.undone and h.action != "undo" for h in history),
            flash=await take_flash(c.session),
        )
    )


def _key(entry: Entry | None, row: FaqEntry | None) -> str:
    return entry.key if entry is not None else entries.display_key(row)  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# buttons
# --------------------------------------------------------------------------


@router.post("/faq/teach")
async def _teach(request: Request) -> Response:
    """A new entry: the question as asked, the answer typed (/问答 添加)."""
    c = await _editor(request)
    if isinstance(c, Response):
        return c
    group = _asked_in(c.config, c.scope, c.form.get("group", ""))
    questions = split_questions(c.form.get("question", ""))
    answer = c.form.get("answer", "").strip()
    if not questions or not answer:
        text = t(c.locale, "console.faq_page.need_answer")
    else:
        actor = _actor(c.session, group)
        try:
            key = await faq.add(section(c.config, group), actor, questions, answer)
            text = t(c.locale, "faq.added", key=key, question=questions[0])
        except FaqError as exc:
            text = t(c.locale, exc.key, **exc.values)
    await leave_flash(c.session, text)
    return RedirectResponse(HERE, status_code=303)


@router.post("/faq/attach")
async def _attach(request: Request) -> Response:
    """The question as another phrasing of an entry the session sees."""
    c = await _editor(request)
    if isinstance(c, Response):
        return c
    key = c.form.get("key", "").strip()
    found = await find_entry(c.config, c.scope, key)
    entry = found[0] if found else None
    question = " ".join(c.form.get("question", "").split())
    if entry is None:  # typed: not a live entry the session sees
        text = t(c.locale, "faq.not_found", key=key)
    elif not question:
        text = t(c.locale, "console.faq_page.need_question")
    elif entry.mode == "regex":
        text = t(c.locale, "console.faq_page.regex", key=entry.key)
    else:
        text = await _add_phrasing(c, entry, question)
    await leave_flash(c.session, text)
    return RedirectResponse(HERE, status_code=303)


async def _add_phrasing(c: Call, entry: Entry, question: str) -> str:
    """``entries.change(questions=…)`` as the CSV import does, then what
    ``faq.edit`` does after a change: reload the index, write the audit log."""
    group = _asked_in(c.config, c.scope, c.form.get("group", ""))
    faq_section = section(c.config)
    other = await entries.duplicate_of([question], faq_section)
    if other is not None:  # this entry's already, or another's
        return t(c.locale, "faq.duplicate", key=other)
    questions = [*entry.questions, question]
    actor = _actor(c.session, group)
    try:
        await entries.change(entry.key, faq_section, actor, questions=questions)
    except FaqError as exc:
        return t(c.locale, exc.key, **exc.values)
    faq.invalidate()
    await audit(
        c.session.user,
        "faq.edit",
        group=group,
        target=entry.key,
        questions=questions,
        via="console",
    )
    return t(c.locale, "console.faq_page.attached", key=entry.key, question=question)


@router.post("/faq/entries/{key}/undo")
async def _undo(key: str, request: Request) -> Response:
    """The entry's last change undone (/问答 撤销)."""
    c = await _editor(request)
    if isinstance(c, Response):
        return c
    found = await find_entry(c.config, c.scope, key)
    if found is None:
        return problem("console.problem.not_found", 404, c.locale)
    shown = _key(*found)
    try:
        change = await faq.undo(section(c.config), _actor(c.session), shown)
        action = t(c.locale, f"faq.action.{change.action}")
        text = t(c.locale, "faq.undone", key=shown, action=action)
    except FaqError as exc:
        text = t(c.locale, exc.key, **exc.values)
    await leave_flash(c.session, text)
    return RedirectResponse(f"{HERE}/entries/{shown}", status_code=303)
