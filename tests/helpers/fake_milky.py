"""A fake Milky implementation (QQ: Lagrange V2 …) on loopback, for linli's
Milky e2e tests.

It speaks what nonebot-adapter-milky's forward connection uses (adapter.py
``ws_connect`` and ``call_http``; the Milky spec's guide/communication.md):

- ``GET /event`` upgraded to a WebSocket, the access token in the query
  (``?access_token=…``, how the adapter sends it) or an ``Authorization:
  Bearer`` header; each event one JSON text frame ``{"time", "self_id",
  "event_type", "data"}``;
- ``POST /api/<action>`` with a JSON body and ``Authorization: Bearer
  <token>`` (401 without it), answered ``{"status": "ok", "retcode": 0,
  "data": …}``; an action listed in ``unsupported`` answers HTTP 404 (the
  spec's "API 不存在").

Events are shaped as Lagrange V2 sends them (LagrangeDev/LagrangeV2
Lagrange.Milky/Utility/EntityConvert.Message.cs, EntityConvert.Misc.cs,
Entity/Group.cs, Entity/GroupMember.cs). Every API call is recorded.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.helpers.e2e import free_port

TOKEN = "milky-e2e"
SELF_ID = 10000


@dataclass
class MilkyCall:
    action: str
    params: dict[str, Any]
    result: Any = None  # the ``data`` the fake answered


def milky_text_of(call: MilkyCall) -> str:
    """The text segments of a sent ``message``, joined."""
    return "".join(
        seg["data"].get("text", "")
        for seg in call.params.get("message") or []
        if seg.get("type") == "text"
    )


@dataclass
class FakeMilky:
    port: int = field(default_factory=free_port)
    token: str = TOKEN
    self_id: int = SELF_ID
    calls: list[MilkyCall] = field(default_factory=list)
    unsupported: set[str] = field(default_factory=set)
    # (group, user) → "owner" | "admin" | "member"; names by user
    roles: dict[tuple[int, int], str] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    messages: dict[tuple[str, int, int], dict[str, Any]] = field(default_factory=dict)
    _seqs: defaultdict[int, itertools.count] = field(
        default_factory=lambda: defaultdict(lambda: itertools.count(5001))
    )
    _pending: list[dict[str, Any]] = field(default_factory=list)
    _sockets: set[web.WebSocketResponse] = field(default_factory=set)
    _runner: web.AppRunner | None = None
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    def clients_env(self) -> str:
        """``MILKY_CLIENTS`` for linli: nonebot-adapter-milky's ClientInfo."""
        import json

        return json.dumps(
            [{"host": "127.0.0.1", "port": self.port, "access_token": self.token}]
        )

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/event", self._events)
        app.router.add_post("/api/{action}", self._api)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- the wire ----------------------------------------------------------

    def _authorised(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        return (
            header == f"Bearer {self.token}"
            or request.query.get("access_token") == self.token
        )

    async def _events(self, request: web.Request) -> web.StreamResponse:
        if not self._authorised(request):
            return web.Response(status=401, text="Unauthorized")
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async with self._changed:
            self._sockets.add(ws)
            pending, self._pending = self._pending, []
            self._changed.notify_all()
        for event in pending:
            await ws.send_json(event)
        try:
            async for msg in ws:
                if msg.type in (WSMsgType.CLOSE, WSMsgType.ERROR):
                    break
        finally:
            self._sockets.discard(ws)
        return ws

    async def _api(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.Response(status=401, text="Unauthorized")
        if request.content_type != "application/json":
            return web.Response(status=415, text="Unsupported Media Type")
        action = request.match_info["action"]
        if action in self.unsupported:
            return web.Response(status=404, text="Not Found")
        params = await request.json()
        data = self._result(action, params)
        async with self._changed:
            self.calls.append(MilkyCall(action, params, data))
            self._changed.notify_all()
        return web.json_response({"status": "ok", "retcode": 0, "data": data})

    def _result(self, action: str, params: dict[str, Any]) -> Any:
        now = int(time.time())
        if action == "get_login_info":
            return {"uin": self.self_id, "nickname": "linli"}
        if action == "get_impl_info":
            return {
                "impl_name": "Lagrange.Milky",
                "impl_version": "fake",
                "qq_protocol_version": "9.9.9",
                "qq_protocol_type": "linux",
                "milky_version": "1.0",
            }
        if action in {"send_group_message", "send_private_message"}:
            peer = params.get("group_id") or params.get("user_id")
            scene = "group" if action == "send_group_message" else "friend"
            seq = next(self._seqs[int(peer)])
            self.messages[(scene, int(peer), seq)] = self._incoming(
                scene, int(peer), seq, self.self_id, params.get("message") or []
            )
            return {"message_seq": seq, "time": now}
        if action == "get_message":
            key = (params["message_scene"], params["peer_id"], params["message_seq"])
            return {"message": self.messages[key]}
        if action == "get_group_member_info":
            group, user = int(params["group_id"]), int(params["user_id"])
            return {"member": self._member(group, user)}
        if action == "get_group_member_list":
            group = int(params["group_id"])
            users = {u for g, u in self.roles if g == group} | {self.self_id}
            return {"members": [self._member(group, u) for u in sorted(users)]}
        if action in {"upload_group_file", "upload_private_file"}:
            return {"file_id": f"file-{len(self.calls)}"}
        return {}

    def _member(self, group: int, user: int, name: str | None = None) -> dict:
        """Lagrange.Milky/Entity/GroupMember.cs as EntityConvert.Misc.cs fills
        it (card and title "" when unset)."""
        return {
            "user_id": user,
            "nickname": f"nick{user}",
            "sex": "unknown",
            "group_id": group,
            "card": name if name is not None else self.names.get(user, ""),
            "title": "",
            "level": 1,
            "role": self.roles.get((group, user), "member"),
            "join_time": 1700000000,
            "last_sent_time": int(time.time()),
            "shut_up_end_time": 0,
        }

    def _incoming(
        self,
        scene: str,
        peer: int,
        seq: int,
        sender: int,
        segments: list[dict[str, Any]],
        name: str | None = None,
    ) -> dict[str, Any]:
        """An IncomingMessage (Milky common.ts; Lagrange V2
        EntityConvert.Message.cs: a group message's peer_id is the group)."""
        message: dict[str, Any] = {
            "message_scene": scene,
            "peer_id": peer,
            "message_seq": seq,
            "sender_id": sender,
            "time": int(time.time()),
            "segments": segments,
        }
        if scene == "group":
            message["group"] = {  # Lagrange.Milky/Entity/Group.cs
                "group_id": peer,
                "group_name": f"群{peer}",
                "member_count": 300,
                "max_member_count": 500,
                "remark": "",
                "created_time": 1600000000,
                "description": "",
                "question": "",
                "announcement": "",
            }
            message["group_member"] = self._member(peer, sender, name)
        else:
            message["friend"] = {
                "user_id": sender,
                "nickname": name or f"nick{sender}",
                "sex": "unknown",
                "qid": "",
                "remark": "",
                "category": {"category_id": 0, "category_name": "我的好友"},
            }
        return message

    # ---- events ------------------------------------------------------------

    async def push(self, event_type: str, data: dict[str, Any]) -> None:
        """Send an event to linli (kept until it connects)."""
        event = {
            "time": int(time.time()),
            "self_id": self.self_id,
            "event_type": event_type,
            "data": data,
        }
        if not self._sockets:
            self._pending.append(event)
            return
        for ws in list(self._sockets):
            await ws.send_json(event)

    async def group_message(
        self,
        text: str,
        *,
        group: int = 1000,
        user: int = 42,
        name: str = "3-2-201 张三",
        segments: list[dict[str, Any]] | None = None,
    ) -> int:
        """A member's group message (text, or the ``segments`` given); returns
        its message_seq."""
        seq = next(self._seqs[group])
        body = segments or [{"type": "text", "data": {"text": text}}]
        message = self._incoming("group", group, seq, user, body, name)
        self.messages[("group", group, seq)] = message
        await self.push("message_receive", message)
        return seq

    async def member_increase(
        self, user: int, *, group: int = 1000, operator: int | None = None
    ) -> None:
        await self.push(
            "group_member_increase",
            {"group_id": group, "user_id": user, "operator_id": operator},
        )

    async def wait_connected(self, timeout: float = 20.0) -> None:
        """Until linli's WebSocket is open and it asked get_login_info (the
        adapter's bot is connected then)."""
        await self.expect("get_login_info", timeout=timeout)
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: bool(self._sockets)), timeout
            )

    async def expect(
        self,
        action: str,
        *,
        where=lambda call: True,
        after: int = 0,
        timeout: float = 15.0,
    ) -> MilkyCall:
        """The first call of ``action`` (from index ``after``) that ``where``
        accepts, waiting for it."""

        def find() -> MilkyCall | None:
            return next(
                (c for c in self.calls[after:] if c.action == action and where(c)),
                None,
            )

        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: find() is not None), timeout
            )
        found = find()
        assert found is not None
        return found
