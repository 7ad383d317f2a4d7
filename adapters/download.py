"""Fetching a file a platform points to (an image of a message): the one HTTP
download of the port implementations.

Bounded both ways: at most ``limit`` bytes (the body is streamed and the
download stops as soon as it is over, whatever Content-Length said) and at
most ``timeout`` seconds for the whole of it. A failure is logged and answers
None; nothing is raised to the caller, which judges messages.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import re
import time

import aiohttp
from nonebot import logger

CHUNK = 64 * 1024


# a Telegram Bot API file URL holds the bot's token: /file/bot<id>:<secret>/…
_TOKEN = re.compile(r"/bot\d+:[\w-]+")


def _short(url: str) -> str:
    """The URL for a log line: without its query (platforms sign their
    download URLs; the signature is not for the log) and without a bot token."""
    return _TOKEN.sub("/bot…", url.split("?", 1)[0])[:200]


async def download(url: str, *, limit: int, timeout: float) -> bytes | None:
    """The body at ``url`` (http or https), or None: too big, too slow, not
    found, or not reachable (each logged)."""
    if not url.startswith(("http://", "https://")):
        logger.info(f"download: not an http(s) URL: {_short(url)}")
        return None
    try:
        async with asyncio.timeout(timeout):
            return await _fetch(url, limit)
    except TimeoutError:
        logger.warning(f"download: {_short(url)} took longer than {timeout:g} s")
    except (aiohttp.ClientError, OSError, ValueError) as exc:
        logger.warning(f"download: {_short(url)} failed: {exc!r}")
    return None


async def _fetch(url: str, limit: int) -> bytes | None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(url, allow_redirects=True) as response,
    ):
        if response.status != 200:
            logger.warning(f"download: {_short(url)} answered HTTP {response.status}")
            return None
        if response.content_length is not None and response.content_length > limit:
            logger.info(
                f"download: {_short(url)} is {response.content_length} bytes, "
                f"over the limit of {limit}"
            )
            return None
        body = bytearray()
        async for chunk in response.content.iter_chunked(CHUNK):
            body += chunk
            if len(body) > limit:
                logger.info(
                    f"download: {_short(url)} is over the limit of {limit} bytes"
                )
                return None
        return bytes(body)


def inline(data: object, *, limit: int) -> bytes | None:
    """Bytes a platform answered in its reply instead of a URL: raw bytes, or
    base64 (``base64://…`` or bare, as OneBot v12 puts bytes in JSON); None
    when there are none, they are not base64, or they are over ``limit``."""
    if isinstance(data, bytes | bytearray):
        raw = bytes(data)
    elif isinstance(data, str) and data:
        text = data.removeprefix("base64://")
        if len(text) * 3 // 4 > limit + 3:
            logger.info(f"download: inline data over the limit of {limit} bytes")
            return None
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            logger.info("download: inline data is not base64")
            return None
    else:
        return None
    if len(raw) > limit:
        logger.info(f"download: inline data over the limit of {limit} bytes")
        return None
    return raw


async def answered(
    found: object, data_key: str, *, limit: int, started: float, timeout: float
) -> bytes | None:
    """The file a platform's file action answered (``get_image``, ``get_file``):
    its ``url`` downloaded in the time left since ``started`` (monotonic), or
    the bytes under ``data_key`` in the answer itself."""
    if not isinstance(found, dict):
        return None
    url = found.get("url")
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        left = max(0.1, timeout - (time.monotonic() - started))
        return await download(url, limit=limit, timeout=left)
    return inline(found.get(data_key), limit=limit)
