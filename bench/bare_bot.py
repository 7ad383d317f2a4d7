"""The baseline: bare NoneBot2 + the OneBot v11 adapter + one no-op matcher.

Run by the benchmarks exactly like linli (HOST, PORT, ONEBOT_ACCESS_TOKEN from
the environment); ``/ping`` answers so that a benchmark knows when it is done.
"""

from __future__ import annotations

import os

import nonebot
from nonebot import on_command, on_message
from nonebot.adapters.onebot.v11 import Adapter

nonebot.init(driver="~fastapi", command_start=["/"])
nonebot.get_driver().register_adapter(Adapter)

noop = on_message(priority=50, block=False)

# BARE_COMMANDS=N adds N no-op commands, to measure what each matcher costs
for n in range(int(os.environ.get("BARE_COMMANDS", "0"))):
    on_command(f"noop{n}", priority=10, block=True)


@noop.handle()
async def _() -> None:
    return None


ping = on_command("ping", priority=1, block=True)


@ping.handle()
async def _() -> None:
    await ping.finish("pong")


if __name__ == "__main__":
    nonebot.run()
