"""QR codes in images, in the real linli process over a real OneBot v11
WebSocket.

The fake NapCat sends group messages whose image segment is shaped as
NapCatQQ's ``picElement`` converter builds it (packages/napcat-onebot/api/
msg.ts, ``rawToOb11Converters.picElement``: ``summary``, ``file`` (the file
name), ``sub_type`` (picSubType), ``url`` (the download URL from
``FileApi.getImageUrl``) and ``file_size``). The URL points to an aiohttp
server on loopback, started here, which serves QR images made with segno:
nothing reaches the network.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import time
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from tests.helpers import E2E_CONFIG, LinliProcess, text_of

# the residents' and staff groups of every e2e test, and this test's rules
CONFIG = (
    E2E_CONFIG
    + """
rules:
  notices:
    per_group: 50
  qr:
    whitelist: ["https://qr.alipay.com/fkx0wuye3dong"]
"""
)

INVITE = "https://qm.qq.com/q/Xy7AbCdEfG"  # 扫码进群
OURS = "https://qr.alipay.com/fkx0wuye3dong"  # the estate's own 缴费码

_ids = itertools.count(910_001)


def _qr_png(text: str) -> bytes:
    import segno

    buf = io.BytesIO()
    # a photo-sized image, as a phone's screenshot of a QR poster would be
    segno.make(text, error="m").save(buf, kind="png", scale=12, border=6)
    return buf.getvalue()


class Images:
    def __init__(self) -> None:
        self.base = ""
        self.requested: list[str] = []


@pytest.fixture
async def images() -> AsyncIterator[Images]:
    """Loopback HTTP serving /download?fileid=<name> as QQ's multimedia
    server serves an image (NapCat's url: …/download?appid=1407&fileid=…)."""
    served = {"invite": _qr_png(INVITE), "ours": _qr_png(OURS)}
    state = Images()

    async def download(request: web.Request) -> web.Response:
        state.requested.append(request.query.get("fileid", ""))
        body = served.get(request.query.get("fileid", ""))
        if body is None:
            raise web.HTTPNotFound()
        return web.Response(body=body, content_type="image/png")

    app = web.Application()
    app.router.add_get("/download", download)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    state.base = f"http://127.0.0.1:{port}"
    try:
        yield state
    finally:
        await runner.cleanup()


async def _image_message(onebot, base: str, name: str, *, user: int) -> int:
    """A group message with only an image, as NapCat reports it."""
    mid = next(_ids)
    url = f"{base}/download?appid=1407&fileid={name}&spec=0&rkey=CAQSKAB6"
    size = "34816"
    segment = {
        "type": "image",
        "data": {
            "summary": "",
            "file": f"{name.upper()}1F2E3D.png",
            "sub_type": 0,
            "url": url,
            "file_size": size,
        },
    }
    raw = (
        f"[CQ:image,file={name.upper()}1F2E3D.png,sub_type=0,"
        f"url={url.replace('&', '&amp;')},file_size={size}]"
    )
    return await onebot.group_message(
        raw, segments=[segment], user=user, card="路人乙", message_id=mid
    )


async def test_a_qr_invite_is_recalled_and_the_estates_own_code_is_not(
    linli_process: LinliProcess, images: Images
) -> None:
    linli_process.config_text = CONFIG
    await linli_process.start()
    try:
        async with linli_process.connect() as onebot:
            # the estate's own payment code (whitelisted): nothing happens
            ours = await _image_message(onebot, images.base, "ours", user=4301)
            # a 扫码进群 QR code: recalled, the group warned, the case posted
            started = time.monotonic()
            ad = await _image_message(onebot, images.base, "invite", user=4302)
            await onebot.expect_call(
                "delete_msg", where=lambda c: c.params["message_id"] == ad
            )
            # fetched, decoded and recalled well within the fetch timeout (5 s)
            elapsed = time.monotonic() - started
            print(f"image message → delete_msg: {elapsed * 1000:.0f} ms")
            assert elapsed < 5
            warning = await onebot.expect_call(
                "send_group_msg",
                where=lambda c: (
                    c.params.get("group_id") == 1000 and "警告" in text_of(c)
                ),
            )
            assert "二维码拉群" in text_of(warning)
            assert "路人乙" in text_of(warning)
            case = await onebot.expect_call(
                "send_group_msg",
                where=lambda c: (
                    c.params.get("group_id") == 2000 and "【违规记录】" in text_of(c)
                ),
            )
            assert INVITE in text_of(case)
            # the whitelisted image was checked before, and left alone
            await asyncio.sleep(0.5)
            recalled = [
                c.params["message_id"] for c in onebot.calls if c.action == "delete_msg"
            ]
            assert recalled == [ad] and ours not in recalled
            warned = [
                c
                for c in onebot.calls
                if c.action == "send_group_msg" and c.params.get("group_id") == 1000
            ]
            assert len(warned) == 1
            # both images were fetched from the URL in NapCat's segment
            assert sorted(images.requested) == ["invite", "ours"]
        log = linli_process.log()
        assert "rk=" not in log and "rkey=CAQSKAB6" not in log
    finally:
        await linli_process.stop()
        print(linli_process.log()[-4000:])
