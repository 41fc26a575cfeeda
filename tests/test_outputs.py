"""Summary workbook, JSON results and the safe-writing helpers, read back as a user's tools would."""

from __future__ import annotations

import errno
import json
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from famscore.errors import OutputError, UsageError
from famscore.messages import Msg
from famscore.outputs.jsonout import batch_to_json, dumps, write_json
from famscore.outputs.layout import SHEETS
from famscore.outputs.notice import notice_subject
from famscore.outputs.readback import read_summary
from famscore.outputs.safe import EXCEL_CELL_LIMIT, atomic_write, clean_text, refuse_inputs, say
from famscore.outputs.summary import write_summary
from famscore.outputs.view import Band, view_of_batch
from famscore.outputs.xlsx import band_colours, display_width
from famscore.returns import ReturnData
from famscore.scheme.model import Scheme
from famscore.scoring import BatchResult, score_batch

SCHEME = """
## 设置
| 项目 | 内容 |
|---|---|
| 标题 | 长宁区2023年度计划生育工作目标管理责任制考评 |
| 年度 | 2023 |
| 版本 | 2023-1 |
| 主要指标满分 | 10 |
| 附加分满分 | 10 |

## 等级
| 等级 | 最低分 |
|---|---|
| 优秀 | 9 |
| 良好 | 8 |
| 不合格 | |

## 指标
| 编号 | 一级指标 | 二级指标 | 分值 | 计分类别 |
|---|---|---|---|---|
| A | 计生服务 | | 10 | |
| A1 | | 免费药具 | 8 | |
| A2 | | 出生个案信息核实 | 2 | |
| B | 创新工作 | | 10 | 附加 |
| B1 | | 工作创新 | 10 | |

## 字段
| 字段编号 | 指标编号 | 填报项目 | 类型 | 单位 |
|---|---|---|---|---|
| A1_rate | A1 | 药具发放率 | 数值 | 分 |
| A2_rate | A2 | 核实率 | 百分比 | % |
| B1_n | B1 | 创新项目数 | 整数 | 项 |

## 规则
| 指标编号 | 规则类型 | 字段 | 参数 |
|---|---|---|---|
| A1 | 分档 | A1_rate | ≥95:8；≥90:6；≥85:4；≥80:2；其他:0 |
| A2 | 满分 | | |
| A2 | 低于标准扣分 | A2_rate | 标准=98；每=1；扣=0.2；方式=按比例 |
| B1 | 计次加分 | B1_n | 每次=5；上限=10 |
"""

NO_BANDS = SCHEME.split("## 等级")[0] + "## 指标" + SCHEME.split("## 指标")[1]

FORMULA_NAME = '=HYPERLINK("http://x","y")'
ITEMS = 3


def _return(unit: str, a1: str, a2: str, b1: str | None, remark: str = "") -> ReturnData:
    data = ReturnData(f"{unit}.xlsx", f"/returns/{unit}.xlsx")
    data.unit = unit
    data.values = {"A1_rate": Decimal(a1), "A2_rate": Decimal(a2)}
    data.raw = {"A1_rate": a1, "A2_rate": f"{a2}%"}
    if b1 is not None:
        data.values["B1_n"] = Decimal(b1)
        data.raw["B1_n"] = b1
    if remark:
        data.remarks["A2_rate"] = remark
    return data


def _batch(scheme: Scheme) -> BatchResult:
    returns = [
        _return("天山街道", "96", "96.5", "1"),  # 8 + 1.7 = 9.7 main, +5 → 14.7, 优秀
        _return(FORMULA_NAME, "94.5", "99", "2", remark="#N/A"),  # 6 + 2 = 8, +10 → 18, 良好
        _return("=1+1", "80", "85", "0"),  # 2 + 0 = 2, 不合格
        _return("程桥\x07街道", "96", "98", "0"),  # 10, 优秀
        _return("新泾镇", "96", "98", None),  # B1 missing → incomplete, 待定
    ]
    return score_batch(scheme, returns)


@pytest.fixture
def scheme(load_md: Callable[[str], Scheme]) -> Scheme:
    return load_md(SCHEME)


@pytest.fixture
def batch(scheme: Scheme) -> BatchResult:
    return _batch(scheme)


@pytest.fixture
def summary(batch: BatchResult, tmp_path: Path) -> Path:
    return write_summary(
        batch, tmp_path / "汇总.xlsx", generated_at="2024-02-18 09:00", famscore_version="9.9"
    )


def _rows(path: Path, sheet: str) -> list[list[openpyxl.cell.cell.Cell]]:
    book = openpyxl.load_workbook(path)
    return [list(row) for row in book[sheet].iter_rows()]


def _values(path: Path, sheet: str) -> list[list[object]]:
    return [[c.value for c in row] for row in _rows(path, sheet)]


# ---------------------------------------------------------------- summary workbook


def test_summary_has_every_sheet(summary: Path) -> None:
    # 问题 comes second when there are problems (新泾镇's return has an error)
    assert openpyxl.load_workbook(summary).sheetnames == [
        "排名",
        "问题",
        "结果通报",
        "得分明细",
        "计分过程",
        "考评表",
    ]
    assert set(SHEETS) == {"排名", "得分明细", "计分过程", "问题", "考评表", "结果通报"}


def test_ranking_rows_in_rank_order_with_values(summary: Path) -> None:
    rows = _values(summary, "排名")
    assert rows[0][0] == "长宁区2023年度计划生育工作目标管理责任制考评 计分结果"  # the title row
    header = rows[1]
    col = {
        name: next(i for i, h in enumerate(header) if h and h.startswith(name))
        for name in ("排名", "单位", "主要指标得分", "创新工作", "总分", "等级", "标记", "回表文件")
    }
    # one bonus category within the cap: its column is the bonus, no second 附加分 column
    assert header[col["创新工作"]] == "创新工作\n（附加，10分）"  # the points on a line of their own
    assert not any(h and h.startswith("附加分") for h in header)
    table = [r for r in rows[2:] if r[col["排名"]] is not None or r[col["单位"]] == "新泾镇"]
    got = [
        (
            r[col["排名"]],
            r[col["单位"]],
            r[col["主要指标得分"]],
            r[col["创新工作"]],
            r[col["总分"]],
            r[col["等级"]],
        )
        for r in table
    ]
    assert got == [
        (1, FORMULA_NAME, 8, 10, 18, "良好"),
        (2, "天山街道", 9.7, 5, 14.7, "优秀"),
        (3, "程桥街道", 10, 0, 10, "优秀"),
        (4, "=1+1", 2, 0, 2, "不合格"),
        (None, "新泾镇", 10, None, 10, "待定"),  # incomplete: last, unranked; B1 unscored
    ]
    assert "无法计分" in table[-1][col["标记"]]
    assert table[0][col["回表文件"]] == f"{FORMULA_NAME}.xlsx"
    assert any(h and h.startswith("计生服务") and "10" in h for h in header)  # subtotal with its max


def test_ranking_has_band_counts_and_chart(summary: Path) -> None:
    book = openpyxl.load_workbook(summary)
    sheet = book["排名"]
    head = next(c for row in sheet.iter_rows() for c in row if c.value == "单位数")
    assert head.row > 2 + 5  # below the table (title, header, five units), inside the printed area
    counts = {
        sheet.cell(r, head.column - 1).value: sheet.cell(r, head.column).value
        for r in range(head.row + 1, head.row + 7)
    }
    assert counts == {"优秀": 2, "良好": 1, "不合格": 1, "待定": 1, "合计": 5, None: None}
    assert len(sheet._charts) == 1
    # a narrow table: the chart is under the counts (0-based anchor), from column A
    assert sheet._charts[0].anchor._from.row > head.row + 5 and sheet._charts[0].anchor._from.col == 0
    assert sheet.freeze_panes == "C3"


def test_formula_like_text_is_stored_as_text(summary: Path) -> None:
    for sheet in ("排名", "得分明细", "计分过程", "结果通报"):
        cells = [c for row in _rows(summary, sheet) for c in row if c.value is not None]
        texts = [c for c in cells if isinstance(c.value, str)]
        assert all(c.data_type == "s" for c in texts), sheet
        values = {c.value for c in texts}
        if sheet != "结果通报":
            assert FORMULA_NAME in values and "=1+1" in values, sheet
    audit = _values(summary, "计分过程")
    remark_col = audit[0].index("备注")
    assert [r[remark_col] for r in audit if r[remark_col] == "#N/A"] == ["#N/A"]
    cell = next(c for row in _rows(summary, "计分过程") for c in row if c.value == "#N/A")
    assert cell.data_type == "s"


def test_control_characters_are_stripped_and_reported(summary: Path) -> None:
    names = [r[1] for r in _values(summary, "排名")[2:]]
    assert "程桥街道" in names
    problems = _values(summary, "问题")
    assert any("控制字符" in (r[5] or "") and r[1] == "汇总.xlsx" for r in problems)


def test_matrix_first_row_is_the_maximum(summary: Path) -> None:
    rows = _values(summary, "得分明细")
    assert rows[0][:4] == ["一级指标", "A 计生服务（10分）", None, "B 创新工作（附加，10分）"]
    assert rows[1][:4] == ["单位", "A1 免费药具", "A2 出生个案信息核实", "B1 工作创新（附加）"]
    assert rows[2][:4] == ["满分", 8, 2, 10]
    assert rows[3][:4] == [FORMULA_NAME, 6, 2, 10]
    assert rows[-1][:4] == ["新泾镇", 8, 2, None]


def test_audit_has_one_row_per_unit_and_item(summary: Path, batch: BatchResult) -> None:
    rows = _values(summary, "计分过程")
    assert rows[0] == ["单位", "指标编号", "指标名称", "满分", "得分", "填报值", "备注", "计分说明"]
    assert len(rows) - 1 == len(batch.units) * ITEMS
    row = next(r for r in rows if r[0] == "天山街道" and r[1] == "A2")
    assert row[3:6] == [2, 1.7, "核实率=96.5%"]
    assert "1.7" in row[7]


def test_problems_sheet_lists_errors(summary: Path) -> None:
    rows = _rows(summary, "问题")
    assert [c.value for c in rows[0]] == ["单位", "文件", "工作表", "位置", "级别", "问题", "处理办法"]
    error = next(r for r in rows[1:] if r[4].value == "错误")
    assert (error[0].value, error[1].value) == ("新泾镇", "新泾镇.xlsx")
    assert error[5].font.color is not None and error[5].fill.fgColor.rgb.endswith("FFC7CE")


def test_scheme_sheet_facts(summary: Path) -> None:
    facts = {r[0]: r[1:] for r in _values(summary, "考评表")[1:]}
    assert facts["标题"][0] == "长宁区2023年度计划生育工作目标管理责任制考评"
    assert facts["版本"][0] == "2023-1"
    assert facts["famscore 版本"][0] == "9.9"
    assert facts["生成时间"][0] == "2024-02-18 09:00"
    assert facts["回表数"][0] == 5
    assert facts["定级依据"][0] == "主要指标得分"
    bands = [r[1:3] for r in _values(summary, "考评表") if r[0] == "等级"]
    assert bands == [["优秀", 9], ["良好", 8], ["不合格", "其余"]]


def test_notice_groups_units_by_band(summary: Path) -> None:
    lines = [r[0] for r in _values(summary, "结果通报") if r[0]]
    assert lines[0] == "2023年度计划生育工作目标管理考核结果"
    assert lines[1] == "1.2023年度计划生育工作目标管理优秀单位（排名不分先后）："
    assert lines[2] == "天山街道、程桥街道"  # by name, not by score
    assert lines[3] == "2.2023年度计划生育工作目标管理良好单位（排名不分先后）："
    assert lines[4] == FORMULA_NAME
    assert lines[5] == "3.2023年度计划生育工作目标管理不合格单位（排名不分先后）："
    assert lines[7].startswith("4.未完成计分") and lines[8] == "新泾镇"


def test_notice_subject_follows_seed_003() -> None:
    assert (
        notice_subject("长宁区2021年度计划生育工作目标管理责任制考核", 2021) == "2021年度计划生育工作目标管理"
    )
    assert notice_subject("人口与健康考核指标", 2023) == "2023年度人口与健康"
    assert notice_subject("测试", None) == "测试"


def test_no_bands_lists_by_rank(load_md: Callable[[str], Scheme], tmp_path: Path) -> None:
    batch = _batch(load_md(NO_BANDS))
    path = write_summary(batch, tmp_path / "s.xlsx", generated_at="t", famscore_version="v")
    lines = [r[0] for r in _values(path, "结果通报") if r[0]]
    assert lines[1].endswith("考核排名：")
    assert lines[2].startswith("第1名") and FORMULA_NAME in lines[2]
    assert "等级" not in _values(path, "排名")[0]
    data = batch_to_json(batch)
    assert data["scheme"]["bands"] == [] and all(u["grade"] is None for u in data["units"])


def test_every_sheet_prints_well(summary: Path) -> None:
    book = openpyxl.load_workbook(summary)
    for name in SHEETS:
        sheet = book[name]
        if name == "得分明细":  # full size, split between categories, the unit column on every page
            assert sheet.page_setup.scale in (None, 100) and sheet.print_title_cols == "$A:$A", name
            assert not sheet.sheet_properties.pageSetUpPr.fitToPage, name
        else:
            # fit to 1 page wide (1 is the default width, so only fitToPage and height 0 are stored)
            assert sheet.sheet_properties.pageSetUpPr.fitToPage, name
            assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0, name
        upright = name in ("结果通报", "考评表")  # a document and a three-column list
        assert sheet.page_setup.orientation == ("portrait" if upright else "landscape"), name
        if name != "结果通报":
            assert sheet.freeze_panes is not None, name
            assert sheet.print_title_rows, name
            assert sheet["A1"].font.b, name


def test_column_widths_count_cjk_double() -> None:
    assert display_width("单位") == 4
    assert display_width("ab单") == 4
    assert display_width("长\n短短短") == 6
    assert display_width("好👍") == 4  # wide outside the CJK blocks too, as templates measure it
    colours = band_colours(4)
    assert colours[0] == "C6EFCE" and colours[-1] == "FFC7CE" and len(set(colours)) == 4


# ---------------------------------------------------------------- safe text


def test_clean_text_strips_illegal_characters() -> None:
    assert clean_text("a\x07b\x00c").text == "abc"
    assert clean_text("a_x0007_b").text == "ab"  # the escape openpyxl leaves in text
    assert clean_text("keep\ttab\nline").text == "keep\ttab\nline"
    assert clean_text("_x0041_").text == "_x0041_"  # a legal escape is ordinary text
    result = clean_text("x\x1fy")
    assert result.removed == 1 and "控制字符" in result.note()


def test_clean_text_cuts_at_excel_limit() -> None:
    long = "长" * 40_000
    result = clean_text(long)
    assert len(result.text) <= EXCEL_CELL_LIMIT and result.cut_from == 40_000
    assert "已截断" in result.text and "32767" in result.note()
    emoji = "😀" * 20_000  # two UTF-16 units each
    assert len(clean_text(emoji).text.encode("utf-16-le")) // 2 <= EXCEL_CELL_LIMIT
    assert clean_text("短").cut_from == 0


def test_long_text_is_cut_in_workbook(scheme: Scheme, tmp_path: Path) -> None:
    returns = [_return("甲街道", "96", "98", "1", remark="备" * 40_000)]
    batch = score_batch(scheme, returns)
    path = write_summary(batch, tmp_path / "s.xlsx", generated_at="t", famscore_version="v")
    audit = _values(path, "计分过程")
    remark = next(r[6] for r in audit if r[1] == "A2")
    assert len(remark) <= EXCEL_CELL_LIMIT and remark.endswith("原文共 40000 字）")
    assert any("已截断" in (r[5] or "") for r in _values(path, "问题"))


# ---------------------------------------------------------------- JSON


def test_json_follows_the_contract(batch: BatchResult) -> None:
    data = batch_to_json(batch)
    assert set(data) == {"scheme", "units", "problems"}
    assert {"title", "version", "fingerprint", "bands"} <= set(data["scheme"])
    assert data["scheme"]["bands"][0] == {"name": "优秀", "lower": 9}
    assert data["scheme"]["bands"][-1] == {"name": "不合格", "lower": None}
    unit = data["units"][0]
    assert {"unit", "file", "rank", "main", "bonus", "total", "grade", "flags", "categories", "items"} <= set(
        unit
    )
    assert set(unit["categories"][0]) == {"id", "name", "max", "score"}
    assert set(unit["items"][0]) == {"id", "name", "max", "score", "explanation"}
    assert all(
        set(p) == {"file", "sheet", "cell", "severity", "message", "code", "row", "column", "level"}
        for p in data["problems"]
    )
    assert unit["unit"] == FORMULA_NAME and unit["rank"] == 1
    pending = data["units"][-1]
    assert pending["rank"] is None and pending["grade"] == "待定" and pending["complete"] is False
    assert pending["items"][2]["score"] is None and pending["categories"][1]["score"] is None


def test_json_numbers_are_exact_decimals(batch: BatchResult) -> None:
    text = dumps(batch)
    assert "1.7000000000000002" not in text and "14.700000000000001" not in text
    data = json.loads(text, parse_float=Decimal)
    unit = next(u for u in data["units"] if u["unit"] == "天山街道")
    assert unit["items"][1]["score"] == Decimal("1.7")
    assert str(unit["items"][1]["score"]) == "1.7"
    assert unit["main"] == Decimal("9.7") and unit["total"] == Decimal("14.7")
    assert '"score": 1.7,' in text


def test_write_json_is_utf8_and_readable(batch: BatchResult, tmp_path: Path) -> None:
    path = write_json(batch, tmp_path / "结果.json")
    text = path.read_text(encoding="utf-8")
    assert "天山街道" in text  # ensure_ascii=False
    assert json.loads(text)["scheme"]["version"] == "2023-1"
    assert _no_temp_files(tmp_path)


# ---------------------------------------------------------------- atomic writes


def _no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_atomic_write_keeps_old_file_when_writer_fails(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text('{"old": true}', encoding="utf-8")

    def broken(temp: Path) -> None:
        temp.write_text('{"half', encoding="utf-8")
        raise RuntimeError("crash mid-save")

    with pytest.raises(RuntimeError):
        atomic_write(target, broken)
    assert target.read_text(encoding="utf-8") == '{"old": true}'
    assert _no_temp_files(tmp_path)


def test_atomic_write_rejects_unverifiable_output(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(OutputError, match="校验失败"):
        atomic_write(target, lambda temp: temp.write_bytes(b"not a zip"))
    assert target.read_bytes() == b"old"
    assert _no_temp_files(tmp_path)


def test_atomic_write_locked_file_gives_chinese_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "汇总.json"
    target.write_text("{}", encoding="utf-8")

    def locked(src: object, dst: object) -> None:
        raise PermissionError(13, "The process cannot access the file")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(OutputError) as info:
        atomic_write(target, lambda temp: temp.write_text("[1]", encoding="utf-8"))
    assert str(target) in info.value.message and "关闭" in info.value.message
    assert "原来的文件没有改动" in info.value.message
    assert target.read_text(encoding="utf-8") == "{}"
    assert _no_temp_files(tmp_path)


def test_atomic_write_maps_writer_permission_and_disk_full(tmp_path: Path) -> None:
    from xlsxwriter.exceptions import FileCreateError

    target = tmp_path / "out.xlsx"

    def wrapped(temp: Path) -> None:
        raise FileCreateError(PermissionError(13, "denied"))

    with pytest.raises(OutputError, match="Excel/WPS"):
        atomic_write(target, wrapped)

    def full(temp: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OutputError, match="磁盘空间不足"):
        atomic_write(target, full)
    assert not target.exists() and _no_temp_files(tmp_path)


def test_atomic_write_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="不存在"):
        atomic_write(tmp_path / "nope" / "out.json", lambda temp: temp.write_text("{}"))


def test_summary_over_open_file_keeps_previous(
    batch: BatchResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "汇总.xlsx"
    write_summary(batch, target, generated_at="first", famscore_version="v")
    before = target.read_bytes()

    def locked(src: object, dst: object) -> None:
        raise PermissionError(13, "locked")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(OutputError):
        write_summary(batch, target, generated_at="second", famscore_version="v")
    assert target.read_bytes() == before
    assert _no_temp_files(tmp_path)


# ---------------------------------------------------------------- outputs vs inputs


def test_refuse_inputs(tmp_path: Path) -> None:
    scheme = tmp_path / "考评表.xlsx"
    scheme.write_bytes(b"x")
    returns = tmp_path / "回表"
    (returns / "sub").mkdir(parents=True)
    one = returns / "sub" / "天山.xlsx"
    one.write_bytes(b"x")
    inputs = [scheme, returns, one]
    with pytest.raises(UsageError, match="就是输入文件"):
        refuse_inputs(scheme, inputs)
    with pytest.raises(UsageError, match="就是输入文件"):
        refuse_inputs(tmp_path / "回表" / ".." / "考评表.xlsx", [scheme])
    with pytest.raises(UsageError, match="回表文件夹"):
        refuse_inputs(returns / "汇总.xlsx", inputs)
    with pytest.raises(UsageError, match="回表文件夹"):
        refuse_inputs(returns / "sub" / "结果.json", inputs)
    refuse_inputs(tmp_path / "汇总.xlsx", inputs)  # beside the returns: fine
    refuse_inputs(tmp_path / "回表2" / "汇总.xlsx", inputs)  # a folder whose name merely starts alike


def test_refuse_inputs_through_a_link(tmp_path: Path) -> None:
    scheme = tmp_path / "考评表.xlsx"
    scheme.write_bytes(b"x")
    link = tmp_path / "link.xlsx"
    try:
        link.symlink_to(scheme)
    except (OSError, NotImplementedError):
        pytest.skip("symlinks not available")
    with pytest.raises(UsageError):
        refuse_inputs(link, [scheme])


# ---------------------------------------------------------------- reading back


def test_read_summary_round_trips(summary: Path, batch: BatchResult) -> None:
    data = read_summary(summary)
    scheme = data.scheme
    assert scheme.title == batch.scheme.title and scheme.version == "2023-1"
    assert scheme.fingerprint == batch.scheme.fingerprint
    assert scheme.bands == (
        Band("优秀", Decimal("9.00")),
        Band("良好", Decimal("8.00")),
        Band("不合格", None),
    )
    assert scheme.famscore_version == "9.9" and scheme.returns == 5
    got = [(u.rank, u.unit, u.main, u.bonus, u.total, u.grade, u.status) for u in data.units]
    want = [
        (
            u.rank,
            u.unit.replace("\x07", ""),
            u.main,
            u.bonus,
            u.total,
            u.grade,
            "已排名" if u.rankable else "待定",
        )
        for u in batch.units
    ]
    assert got == want
    assert str(data.units[1].main) == "9.70"
    last = data.units[-1]
    assert not last.complete and not last.held and "无法计分" in last.reason
    # The view read back is the view of the batch, as far as the workbook records it.
    fresh = view_of_batch(batch)
    assert data.categories[0].name == "计生服务"
    assert [replace(c, id="") for c in fresh.categories] == list(data.categories)
    assert [(u.flags, u.notes, u.complete, u.reason, u.categories) for u in data.units] == [
        (u.flags, u.notes, u.complete, u.reason.replace("\x07", ""), u.categories) for u in fresh.units
    ]


def test_show_and_score_render_one_table_and_explain_one_breakdown(summary: Path, batch: BatchResult) -> None:
    from rich.console import Console

    from famscore.outputs.readback import read_breakdown
    from famscore.outputs.terminal import band_counts, ranking_table
    from famscore.outputs.view import breakdown_of

    def text(renderable: object) -> list[str]:
        console = Console(width=200, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
        console.print(renderable)
        return console.export_text().splitlines()

    back = read_summary(summary)
    fresh = view_of_batch(batch)
    # Below the title (which names when the summary was scored), the tables are one and the same.
    # (The unit whose name holds a control character is shown cleaned in the terminal, removed in the workbook.)
    assert [line for line in text(ranking_table(back, limit=None))[1:] if "程桥" not in line] == [
        line for line in text(ranking_table(batch, limit=None))[1:] if "程桥" not in line
    ]
    assert text(band_counts(back)) == text(band_counts(batch))
    for unit in [u for u in batch.units if "\x07" not in u.unit]:
        (shown,) = [u for u in back.units if u.unit == unit.unit]
        rows = read_breakdown(summary, back, shown)
        assert [(r.name, r.points, r.score, r.explanation, r.category) for r in rows] == [
            (r.name, r.points, r.score, r.explanation, r.category) for r in breakdown_of(batch, unit)
        ]
        assert [r.id for r in rows if not r.category] == [item.id for item in batch.scheme.items]
    assert fresh.scheme.bands == back.scheme.bands


def test_read_summary_refuses_other_files(tmp_path: Path) -> None:
    other = tmp_path / "x.xlsx"
    book = openpyxl.Workbook()
    book.save(other)
    with pytest.raises(UsageError, match="不是 famscore 生成的汇总表"):
        read_summary(other)
    text = tmp_path / "y.xlsx"
    text.write_text("hello")
    with pytest.raises(UsageError):
        read_summary(text)
    with pytest.raises(UsageError):
        read_summary(tmp_path / "missing.xlsx")
    damaged = tmp_path / "z.xlsx"
    with zipfile.ZipFile(damaged, "w") as archive:
        archive.writestr("hello.txt", "x")  # a zip, but no workbook inside
    expected = say(Msg.SUMMARY_UNREADABLE, name="z.xlsx", kind="CalamineError")
    with pytest.raises(UsageError, match=re.escape(expected)):
        read_summary(damaged)


def test_audit_continues_past_excel_row_limit(
    batch: BatchResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import famscore.outputs.audit as audit_module

    monkeypatch.setattr(audit_module, "MAX_ROWS", 6)  # 5 data rows per audit sheet
    path = write_summary(batch, tmp_path / "s.xlsx", generated_at="t", famscore_version="v")
    book = openpyxl.load_workbook(path)
    audit = [n for n in book.sheetnames if n.startswith("计分过程")]
    assert audit == ["计分过程", "计分过程2", "计分过程3"]
    rows = sum(book[n].max_row - 1 for n in audit)
    assert rows == len(batch.units) * ITEMS


def test_flags_are_data_until_an_output_words_them(batch: BatchResult, tmp_path: Path) -> None:
    from dataclasses import replace as swap

    from famscore.outputs.view import flag_text, read_flag
    from famscore.rules.flags import Effect, Flag

    veto = Flag(Effect.LAST, "重大负面舆论")
    first = swap(
        batch.units[0], flags=[veto, Flag(Effect.NO_TOP, "事故")], notes=["附加分 12 超过上限 10，按 10 计"]
    )
    flagged = swap(batch, units=[first, *batch.units[1:]])
    words = ["排名末位（重大负面舆论）", "取消评优（事故）", "附加分 12 超过上限 10，按 10 计"]
    assert batch_to_json(flagged)["units"][0]["flags"] == words  # the JSON contract: display strings
    assert [read_flag(w) for w in words] == [veto, Flag(Effect.NO_TOP, "事故"), None]
    assert all(read_flag(flag_text(f)) == f for f in first.flags)
    path = write_summary(flagged, tmp_path / "s.xlsx", generated_at="t", famscore_version="v")
    back = read_summary(path).units[0]
    assert (back.flags, back.notes) == (tuple(first.flags), tuple(first.notes))


def test_a_workbook_that_is_not_a_summary_is_refused_in_the_catalogues_words(tmp_path: Path) -> None:
    from famscore.messages import Msg
    from famscore.outputs.safe import say

    other = tmp_path / "x.xlsx"
    openpyxl.Workbook().save(other)
    with pytest.raises(UsageError) as refused:
        read_summary(other)
    assert refused.value.message == say(Msg.SUMMARY_NOT_FAMSCORE, name="x.xlsx", missing="排名")
    with pytest.raises(UsageError) as missing:
        read_summary(tmp_path / "none.xlsx")
    assert missing.value.message == say(Msg.SUMMARY_NOT_FOUND, path=tmp_path / "none.xlsx")


def test_explain_reads_the_audit_from_the_csv_when_it_was_split_out(
    batch: BatchResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import famscore.outputs.audit as audit_module
    from famscore.outputs.readback import read_breakdown
    from famscore.outputs.view import breakdown_of

    monkeypatch.setattr(audit_module, "AUDIT_ROWS_IN_WORKBOOK", 0)
    path = write_summary(batch, tmp_path / "s.xlsx", generated_at="t", famscore_version="v")
    assert audit_module.audit_csv_target(batch, path) == tmp_path / "s_计分过程.csv"
    assert (tmp_path / "s_计分过程.csv").is_file()
    back = read_summary(path)
    unit = next(u for u in batch.units if not u.complete)
    (shown,) = [u for u in back.units if u.unit == unit.unit]
    rows = read_breakdown(path, back, shown)
    assert [(r.name, r.points, r.score, r.category) for r in rows] == [
        (r.name, r.points, r.score, r.category) for r in breakdown_of(batch, unit)
    ]
