"""The list as the group sees it (masked), and the admin's export (not masked)."""

from __future__ import annotations

import csv

import pytest

from tests.signup.util import entry, make_sheet, member


def _style(locale: str = "zh-CN", max_lines: int = 100):
    from plugins.signup.render import Style

    return Style(
        locale,
        "Asia/Shanghai",
        {"人数": "人"},
        private_fields=("电话",),
        max_lines=max_lines,
    )


async def _filled():
    from plugins.signup.service import join

    sheet = await make_sheet(
        capacity=3,
        fields=["房号", "人数", "电话", "口味"],
        description="电话 13812345678 咨询",
    )
    await join(
        sheet.id,
        member(1, "3-2-201", "张三"),
        entry(
            household="3-201", count=2, values={"电话": "13900001111", "口味": "不辣"}
        ),
    )
    await join(
        sheet.id,
        member(2, name="李四"),
        entry(count=2, rest="身份证 110101199001011234 手机13700002222"),
    )
    return sheet


async def test_group_list_masks_phone_and_id_numbers() -> None:
    from plugins.signup.render import render_sheet
    from plugins.signup.service import view

    sheet = await _filled()
    text = render_sheet(await view(sheet.id), _style())
    assert text == "\n".join(
        [
            "【接龙】周六义诊",
            "电话 13812345678 咨询",  # the staff's own contact number
            "1. 3-201 张三 2人 *******1111 不辣",
            "候补：",
            "2. 李四 2人 身份证 110***********1234 手机137****2222",
            "剩余名额：1（共 3）",
            "参加请发 +1，或 /接龙 + 1",
        ]
    )


async def test_long_lists_are_cut_and_english_groups_read_english() -> None:
    from plugins.signup.render import render_sheet
    from plugins.signup.service import join, view

    sheet = await make_sheet(title="Health check")
    for n in range(1, 13):
        await join(sheet.id, member(n), entry())
    text = render_sheet(await view(sheet.id), _style("en", max_lines=10))
    lines = text.splitlines()
    assert lines[0] == "[Sign-up] Health check"
    assert lines[10] == "10. 住户10"
    assert lines[11] == (
        "… 2 more lines not shown; the creator or an admin can /signup export 1"
    )
    assert lines[-2:] == ["12 entries, 12 in all", "To join, send +1 or /signup + 1"]


async def test_csv_export_has_everything_unmasked(tmp_path) -> None:
    from plugins.signup.export import export
    from plugins.signup.service import view

    sheet = await _filled()
    path = export(
        await view(sheet.id, full=True),
        tmp_path / "list.csv",
        "csv",
        "zh-CN",
        "Asia/Shanghai",
        count_fields=["人数"],
        household_fields=["房号"],
    )
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese right
    rows = list(csv.reader(path.open(encoding="utf-8-sig")))
    assert rows[0] == [
        "序号", "状态", "姓名", "房号", "电话", "口味", "人数", "备注",
        "群昵称", "用户ID", "接龙时间",
    ]  # fmt: skip
    assert rows[1][:10] == [
        "1", "正式", "张三", "3-201", "13900001111", "不辣", "2", "",
        "3-2-201 张三", "qq:1",
    ]  # fmt: skip
    assert rows[2][:8] == [
        "2", "候补", "李四", "", "", "", "2",
        "身份证 110101199001011234 手机13700002222",
    ]  # fmt: skip
    assert len(rows) == 3


async def test_xlsx_export_reads_back(tmp_path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from plugins.signup.export import export
    from plugins.signup.service import view

    sheet = await _filled()
    path = export(
        await view(sheet.id, full=True), tmp_path / "list.xlsx", "xlsx", "zh-CN", "UTC"
    )
    book = openpyxl.load_workbook(path)
    ws = book.active
    assert ws.title == "周六义诊"
    assert [c.value for c in ws[1]][:4] == ["序号", "状态", "姓名", "房号"]
    assert [c.value for c in ws[2]][:3] == ["1", "正式", "张三"]
    assert ws.max_row == 3
