"""The 配置 page over HTTP: who may see it, the settings in force per group,
and check / save-and-reload with core's own validator (on a tmp_path copy of
the loaded file, never the project's config/)."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from tests.console.client import Browser
from tests.console.support import (
    ADMIN,
    STAFF,
    SUPERUSER,
    WEST_ADMIN,
    app,
    signed_in,
)
from tests.helpers import zh


@pytest.fixture
def config_file(override_config, tmp_path) -> Path:
    """The loaded config, copied to tmp_path and loaded from there (the
    fixture puts the one before back after the test)."""
    from plugins.core import store

    path = tmp_path / "linli.yaml"
    path.write_text(store.current.path.read_text(encoding="utf-8"), encoding="utf-8")
    store.load(path)
    return path


async def _page(browser: Browser, query: str = "") -> str:
    reply = await browser.get(f"/console/config{query}")
    assert reply.status == 200, reply.text
    return html.unescape(reply.text)


async def test_no_session_and_staff_are_refused(config_file) -> None:
    browser = Browser(app())
    assert (await browser.get("/console/config")).status == 401
    assert (await browser.post("/console/config", {"csrf": "x"})).status == 401
    staff = await signed_in(STAFF, "STAFF", "qq:2000")
    reply = await staff.get("/console/config")
    assert reply.status == 403 and zh("console.config_page.denied") in reply.text
    tickets = await staff.get("/console/tickets")
    form = {"csrf": tickets.csrf(), "do": "save", "text": "core: {}\n"}
    assert (await staff.post("/console/config", form)).status == 403
    assert "console-west" in config_file.read_text(encoding="utf-8")


async def test_the_settings_in_force_in_a_group(config_file) -> None:
    browser = await signed_in(WEST_ADMIN, "ADMIN", "qq:81000")
    page = await _page(browser, "?group=qq:81000")
    assert '<option value="qq:81000" selected>' in page
    assert 'value="qq:82000"' in page and 'value="qq:1000"' not in page
    assert "estate: console-west" in page  # the group's tickets override
    assert "building: '9'" in page and "session_lifetime: 12h" in page
    # a group the session does not see: the global settings
    other = await _page(browser, "?group=qq:1000")
    assert "estate: console-main" in other and "building: '9'" not in other
    # an admin of one estate: view and check, no save, not the file's text
    assert zh("console.config_page.rule") in page
    assert (
        'value="save"' not in page and "console-main" not in page.split("<textarea")[1]
    )


async def test_a_broken_yaml_names_file_line_and_key_and_changes_nothing(
    config_file,
) -> None:
    from plugins.core import store

    before, running = config_file.read_bytes(), store.current
    browser = await signed_in(SUPERUSER, "SUPERUSER", None)
    page = await browser.get("/console/config")
    text = config_file.read_text(encoding="utf-8")
    assert html.escape(text.splitlines()[0]) in page.text  # the file, to edit
    broken = text + "console:\n  page_size: 2\n"
    line = len(text.splitlines()) + 2
    for do in ("check", "save"):
        reply = await browser.post(
            "/console/config", {"csrf": page.csrf(), "do": do, "text": broken}
        )
        assert reply.status == 200
        shown = html.unescape(reply.text)
        assert f"{config_file}:{line} [console.page_size]: must be 5 or more" in shown
        assert zh("console.config_page.problems", count=1) in shown
        assert config_file.read_bytes() == before
        assert store.current is running
    syntax = await browser.post(
        "/console/config",
        {"csrf": page.csrf(), "do": "save", "text": text + "tags: [a, b\n"},
    )
    assert f"{config_file}:{line - 1}" in html.unescape(syntax.text)
    assert "YAML syntax" in syntax.text and config_file.read_bytes() == before


async def test_an_estate_admin_checks_but_cannot_save(config_file) -> None:
    from plugins.core.models import AuditEntry

    before = config_file.read_bytes()
    browser = await signed_in(WEST_ADMIN, "ADMIN", "qq:81000")
    page = await browser.get("/console/config")
    good = before.decode() + "console:\n  page_size: 7\n"
    check = await browser.post(
        "/console/config", {"csrf": page.csrf(), "do": "check", "text": good}
    )
    assert zh("console.config_page.valid") in check.text
    entry = (
        await AuditEntry.filter(action="console.config_check").order_by("-id").first()
    )
    assert entry.actor == WEST_ADMIN and entry.details["problems"] == 0
    save = await browser.post(
        "/console/config", {"csrf": page.csrf(), "do": "save", "text": good}
    )
    assert save.status == 403 and zh("console.config_page.save_denied") in save.text
    assert config_file.read_bytes() == before


async def test_a_good_yaml_is_saved_and_takes_effect(config_file) -> None:
    from plugins.core import store
    from plugins.core.models import AuditEntry

    browser = await signed_in(ADMIN, "ADMIN", None)  # core.admins: may save
    page = await browser.get("/console/config")
    good = config_file.read_text(encoding="utf-8") + "console:\n  page_size: 7\n"
    assert (
        await browser.post("/console/config", {"do": "save", "text": good})
    ).status == 403
    assert store.current.section("console").page_size == 50  # no CSRF: nothing

    reply = await browser.post(
        "/console/config",
        {"csrf": page.csrf(), "do": "save", "text": good.replace("\n", "\r\n")},
    )
    assert reply.status == 303 and reply.location == "/console/config"
    assert config_file.read_text(encoding="utf-8") == good  # line ends as before
    assert store.current.section("console").page_size == 7
    assert store.current.path == config_file
    after = await browser.get("/console/config")
    assert zh("core.reload.ok", groups=len(store.current.groups)) in after.text
    assert not list(config_file.parent.glob(".linli.yaml.*"))  # no temporary left
    for action in ("console.config_save", "config.reload"):
        entry = await AuditEntry.filter(action=action).order_by("-id").first()
        assert entry.actor == ADMIN


def test_secrets_are_masked() -> None:
    from datetime import timedelta

    from plugins.console.config_pages import MASK, holds_secrets, masked

    data = {
        "bot": {"access_token": "abc", "api_key": "k", "password": "p"},
        "url": "https://user:pw@example.com/x",
        "keywords": ["停水"],
        "monkey": "ok",
        "every": timedelta(hours=1, minutes=30),
        "empty_token": "",
    }
    shown = masked(data)
    assert shown["bot"] == {"access_token": MASK, "api_key": MASK, "password": MASK}
    assert shown["url"] == f"https://user:{MASK}@example.com/x"
    assert shown["keywords"] == ["停水"] and shown["monkey"] == "ok"
    assert shown["every"] == "1h30m" and shown["empty_token"] == ""
    assert holds_secrets(data) and not holds_secrets({"keywords": ["a"]})
