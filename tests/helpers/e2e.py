"""The end-to-end harness: the real linli process (restartable) and fake OneBot
v11 / v12 implementations, plus the ``linli_process`` and ``linli`` fixtures.

``LinliProcess`` starts ``python bot.py`` on a free port with its own data dir,
config and token. ``OneBotV11`` connects to it over a real WebSocket the way
NapCat does (``X-Self-ID``, ``Authorization: Bearer``), sends raw JSON events,
answers the bot's API calls and records them for assertions. ``kill()`` then
``start()`` is a restart on the same data dir and config.

A plugin's e2e test may live in ``tests/<plugin>/``: the fixtures are
registered for the whole suite by tests/conftest.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parents[2]
SELF_ID = 10000
Responder = Callable[[str, dict[str, Any]], Any]

E2E_CONFIG = """
core:
  admins: ["qq:500"]
  scheduler:
    poll_seconds: 0.2
    retry_base_seconds: 0.5
groups:
  "qq:1000":
    name: 3栋业主群
    role: residents
  "qq:2000":
    name: 物业工作群
    role: staff
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class LinliProcess:
    """One run of ``bot.py``; ``start()`` again after ``kill()`` is a restart."""

    workdir: Path
    token: str = "e2e-secret"
    config_text: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    runs: int = 0

    @property
    def config_path(self) -> Path:
        return self.workdir / "linli.yaml"

    @property
    def data_dir(self) -> Path:
        return self.workdir / "data"

    @property
    def database_url(self) -> str:
        return f"sqlite://{self.data_dir / 'linli.sqlite3'}"

    def log_path(self, run: int | None = None) -> Path:
        return self.workdir / f"bot-{self.runs if run is None else run}.log"

    def log(self) -> str:
        path = self.log_path()
        return (
            path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        )

    def url(self, version: str = "v11") -> str:
        return f"ws://127.0.0.1:{self.port}/onebot/{version}/ws"

    def _environ(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("LINLI_", "ONEBOT_")) and k not in {"HOST", "PORT"}
        }
        env.update(
            HOST="127.0.0.1",
            PORT=str(self.port),
            ONEBOT_ACCESS_TOKEN=self.token,
            LINLI_CONFIG=str(self.config_path),
            LINLI_DATA_DIR=str(self.data_dir),
            SUPERUSERS='["qq:99"]',
            LOG_LEVEL="DEBUG",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.env)
        return env

    def launch(self) -> subprocess.Popen[bytes]:
        """Start the process without waiting for it to listen."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.config_text is not None and not self.config_path.exists():
            self.config_path.write_text(self.config_text, encoding="utf-8")
        self.runs += 1
        log = self.log_path().open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "bot.py")],
            cwd=self.workdir,
            env=self._environ(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        return self.proc

    async def start(self, timeout: float = 40.0) -> None:
        proc = self.launch()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"linli exited with {proc.returncode}:\n{self.log()}"
                )
            if _listening(self.port):  # uvicorn binds after startup completed
                return
            await asyncio.sleep(0.1)
        self.kill()
        raise TimeoutError(f"linli did not start in {timeout}s:\n{self.log()}")

    async def wait_exit(self, timeout: float = 40.0) -> int:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:
            if time.monotonic() > deadline:
                self.kill()
                raise TimeoutError(f"linli did not exit:\n{self.log()}")
            await asyncio.sleep(0.1)
        return self.proc.returncode

    def kill(self) -> None:
        """Kill -9: what a crash or a power cut does."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    async def stop(self) -> None:
        """A clean stop (Ctrl+C)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                await self.wait_exit(15)
            except TimeoutError:
                self.kill()

    def connect(
        self, **kwargs: Any
    ) -> contextlib.AbstractAsyncContextManager[OneBotV11]:
        """Connect as NapCat would; ``token=`` overrides the right one."""
        kwargs.setdefault("token", self.token)
        return OneBotV11.session(self.url("v11"), **kwargs)

    def connect_v12(
        self, **kwargs: Any
    ) -> contextlib.AbstractAsyncContextManager[OneBotV12]:
        """Connect as ComWeChatBotClient would (OneBot v12, platform wechat)."""
        kwargs.setdefault("token", self.token)
        return OneBotV12.session(self.url("v12"), **kwargs)


def ok(data: Any = None) -> dict[str, Any]:
    return {"status": "ok", "retcode": 0, "data": data}


def default_responder(action: str, params: dict[str, Any]) -> Any:
    """What NapCat answers, closely enough for linli."""
    if action in {"send_msg", "send_group_msg", "send_private_msg"}:
        return ok({"message_id": next(_sent_ids)})
    if action == "get_group_member_info":
        return ok(
            {
                "group_id": params.get("group_id"),
                "user_id": params.get("user_id"),
                "nickname": "nick",
                "card": "",
                "role": "member",
            }
        )
    return ok(None)


_sent_ids = itertools.count(900001)
_message_ids = itertools.count(1)


@dataclass
class ApiCall:
    action: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)  # when linli made it


class OneBotV11:
    """A OneBot v11 implementation as seen by linli: events in, API calls out."""

    def __init__(self, ws: ClientConnection, responder: Responder, self_id: int):
        self.ws = ws
        self.responder = responder
        self.self_id = self_id
        self.calls: list[ApiCall] = []
        self._new_call = asyncio.Condition()
        # what the kicks and mutes it answered ok did, as NapCat's member info
        # then tells it (linli checks the effect): members gone, muted until
        self.gone: set[tuple[int, int]] = set()
        self.muted: dict[tuple[int, int], int] = {}
        self._reader = asyncio.create_task(self._read())

    @classmethod
    @contextlib.asynccontextmanager
    async def session(
        cls,
        url: str,
        *,
        token: str | None,
        self_id: int = SELF_ID,
        responder: Responder = default_responder,
    ) -> AsyncIterator[OneBotV11]:
        headers = {"X-Self-ID": str(self_id), "X-Client-Role": "Universal"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        async with connect(url, additional_headers=headers) as ws:
            client = cls(ws, responder, self_id)
            await client.send(
                {
                    "time": int(time.time()),
                    "self_id": self_id,
                    "post_type": "meta_event",
                    "meta_event_type": "lifecycle",
                    "sub_type": "connect",
                }
            )
            try:
                yield client
            finally:
                client._reader.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await client._reader

    async def send(self, payload: dict[str, Any]) -> None:
        if payload.get("notice_type") == "group_increase":  # back in the group
            self.gone.discard((payload.get("group_id"), payload.get("user_id")))
        await self.ws.send(json.dumps(payload, ensure_ascii=False))

    def _effects(self, call: ApiCall, answer: dict[str, Any]) -> dict[str, Any]:
        """NapCat's member info after its own kicks and mutes: a kicked member
        is an error (packages/napcat-onebot/action/group/GetGroupMemberInfo.ts:
        群(g)成员u不存在, retcode 1200 from action/OneBotAction.ts), a muted one
        has shut_up_timestamp (helper/data.ts)."""
        key = (call.params.get("group_id"), call.params.get("user_id"))
        if answer.get("status") != "ok":
            return answer
        if call.action == "set_group_kick":
            self.gone.add(key)
        elif call.action == "set_group_ban":
            seconds = int(call.params.get("duration") or 0)
            self.muted[key] = int(time.time()) + seconds if seconds else 0
        elif call.action == "get_group_member_info" and isinstance(
            answer.get("data"), dict
        ):
            if key in self.gone:
                return {
                    "status": "failed",
                    "retcode": 1200,
                    "data": None,
                    "message": f"群({key[0]})成员{key[1]}不存在",
                }
            data = {"shut_up_timestamp": self.muted.get(key, 0), **answer["data"]}
            return {**answer, "data": data}
        return answer

    async def _read(self) -> None:
        async for raw in self.ws:
            request = json.loads(raw)
            call = ApiCall(request["action"], request.get("params") or {})
            answer = self._effects(call, dict(self.responder(call.action, call.params)))
            answer["echo"] = request.get("echo")
            await self.ws.send(json.dumps(answer, ensure_ascii=False))
            async with self._new_call:
                self.calls.append(call)
                self._new_call.notify_all()

    async def expect_call(
        self,
        action: str | set[str],
        *,
        where: Callable[[ApiCall], bool] = lambda call: True,
        timeout: float = 10.0,
        after: int = 0,
    ) -> ApiCall:
        """The first call (from index ``after``) of ``action`` matching ``where``."""
        actions = {action} if isinstance(action, str) else action

        def find() -> ApiCall | None:
            for call in self.calls[after:]:
                if call.action in actions and where(call):
                    return call
            return None

        async with self._new_call:
            await asyncio.wait_for(
                self._new_call.wait_for(lambda: find() is not None), timeout
            )
        found = find()
        assert found is not None
        return found

    async def group_message(
        self,
        text: str,
        *,
        group: int = 1000,
        user: int = 42,
        card: str = "3-2-201 张三",
        role: str = "member",
        message_id: int | None = None,
        segments: list[dict[str, Any]] | None = None,
    ) -> int:
        """Send a group message as NapCat reports it; returns its message id.
        ``segments`` (an image…) instead of one text segment, with ``text`` as
        its raw_message (CQ codes)."""
        mid = message_id if message_id is not None else next(_message_ids)
        await self.send(
            napcat_group_message(
                self.self_id,
                mid,
                segments or [{"type": "text", "data": {"text": text}}],
                raw=text,
                group=group,
                user=user,
                card=card,
                role=role,
            )
        )
        return mid


def napcat_group_message(
    self_id: int,
    message_id: int,
    segments: list[dict[str, Any]],
    *,
    raw: str,
    group: int = 1000,
    user: int = 42,
    card: str = "3-2-201 张三",
    role: str = "member",
) -> dict[str, Any]:
    """A group message event as NapCat posts it (array message format)."""
    return {
        "time": int(time.time()),
        "self_id": self_id,
        "post_type": "message",
        "message_type": "group",
        "sub_type": "normal",
        "message_id": message_id,
        "group_id": group,
        "user_id": user,
        "anonymous": None,
        "message": segments,
        "raw_message": raw,
        "font": 14,
        "sender": {"user_id": user, "nickname": "nick", "card": card, "role": role},
        "message_format": "array",
    }


def text_of(call: ApiCall) -> str:
    """The plain text of a send call's ``message`` (array or string form)."""
    message = call.params.get("message")
    if isinstance(message, str):
        return message
    return "".join(
        seg["data"].get("text", "") for seg in message or [] if seg["type"] == "text"
    )


# What ComWeChatBotClient answers to get_supported_actions: the names of its
# standard actions and its "wx."-prefixed ones (wechatbot_client/
# action_manager/check.py, get_supported_actions; the actions themselves in
# action_manager/manager.py — this version names the kick wx.kick_groupmember)
COMWECHAT_ACTIONS = [
    "get_supported_actions",
    "get_status",
    "get_version",
    "send_message",
    "get_self_info",
    "get_user_info",
    "get_friend_list",
    "get_group_info",
    "get_group_list",
    "get_group_member_info",
    "get_group_member_list",
    "set_group_name",
    "upload_file",
    "get_file",
    "wx.get_public_account_list",
    "wx.get_groupmember_nickname",
    "wx.kick_groupmember",
]


def v12_responder(action: str, params: dict[str, Any]) -> Any:
    """What ComWeChatBotClient answers, closely enough for linli."""
    if action == "get_supported_actions":
        return {**ok(COMWECHAT_ACTIONS), "message": ""}
    if action == "send_message":
        return {
            **ok({"message_id": str(next(_sent_ids)), "time": time.time()}),
            "message": "",
        }
    if action == "get_group_member_info":
        return {
            **ok(
                {
                    "user_id": params.get("user_id"),
                    "user_name": "nick",
                    "user_displayname": "",
                }
            ),
            "message": "",
        }
    if action == "wx.get_groupmember_nickname":
        # the 群昵称 as data, "" when unset (ComWeChatBotClient's
        # action_manager/manager.py, get_groupmember_nickname)
        return {**ok(""), "message": ""}
    if action == "upload_file":
        return {**ok({"file_id": uuid.uuid4().hex}), "message": ""}
    return {**ok(None), "message": ""}


def v12_group_names(names: dict[str, str]) -> Responder:
    """ComWeChatBotClient whose members have these 群昵称 (user id → name);
    everything else as ``v12_responder``:
    ``linli.connect_v12(responder=v12_group_names({"wxid_a": "3-2-201 张三"}))``."""

    def respond(action: str, params: dict[str, Any]) -> Any:
        if action == "wx.get_groupmember_nickname":
            return {**ok(names.get(params.get("user_id"), "")), "message": ""}
        return v12_responder(action, params)

    return respond


class OneBotV12(OneBotV11):
    """A OneBot v12 implementation (ComWeChatBotClient: platform wechat)."""

    platform = "wechat"
    impl = "ComWechat"

    def _effects(self, call: ApiCall, answer: dict[str, Any]) -> dict[str, Any]:
        return answer  # ComWeChat's answers as its responder gives them

    def __init__(self, ws: ClientConnection, responder: Responder, self_id: Any):
        super().__init__(ws, responder, self_id)
        self.bot_self = {"platform": self.platform, "user_id": str(self_id)}

    @classmethod
    @contextlib.asynccontextmanager
    async def session(  # type: ignore[override]
        cls,
        url: str,
        *,
        token: str | None,
        self_id: str = "wxid_linlibot",
        responder: Responder = v12_responder,
    ) -> AsyncIterator[OneBotV12]:
        headers = {}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        async with connect(
            url, additional_headers=headers, subprotocols=[f"12.{cls.impl}"]
        ) as ws:
            client = cls(ws, responder, self_id)
            await client.send(
                {
                    "id": uuid.uuid4().hex,
                    "time": time.time(),
                    "type": "meta",
                    "detail_type": "connect",
                    "sub_type": "",
                    "version": {
                        "impl": cls.impl,
                        "version": "1.0",
                        "onebot_version": "12",
                    },
                }
            )
            await client.send(
                {
                    "id": uuid.uuid4().hex,
                    "time": time.time(),
                    "type": "meta",
                    "detail_type": "status_update",
                    "sub_type": "",
                    "status": {
                        "good": True,
                        "bots": [{"self": client.bot_self, "online": True}],
                    },
                }
            )
            try:
                yield client
            finally:
                client._reader.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await client._reader

    async def group_message(  # type: ignore[override]
        self,
        text: str,
        *,
        group: str = "777@chatroom",
        user: str = "wxid_resident",
        message_id: str | None = None,
        mentions: tuple[str, ...] = (),
    ) -> str:
        """Send a group message as ComWeChatBotClient reports it."""
        mid = message_id or str(next(_message_ids))
        segments = [{"type": "mention", "data": {"user_id": u}} for u in mentions]
        segments.append({"type": "text", "data": {"text": text}})
        await self.send(
            {
                "id": uuid.uuid4().hex,
                "time": time.time(),
                "type": "message",
                "detail_type": "group",
                "sub_type": "",
                "message_id": mid,
                "self": self.bot_self,
                "message": segments,
                "alt_message": text,
                "user_id": user,
                "group_id": group,
            }
        )
        return mid


def v12_text_of(call: ApiCall) -> str:
    return "".join(
        seg["data"].get("text", "")
        for seg in call.params.get("message") or []
        if seg["type"] == "text"
    )


@pytest.fixture
def linli_process(tmp_path: Path) -> LinliProcess:
    """A linli process that is not started yet (edit its config first if needed)."""
    return LinliProcess(workdir=tmp_path / "linli", config_text=E2E_CONFIG)


@pytest.fixture
async def linli(linli_process: LinliProcess) -> AsyncIterator[LinliProcess]:
    """A running linli process; stopped (and its log shown on failure) afterwards."""
    await linli_process.start()
    try:
        yield linli_process
    finally:
        await linli_process.stop()
        print(linli_process.log()[-4000:])
