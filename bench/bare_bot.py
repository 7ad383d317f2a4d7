"""The baseline: bare NoneBot2 + the OneBot v11 adapter + one no-op matcher.

Run by the benchmarks exactly like linli (HOST, PORT, ONEBOT_ACCESS_TOKEN from
the environment); ``/ping`` answers so that a benchmark knows when it is done.
"""

from __future__ import annotations

import nonebot
from nonebot import on_command, on_message
from nonebot.adapters.onebot.v11 import Adapter

nonebot.init(driver="~fastapi", command_start=["/"])
nonebot.get_driver().register_adapter(Adapter)

noop = on_message(priority=50, block=False)


@noop.handle()
async def _() -> None:
    return None


ping = on_command("ping", priority=1, block=True)


@ping.handle()
async def _() -> None:
    await ping.finish("pong")


if __name__ == "__main__":
    nonebot.run()
