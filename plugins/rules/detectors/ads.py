"""Advertising: links (also written ``www点xx点com``), share cards, group invitations.

Ad phrases (``砍一刀``, ``招代理``…) are in the ads word list, matched by the
shared automaton in words.py. Here:

- links: ``http(s)://…``, ``www.…`` and bare domains with a known top-level
  domain, after undoing the usual disguises (``点`` / ``。`` / ``(.)`` / `` dot ``
  for the dot, spaces between the letters). E-mail addresses are not links.
  Domains on the whitelist (and their subdomains) are fine.
- cards: OneBot ``json``/``xml``/``share``/``contact``/``miniapp`` segments (the
  kinds configured), except those that mention a whitelisted tool (群接龙…).
- invitations: a group-invitation card, or "加群 123456789" in the text.

With ``strict`` (a raid: the member just joined) every link and card counts,
whitelisted or not.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from adapters.port import Segment

# top-level domains that ads use; English words that end sentences (in, to, so,
# is, it, at, be, do, no, am, my, us, fun, run, love, ai…) are left out so that
# prose and "问了AI。AI说" are not links
TLDS = frozenset(
    (
        "com", "cn", "net", "org", "top", "xyz", "vip", "cc", "info", "io", "tk",
        "ly", "link", "club", "shop", "site", "online", "ltd", "hk", "tw", "mo",
        "asia", "icu", "cyou", "buzz", "me", "ru", "jp", "kr", "uk", "de", "sg",
        "gd", "gl", "im", "vn", "th", "ph", "kh", "mm", "ws", "wang", "xin", "ren",
        "kim", "cloud",
    )
)  # fmt: skip
_DISGUISED_DOT = re.compile(
    r"(?<=[a-z0-9])\s*(?:点|點|。|｡|丶|·|•|\(\.\)|\[\.\]|\{\.\}|【\.】|\(点\)|\[点\]"
    r"|【点】|\(dot\)|\[dot\]|\s+dot\s+)\s*(?=[a-z0-9])"
)
# "www. xx. com": spaces around real dots are collapsed only after www, since
# "fixed it. Me too" is prose
_SPACED_DOTS = re.compile(r"www(?:\s*\.\s*[a-z0-9-]+)+")
# "w w w . x x . c o m": single characters spaced out
_SPACED = re.compile(r"(?<![a-z0-9])(?:[a-z0-9] )+[a-z0-9](?![a-z0-9])")
# a host is ASCII letters, digits, dots and dashes (with a user@ and a :port):
# Chinese text or full-width punctuation right after it ends it
# ("请登录www.beijing.gov.cn查看通知", "www.12333.gov.cn。")
_HOST = r"[a-z0-9._%@:-]+"
_URL = re.compile(rf"(?:https?|ftp)://({_HOST})|www\.({_HOST})")
_DOMAIN = re.compile(
    r"(?<![a-z0-9@._-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,12}))"
    r"(?![a-z0-9-])"
)
_TEXT_INVITE = re.compile(
    r"(?:(?:加|进|入)\s*(?:qq|扣扣|企鹅)?\s*群\s*号?|群\s*号)\s*[:：]?\s*(\d{5,11})"
)
_INVITE_CARD = re.compile(
    r"troopshare|qun\.invite|qun\.qq\.com|邀请你加入群|邀请你加入|加入群聊|群聊邀请",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class AdHit:
    kind: str  # "link" | "card" | "invite"
    detail: str


def _host_of(raw: str) -> str:
    host = raw.split("@")[-1].split(":")[0].strip(".").lower()
    return host.removeprefix("www.")


def whitelisted(host: str, domains: Sequence[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def undisguise(normalized: str) -> str:
    """``www点xx点com`` / ``w w w . x x . c o m`` → ``www.xx.com``."""
    text = _SPACED.sub(lambda m: m.group(0).replace(" ", ""), normalized)
    text = _DISGUISED_DOT.sub(".", text)
    return _SPACED_DOTS.sub(lambda m: re.sub(r"\s+", "", m.group(0)), text)


def links(normalized: str) -> list[str]:
    """The hosts of the links in a normalised text (disguises undone)."""
    text = undisguise(normalized)
    hosts: list[str] = []
    for match in _URL.finditer(text):
        raw = match.group(1) or ("www." + match.group(2))
        hosts.append(_host_of(raw))
    for match in _DOMAIN.finditer(_URL.sub(" ", text)):
        if match.group(2) in TLDS:
            hosts.append(_host_of(match.group(1)))
    return [h for h in hosts if h]


def find_link(normalized: str, domains: Sequence[str], *, strict: bool) -> str | None:
    for host in links(normalized):
        if strict or not whitelisted(host, domains):
            return host
    return None


def card_text(segment: Segment) -> str:
    try:
        return json.dumps(segment.data, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(segment.data)


def find_card(
    segments: Sequence[Segment],
    *,
    card_types: Sequence[str],
    card_whitelist: Sequence[str],
    cards: bool,
    invites: bool,
    strict: bool,
) -> AdHit | None:
    for seg in segments:
        if seg.kind != "card":
            continue
        body = card_text(seg)
        if invites and _INVITE_CARD.search(body):
            return AdHit("invite", seg.raw_type)
        if not cards or seg.raw_type not in card_types:
            continue
        if not strict and any(name in body for name in card_whitelist):
            continue
        return AdHit("card", seg.raw_type)
    return None


def find_text_invite(normalized: str) -> str | None:
    match = _TEXT_INVITE.search(normalized)
    return match.group(1) if match else None
