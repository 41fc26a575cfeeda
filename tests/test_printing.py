"""The summary as it prints and as WPS opens it: shared strings, page setup, the 问题 unit column, explain."""

from __future__ import annotations

import itertools
import re
import zipfile
from dataclasses import replace
from functools import cache
from pathlib import Path

import openpyxl
import pytest

from famscore.batch import read_folder
from famscore.batch.job import JobResult
from famscore.errors import Problem
from famscore.merge import merge_reviews
from famscore.names import name_key
from famscore.outputs import summary as summary_module
from famscore.outputs.layout import SHEETS, rank_columns
from famscore.outputs.readback import read_breakdown, read_summary
from famscore.outputs.summary import write_summary
from famscore.outputs.view import breakdown_of
from famscore.outputs.xlsx import LANDSCAPE_WIDTH_PX, column_pixels
from famscore.returns import ReturnData
from famscore.scheme.loader import load_scheme
from famscore.scoring import BatchResult, score_batch
from famscore.units import read_units_file

ROOT = Path(__file__).resolve().parent.parent
CHANGNING = ROOT / "examples" / "changning-2023"
TITLE = "长宁区2023年度人口与计划生育工作任务情况考评表"


@cache
def _returns() -> tuple[list[JobResult], list[Problem]]:
    data, notes = read_folder(CHANGNING / "returns", load_scheme(CHANGNING / "考评表.xlsx"), workers=1)
    return data, notes


def _changning() -> BatchResult:
    scheme = load_scheme(CHANGNING / "考评表.xlsx")
    data, notes = _returns()
    return score_batch(scheme, data, read_units_file(CHANGNING / "units.txt"), notes)


def _many(count: int) -> BatchResult:
    """`count` units whose returns are copies of the example's ten under new names."""
    scheme = load_scheme(CHANGNING / "考评表.xlsx")
    jobs, _ = _returns()
    # The example is two-party: each copy carries its unit's 评分表 values, as if it had filled them all.
    departments = merge_reviews(scheme, [j.review for j in jobs if j.review is not None])
    units = [j.data for j in jobs if j.review is None]
    copies = []
    for index in range(count):
        name = f"第{index + 1:02d}街道"
        data = units[index % len(units)]
        values = {**data.values, **departments.values_of(name_key(data.unit))}
        copies.append(replace(data, unit=name, file=f"{name}.xlsx", problems=[], values=values))
    return score_batch(scheme, copies)


def _write(batch: BatchResult, path: Path) -> Path:
    return write_summary(batch, path, generated_at="2024-02-18 09:00", famscore_version="t")


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(_changning(), tmp_path_factory.mktemp("print") / "汇总.xlsx")


def _pixels(sheet: openpyxl.worksheet.worksheet.Worksheet, first: int, last: int) -> int:
    """Columns `first`..`last` (1-based) in Excel's pixels, from the widths the file stores."""
    widths: dict[int, float] = {}
    for dimension in sheet.column_dimensions.values():  # one entry per <col min max> range
        for col in range(dimension.min, dimension.max + 1):
            widths[col] = dimension.width - 0.71  # the file stores xlsxwriter's width plus its padding
    return sum(column_pixels(widths.get(col, 8.43)) for col in range(first, last + 1))


def _printed_scale(sheet: openpyxl.worksheet.worksheet.Worksheet, last_col: int) -> float:
    """The scale fit-to-width prints columns A..`last_col` at on landscape A4."""
    return min(1.0, LANDSCAPE_WIDTH_PX / _pixels(sheet, 1, last_col))


# ---------------------------------------------------------------- shared strings


def _sheet_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as book:
        return {n: book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets/sheet")}


def test_text_is_in_shared_strings_not_inline(example: Path) -> None:
    with zipfile.ZipFile(example) as book:
        assert "xl/sharedStrings.xml" in book.namelist()
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "新华街道" in strings and TITLE in strings
    sheets = _sheet_xml(example)
    assert len(sheets) == len(SHEETS) + 1  # the example's units assess themselves: 自评与核定 too
    for name, xml in sheets.items():
        assert 't="inlineStr"' not in xml and "<is>" not in xml, name
        assert 't="s"' in xml, name  # text cells point into the table


def test_beyond_the_cell_limit_text_streams_inline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Memory stays flat past SHARED_STRINGS_CELLS: constant-memory mode, every text inline.
    batch = _changning()
    assert summary_module.shared_strings(batch)
    monkeypatch.setattr(summary_module, "SHARED_STRINGS_CELLS", summary_module.summary_cells(batch) - 1)
    assert not summary_module.shared_strings(batch)
    path = _write(batch, tmp_path / "大.xlsx")
    assert any('t="inlineStr"' in xml for xml in _sheet_xml(path).values())
    assert read_summary(path).units[0].unit == "新华街道"  # still read back


def test_a_province_keeps_shared_strings_and_the_self_check_sheet_counts() -> None:
    # A province (about 1,500 units) keeps the text WPS opens; the 自评与核定 sheet (7 cells per item and
    # unit) is counted, so a batch of units that assess themselves turns to constant memory sooner.
    scheme = load_scheme(CHANGNING / "考评表.xlsx")
    assert scheme.settings.self_assessment
    limit = summary_module.SHARED_STRINGS_CELLS
    assert summary_module.cells_for(scheme, 1_500, 100, audit=False) < limit
    assert summary_module.cells_for(scheme, 10_000, 100, audit=False) > limit
    one_party = replace(scheme, settings=replace(scheme.settings, self_assessment=False))
    extra = summary_module.cells_for(scheme, 1, 0, audit=False) - summary_module.cells_for(
        one_party, 1, 0, audit=False
    )
    assert extra == 7 * (len(scheme.items) + 1)
    # Without 自评 the README's 10,000-return benchmark (the audit in a CSV) stays under the limit.
    assert summary_module.cells_for(one_party, 10_000, 100, audit=False) < limit
    assert summary_module.cells_for(one_party, 40_000, 100, audit=False) > limit


# ---------------------------------------------------------------- 排名


def test_ranking_prints_on_a4_landscape_one_page_wide(example: Path) -> None:
    book = openpyxl.load_workbook(example)
    sheet = book["排名"]
    header = [c.value for c in sheet[2]]
    flags = header.index("标记") + 1
    last = openpyxl.utils.get_column_letter(flags)
    assert sheet.print_area == f"'排名'!$A$1:${last}${sheet.max_row}" or sheet.print_area.startswith(
        f"'排名'!$A$1:${last}$"
    )
    assert header[flags] == "回表文件"  # after the printed area
    assert sheet.print_title_rows == "$2:$2"
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize) == ("landscape", 9)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and setup.fitToHeight == 0
    assert setup.fitToWidth in (None, 1)
    assert sheet.page_margins.left == pytest.approx(0.4) and sheet.page_margins.top == pytest.approx(0.7)
    assert TITLE in sheet.oddHeader.left.text and sheet.oddHeader.right.text == "排名"
    assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert sheet["A1"].value == f"{TITLE} 计分结果" and sheet["A1"].font.sz >= 14
    assert f"A1:{last}1" in {str(r) for r in sheet.merged_cells.ranges}
    # every cell of the printed table at 10 pt or more, printed at a scale that keeps 8 pt
    sizes = {
        c.font.sz for row in sheet.iter_rows(min_row=2, max_col=flags) for c in row if c.value is not None
    }
    assert min(sizes) >= 10
    assert 10 * _printed_scale(sheet, flags) >= 8


def test_ranking_has_one_column_per_figure(example: Path) -> None:
    header = [c.value for c in openpyxl.load_workbook(example)["排名"][2]]
    assert "创新工作\n（附加，20分）" in header
    assert not any(str(h).startswith("附加分") for h in header)
    assert len(header) == len(set(header))
    back = read_summary(example)
    batch = _changning()
    assert [(u.unit, u.bonus, u.total) for u in back.units] == [
        (u.unit, u.bonus, u.total) for u in batch.units
    ]


def test_two_bonus_categories_keep_the_bonus_column(load_md) -> None:  # type: ignore[no-untyped-def]
    scheme = load_md(TWO_BONUS)
    headers = [c.header for c in rank_columns(scheme)]
    assert "附加分（上限5）" in headers and "标记" in headers


TWO_BONUS = """
## 设置
| 项目 | 内容 |
|---|---|
| 标题 | 两类加分 |
| 版本 | 1 |
| 主要指标满分 | 10 |
| 附加分满分 | 5 |

## 指标
| 编号 | 一级指标 | 二级指标 | 分值 | 计分类别 |
|---|---|---|---|---|
| A | 基础 | | 10 | |
| A1 | | 基础工作 | 10 | |
| B | 创新 | | 3 | 附加 |
| B1 | | 创新工作 | 3 | |
| C | 表彰 | | 3 | 附加 |
| C1 | | 获得表彰 | 3 | |

## 规则
| 指标编号 | 规则类型 | 字段 | 参数 |
|---|---|---|---|
| A1 | 满分 | | |
| B1 | 满分 | | |
| C1 | 满分 | | |
"""


def test_counts_and_chart_below_the_table_inside_the_print_area(example: Path) -> None:
    sheet = openpyxl.load_workbook(example)["排名"]
    units = 10
    last_unit_row = 2 + units  # 1-based: title, header, then the units
    counts = next(c for row in sheet.iter_rows() for c in row if c.value == "单位数")
    assert counts.row > last_unit_row
    area_last_row = int(re.search(r"\$(\d+)$", sheet.print_area).group(1))  # type: ignore[union-attr]
    area_last_col = openpyxl.utils.column_index_from_string(
        re.search(r":\$([A-Z]+)\$", sheet.print_area).group(1)  # type: ignore[union-attr]
    )
    chart = sheet._charts[0]
    start = chart.anchor._from
    assert start.row + 1 == counts.row and start.col + 1 > counts.column
    end = chart.anchor.to  # the cell the chart's bottom-right corner is in (0-based)
    assert end.row + 1 <= area_last_row
    assert end.col + 1 <= area_last_col or (end.col == area_last_col and end.colOff == 0)


def test_sixty_units_print_about_25_to_a_page(tmp_path: Path) -> None:
    path = _write(_many(60), tmp_path / "60.xlsx")
    sheet = openpyxl.load_workbook(path)["排名"]
    assert 10 * _printed_scale(sheet, [c.value for c in sheet[2]].index("标记") + 1) >= 8
    heights = [sheet.row_dimensions[r].height or 15 for r in range(3, 63)]
    page = (8.27 - 0.7 - 0.6) * 72 / _printed_scale(sheet, [c.value for c in sheet[2]].index("标记") + 1)
    header = sheet.row_dimensions[2].height
    assert sum(heights[:25]) <= page - header  # 25 units fit a page beside the repeated header
    # the counts and the chart do not fit under the last units: they start a page of their own
    breaks = [b.id for b in sheet.row_breaks.brk]
    counts = next(c for row in sheet.iter_rows() for c in row if c.value == "单位数")
    assert breaks == [counts.row - 2]
    assert "前 40 名" in str(sheet._charts[0].title.tx.rich.p[0].r[0].t)


# ---------------------------------------------------------------- 得分明细


def test_matrix_prints_split_between_categories(example: Path) -> None:
    sheet = openpyxl.load_workbook(example)["得分明细"]
    assert sheet.print_title_rows == "$1:$3" and sheet.print_title_cols == "$A:$A"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert not sheet.sheet_properties.pageSetUpPr.fitToPage  # full size: 10 pt prints as 10 pt
    sizes = {c.font.sz for row in sheet.iter_rows() for c in row if c.value is not None}
    assert min(sizes) >= 10
    breaks = [b.id for b in sheet.col_breaks.brk]
    assert breaks
    for col in breaks:  # each page starts at a category (its band's first cell)
        assert sheet.cell(1, col + 1).value, col
    area_last_col = openpyxl.utils.column_index_from_string(
        re.search(r":\$([A-Z]+)\$", sheet.print_area).group(1)  # type: ignore[union-attr]
    )
    starts = [0, *breaks, area_last_col]
    for first, after in itertools.pairwise(starts):
        assert _pixels(sheet, max(first, 1) + 1, after) + _pixels(sheet, 1, 1) <= LANDSCAPE_WIDTH_PX
    assert TITLE in sheet.oddHeader.left.text and sheet.oddFooter.center.text == "第 &P 页 共 &N 页"


# ---------------------------------------------------------------- 问题


def test_problems_second_with_the_unit(tmp_path: Path) -> None:
    batch = _changning()
    data, _ = _returns()
    bad = next(j.data for j in data if j.data.unit == "新华街道")
    extra = Problem(bad.file, "填报", "C7", "错误", "填报值超出范围", "改正后重新计分", code="X")
    roster = Problem("units.txt", "", "第 3 行", "警告", "名单中有空行", "")
    twice = Problem(f"{bad.file}、另一份.xlsx", "", "", "错误", "交了两份", "")
    batch.problems.extend([extra, roster, twice])
    path = _write(batch, tmp_path / "问题.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:2] == ["排名", "问题"]
    rows = [[c.value for c in row] for row in book["问题"].iter_rows()]
    assert rows[0] == ["单位", "文件", "工作表", "位置", "级别", "问题", "处理办法"]
    assert rows[1][:4] == ["新华街道", bad.file, "填报", "C7"]
    assert rows[2][:2] == [None, "units.txt"]  # no return, no unit
    assert rows[3][0] == "新华街道"  # a problem about several returns of one unit
    assert book["问题"].print_title_rows == "$1:$1"


def test_problems_sheet_stays_in_place_without_problems(example: Path) -> None:
    names = list(SHEETS)
    names.insert(names.index("得分明细") + 1, "自评与核定")  # the example's units assess themselves
    assert openpyxl.load_workbook(example).sheetnames == names


# ---------------------------------------------------------------- explain from a summary


def test_explain_from_a_summary_shows_category_subtotals(example: Path) -> None:
    batch = _changning()
    view = read_summary(example)
    for unit in batch.units:
        back = next(u for u in view.units if u.unit == unit.unit)
        fresh = [(r.id, r.name, r.points, r.score, r.category) for r in breakdown_of(batch, unit)]
        read = [(r.id, r.name, r.points, r.score, r.category) for r in read_breakdown(example, view, back)]
        assert read == fresh, unit.unit
    assert any(r[4] for r in read) and read[0][0] == "A"


def test_a_narrow_table_puts_the_chart_under_the_counts(load_md, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    scheme = load_md(ONE_CATEGORY)
    returns = []
    for name in ("甲街道", "乙街道", "丙街道"):
        data = ReturnData(f"{name}.xlsx", f"/r/{name}.xlsx")
        data.unit = name
        returns.append(data)
    path = _write(score_batch(scheme, returns), tmp_path / "窄.xlsx")
    sheet = openpyxl.load_workbook(path)["排名"]
    flags = [c.value for c in sheet[2]].index("标记") + 1
    counts = next(c for row in sheet.iter_rows() for c in row if c.value == "合计")
    chart = sheet._charts[0].anchor
    assert chart._from.row + 1 > counts.row and chart._from.col == 0  # under the counts, from column A
    assert chart.to.col + 1 <= flags or (chart.to.col == flags and chart.to.colOff == 0)
    area_last_row = int(re.search(r"\$(\d+)$", sheet.print_area).group(1))  # type: ignore[union-attr]
    assert chart.to.row + 1 <= area_last_row


ONE_CATEGORY = """
## 设置
| 项目 | 内容 |
|---|---|
| 标题 | 一类 |
| 版本 | 1 |
| 主要指标满分 | 10 |

## 指标
| 编号 | 一级指标 | 二级指标 | 分值 | 计分类别 |
|---|---|---|---|---|
| A | 基础 | | 10 | |
| A1 | | 基础工作 | 10 | |

## 规则
| 指标编号 | 规则类型 | 字段 | 参数 |
|---|---|---|---|
| A1 | 满分 | | |
"""
