"""Anonymous votes: no command, export, reminder or table row tells who chose what."""

from __future__ import annotations

from pathlib import Path

import pytest
from nonebug import App

from tests.helpers import (
    Capture,
    FakeQueue,
    group_message,
    new_group_id,
    private_message,
    routed,
    run_job,
    v11_bot,
)

VOTERS = [  # (user id, group nickname): 4242001 and 4242003 share 3-2-201
    (4242001, "3-2-201 王秘密"),
    (4242002, "3-2-202 李隐私"),
    (4242003, "3-2-201 王家人"),
    (4242004, "3-2-203 赵匿名"),
]
SECRETS = [str(uid) for uid, _ in VOTERS] + [
    nick.split()[1] for _, nick in VOTERS
]  # ids and names


@pytest.fixture
def roster_config(override_config) -> None:
    households = ["3-2-201 90", "3-2-202 80.5", "3-2-203 120", "3-2-204 60"]
    override_config(vote={"households": households})


async def test_anonymous_owner_decision_leaks_no_voter(
    app: App, roster_config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import plugins.vote as vote_plugin
    from plugins.vote import cli
    from plugins.vote.models import Ballot, Total, Vote
    from plugins.vote.service import VoteError

    queue = FakeQueue()
    monkeypatch.setattr(vote_plugin, "send_queue", lambda: queue)
    g = new_group_id()
    outputs: list[str] = []

    async def say(event, *, recall: int | None = None) -> str:
        capture = Capture()
        async with routed(app, "vote") as ctx:
            bot = v11_bot(ctx)
            ctx.receive_event(bot, event)
            if recall is not None:
                ctx.should_call_api("delete_msg", {"message_id": recall}, result=None)
            ctx.should_call_send(event, capture, result=None)
        outputs.append(capture.text)
        return capture.text

    def member(i: int, text: str, **kw):
        uid, nick = VOTERS[i]
        return group_message(text, group=g, user=uid, card=nick, **kw)

    card = await say(
        group_message(
            "/投票 使用维修资金更换电梯 业主决议 重大事项 匿名 截止 3天",
            group=g,
            user=500,
            role="admin",
        )
    )
    vote = await Vote.get(group=f"qq:{g}", number=1)
    assert vote.anonymous and vote.per_household and vote.decision == "major"
    assert f"/投票 #{vote.id} 选项号" in card
    # a ballot typed in the group is taken back
    await say(member(0, "1", message_id=4990001), recall=4990001)
    # another member, first seen in the group, then voting in private
    await say(member(1, "/投票 列表"))
    private = await say(private_message(f"/投票 #{vote.id} 2", user=VOTERS[1][0]))
    assert "2. 反对" in private  # the voter alone is told their own choice
    outputs.remove(private)
    # the same household again: the reply cannot say who voted before
    replaced = await say(member(2, "/投票 1 2", message_id=990002), recall=990002)
    assert "没法通知本户之前投票的人" in replaced
    await say(member(3, "1", message_id=990003), recall=990003)

    for text in ("/投票 结果", "/投票 列表", "/投票 查看 1", "/投票 1", "/投票 结果 1"):
        await say(member(3, text))
    await say(private_message("/投票 列表", user=VOTERS[1][0]))
    await say(private_message(f"/投票 结果 #{vote.id}", user=VOTERS[1][0]))

    await run_job("vote.remind", {"id": vote.id})
    assert "还有 1 户没有投票" in queue.sent[-1][1]
    outputs += [text for _, text, _ in queue.sent]
    assert all(mention is None for _, _, mention in queue.sent)

    final = await say(
        group_message("/投票 结束 1", group=g, user=500, role="admin"),
    )
    # 3-2-201 (90 m², replaced: reject), 3-2-202 (80.5, reject), 3-2-203 (120, approve)
    assert "1. 同意  1户 33.3%" in final
    assert "2. 反对  2户 66.7%" in final
    assert "参与户数 3 / 4（75.0%），需≥2/3：✔ 达到" in final
    assert "参与面积 290.50㎡ / 350.50㎡（82.9%），需≥2/3：✔ 达到" in final
    assert "结论：未通过 ✘" in final

    with pytest.raises(VoteError) as info:
        await cli.export(vote.id, ballots=tmp_path / "ballots.csv")
    assert info.value.key == "vote.error.anonymous_export"
    assert not (tmp_path / "ballots.csv").exists()
    await cli.export(vote.id, results=tmp_path / "results.csv")
    outputs.append((tmp_path / "results.csv").read_text(encoding="utf-8-sig"))

    for text in outputs:
        for secret in SECRETS:
            assert secret not in text, (secret, text)

    # the tables: no id, name or household next to a choice; the key is erased
    vote = await Vote.get(id=vote.id)
    assert vote.secret is None
    rows = [
        *(await Ballot.filter(vote_id=vote.id).values()),
        *(await Total.filter(vote_id=vote.id).values()),
    ]
    ballots = await Ballot.filter(vote_id=vote.id)
    assert len(ballots) == 3
    for ballot in ballots:
        assert (ballot.user, ballot.name, ballot.household, ballot.cast_at) == (
            None,
            None,
            None,
            None,
        )
        assert len(ballot.voter_key) == 64 and not ballot.voter_key.startswith(
            ("u:", "h:")
        )
    vote_row = await Vote.filter(id=vote.id).values()
    from plugins.core.models import AuditEntry, Job

    jobs = await Job.filter(key__in=[f"vote:close:{vote.id}", f"vote:remind:{vote.id}"])
    audits = await AuditEntry.filter(target=f"vote:{vote.id}").values()
    everything = repr(rows) + repr(vote_row) + repr([j.payload for j in jobs])
    everything += repr(audits)
    for secret in SECRETS:
        assert secret not in everything
    for household in ("3-2-201", "3-2-202", "3-2-203"):
        assert household not in repr(rows)
