"""A fake Telegram Bot API server on loopback, for linli's Telegram e2e tests.

It speaks the real protocol subset the NoneBot Telegram adapter uses:
``getUpdates`` with offset semantics (long-poll, held briefly), and any other
method recorded as a call and answered ``{"ok": true, "result": …}``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.helpers.e2e import free_port

TOKEN = "123456:LINLI-E2E"
BOT_ID = 123456


@dataclass
class TgCall:
    method: str
    params: dict[str, Any]
    result: Any = None  # what the fake answered (a sent message: its message_id)


@dataclass
class FakeTelegram:
    port: int = field(default_factory=free_port)
    updates: list[dict[str, Any]] = field(default_factory=list)
    calls: list[TgCall] = field(default_factory=list)
    member_status: dict[int, str] = field(default_factory=dict)
    _messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _msg_ids: itertools.count = field(default_factory=lambda: itertools.count(5000))
    _runner: web.AppRunner | None = None
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    @property
    def api_server(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def bots_env(self) -> str:
        return json.dumps([{"token": TOKEN, "api_server": self.api_server}])

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return web.json_response({"ok": False, "description": "Unauthorized"}, 401)
        method = request.match_info["method"]
        if request.content_type == "application/json":
            params = await request.json()
        else:
            form = await request.post()
            params = {k: v for k, v in form.items() if isinstance(v, str)}
        params = {k: _decode(v) for k, v in params.items()}
        if method == "getUpdates":
            return web.json_response({"ok": True, "result": await self._poll(params)})
        result = self._result(method, params)
        async with self._changed:
            self.calls.append(TgCall(method, params, result))
            self._changed.notify_all()
        return web.json_response({"ok": True, "result": result})

    async def _poll(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = params.get("offset")
        deadline = time.monotonic() + 0.5
        while True:
            pending = [
                u for u in self.updates if offset is None or u["update_id"] >= offset
            ]
            if pending or time.monotonic() > deadline:
                return pending
            await asyncio.sleep(0.05)

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method in {"sendMessage", "sendDocument"}:
            return {
                "message_id": next(self._msg_ids),
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "supergroup"},
                "text": params.get("text", ""),
            }
        if method == "getChatMember":
            uid = int(params["user_id"])
            return {
                "status": self.member_status.get(uid, "member"),
                "user": {"id": uid, "is_bot": False, "first_name": f"user{uid}"},
            }
        if method == "getMe":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "linli",
                "username": "linli_bot",
            }
        return True

    def group_message(
        self,
        text: str,
        *,
        chat: int = -1001000,
        user: int = 42,
        name: str = "3-2-201 张三",
        username: str | None = None,
        entities: list[dict[str, Any]] | None = None,
        reply_to: int | None = None,
    ) -> int:
        """Queue a supergroup message update; returns its message id.

        ``username`` is the sender's User.username; ``entities`` are added after
        the bot_command one (offsets in UTF-16 code units, as the Bot API
        counts them); ``reply_to`` makes it a reply to an earlier queued
        message, sent whole as Message.reply_to_message (with its ``from``)."""
        message_id = next(self._msg_ids)
        first, _, last = name.partition(" ")
        sender: dict[str, Any] = {
            "id": user,
            "is_bot": False,
            "first_name": first,
            "last_name": last or None,
        }
        if username is not None:
            sender["username"] = username
        all_entities = list(entities or [])
        if text.startswith("/"):
            command = {"type": "bot_command", "offset": 0,
                       "length": len(text.split()[0])}  # fmt: skip
            all_entities.insert(0, command)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat, "type": "supergroup", "title": "3栋业主群"},
            "from": sender,
            "text": text,
            **({"entities": all_entities} if all_entities else {}),
        }
        if reply_to is not None:
            message["reply_to_message"] = self._messages[reply_to]
        self._messages[message_id] = message
        self.updates.append({"update_id": next(self._ids), "message": message})
        return message_id

    def members_added(
        self, users: list[int], *, chat: int = -1001000, by: int = 42
    ) -> None:
        """Queue a supergroup service message adding ``users`` at once
        (Message.new_chat_members, an array of User)."""
        self.updates.append(
            {
                "update_id": next(self._ids),
                "message": {
                    "message_id": next(self._msg_ids),
                    "date": int(time.time()),
                    "chat": {"id": chat, "type": "supergroup", "title": "3栋业主群"},
                    "from": {"id": by, "is_bot": False, "first_name": "张三"},
                    "new_chat_members": [
                        {"id": uid, "is_bot": False, "first_name": f"user{uid}"}
                        for uid in users
                    ],
                },
            }
        )

    async def expect(
        self, method: str, *, where=lambda call: True, timeout: float = 15.0
    ) -> TgCall:
        def find() -> TgCall | None:
            return next(
                (c for c in self.calls if c.method == method and where(c)), None
            )

        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: find() is not None), timeout
            )
        found = find()
        assert found is not None
        return found


def _decode(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
