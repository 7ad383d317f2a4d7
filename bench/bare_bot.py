"""The baseline: bare NoneBot2 + the OneBot v11 adapter + one no-op matcher.

Run by the benchmarks exactly like linli (HOST, PORT, ONEBOT_ACCESS_TOKEN from
the environment). The one matcher also answers ``/ping`` with ``pong`` so that a
benchmark knows when it is done (a separate ``on_command`` would cost the
baseline about 1 ms per message: see ``BARE_COMMANDS``).
"""

from __future__ import annotations

import os

import nonebot
from nonebot import on_command, on_message
from nonebot.adapters import Event
from nonebot.adapters.onebot.v11 import Adapter

nonebot.init(driver="~fastapi", command_start=["/"])
nonebot.get_driver().register_adapter(Adapter)

noop = on_message(priority=50, block=False)

# BARE_COMMANDS=N adds N no-op commands, to measure what each matcher costs
for n in range(int(os.environ.get("BARE_COMMANDS", "0"))):
    on_command(f"noop{n}", priority=10, block=True)


@noop.handle()
async def _(event: Event) -> None:
    if event.get_plaintext() == "/ping":
        await noop.finish("pong")


if __name__ == "__main__":
    nonebot.run()
