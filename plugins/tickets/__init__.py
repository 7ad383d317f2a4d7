"""tickets (报事报修): every report tracked to the end, escalated when late.

Commands (and the 【问题】 hook, order 30, on core's router) live in
``resident.py`` and ``staff.py``; the logic in ``service.py``;
the SLA ladder and the scheduler's jobs in ``escalation.py``.
"""

from __future__ import annotations

from nonebot import get_driver, logger, require
from nonebot.plugin import PluginMetadata

require("plugins.core")
from plugins.core import register_models  # noqa: E402

from . import config, escalation, resident, staff  # noqa: E402, F401
from .env import Env  # noqa: E402

register_models("tickets", "plugins.tickets")

__plugin_meta__ = PluginMetadata(
    name="tickets",
    description="报事报修：工单、时限与超时升级 / reports, tickets, SLA escalation",
    usage="/报修 /工单 /我的工单 /评价 /未解决；工作人员 /接单 /派单 /进展 /完成 …",
    type="application",
    supported_adapters={"~onebot.v11", "~onebot.v12"},
    extra={"linli": {"section": "tickets", "help": "tickets.help"}},
)


@get_driver().on_startup
async def _progress_job() -> None:
    try:
        await escalation.ensure_progress(Env())
    except Exception:  # the bot must start even if this fails
        logger.exception("tickets: could not schedule the progress post")
