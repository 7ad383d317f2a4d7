"""faq's logic, without NoneBot: how to react to a message (answer, point to an
earlier answer, suggest, hint at /报修), what admins change, and the questions
nobody could answer.

Short-lived state (cooldowns, per-member throttle, pending suggestions) is kept
in memory per process; entries and history are in the database.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

from nonebot import logger
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from plugins.core import audit, compact, t

from . import entries
from .config import FaqConfig
from .entries import Actor, FaqError
from .matcher import Entry, Index, Match, Stripper, looks_like_question
from .models import FaqChange, FaqPick, FaqUnanswered
from .words import conflict, named

ReplyKind = Literal["answer", "pointer", "suggest", "fault", "unknown"]
_PHONE = re.compile(r"\d{7,}")
_VARIABLES = re.compile(r"\{(group_name|today|weekday|now)\}")
_CN_NUMBERS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
               "七": 7, "八": 8, "九": 9}  # fmt: skip
_WEEKDAYS_ZH = "一二三四五六日"
SUGGEST_MARGIN = 0.15  # suggestions far below the best one are noise


@dataclass(frozen=True)
class Asked:
    """A message that might be a question, in linli's terms."""

    text: str
    user: str
    group: str | None
    tags: tuple[str, ...] = ()
    name: str = ""  # the member's display name (the history of a learnt question)
    group_name: str = ""
    to_me: bool = False
    locale: str = "zh-CN"
    timezone: str = "Asia/Shanghai"


@dataclass(frozen=True)
class Reply:
    kind: ReplyKind
    entry: Entry | None = None
    text: str = ""  # the answer with its variables filled, or the fault hint
    choices: tuple[Entry, ...] = ()
    reply_to: str | None = None  # pointer: our earlier answer's message id
    score: float = 0.0


def mask(text: str) -> str:
    """Phone and ID numbers never appear in full: 138****5678."""
    return _PHONE.sub(lambda m: m[0][:3] + "*" * (len(m[0]) - 5) + m[0][-2:], text)


@lru_cache(maxsize=32)
def _stripper(words: tuple[str, ...]) -> Stripper:
    return Stripper(words)


def strip_fillers(whole: str, words: Sequence[str]) -> str:
    """``whole`` (compact) without filler words such as 请问 你好 谢谢."""
    return _stripper(tuple(words))(whole)


def phrasing_key(text: str, section: FaqConfig) -> str:
    """A phrasing as faq compares questions: compact, fillers dropped."""
    whole = compact(text)
    return strip_fillers(whole, section.ignore_words) or whole


def parse_choice(whole: str) -> int | None:
    """``1`` ``１`` ``第2个`` ``三`` → the number of a suggestion."""
    text = whole.removeprefix("第").removesuffix("个").removesuffix("条")
    if text.isascii() and text.isdigit() and len(text) == 1:
        return int(text)
    return _CN_NUMBERS.get(text)


def render_answer(answer: str, *, group_name: str, locale: str, now: datetime) -> str:
    """Fill ``{group_name}`` ``{today}`` ``{weekday}`` ``{now}``; nothing else."""
    if locale == "en":
        values = {
            "today": f"{now:%b} {now.day}",
            "weekday": f"{now:%A}",
        }
    else:
        values = {
            "today": f"{now.month}月{now.day}日",
            "weekday": "星期" + _WEEKDAYS_ZH[now.weekday()],
        }
    values["now"] = f"{now:%H:%M}"
    values["group_name"] = group_name
    return _VARIABLES.sub(lambda m: values[m[1]], answer).strip()


@dataclass
class Memory:
    """Per-process, short-lived: cooldowns, throttles and pending suggestions."""

    clock: Callable[[], float] = time.monotonic
    answered: dict[tuple[str | None, str], tuple[float, str | None]] = field(
        default_factory=dict
    )
    pointed: dict[tuple[str | None, str], float] = field(default_factory=dict)
    replies: dict[str, deque[float]] = field(default_factory=dict)
    # (group, member) -> (expires, the choices offered, the question asked)
    pending: dict[tuple[str | None, str], tuple[float, tuple[Entry, ...], str]] = field(
        default_factory=dict
    )
    hinted: dict[tuple[str | None, str], float] = field(default_factory=dict)

    def allow(self, user: str, limit: int, window: float) -> bool:
        """Count one reply to ``user`` unless they had ``limit`` within ``window``."""
        now = self.clock()
        sent = self.replies.setdefault(user, deque())
        while sent and now - sent[0] >= window:
            sent.popleft()
        if len(sent) >= limit:
            return False
        sent.append(now)
        return True

    def prune(self, horizon: float) -> None:
        now = self.clock()
        for table in (self.answered, self.pointed, self.hinted):
            for key in [k for k, v in table.items() if now - _at(v) > horizon]:
                del table[key]
        for key in [k for k, v in self.pending.items() if v[0] < now]:
            del self.pending[key]
        for key in [
            k for k, v in self.replies.items() if not v or now - v[-1] > horizon
        ]:
            del self.replies[key]


def _at(value: float | tuple[float, str | None]) -> float:
    return value[0] if isinstance(value, tuple) else value


UNANSWERED_FLUSH_SECONDS = 5.0


class Faq:
    def __init__(self, memory: Memory | None = None) -> None:
        self.memory = memory or Memory()
        self._rows: list | None = None
        self._revision = -1
        self._checked = float("-inf")
        self._refreshing = asyncio.Lock()
        self._indexes: dict[int, tuple[FaqConfig, int, Index]] = {}
        self._calls = 0
        # unanswered questions counted in memory, written in one transaction
        # every UNANSWERED_FLUSH_SECONDS (not one write per chat message)
        self._unanswered: dict[tuple[str, str], tuple[int, str, datetime]] = {}
        self._flush: asyncio.TimerHandle | None = None
        self._flushing: asyncio.Task | None = None

    # -- entries and their index -------------------------------------------

    def invalidate(self) -> None:
        """Entries changed in this process: reload them at the next message."""
        self._rows = None

    def forget_indexes(self) -> None:
        """The config was reloaded: build the indexes again from the new one."""
        self._indexes.clear()

    def _stale(self, now: float, section: FaqConfig) -> bool:
        return self._rows is None or now - self._checked >= section.refresh_seconds

    async def index_for(self, section: FaqConfig) -> Index:
        now = self.memory.clock()
        if self._stale(now, section):
            # one look at the database for all the messages arriving meanwhile
            async with self._refreshing:
                if self._stale(now, section):
                    latest = await entries.revision()
                    if self._rows is None or latest != self._revision:
                        self._rows = await entries.load_rows()
                        self._revision = latest
                    self._checked = now
        cached = self._indexes.get(id(section))
        if cached and cached[0] is section and cached[1] == self._revision:
            return cached[2]
        index = Index(
            entries.effective_entries(section, self._rows),
            ignore_words=section.ignore_words,
            statement_penalty=section.statement_penalty,
            synonyms=section.synonyms,
            words=section.words,
        )
        self._indexes[id(section)] = (section, self._revision, index)
        return index

    # -- one message ----------------------------------------------------------

    async def respond(
        self, section: FaqConfig, asked: Asked, now: datetime | None = None
    ) -> Reply | None:
        """How to react to ``asked``; None means stay silent."""
        text = asked.text.strip()
        if not text or len(text) > section.max_length:
            return None
        whole = compact(text)
        if not whole:
            return None
        now = now or datetime.now(ZoneInfo(asked.timezone))
        self._calls += 1
        if self._calls % 1000 == 0:
            self.memory.prune(max(section.cooldown_seconds, 3600))

        chosen = self._chosen(asked, whole)
        if chosen is not None:
            entry, phrasing = chosen
            await self.learn_from_pick(section, asked, phrasing, entry)
            if not self._allow(section, asked):
                return None
            return self._answer(entry, asked, now, 1.0)

        meaningful = bool(strip_fillers(whole, section.ignore_words))
        question_like = meaningful and (
            asked.to_me or looks_like_question(text, section.question_words)
        )
        index = await self.index_for(section)
        matches = index.match(
            text,
            question_like=question_like,
            group=asked.group,
            tags=asked.tags,
            minute=now.hour * 60 + now.minute,
            limit=section.suggest_count,
        )
        best = matches[0] if matches else None
        # never answered directly with an entry about another building, unit,
        # room or place (5栋 asked, the 3栋 entry found): suggested at most
        direct = next((m for m in matches if not m.conflict), None)
        if direct is not None and direct.score >= section.answer_threshold:
            return self._answer_or_cooldown(section, direct, asked, now)
        if (
            question_like
            and best is not None
            and best.score >= section.suggest_threshold
        ):
            return self._suggest(section, matches, asked)

        if question_like and section.record_unanswered:
            self.record_unanswered(asked.group, text, section)
        if meaningful and any(
            (word := compact(w)) and word in whole for w in section.fault_words
        ):
            key = (asked.group, asked.user)
            last = self.memory.hinted.get(key)
            clock = self.memory.clock()
            if last is not None and clock - last < section.fault_hint_cooldown_seconds:
                return None
            if not self._allow(section, asked):
                return None
            self.memory.hinted[key] = clock
            return Reply("fault", text=section.fault_hint.strip())
        if asked.to_me and meaningful and section.unknown_reply:
            return Reply("unknown") if self._allow(section, asked) else None
        return None

    def note_sent(
        self, group: str | None, entry: Entry, message_id: str | None
    ) -> None:
        """Remember our answer's message id, for the pointer of the cooldown."""
        key = (group, entry.key)
        found = self.memory.answered.get(key)
        if found is not None and message_id is not None:
            self.memory.answered[key] = (found[0], message_id)

    def _allow(self, section: FaqConfig, asked: Asked) -> bool:
        return self.memory.allow(
            asked.user, section.user_limit, section.user_window_seconds
        )

    def _chosen(self, asked: Asked, whole: str) -> tuple[Entry, str] | None:
        """The entry a number reply picks, and the question it was offered for."""
        key = (asked.group, asked.user)
        pending = self.memory.pending.get(key)
        if pending is None:
            return None
        expires, choices, phrasing = pending
        if self.memory.clock() > expires:
            del self.memory.pending[key]
            return None
        number = parse_choice(whole)
        if number is None or not 1 <= number <= len(choices):
            return None
        del self.memory.pending[key]
        return choices[number - 1], phrasing

    def _answer(self, entry: Entry, asked: Asked, now: datetime, score: float) -> Reply:
        self.memory.answered[(asked.group, entry.key)] = (self.memory.clock(), None)
        text = render_answer(
            entry.answer, group_name=asked.group_name, locale=asked.locale, now=now
        )
        return Reply("answer", entry=entry, text=text, score=score)

    def _answer_or_cooldown(
        self, section: FaqConfig, best: Match, asked: Asked, now: datetime
    ) -> Reply | None:
        key = (asked.group, best.entry.key)
        last = self.memory.answered.get(key)
        clock = self.memory.clock()
        if (
            asked.group is not None
            and last is not None
            and clock - last[0] < section.cooldown_seconds
        ):
            pointed = self.memory.pointed.get(key)
            if section.cooldown_reply == "silent" or (
                pointed is not None and pointed >= last[0]
            ):
                return None  # one pointer per answer is enough
            if not self._allow(section, asked):
                return None
            self.memory.pointed[key] = clock
            return Reply(
                "pointer", entry=best.entry, reply_to=last[1], score=best.score
            )
        if not self._allow(section, asked):
            return None
        return self._answer(best.entry, asked, now, best.score)

    def _suggest(
        self, section: FaqConfig, matches: list[Match], asked: Asked
    ) -> Reply | None:
        floor = max(section.suggest_threshold, matches[0].score - SUGGEST_MARGIN)
        choices = tuple(m.entry for m in matches if m.score >= floor)[
            : section.suggest_count
        ]
        if not self._allow(section, asked):
            return None
        expires = self.memory.clock() + section.suggest_expire_seconds
        self.memory.pending[(asked.group, asked.user)] = (expires, choices, asked.text)
        return Reply("suggest", choices=choices, score=matches[0].score)

    # -- learning from residents' picks -----------------------------------------

    async def learn_from_pick(
        self, section: FaqConfig, asked: Asked, phrasing: str, entry: Entry
    ) -> bool:
        """Note that ``asked.user`` picked ``entry`` for ``phrasing``; once
        ``learn_after_picks`` different members did, the phrasing becomes a
        question of the entry. True when it was learnt now. A failure is
        logged, never in the way of the answer."""
        try:
            return await self._learn_from_pick(section, asked, phrasing, entry)
        except Exception:
            logger.exception("faq: could not learn from a pick")
            return False

    async def _learn_from_pick(
        self, section: FaqConfig, asked: Asked, phrasing: str, entry: Entry
    ) -> bool:
        needed = section.learn_after_picks
        if not needed or entry.mode == "regex":  # regex questions are patterns
            return False
        key = phrasing_key(phrasing, section)
        sample = " ".join(phrasing.split())
        if not key or len(key) > 191 or len(sample) > 255 or _PHONE.search(key):
            return False  # phone numbers are not kept
        if not await self._may_learn(section, phrasing, entry):
            return False
        try:
            await FaqPick.create(
                key=key,
                sample=sample,
                entry_key=entry.key,
                user=asked.user,
                name=asked.name[:255],
                group=asked.group,
            )
        except IntegrityError:
            return False  # this member picked it before: counted once
        picks = FaqPick.filter(key=key, entry_key=entry.key)
        if await picks.filter(learnt=True).exists():
            return False  # learnt before (and undone by an admin: not again)
        if await picks.count() < needed:
            return False
        rows = await picks.order_by("id")
        if not await picks.filter(learnt=False).update(learnt=True):
            return False  # another process learnt it at the same moment
        # the shortest way it was asked: the fewest fillers
        question = min((r.sample for r in rows), key=lambda s: (len(s), s))
        names = [r.name or r.user for r in rows][:5]
        actor = Actor(
            user=asked.user,
            name=t(asked.locale, "faq.separator").join(names),
            group=asked.group,
        )
        try:
            await self.add_question(section, actor, entry.key, question, "learn")
        except FaqError as exc:  # the entry was deleted, or has it already
            logger.info(f"faq: {question!r} not learnt for {entry.key}: {exc.key}")
            return False
        logger.info(f"faq: learnt {question!r} for {entry.key} from {len(rows)} picks")
        return True

    async def _may_learn(self, section: FaqConfig, phrasing: str, entry: Entry) -> bool:
        """Not when the phrasing names a building, unit, room, number or place
        that the entry does not (5栋 against a 3栋 entry; a 5栋 phrasing would
        also make a general entry a 5栋 one), nor when it is already a question."""
        index = await self.index_for(section)
        terms = index.analyzer.terms
        mine = named(terms(phrasing))
        theirs = named(w for q in entry.questions for w in terms(q))
        if conflict(mine, theirs):
            return False
        if any(not w <= theirs.get(kind, frozenset()) for kind, w in mine.items()):
            return False
        key = phrasing_key(phrasing, section)
        return all(phrasing_key(q, section) != key for q in entry.questions)

    async def add_question(
        self,
        section: FaqConfig,
        actor: Actor,
        key: str,
        question: str,
        action: str = "attach",
    ) -> str:
        """Another question of entry ``key`` (its history, undoable); returns
        the 编号 as shown."""
        row = await entries.add_question(key, question, section, actor, action=action)
        self.invalidate()
        shown = entries.display_key(row)
        await audit(
            actor.user,
            f"faq.{action}",
            group=actor.group,
            target=shown,
            question=question,
        )
        return shown

    async def attach(
        self,
        section: FaqConfig,
        actor: Actor,
        number: int,
        key: str,
        *,
        group: str | None,
    ) -> tuple[str, str]:
        """/问答 归入: unanswered question ``number`` (as ``/问答 未答`` lists
        them for ``group``) becomes a question of entry ``key``. Returns (the
        编号, the question)."""
        found = await self.unanswered(section, group=group)
        if not 1 <= number <= len(found):
            raise FaqError("faq.attach.missing", n=number)
        question = found[number - 1][0]
        return await self.add_question(section, actor, key, question), question

    # -- questions nobody answered --------------------------------------------

    def record_unanswered(
        self, group: str | None, text: str, section: FaqConfig
    ) -> None:
        """Count a question nobody answered (written within a few seconds)."""
        key = mask(phrasing_key(text, section))[:191]
        sample = mask(" ".join(text.split()))[:255]
        where = (group or "", key)
        count = self._unanswered.get(where, (0, "", None))[0]
        self._unanswered[where] = (count + 1, sample, datetime.now(ZoneInfo("UTC")))
        if self._flush is None:
            loop = asyncio.get_running_loop()
            self._flush = loop.call_later(UNANSWERED_FLUSH_SECONDS, self._start_flush)

    def _start_flush(self) -> None:
        self._flush = None
        self._flushing = asyncio.create_task(self.flush_unanswered())

    async def flush_unanswered(self) -> None:
        """Write the counted questions (at shutdown, before a listing, on a timer)."""
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        pending, self._unanswered = self._unanswered, {}
        if not pending:
            return
        # one short statement at a time, not one long transaction: the
        # residents' commands share the database connection meanwhile
        for where_key, (count, sample, now) in pending.items():
            try:
                await self._add_unanswered(*where_key, count, sample, now)
            except Exception:
                logger.exception("faq: could not write an unanswered question")
                old = self._unanswered.get(where_key, (0, sample, now))[0]
                self._unanswered[where_key] = (old + count, sample, now)  # kept

    @staticmethod
    async def _add_unanswered(
        where: str, key: str, count: int, sample: str, now: datetime
    ) -> None:
        query = FaqUnanswered.filter(group=where, key=key)
        if await query.update(count=F("count") + count, last_at=now, sample=sample):
            return
        try:
            await FaqUnanswered.create(
                group=where, key=key, sample=sample, count=count, last_at=now
            )
        except IntegrityError:  # counted by another process at the same moment
            await query.update(count=F("count") + count, last_at=now, sample=sample)

    async def unanswered(
        self, section: FaqConfig, *, group: str | None, limit: int = 10
    ) -> list[tuple[str, int, list[str]]]:
        """The most asked unanswered questions: (sample, count, groups).

        ``group`` None means every group. Questions that an entry now answers
        are left out.
        """
        await self.flush_unanswered()
        since = datetime.now(ZoneInfo("UTC")) - timedelta(days=section.unanswered_days)
        query = FaqUnanswered.filter(last_at__gte=since)
        if group is not None:
            query = query.filter(group=group)
        rows = await query.order_by("-count", "-last_at").limit(500)
        merged: dict[str, list] = {}
        for row in rows:
            found = merged.setdefault(row.key, [row.sample, 0, [], row.last_at])
            found[1] += row.count
            if row.group and row.group not in found[2]:
                found[2].append(row.group)
            if row.last_at > found[3]:
                found[0], found[3] = row.sample, row.last_at
        index = await self.index_for(section)
        out = []
        for sample, count, groups, _ in sorted(merged.values(), key=lambda v: -v[1]):
            found = index.match(sample, question_like=True, group=group, limit=3)
            if any(
                m.score >= section.answer_threshold and not m.conflict for m in found
            ):
                continue  # answered now
            out.append((sample, count, groups))
            if len(out) >= limit:
                break
        return out

    # -- what admins change ---------------------------------------------------

    async def add(
        self,
        section: FaqConfig,
        actor: Actor,
        questions: list[str],
        answer: str,
    ) -> str:
        """Teach an entry; returns its 编号."""
        answer = answer.strip()
        if not questions or not answer:
            raise FaqError("faq.usage.add")
        duplicate = await entries.duplicate_of(questions, section)
        if duplicate is not None:
            raise FaqError("faq.duplicate", key=duplicate)
        groups = (
            [actor.group] if section.taught_scope == "group" and actor.group else []
        )
        row = await entries.add(questions, answer, actor, groups=groups)
        self.invalidate()
        await audit(
            actor.user,
            "faq.add",
            group=actor.group,
            target=str(row.id),
            questions=questions,
            answer=answer,
        )
        return str(row.id)

    async def edit(
        self, section: FaqConfig, actor: Actor, key: str, answer: str
    ) -> str:
        answer = answer.strip()
        if not answer:
            raise FaqError("faq.usage.edit")
        row = await entries.change(key, section, actor, answer=answer)
        self.invalidate()
        shown = entries.display_key(row)
        await audit(
            actor.user, "faq.edit", group=actor.group, target=shown, answer=answer
        )
        return shown

    async def delete(self, section: FaqConfig, actor: Actor, key: str) -> str:
        row = await entries.change(key, section, actor, action="delete", deleted=True)
        self.invalidate()
        shown = entries.display_key(row)
        await audit(actor.user, "faq.delete", group=actor.group, target=shown)
        return shown

    async def undo(self, section: FaqConfig, actor: Actor, key: str) -> FaqChange:
        change = await entries.undo(key, section, actor)
        self.invalidate()
        await audit(
            actor.user,
            "faq.undo",
            group=actor.group,
            target=key,
            undone=change.id,
            undone_action=change.action,
        )
        return change

    async def listing(
        self,
        section: FaqConfig,
        *,
        group: str | None,
        tags: tuple[str, ...] = (),
        keyword: str = "",
    ) -> list[Entry]:
        """Live entries (of ``group``, or all when None), filtered by a keyword."""
        index = await self.index_for(section)
        wanted = compact(keyword)
        out = []
        for entry in index.entries:
            if group is not None and not entry.in_scope(group, tags):
                continue
            if wanted:
                haystack = compact(
                    " ".join(
                        [*entry.questions, *entry.keywords, entry.answer, entry.key]
                    )
                )
                if wanted not in haystack:
                    continue
            out.append(entry)
        return out


faq = Faq()
