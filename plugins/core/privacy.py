"""Personal numbers masked before a text is shown in a group.

Residents' phone numbers and ID numbers never appear in a group message: every
feature that shows a resident's words (a sign-up line, a repair report, a rules
case, a name in a call) passes them through :func:`mask_private`. Full-width
digits, ``+86``, spaces and dashes inside a number are all recognised.
"""

from __future__ import annotations

import re

_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_SEP = r"[ \t\u3000\-－]?"  # one space or dash between groups of digits

# 18-character resident ID numbers (the last may be X), also as 6 8 4
_ID = re.compile(
    rf"(?<![0-9A-Za-z])(\d{{3}})\d{{3}}{_SEP}\d{{8}}{_SEP}(\d{{3}}[\dXx])(?![0-9A-Za-z])"
)
# mainland mobiles, optionally +86, also as 138 1234 5678 or 138-1234-5678
_MOBILE = re.compile(
    rf"(?<!\d)(?:[+＋]?86{_SEP})?(1[3-9]\d){_SEP}\d{{4}}{_SEP}(\d{{4}})(?!\d)"
)
# landlines: 010-12345678, 0755 1234567
_LANDLINE = re.compile(rf"(?<!\d)(0\d{{2,3}}){_SEP}\d{{3,4}}(\d{{4}})(?!\d)")
# bank cards and other long numbers (16–19 digits), also in groups
_LONG = re.compile(rf"(?<!\d)\d(?:{_SEP}\d){{15,18}}(?!\d)")


def _long(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match[0])
    return f"{digits[:4]}{'*' * 8}{digits[-4:]}"


def mask_private(text: str) -> str:
    """``13812345678`` → ``138****5678``; ``110101199003071234`` →
    ``110***********1234``; ``010-12345678`` → ``010-****5678``; a card number
    → ``6222********3445``. Full-width digits come back as ASCII digits."""
    if not text:
        return text
    text = text.translate(_DIGITS)
    text = _ID.sub(lambda m: f"{m[1]}{'*' * 11}{m[2]}", text)
    text = _MOBILE.sub(lambda m: f"{m[1]}****{m[2]}", text)
    text = _LANDLINE.sub(lambda m: f"{m[1]}-****{m[2]}", text)
    return _LONG.sub(_long, text)
