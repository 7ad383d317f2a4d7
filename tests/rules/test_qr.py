"""QR codes in images: fetched with limits, decoded (zxing-cpp), classified,
acted on in the background; the text path is never delayed.

The QR images are made here with segno; the downloads are served by an
aiohttp server on loopback. Nothing reaches the network.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from tests.helpers import SELF_ID
from tests.rules.conftest import make_config
from tests.rules.fakes import FakePort


def qr_png(*texts: str, scale: int = 5) -> bytes:
    """A PNG with one QR code per text, side by side, on white."""
    import segno
    from PIL import Image

    codes = []
    for text in texts:
        buf = io.BytesIO()
        segno.make(text, error="m").save(buf, kind="png", scale=scale, border=4)
        codes.append(Image.open(io.BytesIO(buf.getvalue())).convert("L"))
    width = sum(c.width for c in codes) + 20 * (len(codes) - 1)
    canvas = Image.new("L", (width, max(c.height for c in codes)), 255)
    x = 0
    for code in codes:
        canvas.paste(code, (x, 0))
        x += code.width + 20
    out = io.BytesIO()
    canvas.save(out, format="PNG")
    return out.getvalue()


@contextlib.contextmanager
def logged() -> Iterator[list[str]]:
    from nonebot import logger

    lines: list[str] = []
    sink = logger.add(lambda m: lines.append(str(m)), level="INFO")
    try:
        yield lines
    finally:
        logger.remove(sink)


def _cfg(rules: str = ""):
    from plugins.rules.config import RulesConfig

    config = make_config("qq:1", rules)
    cfg = config.section("rules")
    assert isinstance(cfg, RulesConfig)
    return cfg


def _engine(cfg):
    from plugins.rules.guard import GUARD

    return GUARD.engine(cfg)


# -- decoding and classifying ------------------------------------------------


def test_every_qr_code_in_an_image_is_decoded() -> None:
    from plugins.rules.qr import decode

    assert decode(qr_png("https://qm.qq.com/q/Ab3dEf")) == [
        "https://qm.qq.com/q/Ab3dEf"
    ]
    both = decode(qr_png("wxp://f2f0abcdefgh", "https://www.gov.cn/zhengce"))
    assert sorted(both) == ["https://www.gov.cn/zhengce", "wxp://f2f0abcdefgh"]


def test_not_an_image_is_nothing_and_logged() -> None:
    from plugins.rules.qr import decode

    with logged() as lines:
        assert decode(b"GIF89a not really") == []
        assert decode(b"<html>404</html>") == []
    assert sum("not an image" in line for line in lines) == 2


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("https://qm.qq.com/q/Ab3dEf", "rules.reason.qr_invite"),
        ("http://qun.qq.com/qqweb/qunpro/share?c=2x", "rules.reason.qr_invite"),
        ("https://jq.qq.com/?_wv=1027&k=5abc", "rules.reason.qr_invite"),
        ("https://weixin.qq.com/g/AwYAAJ3x", "rules.reason.qr_invite"),
        ("https://u.wechat.com/EAbc_def", "rules.reason.qr_invite"),
        ("https://chat.whatsapp.com/Kx1y2z", "rules.reason.qr_invite"),
        ("https://t.me/joinchat/AAAA-bbb", "rules.reason.qr_invite"),
        ("https://t.me/+AbCdEf", "rules.reason.qr_invite"),
        ("wxp://f2f0abcdefghijkl", "rules.reason.qr_payment"),
        ("https://qr.alipay.com/fkx12345abcde", "rules.reason.qr_payment"),
        ("HTTPS://QR.ALIPAY.COM/FKX12345", "rules.reason.qr_payment"),
        ("https://payapp.weixin.qq.com/qr/AQE?t=1", "rules.reason.qr_payment"),
        ("https://wxaurl.cn/aBcDeFg", "rules.reason.qr_miniapp"),
        ("#小程序://团购/XyZ", "rules.reason.qr_miniapp"),
        ("weixin://dl/business/?t=abc", "rules.reason.qr_miniapp"),
        ("https://www.haohuo.com/p/1", "rules.reason.qr_link"),
        ("haohuo.top", "rules.reason.qr_link"),
    ],
)
def test_decoded_texts_are_classified(text: str, reason: str) -> None:
    from plugins.rules.qr import classify

    cfg = _cfg()
    hit = classify(text, cfg, _engine(cfg))
    assert hit is not None and hit.rule == "ads" and hit.reason == reason


def test_harmless_texts_and_whitelisted_links_are_fine() -> None:
    from plugins.rules.qr import classify

    cfg = _cfg("  ads: {whitelist_domains: [gov.cn, wuye.example.com]}\n")
    engine = _engine(cfg)
    for text in [
        "https://www.gov.cn/zhengce/2024",
        "https://bx.wuye.example.com/repair?id=3",
        "3-2-201 张三",
        "WIFI:S:linli-guest;T:WPA;P:12345678;;",
    ]:
        assert classify(text, cfg, engine) is None, text


def test_other_text_goes_through_the_text_rules() -> None:
    from plugins.rules.qr import classify

    cfg = _cfg()
    hit = classify("扫码进群 免费领鸡蛋 名额有限", cfg, _engine(cfg))
    assert hit is not None and hit.rule in ("ads", "fraud")


def test_whitelist_and_kinds_that_act() -> None:
    from plugins.rules.qr import classify

    cfg = _cfg(
        "  qr:\n"
        "    whitelist: ['https://qr.alipay.com/fkx0wuye', 'https://qm.qq.com/q/Ours']\n"
        "    act: [invite, miniapp]\n"
    )
    engine = _engine(cfg)
    assert classify("https://qr.alipay.com/fkx0wuye", cfg, engine) is None
    assert classify("https://qm.qq.com/q/Ours?x=1", cfg, engine) is None  # prefix
    assert classify("https://qm.qq.com/q/Theirs", cfg, engine) is not None
    # payments and links do not act here
    assert classify("wxp://f2f0abcdefghijkl", cfg, engine) is None
    assert classify("https://www.haohuo.com/p/1", cfg, engine) is None


def test_the_detail_is_masked() -> None:
    from plugins.rules.qr import classify

    cfg = _cfg()
    engine = _engine(cfg)
    pay = classify("wxp://f2f0abcdefghijkl", cfg, engine)
    assert pay is not None and pay.detail == "wxp://f2f0…"
    ali = classify("https://qr.alipay.com/fkx12345abcde", cfg, engine)
    assert ali is not None and ali.detail == "https://qr.alipay.com/fkx1…"
    phone = classify("https://u.wechat.com/add?tel=13812345678", cfg, engine)
    assert phone is not None and "13812345678" not in phone.detail
    assert "138****5678" in phone.detail


def test_the_config_is_checked() -> None:
    from plugins.core.config import ConfigError

    with pytest.raises(ConfigError):
        make_config("qq:1", "  qr: {act: [invite, everything]}\n")
    with pytest.raises(ConfigError):
        make_config("qq:1", "  qr: {whitelist: ['  ']}\n")
    cfg = _cfg("  qr: {timeout: 2s, max_bytes: 100000}\n")
    assert cfg.qr.timeout == 2 and cfg.qr.max_bytes == 100_000


# -- fetching: one helper, bounded ---------------------------------------------


@pytest.fixture
async def server() -> AsyncIterator[str]:
    """Loopback HTTP: /qr.png, /big (no Content-Length), /huge (a declared
    length over the limit), /slow, /missing."""
    png = qr_png("https://qm.qq.com/q/Ab3dEf")

    async def image(request: web.Request) -> web.Response:
        return web.Response(body=png, content_type="image/png")

    async def big(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        for _ in range(64):
            await response.write(b"\0" * 16384)
        await response.write_eof()
        return response

    async def huge(request: web.Request) -> web.Response:
        return web.Response(body=b"\0" * 300_000)

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(3)
        return web.Response(body=png)

    app = web.Application()
    app.router.add_get("/qr.png", image)
    app.router.add_get("/big", big)
    app.router.add_get("/huge", huge)
    app.router.add_get("/slow", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def test_download_is_bounded_and_never_raises(server: str) -> None:
    from adapters.download import download

    got = await download(f"{server}/qr.png", limit=100_000, timeout=5)
    assert got is not None and got.startswith(b"\x89PNG")
    with logged() as lines:
        assert await download(f"{server}/big", limit=100_000, timeout=5) is None
        assert await download(f"{server}/huge", limit=100_000, timeout=5) is None
        started = time.monotonic()
        assert await download(f"{server}/slow", limit=100_000, timeout=0.3) is None
        assert time.monotonic() - started < 2
        assert await download(f"{server}/missing", limit=100_000, timeout=5) is None
        assert await download("file:///etc/passwd", limit=100_000, timeout=5) is None
        # nothing listens there
        assert await download("http://127.0.0.1:9/x", limit=10, timeout=2) is None
    text = "\n".join(lines)
    assert text.count("over the limit") == 2
    assert "longer than 0.3 s" in text
    assert "HTTP 404" in text
    assert "not an http(s) URL" in text


def test_inline_bytes() -> None:
    import base64

    from adapters.download import inline

    data = b"\x89PNG" + b"x" * 100
    assert inline(base64.b64encode(data).decode(), limit=1000) == data
    assert inline("base64://" + base64.b64encode(data).decode(), limit=1000) == data
    assert inline(data, limit=1000) == data
    assert inline(data, limit=10) is None
    assert inline("not base64!", limit=1000) is None
    assert inline(None, limit=1000) is None


def test_bot_tokens_stay_out_of_the_log() -> None:
    from adapters.download import _short

    url = "https://api.telegram.org/file/bot123456:AAH-secret_x/photos/file_1.jpg?a=b"
    assert _short(url) == "https://api.telegram.org/file/bot…/photos/file_1.jpg"


# -- the guard: text at once, images in the background -------------------------


@dataclass
class ImagePort(FakePort):
    """FakePort with images: segment url → bytes, fetched after ``delay``."""

    images: dict[str, bytes] = field(default_factory=dict)
    delay: float = 0.0
    fetched: list[str] = field(default_factory=list)

    async def image_bytes(self, segment, *, limit, timeout):
        url = segment.data.get("url", "")
        self.fetched.append(url)
        await asyncio.sleep(self.delay)
        data = self.images.get(url)
        return data if data is not None and len(data) <= limit else None


def _image_info(group: str, url: str, text: str = ""):
    from adapters.port import EventInfo, Segment

    segments = [Segment("image", "image", {"file": "a.png", "url": url})]
    if text:
        segments.insert(0, Segment("text", "text", {"text": text}))
    return EventInfo(
        platform="qq", self_id=SELF_ID, user="qq:42", group=group, message_id="77",
        display_name="路人甲", sender_role="member", to_me=False, text=text,
        segments=tuple(segments),
    )  # fmt: skip


async def _resident():
    from plugins.core import Role

    return Role.RESIDENT


async def test_a_qr_ad_is_acted_on_after_the_text_path(outbox, group_id) -> None:
    from plugins.rules.guard import GUARD
    from plugins.rules.models import Case

    config = make_config(group_id)
    port = ImagePort(images={"u1": qr_png("https://qm.qq.com/q/Ab3dEf")}, delay=0.5)
    started = time.monotonic()
    # the text is judged at once: nothing in it, so the guard lets it pass
    assert not await GUARD.judge(_image_info(group_id, "u1"), port, config, _resident)
    assert time.monotonic() - started < 0.2
    assert port.calls == []
    await GUARD.settle()
    assert port.actions() == ["recall"]
    case = await Case.get(group=group_id)
    assert case.rule == "ads" and case.reason == "rules.reason.qr_invite"
    assert case.detail == "https://qm.qq.com/q/Ab3dEf"
    notices = outbox.to(group_id)
    assert len(notices) == 1 and "发布二维码拉群或加好友" in notices[0]


async def test_whitelisted_and_harmless_qr_codes_are_left(outbox, group_id) -> None:
    from plugins.rules.guard import GUARD
    from plugins.rules.models import Case

    config = make_config(
        group_id, "  qr: {whitelist: ['https://qr.alipay.com/ours']}\n"
    )
    port = ImagePort(
        images={
            "ours": qr_png("https://qr.alipay.com/ours"),
            "gov": qr_png("https://www.gov.cn/zhengce"),
            "photo": b"\x89PNG not a qr code",
        }
    )
    for url in ("ours", "gov", "photo", "gone"):
        info = _image_info(group_id, url)
        assert not await GUARD.judge(info, port, config, _resident)
    await GUARD.settle()
    assert port.fetched == ["ours", "gov", "photo", "gone"]
    assert port.calls == [] and outbox.sent == []
    assert not await Case.filter(group=group_id).exists()


async def test_text_hits_win_and_staff_and_switched_off(outbox, group_id) -> None:
    from plugins.core import Role
    from plugins.rules.guard import GUARD

    ad = qr_png("wxp://f2f0abcdefghijkl")
    port = ImagePort(images={"u": ad})
    # the text itself is an ad: acted on at once, no image is fetched
    config = make_config(group_id)
    info = _image_info(group_id, "u", "特价房源看这里 www.haohuo.com")
    assert await GUARD.judge(info, port, config, _resident)
    await GUARD.settle()
    assert port.fetched == []

    async def staff():
        return Role.STAFF

    before = len(port.calls)
    assert not await GUARD.judge(_image_info(group_id, "u"), port, config, staff)
    await GUARD.settle()
    assert port.fetched == ["u"] and len(port.calls) == before

    off = make_config(group_id, "  qr: {enabled: false}\n")
    assert not await GUARD.judge(_image_info(group_id, "u"), port, off, _resident)
    await GUARD.settle()
    assert port.fetched == ["u"]


async def test_a_failing_fetch_is_logged_not_raised(outbox, group_id) -> None:
    from plugins.rules.guard import GUARD

    class Broken(ImagePort):
        async def image_bytes(self, segment, *, limit, timeout):
            raise RuntimeError("the platform fell over")

    config = make_config(group_id)
    port = Broken()
    with logged() as lines:
        info = _image_info(group_id, "u")
        assert not await GUARD.judge(info, port, config, _resident)
        await GUARD.settle()
    assert port.calls == []
    assert any("could not fetch" in line for line in lines)


async def test_the_port_fetches_a_napcat_image_segment(server: str) -> None:
    """OneBotV11Port.image_bytes downloads the segment's ``url`` within the
    limits; a v11 segment without one asks get_image (not here)."""
    from adapters.onebot_v11 import OneBotV11Port
    from adapters.port import Segment

    port = OneBotV11Port.__new__(OneBotV11Port)  # no bot needed for a url
    segment = Segment(
        "image",
        "image",
        {"summary": "", "file": "A1B2.png", "sub_type": 0, "url": f"{server}/qr.png",
         "file_size": "317"},
    )  # fmt: skip
    got = await port.image_bytes(segment, limit=100_000, timeout=5)
    assert got is not None and got.startswith(b"\x89PNG")
    assert await port.image_bytes(segment, limit=100, timeout=5) is None


async def test_onebot_v12_get_file_url_or_inline_data(server: str) -> None:
    """ComWeChatBotClient's get_file answers the bytes for type url too (its
    ``if type == "url": pass`` falls through; wechatbot_client/action_manager/
    manager.py), base64 in JSON; a standard implementation answers a url."""
    import base64

    from adapters.onebot_v12 import OneBotV12Port
    from adapters.port import Segment

    png = qr_png("https://weixin.qq.com/g/AwYAAJ3x")

    class Bot:
        def __init__(self, answer):
            self.answer = answer
            self.asked: list[dict] = []

        async def get_file(self, **params):
            self.asked.append(params)
            return self.answer

    port = OneBotV12Port.__new__(OneBotV12Port)
    segment = Segment("image", "image", {"file_id": "e30f9684"})
    port.bot = Bot({"name": "a.png", "data": base64.b64encode(png).decode()})
    assert await port.image_bytes(segment, limit=100_000, timeout=5) == png
    assert port.bot.asked == [{"file_id": "e30f9684", "type": "url"}]
    assert await port.image_bytes(segment, limit=100, timeout=5) is None
    port.bot = Bot({"name": "a.png", "url": f"{server}/qr.png"})
    got = await port.image_bytes(segment, limit=100_000, timeout=5)
    assert got is not None and got.startswith(b"\x89PNG")
    assert (
        await port.image_bytes(Segment("image", "image", {}), limit=9, timeout=1)
        is None
    )


async def test_telegram_get_file_then_the_bot_api_file_url(server: str) -> None:
    from types import SimpleNamespace

    from adapters.port import Segment
    from adapters.telegram import TelegramPort

    class Bot:
        bot_config = SimpleNamespace(api_server=f"{server}/", token="123:ABC")

        def __init__(self, size: int):
            self.size = size

        async def get_file(self, file_id):
            return SimpleNamespace(
                file_id=file_id, file_size=self.size, file_path="photos/file_1.jpg"
            )

    asked: list[str] = []

    async def fake_download(url, *, limit, timeout):
        asked.append(url)
        return b"img"

    import adapters.telegram as tg

    port = TelegramPort.__new__(TelegramPort)
    port.bot = Bot(size=3)
    segment = Segment("image", "photo", {"file": "AgACAgIAAx"})
    original, tg.download = tg.download, fake_download
    try:
        assert await port.image_bytes(segment, limit=100, timeout=5) == b"img"
        assert asked == [f"{server}/file/bot123:ABC/photos/file_1.jpg"]
        port.bot = Bot(size=10_000)  # getFile says it is too big: not fetched
        assert await port.image_bytes(segment, limit=100, timeout=5) is None
        assert len(asked) == 1
    finally:
        tg.download = original


async def test_console_has_no_images() -> None:
    from adapters.console import ConsolePort
    from adapters.port import Segment

    port = ConsolePort.__new__(ConsolePort)
    seg = Segment("image", "image", {"url": "http://127.0.0.1:9/x"})
    assert await port.image_bytes(seg, limit=10, timeout=1) is None


async def test_onebot_v11_without_a_url_asks_get_image(server: str) -> None:
    """NapCat's get_image answers file (a path on its disk), url, file_size,
    file_name and, when asked, base64 (its GetFileResponse)."""
    import base64

    from adapters.onebot_v11 import OneBotV11Port
    from adapters.port import Segment

    png = qr_png("https://qm.qq.com/q/Ab3dEf")

    class Bot:
        def __init__(self, answer):
            self.answer = answer
            self.asked: list[tuple[str, dict]] = []

        async def call_api(self, action, **params):
            self.asked.append((action, params))
            return self.answer

    port = OneBotV11Port.__new__(OneBotV11Port)
    segment = Segment("image", "image", {"file": "A1B2.png", "url": ""})
    port.bot = Bot({"file": "/tmp/A1B2.png", "url": f"{server}/qr.png"})
    got = await port.image_bytes(segment, limit=100_000, timeout=5)
    assert got is not None and got.startswith(b"\x89PNG")
    assert port.bot.asked == [("get_image", {"file": "A1B2.png"})]
    port.bot = Bot({"file": "/tmp/A1B2.png", "base64": base64.b64encode(png).decode()})
    assert await port.image_bytes(segment, limit=100_000, timeout=5) == png
