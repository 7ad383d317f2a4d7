"""A small in-process HTTP client for the console's tests: requests go
straight to NoneBot's ASGI app (no socket, no httpx), cookies are kept like
a browser keeps them (HttpOnly included), redirects are not followed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote, urlencode, urlsplit


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def set_cookies(self) -> list[str]:
        return [v for k, v in self.headers if k.lower() == "set-cookie"]

    @property
    def location(self) -> str | None:
        return self.header("location")

    def csrf(self) -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', self.text)
        assert found, "no CSRF token on the page"
        return found.group(1)


@dataclass
class Browser:
    app: Any
    host: str = "127.0.0.1:8080"
    client: tuple[str, int] = ("127.0.0.1", 50000)
    cookies: dict[str, str] = field(default_factory=dict)

    async def request(
        self,
        method: str,
        url: str,
        *,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        parts = urlsplit(url)
        body = urlencode(form or {}).encode() if form is not None else b""
        raw = [(b"host", self.host.encode())]
        if form is not None:
            raw.append((b"content-type", b"application/x-www-form-urlencoded"))
            raw.append((b"content-length", str(len(body)).encode()))
        if self.cookies:
            jar = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            raw.append((b"cookie", jar.encode()))
        for key, value in (headers or {}).items():
            raw.append((key.lower().encode(), value.encode()))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": parts.path,
            "raw_path": parts.path.encode(),
            # as a browser sends it: non-ASCII percent-encoded
            "query_string": quote(parts.query, safe="=&%+").encode(),
            "headers": raw,
            "client": self.client,
            "server": ("127.0.0.1", 8080),
            "root_path": "",
        }
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        status, out_headers, chunks = 0, [], []

        async def send(message: dict[str, Any]) -> None:
            nonlocal status, out_headers
            if message["type"] == "http.response.start":
                status = message["status"]
                out_headers = [
                    (k.decode("latin-1"), v.decode("latin-1"))
                    for k, v in message.get("headers", [])
                ]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        reply = Reply(status, out_headers, b"".join(chunks))
        for line in reply.set_cookies():
            cookie = SimpleCookie()
            cookie.load(line)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or morsel.value in ("", '""'):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return reply

    async def get(self, url: str, **kw: Any) -> Reply:
        return await self.request("GET", url, **kw)

    async def post(self, url: str, form: dict[str, str] | None = None, **kw) -> Reply:
        return await self.request("POST", url, form=form or {}, **kw)
