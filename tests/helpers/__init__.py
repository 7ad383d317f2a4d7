"""Test helpers for plugin authors, in one place: ``from tests.helpers import …``.

The fixtures (marked *fixture*) are registered for every test directory by
tests/conftest.py; ask for them by name. Plugins are imported inside the
helpers, after NoneBot has started.

Config (config.py): YAML text and keyword sections are merged into a base file
key by key (mappings merge, other values replace)
- override_config — *fixture*: load a patched config for this test; the config
  before comes back afterwards, however the test ends (``config_overrides()``
  is the same as a ``with`` block):
  ``override_config(groups={"qq:1000": {"vote": {"enabled": False}}})``,
  ``override_config(section_text("faq"))``, ``override_config(text, base=None)``
- linli_config — build (not load) a LinliConfig from tests/fixtures/linli.test.yaml
  patched, or from ``text`` alone with ``base=None``:
  ``config = linli_config(rules={"ads": {"enabled": True}})``
- section_config — one section's model, from values or the shipped
  config/linli.yaml: ``section_config("vote", max_open=1)``,
  ``section_config("faq", shipped=True)``
- FIXTURE, ROOT — tests/fixtures/linli.test.yaml (the suite's config), the repository

Handler tests (bots.py, events.py, routing.py)
- v11_bot / v12_bot — nonebug's bot for QQ (NapCat) or WeChat (ComWeChat):
  ``bot = v11_bot(ctx)``, ``bot = v12_bot(ctx)``
- group_message / private_message / v12_group_message — the events they send:
  ``ctx.receive_event(bot, group_message("/投票 结果", group=1000, role="admin"))``
  (a ComWeChat message makes linli ask ``wx.get_groupmember_nickname``: expect
  the call, or give ``v12_group_message(text, card="3-2-201 张三")``)
- routed / router — nonebug on core's router, only the named plugins routed:
  ``async with routed(app, "vote") as ctx: …; ctx.should_finished(router())``
- expect_reply — one message, exactly one reply, and done:
  ``await expect_reply(app, "vote", group_message("/投票 结果"), "【投票结果】…")``
- expect_reaction — one message, NapCat's "OK" reaction and no reply (``refused=True``:
  NapCat's failure answer): ``await expect_reaction(app, "vote", group_message("1"))``
- handled — whether a plugin takes an event: ``assert await handled(app, e, "vote")``

Jobs (jobs.py)
- run_job — run the ``@job_handler(kind)`` handler now, in the test:
  ``await run_job("vote.close", {"id": vote.id})`` (``job_handler_of(kind)``: it)
- app_scheduler_paused — *fixture*: the app's scheduler stopped for the test:
  ``@pytest.mark.usefixtures("app_scheduler_paused")``

End to end (e2e.py, fake_telegram.py, fake_milky.py): the real ``bot.py``
process; such a test may live in tests/<plugin>/
- linli_process — *fixture*: a LinliProcess not started yet (E2E_CONFIG; set
  ``linli_process.config_text`` first to change it): ``await
  linli_process.start()``; ``.kill()`` then ``.start()`` is a restart
- linli — *fixture*: the same, started and stopped around the test:
  ``async with linli.connect() as onebot: await onebot.group_message("/投票")``
  (``connect_v12()`` for WeChat; OneBotV11, OneBotV12, ApiCall are the fakes)
- text_of / v12_text_of — the text of a recorded send:
  ``assert text_of(await onebot.expect_call("send_msg")) == "…"``
- FakeTelegram — a fake Bot API server:
  ``linli_process.env = {"TELEGRAM_BOTS": telegram.bots_env()}``
- FakeMilky — a fake Milky implementation (QQ: Lagrange V2 …; fake_milky.py):
  ``linli_process.env = {"MILKY_CLIENTS": milky.clients_env()}``, then
  ``await milky.group_message("/帮助")`` and ``await milky.expect(
  "send_group_message")``; ``milky_text_of(call)`` is the text it sent

Fakes (fakes.py)
- FakeQueue — stands for core's send queue and records the posts:
  ``monkeypatch.setattr(plugin, "send_queue", lambda: queue)``; ``queue.sent``
- PrivateQueue — a FakeQueue that also records private messages in ``queue.private``
- Capture — an expected reply that takes any text (or those ``check`` accepts)
  and keeps it: ``ctx.should_call_send(event, reply := Capture(), result=None)``;
  ``reply.text``; ``Capture(lambda s: "#0001" in s)``
- Like — an expected reply matching a regular expression: ``Like(r"已记下 #\\d+")``
- zh — a zh-CN text of the catalogue: ``zh("core.denied", role=zh("core.role.admin"))``
- new_group_id / new_group — a group no other test uses:
  ``group_message("/demo", group=new_group_id())``; ``new_group()`` is ``"qq:<id>"``
"""

from tests.helpers.bots import v11_bot, v12_bot
from tests.helpers.config import (
    FIXTURE,
    ROOT,
    config_overrides,
    config_text,
    linli_config,
    override_config,
    section_config,
)
from tests.helpers.e2e import (
    E2E_CONFIG,
    ApiCall,
    LinliProcess,
    OneBotV11,
    OneBotV12,
    text_of,
    v12_text_of,
)
from tests.helpers.events import (
    SELF_ID,
    V12_SELF_ID,
    group_message,
    private_message,
    v12_group_message,
)
from tests.helpers.fake_milky import FakeMilky, milky_text_of
from tests.helpers.fake_telegram import FakeTelegram
from tests.helpers.fakes import (
    Capture,
    FakeQueue,
    Like,
    PrivateQueue,
    new_group,
    new_group_id,
    zh,
)
from tests.helpers.jobs import app_scheduler_paused, job_handler_of, run_job
from tests.helpers.routing import (
    expect_reaction,
    expect_reply,
    handled,
    routed,
    router,
)

__all__ = [
    "E2E_CONFIG",
    "FIXTURE",
    "ROOT",
    "SELF_ID",
    "V12_SELF_ID",
    "ApiCall",
    "Capture",
    "FakeMilky",
    "FakeQueue",
    "FakeTelegram",
    "Like",
    "LinliProcess",
    "OneBotV11",
    "OneBotV12",
    "PrivateQueue",
    "app_scheduler_paused",
    "config_overrides",
    "config_text",
    "expect_reaction",
    "expect_reply",
    "group_message",
    "handled",
    "job_handler_of",
    "linli_config",
    "milky_text_of",
    "new_group",
    "new_group_id",
    "override_config",
    "private_message",
    "routed",
    "router",
    "run_job",
    "section_config",
    "text_of",
    "v11_bot",
    "v12_bot",
    "v12_group_message",
    "v12_text_of",
    "zh",
]
