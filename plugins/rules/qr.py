"""QR codes in images: 扫码进群, 扫码领红包, payment codes.

The guard judges a message's text at once; only when that found nothing and
the message has images does :func:`scan` run, in a background task (see
``Guard.judge``): each image is fetched through the port (``max_bytes``,
``timeout``), every QR code in it decoded with zxing-cpp in a thread (CPU
work, off the event loop), and each decoded text classified:

- ``invite``: a group or contact invitation (QQ ``qm.qq.com`` / ``qun.qq.com``
  / ``jq.qq.com``, WeChat ``weixin.qq.com/g/…`` and ``u.wechat.com``, WeCom,
  WhatsApp, Telegram ``t.me/joinchat`` / ``t.me/+…``, DingTalk);
- ``payment``: a payment code (``wxp://``, ``qr.alipay.com``,
  ``payapp.weixin.qq.com``, UnionPay…);
- ``miniapp``: a WeChat mini-program link (``wxaurl.cn``, ``#小程序://``,
  ``weixin://dl/business``);
- ``link``: any other link, judged as links in text are (``ads.links``,
  ``ads.whitelist_domains``);
- ``text``: anything else, judged by the text rules (words, ads, fraud).

A decoded text on ``qr.whitelist`` (exactly, or starting with an entry: the
estate's own 缴费码 or group code) is fine. A hit is an ``ads`` hit, acted on
as other ads are.
"""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from nonebot import logger

from adapters import Port
from adapters.port import Segment
from plugins.core.privacy import mask_private

from .config import RulesConfig
from .detectors import Engine, Hit
from .detectors import ads as ad_rules

# images larger than this (width × height) are not decoded: a decompression
# bomb would cost more memory than any QR code is worth
MAX_PIXELS = 40_000_000
DETAIL_CHARS = 120

_INVITES = re.compile(
    r"^(?:https?://)?(?:"
    r"(?:[\w-]+\.)?qm\.qq\.com/|qun\.qq\.com/|jq\.qq\.com/|"
    r"(?:open\.)?weixin\.qq\.com/(?:g|r)/|u\.wechat\.com/|"
    r"work\.weixin\.qq\.com/(?:gm|ca|u)/|wecom\.work/|"
    r"chat\.whatsapp\.com/|(?:t|telegram)\.me/(?:joinchat/|\+)|"
    r"qr\.dingtalk\.com/action/joingroup|h5\.dingtalk\.com/invite"
    r")",
    re.IGNORECASE,
)
_PAYMENTS = re.compile(
    r"^(?:wxp://|alipays?://|upwallet://|"
    r"(?:https?://)?(?:"
    r"qr\.alipay\.com/|(?:[\w-]+\.)?payapp\.(?:weixin\.qq\.com|wechatpay\.cn)/|"
    r"wx\.tenpay\.com/|qr\.95516\.com/|qr\.unionpay\.com/|"
    r"(?:[\w-]+\.)?pay\.weixin\.qq\.com/|render\.alipay\.com/p/"
    r"))",
    re.IGNORECASE,
)
_MINIAPPS = re.compile(
    r"^(?:#小程序://|weixin://dl/business|"
    r"(?:https?://)?(?:wxaurl\.cn/|(?:[\w-]+\.)?wxaurl\.cn/|mp\.weixin\.qq\.com/a/)"
    r")",
    re.IGNORECASE,
)
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|www\.)", re.IGNORECASE)
KINDS = ("invite", "payment", "miniapp", "link", "text")
REASONS = {
    "invite": "rules.reason.qr_invite",
    "payment": "rules.reason.qr_payment",
    "miniapp": "rules.reason.qr_miniapp",
}


@dataclass(frozen=True)
class Decoded:
    kind: str  # one of KINDS
    text: str


def decode(data: bytes) -> list[str]:
    """The texts of every QR code in the image ``data`` (in reading order);
    [] for bytes that are not an image (logged). CPU work: run it in a thread."""
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                logger.info(
                    f"rules.qr: image {image.width}×{image.height} too large to decode"
                )
                return []
            gray = image.convert("L")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        logger.info(f"rules.qr: {len(data)} bytes that are not an image")
        return []
    formats = (zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.MicroQRCode)
    found = zxingcpp.read_barcodes(gray, formats=formats)
    return [r.text for r in found if r.valid and r.text]


async def decode_async(data: bytes) -> list[str]:
    return await asyncio.to_thread(decode, data)


def kind_of(text: str) -> str:
    """What a decoded text is: invite, payment, miniapp, link or text."""
    s = text.strip()
    if _PAYMENTS.match(s):
        return "payment"
    if _MINIAPPS.match(s):
        return "miniapp"
    if _INVITES.match(s):
        return "invite"
    if _URL.match(s) or ad_rules.links(s.lower()):
        return "link"
    return "text"


def whitelisted(text: str, whitelist: Sequence[str]) -> bool:
    s = text.strip()
    return any(s == entry or s.startswith(entry) for entry in whitelist if entry)


def _detail(kind: str, text: str) -> str:
    """The decoded target for the case, masked: a payment code's token is the
    payee's, so only its start is kept; phone, ID and card numbers masked."""
    s = text.strip()
    if kind == "payment":
        head, sep, rest = s.partition("://")
        if sep:
            host, slash, token = rest.partition("/")
            if slash:
                s = f"{head}://{host}/{token[:4]}…" if token else s
            else:
                s = f"{head}://{host[:4]}…"
    s = mask_private(s)
    return s if len(s) <= DETAIL_CHARS else s[: DETAIL_CHARS - 1] + "…"


def classify(text: str, cfg: RulesConfig, engine: Engine) -> Hit | None:
    """The hit for one decoded text, or None (whitelisted, a kind that does
    not act, a whitelisted link, harmless text)."""
    q = cfg.qr
    if whitelisted(text, q.whitelist):
        return None
    kind = kind_of(text)
    if kind not in q.act:
        return None
    if kind == "text":
        for hit in engine.content(text, ()):
            if hit.rule in ("ads", "fraud", "words"):
                return hit
        return None
    if kind == "link":
        if not cfg.ads.links:
            return None
        allowed = cfg.ads.whitelist_domains
        hosts = ad_rules.links(text.strip().lower())
        if all(ad_rules.whitelisted(h, allowed) for h in hosts):
            return None
        return Hit("ads", "rules.reason.qr_link", _detail(kind, text))
    return Hit("ads", REASONS[kind], _detail(kind, text))


async def scan(
    segments: Sequence[Segment], port: Port, cfg: RulesConfig, engine: Engine
) -> Hit | None:
    """The first hit among the QR codes of the message's images, or None.
    Never raises: a failed fetch or decode is logged and that image skipped."""
    q = cfg.qr
    for segment in segments:
        if segment.kind != "image":
            continue
        try:
            data = await port.image_bytes(segment, limit=q.max_bytes, timeout=q.timeout)
        except Exception:
            logger.exception(f"rules.qr: could not fetch {segment.raw_type} image")
            continue
        if not data:
            continue
        try:
            texts = await decode_async(data)
        except Exception:
            logger.exception("rules.qr: could not decode an image")
            continue
        for text in texts:
            hit = classify(text, cfg, engine)
            if hit is not None:
                return hit
    return None
