"""What admins teach the learned signal, kept in the database and in memory.

The model (detectors/learned.py) is gram counts. Each estate has one: the
hand-written seeds (learning_seeds.py, in memory only) plus what its admins
taught, whose counts are rows of ``rules_learned_gram``. It is loaded once at
start-up; teaching one example updates its rows and the model in memory by the
same counts, so nothing is retrained and the guard never reads the database.

Another linli process on the same database sees what was taught here when it
next starts.
"""

from __future__ import annotations

from dataclasses import dataclass

from nonebot import logger
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from plugins.core import LinliConfig, audit

from . import learning_seeds
from .detectors.learned import AD, LABELS, OK, NaiveBayes, grams
from .models import Case, LearnedExample, LearnedGram

__all__ = ["AD", "ESTATE", "OK", "Taught", "current", "estate_of", "load", "teach"]

# one deployment is one estate today; issue 21 (many estates) changes
# estate_of, and everything else already goes through it
ESTATE = "default"


def estate_of(config: LinliConfig | None, group: str | None) -> str:
    """The estate whose model judges ``group`` (and learns from it)."""
    return ESTATE


def learnable(case: Case) -> bool:
    """A case whose text may be taught: what a member wrote (not masked
    personal data, not an admin's own warning)."""
    return case.rule not in ("personal_data", "manual") and bool(case.text.strip())


_models: dict[str, NaiveBayes] = {}
_CHUNK = 400  # grams per query (SQLite allows 999 parameters in old builds)


def seeded() -> NaiveBayes:
    """A model that knows only the hand-written seeds."""
    model = NaiveBayes()
    for text in learning_seeds.ADS:
        model.teach(text, AD)
    for text in learning_seeds.ORDINARY:
        model.teach(text, OK)
    return model


def current(estate: str = ESTATE) -> NaiveBayes:
    """The estate's model in memory (the seeds alone before :func:`load`)."""
    model = _models.get(estate)
    if model is None:
        model = _models[estate] = seeded()
    return model


async def load(estate: str = ESTATE) -> NaiveBayes:
    """Read what the estate's admins taught: the seeds plus their counts."""
    model = seeded()
    rows = await LearnedGram.filter(estate=estate).values_list("label", "gram", "count")
    for label, gram, count in rows:
        if label in LABELS and count > 0:
            model.merge(label, gram, count)
    for label in LABELS:
        taught = await LearnedExample.filter(estate=estate, label=label).count()
        model.examples[label] += taught
        model.taught[label] += taught
    _models[estate] = model
    logger.info(
        f"rules: learned signal of {estate}: {model.taught[AD]} ads and "
        f"{model.taught[OK]} ordinary messages taught by admins"
    )
    return model


def forget_all() -> None:
    """Drop the models in memory (tests)."""
    _models.clear()


async def _count(estate: str, label: str, found: set[str], delta: int) -> None:
    """Add ``delta`` to the rows of ``found`` (creating the missing ones)."""
    ordered = sorted(found)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        rows = LearnedGram.filter(estate=estate, label=label, gram__in=chunk)
        have = set(await rows.values_list("gram", flat=True))
        if have:
            await LearnedGram.filter(
                estate=estate, label=label, gram__in=sorted(have)
            ).update(count=F("count") + delta)
        if delta > 0 and len(have) < len(chunk):
            await LearnedGram.bulk_create(
                [
                    LearnedGram(estate=estate, label=label, gram=g, count=delta)
                    for g in chunk
                    if g not in have
                ]
            )
    if delta < 0:
        await LearnedGram.filter(estate=estate, label=label, count__lte=0).delete()


@dataclass(frozen=True)
class Taught:
    label: str
    new: bool  # False: this case was already taught so
    ads: int  # examples taught by admins, after this one
    ordinary: int


async def teach(
    text: str,
    label: str,
    *,
    actor: str,
    case: Case | None = None,
    estate: str = ESTATE,
) -> Taught | None:
    """Teach one message; a case taught the other way round before is first
    forgotten. None when the text has nothing to learn from."""
    found = grams(text)
    if not found:
        return None
    model = current(estate)
    forgotten: list[LearnedExample] = []
    async with in_transaction():
        if case is not None:
            earlier = await LearnedExample.filter(estate=estate, case_id=case.id)
            if any(e.label == label for e in earlier):
                return Taught(label, False, model.taught[AD], model.taught[OK])
            for example in earlier:
                await _count(estate, example.label, grams(example.text), -1)
                await example.delete()
                forgotten.append(example)
        await LearnedExample.create(
            estate=estate, label=label, text=text, case=case, actor=actor
        )
        await _count(estate, label, found, 1)
    for example in forgotten:
        model.forget(example.text, example.label, by_admin=True)
    model.add(label, found, by_admin=True)
    await audit(
        actor, "rules.learn", group=case.group if case else None,
        target=case.user if case else None, case=case.id if case else None,
        label=label,
    )  # fmt: skip
    return Taught(label, True, model.taught[AD], model.taught[OK])


async def misjudged(case: Case, *, actor: str, config: LinliConfig) -> Taught | None:
    """``/误判``'s teaching, for any caller that pardons a case because linli
    was wrong (the console could too): its text, as an ordinary message."""
    if not learnable(case):
        return None
    estate = estate_of(config, case.group)
    return await teach(case.text, OK, actor=actor, case=case, estate=estate)
