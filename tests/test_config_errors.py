"""Issue 15: a mistake in config/linli.yaml is named once, at its line, in plain words.

Syntax errors name the line where the bracket or quote was opened, keys written
twice are refused, a group does not repeat the global section's mistakes,
numbers are text where a person writes them as numbers, messages say what is
expected, and one idea has one key name (the old one still works, with a
warning in the log).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# 23 lines before the mistake, as in the issue (a mistake on line 24)
HEAD = (
    "".join(f"# comment line {i}\n" for i in range(1, 20))
    + "core:\n  locale: zh-CN\n  timezone: Asia/Shanghai\n  # who is admin\n"
)
assert HEAD.count("\n") == 23


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "linli.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _load(tmp_path: Path, text: str):
    from plugins.core.config import load

    return load(_write(tmp_path, text))


def _problems(tmp_path: Path, text: str) -> list:
    from plugins.core.config import ConfigError

    with pytest.raises(ConfigError) as info:
        _load(tmp_path, text)
    return info.value.problems


def _line(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the ``nth`` line holding ``needle``."""
    found = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return found[nth - 1]


# 1. YAML syntax: the line where the construct began, and where it was noticed


def test_unclosed_bracket_names_the_line_it_was_opened(tmp_path: Path) -> None:
    text = (
        HEAD + "  admins: [qq:10001, qq:10002\n"  # line 24: no ]
        "  # staff below\n  # (a comment)\n\n  staff: [qq:3]\n  bots: {}\n"
    )
    (problem,) = _problems(tmp_path, text)
    assert problem.line == 24
    assert problem.message == (
        "YAML syntax: the [ opened here is never closed (noticed at line 28)"
    )
    assert str(problem) == f"{tmp_path / 'linli.yaml'}:24: {problem.message}"


def test_unclosed_quote_names_the_line_it_was_opened(tmp_path: Path) -> None:
    text = (
        HEAD
        + '  household_pattern: "^(?P<room>[0-9]+)$\n'  # line 24: no closing "
        + "".join(f"  # note {i}\n" for i in range(25, 40))
        + "  bots: {}\n"  # line 40, the last
    )
    (problem,) = _problems(tmp_path, text)
    assert problem.line == 24
    assert problem.message == (
        'YAML syntax: the " opened here is never closed '
        "(noticed at line 40, the end of the file)"
    )


def test_unclosed_brace_and_single_quote(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path, "core:\n  bots: {qq: x\n  locale: en\n")
    assert (problem.line, problem.message) == (
        2,
        "YAML syntax: the { opened here is never closed (noticed at line 3)",
    )
    (problem,) = _problems(tmp_path, "core:\n  timezone: 'Asia/Shanghai\n")
    assert problem.line == 2 and "the ' opened here is never closed" in problem.message


def test_bad_indentation_names_the_wrong_line_and_the_block(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path, "core:\n  locale: en\n timezone: UTC\n")
    assert problem.line == 3
    assert problem.message == (
        "YAML syntax: this line is indented differently from the keys above it, "
        "in the block that begins at line 1 (the keys of one block start in the "
        "same column)"
    )


def test_tab_and_stray_colon_are_said_plainly(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path, "core:\n\tlocale: en\n")
    assert (problem.line, problem.message) == (
        2,
        "YAML syntax: a tab: indent with spaces, never with tabs",
    )
    (problem,) = _problems(tmp_path, "core:\n  timezone: Asia: Shanghai\n")
    assert problem.line == 2 and "an unexpected ':'" in problem.message


# 2. a key written twice is refused, naming both lines


def test_two_groups_sections_are_refused(tmp_path: Path) -> None:
    text = (
        'groups:\n  "qq:1":\n    role: staff\n'
        "core:\n  locale: zh-CN\n"
        'groups:\n  "qq:2":\n    role: residents\n'
    )
    (problem,) = _problems(tmp_path, text)
    assert (problem.line, problem.key) == (6, "groups")
    assert problem.message == (
        "groups is written twice, at line 1 and at line 6: only the last one "
        "would count; write it once (merge the two)"
    )


def test_the_same_group_twice_is_refused(tmp_path: Path) -> None:
    text = 'groups:\n  "qq:1":\n    role: staff\n  "qq:1":\n    tags: [a]\n'
    (problem,) = _problems(tmp_path, text)
    assert (problem.line, problem.key) == (4, "groups.qq:1")
    assert "qq:1 is written twice, at line 2 and at line 4" in problem.message


def test_a_duplicate_key_at_any_depth_is_refused(tmp_path: Path) -> None:
    text = (
        "faq:\n  entries:\n    - questions: [a]\n      answer: x\n"
        "      answer: y\n"
        'groups:\n  "qq:1":\n    signup:\n      max_count: 3\n'
        "      max_count: 4\n"
        "tickets: {estate: a, estate: b}\n"
    )
    problems = _problems(tmp_path, text)
    got = {(p.key, p.line) for p in problems}
    assert got == {
        ("faq.entries.0.answer", 5),
        ("groups.qq:1.signup.max_count", 10),
        ("tickets.estate", 11),
    }
    by_key = {p.key: p.message for p in problems}
    assert by_key["faq.entries.0.answer"].startswith(
        "answer is written twice, at line 4 and at line 5"
    )
    assert by_key["tickets.estate"].startswith("estate is written twice on line 11")


def test_a_merge_key_is_not_a_duplicate(tmp_path: Path) -> None:
    text = (
        "signup: &base\n  max_count: 3\n  max_open: 4\n"
        'groups:\n  "qq:1":\n    signup:\n      <<: *base\n      max_count: 5\n'
    )
    config = _load(tmp_path, text)
    assert config.section("signup", "qq:1").max_count == 5


# 3. each mistake once, where it is written


def test_a_global_mistake_is_not_repeated_for_every_group(tmp_path: Path) -> None:
    text = (
        "faq:\n  entries:\n"
        "    - {questions: [a], answer: x}\n"
        "    - {questions: [b], answer: ''}\n"  # line 4: the mistake
        'groups:\n  "qq:123456":\n    faq:\n      enabled: false\n'
        '  "qq:2":\n    faq:\n      cooldown_seconds: 5\n'
    )
    (problem,) = _problems(tmp_path, text)
    assert (problem.key, problem.line) == ("faq.entries.1.answer", 4)
    assert problem.message == "must not be empty (got '')"


def test_a_groups_own_mistake_is_named_at_its_line(tmp_path: Path) -> None:
    text = (
        "signup:\n  max_count: 0\n"  # line 2
        'groups:\n  "qq:1":\n    signup:\n      max_open: 0\n'  # line 6
        '  "qq:2":\n    signup:\n      per_household: true\n'
        '  "qq:3":\n    signup:\n      max_count: 0\n'  # line 12: written again
    )
    problems = _problems(tmp_path, text)
    assert [(p.key, p.line, p.message) for p in problems] == [
        ("signup.max_count", 2, "must be 1 or more (got 0)"),
        ("groups.qq:1.signup.max_open", 6, "must be 1 or more (got 0)"),
        ("groups.qq:3.signup.max_count", 12, "must be 1 or more (got 0)"),
    ]


def test_a_groups_own_list_is_named_at_the_group(tmp_path: Path) -> None:
    text = (
        "faq:\n  entries:\n    - {questions: [a], answer: ''}\n"  # line 3
        'groups:\n  "qq:123456":\n    faq:\n      entries:\n'
        "        - {questions: [b], answer: y}\n"
        "        - {questions: [c], answer: ''}\n"  # line 9
    )
    problems = _problems(tmp_path, text)
    assert [(p.key, p.line) for p in problems] == [
        ("faq.entries.0.answer", 3),
        ("groups.qq:123456.faq.entries.1.answer", 9),
    ]


def test_a_mistake_of_the_combination_is_named_at_the_group(tmp_path: Path) -> None:
    text = (
        "faq:\n  answer_threshold: 0.7\n"
        'groups:\n  "qq:1":\n    faq:\n      suggest_threshold: 0.75\n'
    )
    (problem,) = _problems(tmp_path, text)
    assert (problem.key, problem.line) == ("groups.qq:1.faq", 5)
    assert problem.message == "suggest_threshold must not be above answer_threshold"


# 4. a number where a person writes one is text


def test_numbers_are_accepted_for_text(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        "core:\n  admins: [10001]\n  bots: {qq: 42}\n"
        'groups:\n  "qq:1":\n    building: 3\n    name: 2024\n    tags: [7]\n'
        "tickets:\n  estate: 1\n  escalation:\n    levels:\n      - {name: 1}\n"
        "vote:\n  nickname_example: 3201\n"
        "  households:\n    - {building: 3, unit: 2, room: 201, area: 89.5}\n",
    )
    assert config.group("qq:1").building == "3"
    assert config.group("qq:1").name == "2024"
    assert config.group("qq:1").tags == ["7"]
    assert config.core.admins == ["10001"] and config.core.bots == {"qq": "42"}
    assert config.section("tickets").estate == "1"
    assert config.section("tickets").escalation.levels[0].name == "1"
    assert config.section("vote").nickname_example == "3201"
    assert list(config.section("vote").roster(None).entries) == ["3-2-201"]


def test_yes_or_no_for_text_is_still_refused_with_a_hint(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path, 'groups:\n  "qq:1":\n    building: yes\n')
    assert (problem.key, problem.line) == ("groups.qq:1.building", 3)
    assert problem.message == (
        "must be text (put words such as yes, no, on, off in quotes) (got true)"
    )


def test_a_section_registered_later_takes_numbers_in_nested_models(
    tmp_path: Path,
) -> None:
    from pydantic import BaseModel

    from plugins.core import config as module
    from plugins.core.config import Section, register_section

    class Room(BaseModel):
        room: str

    class DemoRooms(Section):
        rooms: list[Room] = []

    register_section("demo_rooms", DemoRooms)
    try:
        config = _load(tmp_path, "demo_rooms:\n  rooms: [{room: 201}]\n")
        assert config.section("demo_rooms").rooms[0].room == "201"
    finally:
        module._sections.pop("demo_rooms")


# 5. what is expected, in the admin's words


def test_choices_limits_and_types_are_said_plainly(tmp_path: Path) -> None:
    text = (
        "signup:\n  who_can_create: everyone\n  max_count: -1\n"
        "faq:\n  answer_threshold: 2\n  suggest_count: many\n"
        "core:\n  scheduler: {max_attempts: 2.5}\n"
    )
    problems = {p.key: (p.line, p.message) for p in _problems(tmp_path, text)}
    assert problems == {
        "signup.who_can_create": (
            2,
            "must be one of: resident, staff, admin (got everyone)",
        ),
        "signup.max_count": (3, "must be 1 or more (got -1)"),
        "faq.answer_threshold": (5, "must be 1 or less (got 2)"),
        "faq.suggest_count": (
            6,
            "must be a whole number, a valid integer such as 10 (got many)",
        ),
        "core.scheduler.max_attempts": (
            8,
            "must be a whole number, without decimals (got 2.5)",
        ),
    }


def test_more_than_and_no_pydantic_prefixes(tmp_path: Path) -> None:
    text = (
        "core:\n  scheduler:\n    poll_seconds: -1\n"
        "  household_pattern: '(\\d+)'\n"
        "vote:\n  households:\n    - {building: 3, room: 201, area: -5}\n"
    )
    problems = {p.key: (p.line, p.message) for p in _problems(tmp_path, text)}
    assert problems["core.scheduler.poll_seconds"] == (
        3,
        "must be more than 0 (got -1)",
    )
    assert problems["core.household_pattern"] == (
        4,
        "the pattern needs a named group (?P<room>…) (got (\\d+))",
    )
    assert problems["vote.households"] == (
        6,
        "household 1: area: must be more than 0 (got -5)",
    )
    for _, message in problems.values():
        assert "Value error" not in message and "Input should" not in message


def test_unknown_key_suggests_the_right_one_without_pointing_to_the_file(
    tmp_path: Path,
) -> None:
    text = "core:\n  locael: en\nsingup:\n  enabled: true\ntickets:\n  colour: red\n"
    problems = {p.key: (p.line, p.message) for p in _problems(tmp_path, text)}
    assert problems["core.locael"] == (2, "unknown key (did you mean locale?)")
    assert problems["tickets.colour"] == (6, "unknown key (check the spelling)")
    line, message = problems["singup"]
    assert line == 3 and message.startswith("unknown section (did you mean signup? ")
    assert all("see config/linli.yaml" not in m for _, m in problems.values())


# 6. one name for one idea: who_can_create, in signup and in vote


@pytest.fixture
def warnings():
    from nonebot.log import logger

    seen: list[str] = []
    handler = logger.add(lambda m: seen.append(str(m)), level="WARNING")
    yield seen
    logger.remove(handler)


def test_vote_and_signup_share_who_can_create(tmp_path: Path, warnings) -> None:
    config = _load(
        tmp_path, "signup:\n  who_can_create: admin\nvote:\n  who_can_create: admin\n"
    )
    assert config.section("signup").who_can_create == "admin"
    assert config.section("vote").who_can_create == "admin"
    assert config.section("vote").creator_role.name == "ADMIN"
    assert warnings == []
    shipped = (ROOT / "config/linli.yaml").read_text(encoding="utf-8")
    assert "create_role" not in shipped
    assert shipped.count("  who_can_create: staff\n") == 2


def test_the_old_name_still_works_with_a_warning(tmp_path: Path, warnings) -> None:
    text = (
        "vote:\n  create_role: admin\n"
        'groups:\n  "qq:1":\n    vote:\n      create_role: resident\n'
    )
    config = _load(tmp_path, text)
    assert config.section("vote").who_can_create == "admin"
    assert config.section("vote", "qq:1").who_can_create == "resident"
    path = tmp_path / "linli.yaml"
    assert len(warnings) == 2
    assert (
        f"{path}:2 [vote.create_role]: create_role is the old name of "
        "who_can_create; it still works, but please write who_can_create: instead"
    ) in warnings[0]
    assert f"{path}:6 [groups.qq:1.vote.create_role]" in warnings[1]


def test_the_old_name_with_a_bad_value_is_named_as_written(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path, "vote:\n  create_role: everyone\n")
    assert (problem.key, problem.line) == ("vote.create_role", 2)
    assert problem.message == "must be one of: resident, staff, admin (got everyone)"


def test_both_names_at_once_are_refused(tmp_path: Path) -> None:
    (problem,) = _problems(
        tmp_path, "vote:\n  who_can_create: staff\n  create_role: admin\n"
    )
    assert (problem.key, problem.line) == ("vote.create_role", 3)
    assert problem.message == (
        "create_role is the old name of who_can_create, which is also written "
        "(line 2): keep only who_can_create"
    )


# the bot itself: refuses to start, prints the lines, exits with 2


def _bot(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    config = _write(tmp_path, text)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LINLI_", "ONEBOT_")) and k not in {"HOST", "PORT"}
    }
    env.update(
        LINLI_CONFIG=str(config),
        LINLI_DATA_DIR=str(tmp_path / "data"),
        HOST="127.0.0.1",
        PORT="1",  # never listened on: linli stops before the server starts
        ONEBOT_ACCESS_TOKEN="test",
        PYTHONUNBUFFERED="1",
    )
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_bot_refuses_a_broken_file_and_exits_2(tmp_path: Path) -> None:
    done = _bot(tmp_path, HEAD + "  admins: [qq:10001\n\n\n\n  staff: []\n")
    out = done.stdout + done.stderr
    assert done.returncode == 2, out
    assert "linli cannot start: the configuration file has errors" in out
    assert (
        f"{tmp_path / 'linli.yaml'}:24: YAML syntax: the [ opened here is never "
        "closed (noticed at line 28)"
    ) in out


def test_bot_names_every_mistake_once(tmp_path: Path) -> None:
    done = _bot(
        tmp_path,
        "signup:\n  who_can_create: everyone\n"
        'groups:\n  "qq:1":\n    building: 3\n    signup: {per_household: true}\n'
        '  "qq:1":\n    role: staff\n',
    )
    out = done.stdout + done.stderr
    path = tmp_path / "linli.yaml"
    assert done.returncode == 2, out
    assert f"{path}:7 [groups.qq:1]: qq:1 is written twice" in out
    line = (
        f"{path}:2 [signup.who_can_create]: must be one of: resident, staff, "
        "admin (got everyone)"
    )
    assert out.count(line) == 1, out
    assert "groups.qq:1.signup.who_can_create" not in out
