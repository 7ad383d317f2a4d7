"""Advertising: links (also disguised), whitelisted domains, cards, invitations."""

from __future__ import annotations

import pytest


def _engine(**ads):
    from plugins.rules.config import RulesConfig
    from plugins.rules.detectors import Engine

    return Engine(RulesConfig(ads=ads) if ads else RulesConfig())


def _ad(text: str = "", segments=(), *, scored: bool = False, **kw) -> str | None:
    """The ads hit as ``reason:detail``; by default with the single-rule set
    (``score.enabled: false``: every link counts), which these tests are about."""
    engine = _engine() if scored else _engine(score={"enabled": False})
    hits = [h for h in engine.content(text, segments, **kw) if h.rule == "ads"]
    return hits[0].reason.rsplit(".", 1)[1] + ":" + hits[0].detail if hits else None


@pytest.mark.parametrize(
    ("text", "host"),
    [
        ("看 https://t.cn/A6xYz12", "t.cn"),
        ("http://192.168.1.1/promo", "192.168.1.1"),
        ("www.haohuo888.com 低价", "haohuo888.com"),
        ("haohuo.top", "haohuo.top"),
        ("www点haohuo点com", "haohuo.com"),
        ("www。haohuo。com", "haohuo.com"),
        ("haohuo(.)com", "haohuo.com"),
        ("haohuo[点]cn", "haohuo.cn"),
        ("haohuo dot com", "haohuo.com"),
        ("ＷＷＷ．ＨＡＯＨＵＯ．ＣＯＭ", "haohuo.com"),
        ("w w w . h a o . c o m", "hao.com"),
        ("www. haohuo. com", "haohuo.com"),
        ("t.me/haohuo", "t.me"),
    ],
)
def test_links_are_found_through_disguises(text: str, host: str) -> None:
    from plugins.core import normalize
    from plugins.rules.detectors.ads import links

    assert links(normalize(text)) == [host]
    assert _ad(text) == f"link:{host}"


@pytest.mark.parametrize(
    "text",
    [
        "政策在 http://www.gov.cn/zhengce/ 上",
        "https://hrss.nmg.gov.cn 的说明",
        "邮箱 lizhang@163.com",
        "明天3点半见",
        "下午3点到5点停电",
        "价格 12.5 元",
        "问了AI。AI说要换",
        "Thanks, the plumber fixed it. Me too.",
        "3-2-201 张三",
        "iPhone 15 下载不了",
        "e.g. 这样",
    ],
)
def test_ordinary_text_and_whitelisted_domains_are_not_ads(text: str) -> None:
    assert _ad(text) is None
    assert _ad(text, scored=True) is None


def test_whitelist_covers_subdomains_only() -> None:
    engine = _engine(
        whitelist_domains=["gov.cn", "wuye.example.com"], score={"enabled": False}
    )
    assert engine.content("https://wuye.example.com/pay", ()) == []
    assert engine.content("https://a.wuye.example.com", ()) == []
    hits = engine.content("https://notwuye.example.com", ())
    assert [h.detail for h in hits] == ["notwuye.example.com"]
    hits = engine.content("fakegov.cn", ())
    assert [h.detail for h in hits] == ["fakegov.cn"]


def test_strict_mode_recalls_whitelisted_links_and_cards() -> None:
    assert _ad("http://www.gov.cn", strict=True) == "link:gov.cn"
    from adapters.port import Segment

    card = Segment("card", "json", {"data": '{"prompt":"[QQ小程序]群接龙"}'})
    assert _ad("", (card,)) is None
    assert _ad("", (card,), strict=True) == "card:json"


def test_cards_and_invitations() -> None:
    from adapters.port import Segment

    share = Segment("card", "share", {"url": "http://x", "title": "特价"})
    contact = Segment("card", "contact", {"type": "qq", "id": "123"})
    invite = Segment(
        "card", "json", {"data": '{"app":"com.tencent.troopsharecard","prompt":"x"}'}
    )
    location = Segment("card", "location", {"lat": "1", "lon": "2"})
    assert _ad("", (share,)) == "card:share"
    assert _ad("", (contact,)) == "card:contact"
    assert _ad("", (invite,)) == "invite:json"
    assert _ad("", (location,)) is None  # a location is not in card_types
    assert _ad("加QQ群 123456789 领资料") is not None
    assert _ad("群号：987654321") == "invite:987654321"
    assert _ad("进群的邻居请改昵称") is None


def test_switches_turn_parts_off() -> None:
    from adapters.port import Segment

    share = Segment("card", "share", {"url": "http://x"})
    off = _engine(links=False, cards=False, invites=False, words=[])
    assert off.content("www.haohuo.com 群号 123456 ", (share,)) == []


@pytest.mark.parametrize(
    ("text", "host"),
    [
        ("请登录www.beijing.gov.cn查看通知", "beijing.gov.cn"),
        ("www.12333.gov.cn。", "12333.gov.cn"),
        ("网址：https://www.gov.cn，请查看", "gov.cn"),
        ("特价看www.haohuo888.com低价", "haohuo888.com"),
        ("（http://haohuo.top）", "haohuo.top"),
    ],
)
def test_a_host_ends_at_chinese_text_or_full_width_punctuation(
    text: str, host: str
) -> None:
    """Issue 18: the host swallowed what followed it, so gov.cn failed."""
    from plugins.core import normalize
    from plugins.rules.detectors.ads import links

    assert links(normalize(text)) == [host]


@pytest.mark.parametrize(
    "text", ["请登录www.beijing.gov.cn查看通知", "社保查询 www.12333.gov.cn。"]
)
def test_whitelisted_host_followed_by_chinese_is_not_an_ad(text: str) -> None:
    assert _ad(text) is None
    assert _ad(text, scored=True) is None
