"""The learned signal: the classifier, its counts in the database, the
confidence gate, and the admins' /举报 and /误判 through NoneBot.

The replies are NapCat's (see tests/rules/test_reply_target.py for the source
files read): a ``reply`` segment with the quoted id, which
nonebot-adapter-onebot resolves with ``get_msg``."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from nonebug import App

from tests.helpers import group_message, routed, router, v11_bot
from tests.rules.test_reply_target import _napcat_get_msg, _napcat_reply

_users = itertools.count(48100)
_estates = itertools.count(1)

AD_TEXT = "油烟机深度清洗今天特价，3栋王师傅，需要的私聊"


@pytest.fixture(autouse=True)
def _fresh_models() -> Iterator[None]:
    from plugins.rules import learning

    learning.forget_all()
    yield
    learning.forget_all()


async def _next_case_id() -> int:
    from plugins.rules.models import Case

    last = await Case.all().order_by("-id").first()
    return (last.id if last else 0) + 1


# -- the classifier ----------------------------------------------------------


def test_grams_are_of_the_compacted_text_with_digits_folded() -> None:
    from plugins.rules.detectors.learned import grams

    assert grams("加 V：１３８") == grams("加v138") == grams("加v999")
    assert {"加", "加v", "加v0", "v00"} <= grams("加v138")


def test_teaching_moves_the_guess_and_forgetting_undoes_it() -> None:
    from plugins.rules.detectors.learned import AD, OK, NaiveBayes

    model = NaiveBayes()
    assert model.guess("随便什么").probability == 0.5  # knows nothing yet
    model.teach("专业疏通下水道，上门服务，电话联系", AD, by_admin=True)
    model.teach("今天电梯又停了，我家在十五楼", OK, by_admin=True)
    ad = model.guess("疏通下水道上门服务")
    ordinary = model.guess("电梯又停了吗")
    assert ad.probability > 0.9 > 0.1 > ordinary.probability
    assert model.taught == {AD: 1, OK: 1}
    counts = {label: dict(c) for label, c in model.counts.items()}
    model.teach("疏通下水道特价", AD, by_admin=True)
    model.forget("疏通下水道特价", AD, by_admin=True)
    assert {label: dict(c) for label, c in model.counts.items()} == counts
    assert model.guess("疏通下水道上门服务") == ad


def test_the_seeds_are_not_taught_by_admins() -> None:
    from plugins.rules import learning, learning_seeds

    model = learning.seeded()
    assert model.examples[learning.AD] == len(learning_seeds.ADS) >= 20
    assert model.examples[learning.OK] == len(learning_seeds.ORDINARY) >= 20
    assert not model.ready(1) and model.ready(0)
    assert model.guess("专业开锁，上门快速，电话预约").probability > 0.8
    assert model.guess("请问物业几点下班").probability < 0.2


async def test_what_was_taught_survives_a_reload() -> None:
    from plugins.rules import learning
    from plugins.rules.models import LearnedGram

    estate = f"test-{next(_estates)}"
    first = await learning.teach(
        "高价回收烟酒，上门现金结算", "ad", actor="qq:500", estate=estate
    )
    assert first is not None and first.new and (first.ads, first.ordinary) == (1, 0)
    await learning.teach("回收站几点开门", "ok", actor="qq:500", estate=estate)
    before = learning.current(estate)
    guess = before.guess("回收烟酒上门")
    assert await LearnedGram.filter(estate=estate, label="ad", gram="回收").count()
    learning.forget_all()
    assert learning.current(estate).taught["ad"] == 0  # the seeds alone
    after = await learning.load(estate)
    assert after is learning.current(estate)
    assert after.taught == before.taught
    assert {k: dict(v) for k, v in after.counts.items()} == {
        k: dict(v) for k, v in before.counts.items()
    }
    assert after.guess("回收烟酒上门") == guess
    assert await learning.teach("，。！", "ad", actor="qq:500", estate=estate) is None


async def test_a_case_taught_the_other_way_is_forgotten_first() -> None:
    from tortoise import timezone

    from plugins.rules import learning
    from plugins.rules.models import Case, LearnedExample, LearnedGram

    estate = f"test-{next(_estates)}"
    case = await Case.create(
        group="qq:1000",
        user="qq:9",
        rule="ads",
        text="团购水果今晚下单",
        at=timezone.now(),
    )
    await learning.teach(case.text, "ad", actor="qq:500", case=case, estate=estate)
    again = await learning.teach(
        case.text, "ad", actor="qq:500", case=case, estate=estate
    )
    assert again is not None and not again.new and again.ads == 1
    turned = await learning.teach(
        case.text, "ok", actor="qq:500", case=case, estate=estate
    )
    assert turned is not None and (turned.ads, turned.ordinary) == (0, 1)
    assert not await LearnedGram.filter(estate=estate, label="ad").exists()
    assert await LearnedExample.filter(estate=estate).count() == 1
    await learning.load(estate)
    assert learning.current(estate).taught == {"ad": 0, "ok": 1}


# -- the confidence gate -------------------------------------------------------

GATED = "家电清洗特价，需要的私聊我"  # promo + cta: 3 points, below act (3.5)


def _ad_hits(cfg, model):
    from plugins.rules.detectors import Engine

    return [h for h in Engine(cfg).content(GATED, (), model=model) if h.rule == "ads"]


def test_the_confidence_gate() -> None:
    """Not taught enough by admins: a report at most. Taught enough and sure:
    the signal acts. Not sure of the message: no opinion at all."""
    from plugins.rules import learning
    from plugins.rules.config import RulesConfig

    model = learning.seeded()  # no admin has taught anything yet
    assert model.guess(GATED).probability >= RulesConfig().learning.confidence
    assert _ad_hits(RulesConfig(), None) == []  # the words alone: nothing
    (hit,) = _ad_hits(RulesConfig(), model)
    assert hit.report and "learned p=" in hit.detail
    assert any(c.signal == "learned" for c in hit.verdict.contributions)
    # taught enough, and sure: the signal acts
    ready = RulesConfig(learning={"min_examples": 0})
    (hit,) = _ad_hits(ready, model)
    assert not hit.report and hit.verdict.level == "act"
    # taught enough, but not that sure of this message: no opinion
    unsure = RulesConfig(learning={"min_examples": 0, "confidence": 0.999})
    assert _ad_hits(unsure, model) == []
    # switched off: nothing
    off = RulesConfig(learning={"enabled": False, "min_examples": 0})
    assert _ad_hits(off, model) == []


def test_the_signal_never_acts_alone_on_ordinary_words() -> None:
    """Without the business language or link an ad needs, a contact and the
    learned signal are a report at most (a neighbour's number is no ad)."""
    from plugins.rules import learning
    from plugins.rules.config import RulesConfig
    from plugins.rules.detectors import Engine

    model = learning.seeded()
    engine = Engine(RulesConfig(learning={"min_examples": 0}))
    for text in ("请问物业几点下班", "谁家的快递放错了，放在我门口了"):
        assert engine.content(text, (), model=model) == []


# -- /举报 and /误判 through NoneBot ------------------------------------------


async def test_report_recalls_warns_and_teaches(app: App, outbox) -> None:
    from nonebot.adapters.onebot.v11.bot import _check_reply

    from plugins.core import t
    from plugins.rules import learning
    from plugins.rules.models import Case, LearnedExample

    member = next(_users)
    model = learning.current()
    ads_before = model.taught["ad"]
    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        case = await _next_case_id()
        event = _napcat_reply("/举报", 5201, role="admin", card="物业 王")
        ctx.should_call_api(
            "get_msg", {"message_id": 5201}, _napcat_get_msg(5201, member, AD_TEXT)
        )
        await _check_reply(bot, event)
        ctx.receive_event(bot, event)
        ctx.should_call_api("delete_msg", {"message_id": 5201}, result=None)
        notice = t(
            "zh-CN", "rules.notice.warn", name=str(member),
            reason=t("zh-CN", "rules.reason.reported"), count=1, case=case,
            window="30天",
        )  # fmt: skip
        learnt = t(
            "zh-CN", "rules.cmd.learnt_ad", ads=ads_before + 1,
            ordinary=model.taught["ok"],
        )  # fmt: skip
        ctx.should_call_send(event, f"{notice}\n{learnt}", result=None)
        ctx.should_finished(router())
    recorded = await Case.get(id=case)
    assert (recorded.rule, recorded.user, recorded.actor) == (
        "ads",
        f"qq:{member}",
        f"qq:{event.user_id}",
    )
    assert recorded.text == AD_TEXT and recorded.recalled
    assert "物业 王" in recorded.detail
    assert await LearnedExample.filter(case_id=case, label="ad").exists()
    assert learning.current().taught["ad"] == ads_before + 1
    staff = outbox.to("qq:2000")
    assert staff and f"#{case}" in staff[-1]

    # /误判: pardoned as /撤销 would, and taught the other way round
    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        event = group_message(f"/误判 {case}", role="admin")
        ctx.receive_event(bot, event)
        pardoned = t("zh-CN", "rules.cmd.pardoned", case=case, count=1)
        learnt = t(
            "zh-CN", "rules.cmd.learnt_ok", ads=ads_before,
            ordinary=model.taught["ok"] + 1,
        )  # fmt: skip
        ctx.should_call_send(event, f"{pardoned}\n{learnt}", result=None)
        ctx.should_finished(router())
    assert await LearnedExample.filter(case_id=case, label="ok").exists()
    assert not await LearnedExample.filter(case_id=case, label="ad").exists()
    assert (await Case.get(id=case)).pardoned_at is not None


async def test_pardon_teaches_nothing(app: App, outbox) -> None:
    from tortoise import timezone

    from plugins.core import t
    from plugins.rules import learning
    from plugins.rules.models import Case, LearnedExample

    case = await Case.create(
        group="qq:1000", user=f"qq:{next(_users)}", rule="ads", text=AD_TEXT,
        at=timezone.now(), action="warn",
    )  # fmt: skip
    taught = dict(learning.current().taught)
    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        event = group_message(f"/撤销 {case.id}", role="admin")
        ctx.receive_event(bot, event)
        text = t("zh-CN", "rules.cmd.pardoned", case=case.id, count=0)
        ctx.should_call_send(event, text, result=None)
        ctx.should_finished(router())
    assert not await LearnedExample.filter(case_id=case.id).exists()
    assert dict(learning.current().taught) == taught


async def test_malformed_and_refused(app: App, outbox) -> None:
    from plugins.core import t

    denied = t("zh-CN", "core.denied", role=t("zh-CN", "core.role.admin"))
    cases = [
        ("/举报", "admin", t("zh-CN", "rules.cmd.usage.report")),  # not a reply
        ("/广告", "member", denied),
        ("/误判", "admin", t("zh-CN", "rules.cmd.usage.misjudged")),
        ("/误判 12", "member", denied),
        (
            "/误判 999999999",
            "admin",
            t("zh-CN", "rules.cmd.pardon_unknown", case=999999999),
        ),
    ]
    for text, role, answer in cases:
        async with routed(app, "rules") as ctx:
            bot = v11_bot(ctx)
            event = group_message(text, user=4301, role=role)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, answer, result=None)
            ctx.should_finished(router())
