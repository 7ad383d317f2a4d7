"""faq on residents' own language (issue 17): 30 entries taught with one
phrasing each, as ``/问答 添加`` teaches them; lookalikes about a different
building or the opposite action; 100 lines of ordinary chat.

The set is tests/faq/residents_language.yaml, written by hand for linli.
Each message goes through ``Faq.respond`` with the shipped faq settings (its
synonyms, question words and thresholds) and only the taught entries, each
in a fresh group so that the cooldown never hides an answer. What holds
today: no chat line is answered, no lookalike is answered with the entry it
resembles. How often the 150 other ways of asking get the right answer is
measured, old and new side by side, by bench/faq_residents.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.faq.test_service import NOON, _actor, _asked, _faq

SET = yaml.safe_load(
    (Path(__file__).with_name("residents_language.yaml")).read_text(encoding="utf-8")
)


@pytest.fixture
async def taught(clock):
    """The shipped settings, no YAML entries, the 30 taught ones:
    (faq, section, {taught question: entry key}); deleted afterwards."""
    from plugins.faq.entries import FaqError
    from tests.helpers import section_config

    faq, section = _faq(clock), section_config("faq", shipped=True, entries=[])
    keys = {}
    for entry in SET["entries"]:
        try:
            key = await faq.add(section, _actor(), [entry["taught"]], entry["answer"])
        except FaqError as known:  # taught by an earlier test (one database)
            assert known.key == "faq.duplicate", known.key
            key = known.values["key"]
        keys[entry["taught"]] = key
    yield faq, section, keys
    # taught entries answer in every group: other tests share the database
    for key in keys.values():
        await faq.delete(section, _actor(), key)


async def test_ordinary_chat_gets_nothing(taught) -> None:
    faq, section, _ = taught
    answered = []
    for line in SET["chat"]:
        reply = await faq.respond(section, _asked(line), NOON)
        if reply is not None and reply.kind == "answer":
            answered.append(f"{line} → {reply.entry.questions[0]}")
    assert answered == []


async def test_lookalikes_are_not_answered_with_the_entry_they_resemble(
    taught,
) -> None:
    faq, section, keys = taught
    wrong = []
    for case in SET["lookalikes"]:
        reply = await faq.respond(section, _asked(case["text"]), NOON)
        if reply and reply.kind == "answer" and reply.entry.key == keys[case["not"]]:
            wrong.append(f"{case['text']} → {case['not']}")
    assert wrong == []
