"""Staff figures and the periodic tracking table for residents."""

from __future__ import annotations

from datetime import timedelta

from tests.tickets.support import RESIDENTS, T0, make_env, minutes, resident, staff


def test_median_and_p90() -> None:
    from plugins.tickets.stats import median, percentile

    assert median([]) is None
    assert median([5]) == 5
    assert median([1, 3, 2, 4]) == 2.5
    assert percentile(list(range(1, 11)), 90) == 9.1


async def test_figures_for_the_week() -> None:
    from plugins.tickets import service, stats

    env = make_env()
    h = timedelta(hours=1)
    await service.report(env, resident(), "楼道灯坏了", now=T0)
    await service.acknowledge(env, staff(), 1, now=T0 + minutes(2))
    await service.resolve(env, staff(), 1, "好了", now=T0 + 2 * h)
    await service.rate(env, resident(), 1, 5, now=T0 + 3 * h)

    five = resident("qq:43", household=("5", "1", "101"))
    await service.report(env, five, "垃圾没人清", now=T0)
    await service.acknowledge(env, staff(), 2, now=T0 + minutes(10))  # late
    await service.resolve(env, staff(), 2, "清了", now=T0 + 4 * h)
    await service.rate(env, five, 2, 2, now=T0 + 5 * h)

    await service.report(env, resident("qq:44"), "3栋有人装修太吵", now=T0)

    text = await stats.report(env, None, "zh-CN", "week", now=T0 + 6 * h)
    assert text.startswith("【工单统计】本周（3月4日 00:00 — 3月4日 15:00）")
    assert "工单 3 件：已解决 2 件，未解决 1 件" in text
    assert "首次响应：中位数 6分钟" in text
    assert "解决用时：中位数 3小时" in text
    assert "超时率 67%" in text  # #0002 acknowledged late, #0003 not at all
    assert "满意度 3.5 分（评价率 100%）" in text
    assert "· 水电：1 件" in text and "· 保洁：1 件，超时 100%" in text
    assert "· 3栋：2 件" in text and "· 5栋：1 件" in text
    en = await stats.report(env, None, "en", "month", now=T0 + 6 * h)
    assert en.startswith("[Ticket statistics] this month") and "Cleaning" in en


async def test_the_progress_post_is_a_masked_table_per_group() -> None:
    from plugins.tickets import service, stats

    env = make_env()
    await service.report(env, resident(), "3栋楼道灯坏了 13812345678", now=T0)
    await service.resolve(env, staff(), 1, "好了", now=T0 + minutes(60))
    await service.report(env, resident("qq:43"), "3栋电梯异响", now=T0)
    await service.report(env, resident("qq:44"), "楼上太吵", kind="complaint", now=T0)
    five = resident("qq:45", group="qq:71001", household=("5", "1", "101"))
    await service.report(env, five, "5栋门禁坏了", now=T0)
    private = resident("qq:46", group=None)
    await service.report(env, private, "家里水压低", now=T0)

    posts = await stats.progress_posts(env, T0 + timedelta(days=1))
    by_group = {post.target: post.text for post in posts}
    text = by_group[RESIDENTS]
    lines = text.splitlines()
    assert lines[0] == "【工单公示】2月26日 09:00 — 3月5日 09:00"
    assert lines[1] == "编号 | 描述 | 提出时间 | 处理状态 | 负责人 | 解决时间"
    assert (
        lines[2]
        == "#0001 | 3栋楼道灯坏了 | 3月4日 09:00 | 已解决 | 李师傅 | 3月4日 10:00"
    )
    assert lines[3].startswith(
        "#0002 | 3栋电梯异响 | 3月4日 09:00 | 待受理 | 待指派 | 待定"
    )
    assert "太吵" not in text  # complaints are not posted
    assert "5栋" not in text and "水压" not in text  # other building; private
    assert lines[-1].startswith("本期共 2 件，已解决 1 件")
    assert "#0004" in by_group["qq:71001"]
    # nothing to show: no post
    assert await stats.progress_posts(make_env(), T0) == []


async def test_the_progress_job_reschedules_itself() -> None:
    from plugins.core.models import Job
    from plugins.tickets.escalation import PROGRESS_JOB, schedule_progress

    env = make_env()
    at = await schedule_progress(env, now=T0 + minutes(1))
    assert at == T0 + timedelta(days=7)  # next Monday 09:00
    assert await Job.filter(kind=PROGRESS_JOB, due_at=at, status="pending").exists()
    assert await schedule_progress(env, now=T0 + minutes(1)) == at  # no duplicate
