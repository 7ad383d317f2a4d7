"""linli's composition root: config → nonebot.init → adapters → plugins → run.

    python bot.py            # OneBot v11/v12 reverse WebSocket on 127.0.0.1:8080
    python bot.py --console  # try it in the terminal, as a resident of one group

Environment (or a .env file): HOST, PORT, ONEBOT_ACCESS_TOKEN, SUPERUSERS,
LINLI_CONFIG, LINLI_DATA_DIR, LINLI_DATABASE_URL; TELEGRAM_BOTS for Telegram,
MILKY_CLIENTS for QQ over Milky (Lagrange V2 …: the Milky adapter is registered
only when it is set).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import ipaddress
import json
import os
import re
import sys
import tomllib
from collections.abc import MutableMapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent
os.chdir(ROOT)  # plugin module names and relative paths are the project's
sys.path.insert(0, str(ROOT))

import nonebot  # noqa: E402


def is_loopback(host: str) -> bool:
    if host in {"localhost", "localhost.localdomain"}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# NoneBot logs every incoming message with its text, which can hold phone numbers,
# ID numbers or an anonymous ballot: linli's log keeps who and where, not what
# (LINLI_LOG_MESSAGES=1 keeps the text, for debugging).
_QUOTED_TAIL = re.compile(r"'.*'$", re.DOTALL)  # OneBot: … from 42@[群:1000] '…'
_COLON_TAIL = re.compile(r"^(.*@\[[^\]]*\]: ).*$", re.DOTALL)  # Telegram: …]: …
# Milky: [message:group]: Message 5001 from 42 in 1000: … (its event.py)
_MILKY_TAIL = re.compile(
    r"^(.*\[message:[a-z]+\]: Message -?\d+ from \d+(?: in \d+)?: ).*$", re.DOTALL
)
HIDDEN = "[text hidden]"
# nonebot-adapter-milky puts its access token in the event WebSocket's URL
# (config.py ws_url) and logs that URL on connecting and on every failure;
# NoneBot's DEBUG "Loaded Config" line shows MILKY_CLIENTS as a dict
_TOKEN_QUERY = re.compile(r"(access_token(?:=|['\"]?: *['\"]))[^&\s'\"]+")
# the console adapter says so when its UI closes; linli stops by itself then
CONSOLE_CTRL_C = "Press Ctrl-C for Application exit"


def redact(line: str) -> str:
    if _MILKY_TAIL.match(line):
        return _MILKY_TAIL.sub(rf"\g<1>{HIDDEN}", line)
    if _QUOTED_TAIL.search(line):
        return _QUOTED_TAIL.sub(f"'{HIDDEN}'", line)
    return _COLON_TAIL.sub(rf"\g<1>{HIDDEN}", line)


def hide_token(line: str) -> str:
    return _TOKEN_QUERY.sub(r"\g<1>***", line)


def scrub_token(record) -> None:  # type: ignore[no-untyped-def]
    """Mask an access token in a URL the record's message or its exception
    shows (aiohttp's handshake errors name the URL): the exception is then
    shown as one masked line, without its traceback."""
    if "access_token" in record["message"]:
        record["message"] = hide_token(record["message"])
    exc = record.get("exception")
    if exc is not None and "access_token" in str(exc.value):
        name = getattr(exc.type, "__name__", "error")
        record["message"] += f" ({name}: {hide_token(str(exc.value))})"
        record["exception"] = None


def router_chatter(record) -> bool:  # type: ignore[no-untyped-def]
    """NoneBot's two INFO lines per message about core's router matcher ("Event
    will be handled by …", "… running complete"): every message would log three."""
    return (
        record["function"] in ("_run_matcher", "simple_run")
        and record["level"].name == "INFO"
        and "module=plugins.core," in record["message"]
    )


def configure_logging(hide_text: bool, level: int | str) -> None:
    """linli's one log handler. Its ``level`` lets loguru drop a record below it
    before formatting it: NoneBot's own handler takes every level and filters
    after, so its DEBUG line per API call cost ~10 % of a ``+1``'s CPU."""
    from nonebot.log import default_filter, default_format, logger, logger_id

    def message_filter(record) -> bool:  # type: ignore[no-untyped-def]
        if router_chatter(record) or record["message"] == CONSOLE_CTRL_C:
            return False
        scrub_token(record)
        if (
            hide_text
            and record["function"] == "handle_event"
            and ("[message." in record["message"] or "[message:" in record["message"])
        ):
            record["message"] = redact(record["message"])
        return default_filter(record)

    logger.remove(logger_id)
    handler = logger.add(
        sys.stdout,
        level=level,
        diagnose=False,
        filter=message_filter,
        format=default_format,
    )
    # nonebot-adapter-console looks NoneBot's handler up by this id (to draw the
    # log inside the terminal UI): point it at linli's handler.
    nonebot.log.logger_id = handler
    backend = sys.modules.get("nonebot.adapters.console.backend")
    if backend is not None:
        backend.logger_id = handler  # type: ignore[attr-defined]


def adapter_modules() -> list[str]:
    """The adapters listed in pyproject.toml's [tool.nonebot.adapters] (as nb-cli)."""
    with open(ROOT / "pyproject.toml", "rb") as f:
        table = tomllib.load(f)["tool"]["nonebot"]["adapters"]
    return [entry["module_name"] for entries in table.values() for entry in entries]


def init_options(console: bool = False) -> dict[str, object]:
    options: dict[str, object] = {
        "driver": os.environ.get("DRIVER", "~fastapi+~aiohttp+~websockets"),
        "command_start": ["/", "／"],
        "command_sep": [" "],
    }
    if console:  # no server, no network: the terminal is the chat
        options["driver"] = "~none"
        options["log_level"] = os.environ.get("LOG_LEVEL", "WARNING")
        # a line is addressed to linli only when it starts with @linli, as in a
        # real group (the adapter's default takes every line as addressed)
        options["console_strict_tome"] = True
        options["console_bot_name"] = "linli"
    # NoneBot's driver config ignores undeclared environment keys; the Telegram
    # adapter reads its bots from it, so pass TELEGRAM_BOTS through explicitly.
    if os.environ.get("TELEGRAM_BOTS"):
        options["telegram_bots"] = json.loads(os.environ["TELEGRAM_BOTS"])
    # the same for the Milky adapter's connections (nonebot-adapter-milky's
    # config.py: milky_clients, a list of {host, port, access_token, secure})
    if os.environ.get("MILKY_CLIENTS"):
        options["milky_clients"] = json.loads(os.environ["MILKY_CLIENTS"])
    return options


MILKY_ADAPTER = "nonebot.adapters.milky"


def milky_configured(config: object) -> bool:
    """Whether a Milky implementation is configured (``MILKY_CLIENTS`` in the
    environment or .env): only then is the Milky adapter registered."""
    return bool(getattr(config, "milky_clients", None))


def tryout_environment(environ: MutableMapping[str, str], config: object) -> None:
    """The try-out keeps its own SQLite database, never the real one:
    ``LINLI_CONSOLE_DATA_DIR`` (default ``data/console``)."""
    data = environ.get("LINLI_CONSOLE_DATA_DIR") or getattr(
        config, "linli_console_data_dir", None
    )
    environ["LINLI_DATA_DIR"] = str(data or Path("data") / "console")
    environ.pop("LINLI_DATABASE_URL", None)


async def quit_with_the_terminal() -> None:
    """Ctrl+Q closes the terminal UI; then linli stops too (the console adapter
    alone would wait for a Ctrl-C)."""
    import asyncio

    from nonebot.adapters.console import Adapter

    adapter = nonebot.get_adapter(Adapter)

    async def watch() -> None:
        while adapter._task is None:  # noqa: ASYNC110 (the adapter has no event)
            await asyncio.sleep(0.05)
        with contextlib.suppress(Exception):
            await adapter._task
        nonebot.get_driver().exit()

    _background.add(_spawn(watch()))


_background: set[object] = set()


def _spawn(coro):  # type: ignore[no-untyped-def]
    import asyncio

    return asyncio.get_running_loop().create_task(coro)


async def announce(host: str, port: int, text: str, timeout: float = 60.0) -> None:
    """Log ``text`` once ``host:port`` accepts connections: the server binds
    only after the startup hooks, so a line printed earlier would be untrue."""
    import asyncio

    target = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        try:
            _, writer = await asyncio.open_connection(target.strip("[]"), port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        nonebot.logger.opt(colors=True).info(text)
        return
    nonebot.logger.warning(f"linli is not accepting connections on {host}:{port}")


def settle_memory() -> None:
    """Once every plugin has started: what exists now (modules, the config,
    the FAQ's indexes …) lives as long as the process, so the garbage
    collector stops scanning it (``gc.freeze``). Without this each full
    collection walks those millions of objects again: bench/console_pages.py
    saw the KPI page's p95 at 279 ms against 117 ms with it (p50 112 / 106)."""
    gc.collect()
    gc.freeze()


def main(argv: list[str]) -> int:
    console = "--console" in argv
    nonebot.init(**init_options(console))
    driver = nonebot.get_driver()
    configure_logging(
        hide_text=os.environ.get("LINLI_LOG_MESSAGES") != "1",
        level=driver.config.log_level,
    )
    # NoneBot keeps undeclared .env keys in its config, not in os.environ: make
    # LINLI_* from a .env file visible to linli's settings (environment wins).
    for key in ("LINLI_CONFIG", "LINLI_DATA_DIR", "LINLI_DATABASE_URL"):
        value = getattr(driver.config, key.lower(), None)
        if value and key not in os.environ:
            os.environ[key] = str(value)
    if console:
        tryout_environment(os.environ, driver.config)
    modules = ["nonebot.adapters.console"] if console else adapter_modules()
    if not console and milky_configured(driver.config):
        modules.append(MILKY_ADAPTER)
    for module in modules:
        driver.register_adapter(importlib.import_module(module).Adapter)
    if console:  # after the adapter's own startup hook, which opens the UI
        driver.on_startup(quit_with_the_terminal)
    nonebot.load_from_toml("pyproject.toml")

    from nonebot.utils import escape_tag

    from plugins.core import ConfigError, store
    from plugins.core.settings import load_settings
    from plugins.core.storage import describe

    settings = load_settings()
    try:
        store.load(settings.config_path)
    except ConfigError as exc:
        nonebot.logger.opt(colors=True).error(
            "<r>linli cannot start: the configuration file has errors</r>\n"
            + escape_tag(str(exc))
        )
        return 2

    if console:
        nonebot.run()
        return 0
    config = driver.config
    host, port = str(config.host), int(config.port)
    token = getattr(config, "onebot_access_token", None) or os.environ.get(
        "ONEBOT_ACCESS_TOKEN"
    )
    if not token and not is_loopback(host):
        nonebot.logger.error(
            f"linli refuses to listen on {host}: it is reachable from other machines "
            "and ONEBOT_ACCESS_TOKEN is not set. Set ONEBOT_ACCESS_TOKEN (in .env or "
            "the environment) and give the same token to your OneBot implementation."
        )
        return 2
    shown = "localhost" if is_loopback(host) else host
    ready = (
        "<g>linli is ready for OneBot connections</g>: reverse WebSocket "
        + escape_tag(
            f"ws://{shown}:{port}/onebot/v11/ws (v11) or ws://{shown}:{port}/onebot/"
            f"v12/ws (v12), access token: "
            f"{'as set in ONEBOT_ACCESS_TOKEN' if token else 'none'}; config "
            f"{settings.config_path}, database {describe(settings.database_url)}"
        )
    )

    # after every plugin's startup (the database is open), once the port accepts
    async def when_listening() -> None:
        _background.add(_spawn(announce(host, port, ready)))

    driver.on_startup(settle_memory)
    driver.on_startup(when_listening)
    nonebot.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
