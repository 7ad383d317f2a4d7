"""配置: the settings in force for a group, and "check, save and reload".

For admins and superusers only. The effective view is each registered
section as it applies in the chosen group (``LinliConfig.section(name,
group)``: the global section with the group's overrides), secrets masked.

"Check" runs the pasted text through core's own loader (``config.load``, what
``/重载`` and start-up use), so each problem reads ``file:line [key]: …``
exactly as there, and nothing changes. "Save and reload" writes the file only
when the text passes that check, atomically (a temporary file in the same
folder, renamed over it), then reloads as ``/重载`` does (``store.reload``,
which keeps the last good configuration on any error).

Who may save: the file holds every estate, so only those who see every
estate — superusers, and the admins listed in ``core.admins`` — may save; an
admin of one estate may view and check. Only they get the file's text, too.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from plugins.core import ConfigError, LinliConfig, Role, audit, listed, store, t
from plugins.core.config import load, registered_sections
from plugins.core.yamlfile import YamlProblem
from plugins.tickets.env import now_utc

from .http import (
    PREFIX,
    Refused,
    checked_form,
    env_scope,
    frame,
    html,
    leave_flash,
    nav,
    problem,
    router,
    signed_in,
    take_flash,
)
from .models import Session
from .pages import render

nav("config", role=Role.ADMIN)

MASK = "******"
# key names that hold a secret: token, password, secret, api_key, private_key …
_SECRET_KEY = re.compile(
    r"(token|passw(or)?d|secret|credential|(^|_)(api_?)?key$)", re.IGNORECASE
)
# a password inside an address: scheme://user:password@host
_URL_CREDENTIALS = re.compile(r"(://[^/\s:@]*:)[^/\s@]+@")


def can_save(session: Session, config: LinliConfig) -> bool:
    return session.role >= Role.SUPERUSER or listed(session.user, config.core.admins)


# --------------------------------------------------------------------------
# the effective view
# --------------------------------------------------------------------------


def _duration(delta: timedelta) -> str:
    """A length as the admin writes it (``1d2h``, ``30m``, ``0s``)."""
    seconds, out = int(delta.total_seconds()), ""
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m"), (1, "s")):
        if seconds >= size:
            out += f"{seconds // size}{unit}"
            seconds %= size
    return out or "0s"


def masked(value: Any, key: str = "") -> Any:
    """``value`` as plain YAML data, with every secret replaced by ``MASK``."""
    if isinstance(value, dict):
        return {str(k): masked(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [masked(v, key) for v in value]
    if key and _SECRET_KEY.search(key) and value not in (None, "", {}, []):
        return MASK
    if isinstance(value, timedelta):
        return _duration(value)
    if isinstance(value, str):
        return _URL_CREDENTIALS.sub(rf"\1{MASK}@", value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


def holds_secrets(value: Any, key: str = "") -> bool:
    """Whether written data has a secret in it (then its text is not shown)."""
    if isinstance(value, dict):
        return any(holds_secrets(v, str(k)) for k, v in value.items())
    if isinstance(value, list):
        return any(holds_secrets(v, key) for v in value)
    if key and _SECRET_KEY.search(key) and value not in (None, "", {}, []):
        return True
    return isinstance(value, str) and bool(_URL_CREDENTIALS.search(value))


def effective(config: LinliConfig, group: str | None) -> str:
    """The settings in force in ``group`` (or globally), as YAML."""
    data: dict[str, Any] = {}
    if group is not None:
        profile = config.group(group)
        data["group"] = profile.model_dump(exclude=set(profile.model_extra or {}))
    for name in registered_sections():
        if name in config.sections:
            data[name] = config.section(name, group).model_dump()
    return yaml.safe_dump(
        masked(data), allow_unicode=True, sort_keys=False, default_flow_style=False
    )


def file_text(config: LinliConfig) -> str:
    """The YAML file as it is on disk, or "" when it holds secrets."""
    try:
        text = config.path.read_text(encoding="utf-8")
        data = yaml.safe_load(text) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return ""
    return "" if holds_secrets(data) else text


# --------------------------------------------------------------------------
# check, save, reload
# --------------------------------------------------------------------------


def _temporary(folder: Path, name: str, text: str) -> Path:
    fd, raw = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    return Path(raw)


def problems_of(path: Path, shown_as: Path) -> list[YamlProblem]:
    """What core's loader finds in ``path``, each naming ``shown_as``."""
    try:
        load(path)
    except ConfigError as exc:
        for found in exc.problems:
            found.file = str(shown_as)
        return exc.problems
    return []


def check(text: str, target: Path) -> list[YamlProblem]:
    """The problems ``text`` would have as ``target`` (nothing is written there)."""
    with tempfile.TemporaryDirectory(prefix="linli-check-") as folder:
        draft = _temporary(Path(folder), target.name, text)
        return problems_of(draft, target)


def save(text: str, target: Path) -> list[YamlProblem]:
    """Write ``text`` over ``target`` if it validates; the problems otherwise.

    The temporary file sits beside the target, so the rename is atomic, and
    the file checked is the very file put in place."""
    real = target.resolve()
    draft = _temporary(real.parent, real.name, text)
    try:
        found = problems_of(draft, target)
        if not found:
            os.chmod(draft, stat.S_IMODE(real.stat().st_mode))
            os.replace(draft, real)
        return found
    finally:
        draft.unlink(missing_ok=True)


# --------------------------------------------------------------------------
# routes
# --------------------------------------------------------------------------


def _page(session: Session, request: Request, **values: Any) -> str:
    env, scope, locale = env_scope(session)
    config = env.config
    groups = [(g, config.group(g).name or g) for g in scope.groups(config)]
    chosen = values.pop("group", None) or request.query_params.get("group", "")
    if chosen not in {g for g, _ in groups}:
        chosen = ""
    saver = can_save(session, config)
    values.setdefault("text", file_text(config) if saver else "")
    return render(
        "config.html",
        locale,
        **frame(session, "config"),
        groups=groups,
        chosen=chosen,
        shown=effective(config, chosen or None),
        path=str(config.path),
        can_save=saver,
        back=f"{PREFIX}/config",
        **values,
    )


async def _allowed(request: Request) -> Session:
    """The session of an admin or superuser; refused otherwise."""
    session = await signed_in(request, now_utc())
    if session.role < Role.ADMIN:
        raise Refused("console.config_page.denied", 403, session.locale)
    return session


@router.get("/config")
async def _config(request: Request) -> Response:
    session = await _allowed(request)
    return html(_page(session, request, flash=await take_flash(session)))


@router.post("/config")
async def _check_or_save(request: Request) -> Response:
    session = await _allowed(request)
    form = await checked_form(request, session)
    config, locale = store.current, session.locale
    text = form.get("text", "").replace("\r\n", "\n")
    target = config.path
    if form.get("do") != "save":
        found = check(text, target)
        await audit(
            session.user, "console.config_check", file=str(target), problems=len(found)
        )
        ok = "" if found else t(locale, "console.config_page.valid")
        return html(_page(session, request, text=text, problems=found, flash=ok))
    if not can_save(session, config):
        return problem("console.config_page.save_denied", 403, locale)
    found = save(text, target)
    if found:
        await audit(
            session.user,
            "console.config_save_refused",
            file=str(target),
            problems=len(found),
        )
        return html(_page(session, request, text=text, problems=found))
    try:
        fresh = store.reload()  # as /重载: the last good config stays on error
    except ConfigError as exc:
        await audit(
            session.user, "config.reload_failed", reason=str(exc), via="console"
        )
        reply = t(locale, "core.reload.failed", error=str(exc))
    else:
        await audit(session.user, "config.reload", file=str(fresh.path), via="console")
        reply = t(locale, "core.reload.ok", groups=len(fresh.groups))
    await audit(session.user, "console.config_save", file=str(target))
    await leave_flash(session, reply)
    return RedirectResponse(f"{PREFIX}/config", status_code=303)
