"""The guard: every group message, before anything else (priority 1).

Cheap first: messages of the bot itself, of staff groups, of admins by the
platform or the YAML, and of whitelisted members are never judged. Then the
detectors (no database). Only when one fires is the sender's full role looked
up, and only then does anything touch the database.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from nonebot import logger

from adapters import EventInfo, Port
from plugins.core import LinliConfig, Role, store
from plugins.core.tasks import Tasks

from . import learning, qr, service
from .config import RulesConfig
from .detectors import Engine, Hit, word_lists
from .detectors.flood import FloodTracker
from .detectors.quiet_hours import QuietReminders
from .detectors.raid import RaidTracker
from .detectors.words import WordMatcher

# images checked for QR codes at once (each is a download and a decode in a
# thread; the machine has few cores and the message path comes first)
QR_CONCURRENCY = 2


class Guard:
    def __init__(self) -> None:
        self.flood = FloodTracker()
        self.quiet = QuietReminders()
        self.raid = RaidTracker()
        self._engines: dict[int, tuple[RulesConfig, Engine]] = {}
        self._matchers: dict[tuple[Any, ...], WordMatcher] = {}
        self._zones: dict[str, ZoneInfo] = {}
        self._pending = Tasks("rules.qr")
        self._qr_slots: asyncio.Semaphore | None = None

    # -- compiled detectors, per configuration --------------------------------

    def engine(self, cfg: RulesConfig, base: Path | None = None) -> Engine:
        cached = self._engines.get(id(cfg))
        if cached is not None and cached[0] is cfg:
            return cached[1]
        key = (
            cfg.words.wildcard_gap,
            *(
                (s.enabled, tuple(s.words), tuple(s.files))
                for s in (cfg.words, cfg.ads, cfg.fraud)
            ),
        )
        matcher = self._matchers.get(key)
        if matcher is None:
            matcher = WordMatcher(word_lists(cfg, base), gap=cfg.words.wildcard_gap)
            self._matchers[key] = matcher
        engine = Engine(cfg, matcher)
        self._engines[id(cfg)] = (cfg, engine)
        return engine

    def forget(self, config: LinliConfig | None = None) -> None:
        """Drop compiled detectors (the config changed); rebuild for ``config``."""
        self._engines.clear()
        self._matchers.clear()
        self._zones.clear()
        if config is None:
            return
        base = config.path.parent if config.path else None
        try:
            self.engine(config.section("rules"), base)  # type: ignore[arg-type]
            for gid in config.groups:
                self.engine(config.section("rules", gid), base)  # type: ignore[arg-type]
        except Exception:  # a broken word file must not break /reload
            logger.exception("rules: could not compile the word lists")

    def zone(self, name: str) -> ZoneInfo:
        zone = self._zones.get(name)
        if zone is None:
            zone = self._zones[name] = ZoneInfo(name)
        return zone

    def reset(self) -> None:
        """Forget all memory (tests)."""
        self.flood.clear()
        self.quiet.clear()
        self.raid.clear()
        service.notices.clear()

    # -- judging ----------------------------------------------------------------

    def detect(
        self, info: EventInfo, cfg: RulesConfig, config: LinliConfig, now: float
    ) -> tuple[list[Hit], bool]:
        """What the message breaks (no database), and whether raid rules apply."""
        group = info.group or ""
        engine = self.engine(cfg, config.path.parent if config.path else None)
        strict = (
            cfg.raid.enabled
            and self.raid.guarded(group, now)
            and self.raid.new_member(group, info.user, now, cfg.raid.new_member)
        )
        model = learning.current(learning.estate_of(config, group))
        hits = engine.content(
            info.text,
            info.segments,
            strict=strict,
            model=model if cfg.learning.enabled else None,
        )
        if hits:
            return hits, strict
        from tortoise import timezone

        found = engine.behaviour(
            group,
            info.user,
            info.text,
            now=now,
            wall=timezone.now(),
            tz=self.zone(config.core.timezone),
            flood=self.flood,
            quiet=self.quiet,
        )
        return ([found] if found else []), strict

    @staticmethod
    def pick(hits: list[Hit], cfg: RulesConfig) -> Hit:
        """The most serious hit: acting beats dry-run, then more strikes."""

        def weight(hit: Hit) -> tuple[int, int, int, int]:
            det = cfg.detector(hit.rule)
            return (
                0 if hit.report else 1,
                0 if det.dry_run else 1,
                det.strikes,
                0 if det.action == "remind" else 1,
            )

        return max(hits, key=weight)

    async def judge(
        self, info: EventInfo, port: Port, config: LinliConfig, role: Any
    ) -> bool:
        """Judge one group message; True when it was acted on (stop others).

        ``role`` is an async callable giving the sender's Role (asked only when
        a detector fires).
        """
        group = info.group
        if group is None or info.from_self:
            return False
        cfg: RulesConfig = config.section("rules", group)  # type: ignore[assignment]
        if not cfg.enabled or info.sender_role in ("owner", "admin"):
            return False
        if service.exempt_by_config(info.user, group, cfg, config):
            return False
        now = time.monotonic()
        hits, strict = self.detect(info, cfg, config, now)
        if not hits:
            if cfg.qr.enabled and cfg.ads.enabled and "image" in info.kinds:
                job = self._check_images(info, port, config, cfg, role, strict)
                self._pending.spawn(job)
            return False
        if await role() >= Role.STAFF:
            return False
        return await self.act(self.pick(hits, cfg), info, port, config, cfg, strict)

    # -- QR codes in images: after the text, never delaying it -----------------

    async def settle(self) -> None:
        """Wait for the image checks still running (tests, shutdown)."""
        await self._pending.settle()

    async def _check_images(
        self,
        info: EventInfo,
        port: Port,
        config: LinliConfig,
        cfg: RulesConfig,
        role: Any,
        strict: bool,
    ) -> bool:
        """The QR codes in the message's images (QR_CONCURRENCY messages at a
        time); one that is an ad is acted on as a text ad is. Never raises."""
        if self._qr_slots is None:
            self._qr_slots = asyncio.Semaphore(QR_CONCURRENCY)
        try:
            async with self._qr_slots:
                base = config.path.parent if config.path else None
                hit = await qr.scan(info.segments, port, cfg, self.engine(cfg, base))
            if hit is None or await role() >= Role.STAFF:
                return False
            return await self.act(hit, info, port, config, cfg, strict)
        except Exception:
            logger.exception(f"rules.qr: could not check the images in {info.group}")
            return False

    async def act(
        self,
        hit: Hit,
        info: EventInfo,
        port: Port,
        config: LinliConfig,
        cfg: RulesConfig,
        strict: bool,
    ) -> bool:
        """Enforce ``hit`` on the message: recall, case, ladder, notice."""
        group = info.group or ""
        det = cfg.detector(hit.rule)
        offence = service.Offence(
            group=group,
            user=info.user,
            name=info.display_name,
            rule=hit.rule,
            reason=hit.reason,
            detail=hit.detail,
            text=info.text,
            segments=[
                {"type": s.raw_type, "kind": s.kind, "data": s.data}
                for s in info.segments
            ],
            message_id=info.message_id,
            strikes=det.strikes,
            action=det.action,
            dry_run=det.dry_run,
            recall=det.recall or (strict and hit.rule == "ads"),
            raid_new_member=strict,
            report=hit.report,
            scheme=hit.scheme,
        )
        try:
            outcome = await service.enforce(offence, port=port, cfg=cfg, config=config)
        except Exception:
            logger.exception(f"rules: could not act on {asdict(hit)} in {group}")
            return False
        if outcome.notice:
            service.announce(group, outcome.notice, cfg, mention=outcome.mention)
        return outcome.acted


GUARD = Guard()
store.on_change(GUARD.forget)
