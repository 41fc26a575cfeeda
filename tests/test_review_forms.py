"""The two parties' templates: unit forms with the unit's fields, and each department's 评分表 read back.

Schemes are written as markdown tables through the real scheme workbook; 评分表 are made by the writer,
changed with openpyxl as a department (or a careless one) would, and read by famscore's own reader.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
import shutil
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from famscore.entry_sheet import (
    ENTRY_SHEET,
    KEY_HEADER,
    META_SHEET,
    REFERENCE_PREFIX,
    REVIEW_SHEET,
    UNIT_NAME_HEADER,
)
from famscore.errors import UsageError
from famscore.merge import cell_of, slim
from famscore.names import name_key
from famscore.returns import read_return
from famscore.reviews import ReviewData, ReviewValue, is_review, is_review_meta, read_review
from famscore.scheme.model import Scheme
from famscore.templates import (
    REFERENCE_FILL,
    REVIEW_FIRST_ROW,
    REVIEW_KEY_ROW,
    build_review_forms,
    build_template,
    build_templates,
    fill_template,
    reported_values,
    review_filename,
    review_paths,
    template_filename,
    write_review_form,
)

LoadMd = Callable[[str], Scheme]
GENERATED = "2024-01-15 09:00:00"
UNITS = ["新华街道", "江苏路街道", "新泾镇（虹桥）"]

TWO_PARTY = """
## 设置
| 项目 | 内容 |
|---|---|
| 标题 | 测试考评 |
| 年度 | 2023 |
| 版本 | {version} |
| 主要指标满分 | 20 |
| 自评 | 是 |

## 指标
| 编号 | 一级指标 | 二级指标 | 分值 | 计分类别 | 评分标准 | 考核部门 |
|---|---|---|---|---|---|---|
| A | 家庭发展 | | 20 | | | |
| A1 | | 药具发放 | 10 | | 核定完成率≥95%得10分，其他由家发科视情况评分。 | 家发科 |
| A2 | | 信访 | 6 | | 每件信访扣2分。 | 信访办 |
| A3 | | 宣传 | 4 | | 未开展宣传的扣4分。 | |

## 字段
| 字段编号 | 指标编号 | 填报项目 | 类型 | 单位 | 最小值 | 最大值 | 选项 | 必填 | 填报说明 | 填报方 |
|---|---|---|---|---|---|---|---|---|---|---|
| A1_完成率 | A1 | 药具发放完成率 | 百分比 | % | | 100 | | | | 单位 |
| A1_核定率 | A1 | 核定完成率 | 百分比 | % | | 100 | | | 按信息系统数据核定 | 家发科 |
| A1_评定分 | A1 | 其他情况的评定分 | 评分 | | | 10 | | 否 | | |
| A2_件数 | A2 | 信访件数 | 整数 | 件 | 0 | | | | | 信访办 |
| A3_开展 | A3 | 是否开展宣传 | 是否 | | | | | | | |

## 规则
| 指标编号 | 规则类型 | 字段 | 参数 |
|---|---|---|---|
| A1 | 分档 | A1_核定率 | ≥95:10；其他:A1_评定分 |
| A2 | 满分 | | |
| A2 | 计次扣分 | A2_件数 | 每次=2 |
| A3 | 满分 | | |
| A3 | 逐项扣分 | A3_开展 | 每项=4 |
"""

# Every field is the unit's: the forms are what they always were.
ONE_PARTY = """
## 设置
| 项目 | 内容 |
|---|---|
| 标题 | 单方 |
| 版本 | 1 |
| 主要指标满分 | 10 |

## 指标
| 编号 | 一级指标 | 二级指标 | 分值 | 计分类别 |
|---|---|---|---|---|
| A | 甲 | | 10 | |
| A1 | | 免费药具 | 10 | |

## 字段
| 字段编号 | 指标编号 | 填报项目 | 类型 | 单位 |
|---|---|---|---|---|
| A1_rate | A1 | 完成率 | 百分比 | % |

## 规则
| 指标编号 | 规则类型 | 字段 | 参数 |
|---|---|---|---|
| A1 | 分档 | A1_rate | ≥95:10；其他:0 |
"""


@pytest.fixture
def scheme(load_md: LoadMd) -> Scheme:
    return load_md(TWO_PARTY.format(version="1"))


def _form(scheme: Scheme, tmp_path: Path, department: str = "家发科", **kwargs: object) -> Path:
    path = tmp_path / review_filename(department)
    return write_review_form(scheme, UNITS, department, path, generated=GENERATED, **kwargs)  # type: ignore[arg-type]


def _column(path: Path, field_id: str) -> int:
    sheet = load_workbook(path)[REVIEW_SHEET]
    for cell in sheet[REVIEW_KEY_ROW]:
        if cell.value == field_id:
            return cell.column
    raise KeyError(field_id)


def _edit(path: Path, out: Path, change: Callable[[Worksheet], object]) -> Path:
    book = load_workbook(path)
    change(book[REVIEW_SHEET])
    book.save(out)
    return out


def _codes(data: ReviewData) -> list[str]:
    return [p.code for p in data.problems]


# ---------------------------------------------------------------- what the scheme says goes where


def test_departments_get_one_review_form_each_named_for_the_department(
    scheme: Scheme, tmp_path: Path
) -> None:
    assert scheme.departments == ("家发科", "信访办")
    assert [(d, p.name) for d, p in review_paths(scheme, tmp_path)] == [
        ("家发科", "评分表_家发科.xlsx"),
        ("信访办", "评分表_信访办.xlsx"),
    ]
    assert review_filename("家发科/预防科") == "评分表_家发科预防科.xlsx"
    with pytest.raises(UsageError):
        review_filename("???")
    paths = build_review_forms(scheme, UNITS, tmp_path, generated=GENERATED)
    assert [p.name for p in paths] == ["评分表_家发科.xlsx", "评分表_信访办.xlsx"]
    assert all(is_review(p) for p in paths)


def test_unit_form_has_only_the_units_fields_and_self_scores_validated_to_the_points(
    scheme: Scheme, tmp_path: Path
) -> None:
    (path,) = build_templates(scheme, ["新华街道"], tmp_path, generated=GENERATED)
    sheet = load_workbook(path)[ENTRY_SHEET]
    keys = [row[0].value for row in sheet.iter_rows(min_row=4) if row[0].value]
    assert keys == ["A1_完成率", "自评.A1", "自评.A2", "A3_开展", "自评.A3"]
    labels = [str(row[1].value) for row in sheet.iter_rows(min_row=4)]
    assert "（由考核部门 信访办 在评分表中填写：信访件数）" in labels
    assert "（由考核部门 家发科 在评分表中填写：核定完成率、其他情况的评定分）" in labels
    bounds = {str(v.sqref): (v.type, v.formula1, v.formula2) for v in sheet.data_validations.dataValidation}
    self_rows = {row[0].value: row[0].row for row in sheet.iter_rows(min_row=4) if row[0].value}
    assert bounds[f"D{self_rows['自评.A1']}"] == ("decimal", "0", "10")
    assert bounds[f"D{self_rows['自评.A2']}"] == ("decimal", "0", "6")
    assert not is_review(path)
    guide = "\n".join(str(c.value) for c in load_workbook(path)["说明"]["A"] if c.value)
    assert "本单位不需要填写" in guide and "自评分只供考核部门对照，不计入得分" in guide
    # the old one-party form is still there for whoever asks
    full = build_template(scheme, "新华街道", tmp_path / "full.xlsx", generated=GENERATED)
    every = [row[0].value for row in load_workbook(full)[ENTRY_SHEET].iter_rows(min_row=4) if row[0].value]
    assert "A1_核定率" in every and "A2_件数" in every


def test_a_scheme_filled_by_units_alone_gives_the_same_forms_and_no_review_form(
    load_md: LoadMd, tmp_path: Path
) -> None:
    one = load_md(ONE_PARTY)
    (unit_only,) = build_templates(one, ["新华街道"], tmp_path / "a", generated=GENERATED)
    (every,) = build_templates(one, ["新华街道"], tmp_path / "b", generated=GENERATED, unit_only=False)
    assert _cells(unit_only) == _cells(every)
    assert build_review_forms(one, UNITS, tmp_path / "c", generated=GENERATED) == []


def _cells(path: Path) -> dict[str, list[list[object]]]:
    book = load_workbook(path)
    return {s.title: [[c.value for c in row] for row in s.iter_rows()] for s in book.worksheets}


# ---------------------------------------------------------------- the 评分表 as written


def test_review_grid_has_item_label_and_key_rows_and_one_row_per_unit_in_roster_order(
    scheme: Scheme, tmp_path: Path
) -> None:
    book = load_workbook(_form(scheme, tmp_path))
    assert book.sheetnames == ["说明", REVIEW_SHEET, META_SHEET]
    assert book.active.title == REVIEW_SHEET
    sheet = book[REVIEW_SHEET]
    assert [c.value for c in sheet[REVIEW_KEY_ROW]] == [
        KEY_HEADER,
        UNIT_NAME_HEADER,
        "A1_核定率",
        "A1_评定分",
    ]
    assert sheet["C3"].value == "A1　药具发放（10分）"
    assert "C3:D3" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["C4"].value == "* 核定完成率（%）"
    assert sheet["D4"].value == "其他情况的评定分（分）"
    units = [sheet.cell(r, 2).value for r in range(REVIEW_FIRST_ROW, sheet.max_row + 1)]
    assert units == UNITS
    meta = {row[0].value: row[1].value for row in book[META_SHEET].iter_rows()}
    assert book[META_SHEET].sheet_state == "hidden"
    assert meta["类型"] == "评分表" and meta["考核部门"] == "家发科"
    assert (meta["标题"], meta["年度"], meta["版本"], meta["指纹"]) == (
        "测试考评",
        "2023",
        "1",
        scheme.fingerprint,
    )
    guide = "\n".join(str(c.value) for c in book["说明"]["A"] if c.value)
    assert "核定完成率≥95%得10分，其他由家发科视情况评分。" in guide
    assert "信访" not in guide  # another department's items are not on this one's sheet


def test_review_grid_is_protected_validated_and_prints_landscape_with_repeated_headers(
    scheme: Scheme, tmp_path: Path
) -> None:
    book = load_workbook(_form(scheme, tmp_path))
    sheet = book[REVIEW_SHEET]
    last = REVIEW_FIRST_ROW + len(UNITS) - 1
    assert sheet.protection.sheet and book.security.lockStructure
    unlocked = {c.coordinate for row in sheet.iter_rows() for c in row if c.protection.locked is False}
    assert unlocked == {f"{col}{row}" for col in "CD" for row in range(REVIEW_FIRST_ROW, last + 1)}
    rules = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    rate, score = rules[f"C{REVIEW_FIRST_ROW}:C{last}"], rules[f"D{REVIEW_FIRST_ROW}:D{last}"]
    assert (rate.type, rate.operator, rate.formula1, rate.formula2) == ("decimal", "between", "0", "100")
    assert rate.prompt.startswith("按信息系统数据核定")  # the field's 填报说明 is the input hint
    assert (score.type, score.formula1, score.formula2) == ("decimal", "0", "10")
    assert rate.showErrorMessage and rate.errorStyle == "stop"
    assert sheet.freeze_panes == f"C{REVIEW_FIRST_ROW}"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$3:$5" and sheet.print_title_cols == "$A:$B"


def test_choice_and_yes_no_columns_have_dropdowns(load_md: LoadMd, tmp_path: Path) -> None:
    text = TWO_PARTY.format(version="1").replace(
        "| A3_开展 | A3 | 是否开展宣传 | 是否 | | | | | | | |",
        "| A3_开展 | A3 | 是否开展宣传 | 是否 | | | | | | | 信访办 |",
    )
    text = text.replace(
        "| A3 | | 宣传 | 4 | | 未开展宣传的扣4分。 | |",
        "| A3 | | 宣传 | 4 | | 未开展宣传的扣4分。 | 信访办 |",
    )
    scheme = load_md(text)
    sheet = load_workbook(_form(scheme, tmp_path, "信访办"))[REVIEW_SHEET]
    rules = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    column = [c.value for c in sheet[REVIEW_KEY_ROW]].index("A3_开展") + 1
    letter = get_column_letter(column)
    yes_no = rules[f"{letter}{REVIEW_FIRST_ROW}:{letter}{REVIEW_FIRST_ROW + len(UNITS) - 1}"]
    assert (yes_no.type, yes_no.formula1) == ("list", '"是,否"')


def test_write_review_form_refuses_a_field_of_another_party_or_a_unit_not_listed(
    scheme: Scheme, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    with pytest.raises(KeyError):
        _form(scheme, out, values={"新华街道": {"A2_件数": 1}})
    with pytest.raises(KeyError):
        _form(scheme, out, values={"新华街道": {"A1_完成率": 90}})
    with pytest.raises(KeyError):
        _form(scheme, out, values={"别的街道": {"A1_核定率": 90}})
    assert not out.exists()


# ---------------------------------------------------------------- reading it back


def test_prefilled_values_read_back_through_the_reader(scheme: Scheme, tmp_path: Path) -> None:
    values = {
        "新华街道": {"A1_核定率": 96.5, "A1_评定分": 8},
        "江苏路街道": {"A1_核定率": 90, "A1_评定分": Decimal("7.5")},
        "新泾镇（虹桥）": {"A1_核定率": "88%", "A1_评定分": 0},
    }
    data = read_review(_form(scheme, tmp_path, values=values), scheme)
    assert data.readable and data.problems == [] and data.identity == []
    assert data.department == "家发科" and data.sheet == REVIEW_SHEET
    assert data.units == {name_key(u): (u, REVIEW_FIRST_ROW + i) for i, u in enumerate(UNITS)}
    read = {u: {f: (v.value, v.cell) for f, v in row.items()} for u, row in data.values.items()}
    assert read == {
        name_key("新华街道"): {"A1_核定率": (Decimal("96.5"), "C6"), "A1_评定分": (Decimal(8), "D6")},
        name_key("江苏路街道"): {"A1_核定率": (Decimal(90), "C7"), "A1_评定分": (Decimal("7.5"), "D7")},
        name_key("新泾镇(虹桥)"): {"A1_核定率": (Decimal(88), "C8"), "A1_评定分": (Decimal(0), "D8")},
    }
    assert data.values[name_key("新泾镇（虹桥）")]["A1_核定率"].raw == "88%"
    assert [v.raw for v in data.values[name_key("新华街道")].values()] == ["96.5", "8"]
    assert data.blanks == {} and data.refused == {}
    assert data.columns == {"A1_核定率": "C", "A1_评定分": "D"}


def test_a_review_sent_from_a_worker_arrives_whole(scheme: Scheme, tmp_path: Path) -> None:
    # Workers pickle a 评分表 packed (each distinct value once, cells implied by column and row).
    values = {"新华街道": {"A1_核定率": 96.5, "A1_评定分": 8}, "江苏路街道": {"A1_核定率": 96.5}}
    data = read_review(_form(scheme, tmp_path, values=values), scheme)
    moved = copy.deepcopy(data.values[name_key("江苏路街道")]["A1_核定率"])
    data.values[name_key("江苏路街道")]["A1_核定率"] = dataclasses.replace(moved, cell="Z99")
    arrived = pickle.loads(pickle.dumps(data))
    assert arrived.packed_values() is not None
    twice = pickle.loads(pickle.dumps(pickle.loads(pickle.dumps(data))))
    assert arrived == data and twice == data  # values unpacked on first use: cells, text and all
    assert arrived.packed_values() is None
    assert arrived.values[name_key("江苏路街道")]["A1_核定率"].cell == "Z99"
    assert arrived.values[name_key("新华街道")]["A1_评定分"] == ReviewValue(Decimal(8), "8", "D6")
    del data.values[name_key("江苏路街道")]
    kept, sent = slim(data), slim(pickle.loads(pickle.dumps(data)))
    assert {k: {f: v.value for f, v in r.items()} for k, r in sent.values.items()} == {
        name_key("新华街道"): {"A1_核定率": Decimal("96.5"), "A1_评定分": Decimal(8)}
    }
    assert sent == kept and sent.blanks == {} and sent.units == data.units
    assert cell_of(sent, name_key("新华街道"), "A1_评定分") == "D6"


def test_blank_cells_are_recorded_where_they_are(scheme: Scheme, tmp_path: Path) -> None:
    data = read_review(_form(scheme, tmp_path, values={"新华街道": {"A1_核定率": 99}}), scheme)
    assert data.problems == []  # a blank cell is the merge's to report: the item is 待定
    assert data.blanks == {
        name_key("新华街道"): {"A1_评定分": "D6"},
        name_key("江苏路街道"): {"A1_核定率": "C7", "A1_评定分": "D7"},
        name_key("新泾镇（虹桥）"): {"A1_核定率": "C8", "A1_评定分": "D8"},
    }


def test_percent_cell_format_and_the_reader_rules_for_percentages(scheme: Scheme, tmp_path: Path) -> None:
    def fill(sheet: Worksheet) -> None:
        sheet["C6"].value, sheet["C6"].number_format = 0.96, "0%"
        sheet["C7"].value = 0.96  # plain 0.96: 0.96 % or 96 %?
        sheet["C8"].value = "1,5"  # a decimal comma

    path = _edit(_form(scheme, tmp_path), tmp_path / "filled.xlsx", fill)
    data = read_review(path, scheme)
    assert data.values[name_key("新华街道")]["A1_核定率"].value == Decimal(96)
    assert "A1_核定率" not in data.values.get(name_key("江苏路街道"), {})
    assert data.refused[name_key("江苏路街道")] == {"A1_核定率": "C7"}
    by_cell = {p.cell: p for p in data.problems}
    assert by_cell["C7"].code == "VALUE_PERCENT_AMBIGUOUS"
    assert by_cell["C7"].sheet == REVIEW_SHEET and by_cell["C7"].file == "filled.xlsx"
    assert "核定完成率" in by_cell["C7"].message and by_cell["C7"].fix
    assert by_cell["C8"].code.startswith("VALUE_")
    assert data.refused[name_key("新泾镇（虹桥）")] == {"A1_核定率": "C8"}


def test_out_of_range_value_is_a_located_problem_not_a_value(scheme: Scheme, tmp_path: Path) -> None:
    path = _edit(_form(scheme, tmp_path), tmp_path / "f.xlsx", lambda s: s.cell(6, 4, 12))
    data = read_review(path, scheme)
    (problem,) = data.problems
    assert (problem.code, problem.cell, problem.row, problem.column) == ("VALUE_ABOVE_MAXIMUM", "D6", 6, 4)
    assert data.refused == {name_key("新华街道"): {"A1_评定分": "D6"}}


def test_a_formula_without_its_result_is_not_taken_for_a_blank(scheme: Scheme, tmp_path: Path) -> None:
    path = _edit(_form(scheme, tmp_path), tmp_path / "f.xlsx", lambda s: s.cell(7, 3, "=90+6"))
    data = read_review(path, scheme)
    (problem,) = data.problems
    assert (problem.code, problem.cell) == ("RETURN_FORMULA_NO_RESULT", "C7")
    assert "=90+6" in problem.message
    assert data.refused == {name_key("江苏路街道"): {"A1_核定率": "C7"}}
    assert "A1_核定率" not in data.blanks[name_key("江苏路街道")]


def test_unit_not_on_the_roster_is_read_for_the_merge_to_report(scheme: Scheme, tmp_path: Path) -> None:
    def add(sheet: Worksheet) -> None:
        sheet.cell(9, 2, "不存在街道")
        sheet.cell(9, 3, 91)

    data = read_review(_edit(_form(scheme, tmp_path), tmp_path / "f.xlsx", add), scheme)
    assert data.units[name_key("不存在街道")] == ("不存在街道", 9)
    assert data.values[name_key("不存在街道")]["A1_核定率"].value == Decimal(91)
    assert data.blanks[name_key("不存在街道")] == {"A1_评定分": "D9"}


def test_unit_listed_twice_uses_only_what_both_rows_agree_on(scheme: Scheme, tmp_path: Path) -> None:
    values = {"新华街道": {"A1_核定率": 96, "A1_评定分": 8}}

    def twice(sheet: Worksheet) -> None:
        for col, value in ((2, "新华 街道"), (3, 96), (4, 6)):
            sheet.cell(9, col, value)

    data = read_review(_edit(_form(scheme, tmp_path, values=values), tmp_path / "f.xlsx", twice), scheme)
    key = name_key("新华街道")
    (problem,) = data.problems
    assert (problem.code, problem.cell) == ("REVIEW_UNIT_TWICE", "B9")
    assert "第 6 行" in problem.message and "1 项" in problem.message
    assert {f: v.value for f, v in data.values[key].items()} == {"A1_核定率": Decimal(96)}
    assert data.refused[key] == {"A1_评定分": "D6、D9"}
    assert data.units[key] == ("新华街道", 6)

    def same(sheet: Worksheet) -> None:
        for col, value in ((2, "新华街道"), (3, 96), (4, 8)):
            sheet.cell(9, col, value)

    data = read_review(_edit(_form(scheme, tmp_path, values=values), tmp_path / "g.xlsx", same), scheme)
    assert [(p.code, p.severity) for p in data.problems] == [("REVIEW_UNIT_TWICE_SAME", "警告")]
    assert {f: v.value for f, v in data.values[key].items()} == {
        "A1_核定率": Decimal(96),
        "A1_评定分": Decimal(8),
    }


def test_columns_are_found_by_field_id_whatever_their_order_and_extra_columns(
    scheme: Scheme, tmp_path: Path
) -> None:
    values = {"新华街道": {"A1_核定率": 96, "A1_评定分": 8}}

    def shuffle(sheet: Worksheet) -> None:
        for row in range(REVIEW_KEY_ROW, 9):  # swap the two field columns
            a, b = sheet.cell(row, 3), sheet.cell(row, 4)
            a.value, b.value = b.value, a.value
        sheet.cell(4, 5, "备注")  # a column of the department's own, no id
        sheet.cell(6, 5, "已核实")

    data = read_review(_edit(_form(scheme, tmp_path, values=values), tmp_path / "f.xlsx", shuffle), scheme)
    assert data.problems == []
    assert data.columns == {"A1_评定分": "C", "A1_核定率": "D"}
    got = {f: (v.value, v.cell) for f, v in data.values[name_key("新华街道")].items()}
    assert got == {"A1_评定分": (Decimal(8), "C6"), "A1_核定率": (Decimal(96), "D6")}


def test_foreign_unknown_and_missing_columns_are_located_problems(scheme: Scheme, tmp_path: Path) -> None:
    def foreign(sheet: Worksheet) -> None:
        sheet.cell(REVIEW_KEY_ROW, 4, "A2_件数")  # 信访办's, over A1_评定分
        sheet.cell(REVIEW_KEY_ROW, 5, "A1_完成率")  # the unit's own
        sheet.cell(REVIEW_KEY_ROW, 6, "Z9_未知")
        sheet.cell(6, 4, 3)
        sheet.cell(6, 5, 90)

    data = read_review(_edit(_form(scheme, tmp_path), tmp_path / "f.xlsx", foreign), scheme)
    found = {(p.code, p.cell, p.severity) for p in data.problems}
    assert found == {
        ("REVIEW_FOREIGN_FIELD", "D5", "错误"),
        ("REVIEW_FOREIGN_FIELD", "E5", "错误"),
        ("REVIEW_UNKNOWN_FIELD", "F5", "警告"),
        ("REVIEW_FIELD_COLUMN_MISSING", "第 5 行", "错误"),
    }
    foreign_problem = next(p for p in data.problems if p.cell == "D5")
    assert "信访办" in foreign_problem.message and "家发科" in foreign_problem.message
    assert all("A2_件数" not in row and "A1_完成率" not in row for row in data.values.values())


def test_a_review_form_of_another_version_is_read_with_its_identity_in_doubt(
    load_md: LoadMd, scheme: Scheme, tmp_path: Path
) -> None:
    newer = load_md(TWO_PARTY.format(version="2"))
    data = read_review(_form(scheme, tmp_path, values={"新华街道": {"A1_核定率": 96}}), newer)
    assert data.identity == ["来自考评表版本 1（当前为版本 2）"]
    (problem,) = data.problems
    assert (problem.code, problem.sheet) == ("REVIEW_OTHER_VERSION", META_SHEET)


def test_unit_returns_and_foreign_files_are_not_review_forms(scheme: Scheme, tmp_path: Path) -> None:
    (unit_form,) = build_templates(scheme, ["新华街道"], tmp_path, generated=GENERATED)
    data = read_review(unit_form, scheme)
    assert not data.readable and _codes(data) == ["REVIEW_NOT_A_REVIEW"]
    assert not is_review(unit_form)
    assert not is_review_meta(read_return(unit_form, scheme).meta)
    junk = tmp_path / "评分表_家发科.xlsx"  # the name alone does not make a 评分表
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    data = read_review(junk, scheme)
    assert not data.readable and data.problems and not is_review(junk)


def test_a_department_the_scheme_does_not_know_is_one_problem(scheme: Scheme, tmp_path: Path) -> None:
    path = _form(scheme, tmp_path)
    book = load_workbook(path)
    meta = book[META_SHEET]
    for row in meta.iter_rows():
        if row[0].value == "考核部门":
            row[1].value = "财务科"
    book.save(tmp_path / "other.xlsx")
    data = read_review(tmp_path / "other.xlsx", scheme)
    assert not data.readable and _codes(data) == ["REVIEW_UNKNOWN_DEPARTMENT"]
    assert "财务科" in data.problems[0].message and "家发科、信访办" in data.problems[0].message


# ---------------------------------------------------------------- what the units reported, shown grey


def test_review_form_shows_each_units_return_grey_and_locked(scheme: Scheme, tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    blank = build_template(scheme, None, tmp_path / "blank.xlsx", generated=GENERATED, unit_only=True)
    fill_template(
        blank,
        {"A1_完成率": 97.5, "自评.A1": 9, "A3_开展": "是", "自评.A3": 4},
        returns / template_filename(scheme, "新华街道"),
        unit="新华街道",
    )
    fill_template(blank, {"A1_完成率": 80}, returns / "江苏路街道.xlsx", unit="江苏路街道")
    fill_template(
        blank, {"A1_完成率": 80}, returns / "江苏路街道(1).xlsx", unit="江苏路街道"
    )  # two: in doubt
    fill_template(blank, {"A1_完成率": 80}, returns / "外区街道.xlsx", unit="外区街道")
    (returns / "新泾镇.xlsx").write_bytes(b"not a workbook at all")
    _form(scheme, returns, "信访办")  # a department's 评分表 among the returns is no unit's figures
    reported, problems = reported_values(scheme, returns, UNITS)
    assert not any("信访办" in p.file for p in problems)
    assert set(reported) == {name_key("新华街道")}
    assert {p.code for p in problems} >= {
        "TEMPLATE_RETURN_TWICE",
        "TEMPLATE_RETURN_NOT_ON_ROSTER",
        "TEMPLATE_RETURN_NOT_SHOWN",
    }
    assert all(p.file for p in problems)

    path = _form(scheme, tmp_path, reported=reported, values={"新华街道": {"A1_核定率": 96}})
    sheet = load_workbook(path)[REVIEW_SHEET]
    keys = [c.value for c in sheet[REVIEW_KEY_ROW]]
    assert keys == [
        KEY_HEADER,
        UNIT_NAME_HEADER,
        REFERENCE_PREFIX + "A1_完成率",
        REFERENCE_PREFIX + "自评.A1",
        "A1_核定率",
        "A1_评定分",
    ]
    reported_cell, self_cell = sheet.cell(REVIEW_FIRST_ROW, 3), sheet.cell(REVIEW_FIRST_ROW, 4)
    assert (reported_cell.value, self_cell.value) == (97.5, 9)
    assert sheet.cell(REVIEW_FIRST_ROW + 1, 3).value is None  # two returns: nothing shown
    for cell in (reported_cell, self_cell):
        assert cell.protection.locked is not False
        assert cell.fill.fgColor.rgb.endswith(REFERENCE_FILL)
    assert (
        sheet.cell(4, 3).value == "单位填报：药具发放完成率（%）" and sheet.cell(4, 4).value == "单位自评分"
    )
    data = read_review(path, scheme)  # the grey columns are never read back
    assert data.problems == []
    assert {f: v.value for f, v in data.values[name_key("新华街道")].items()} == {"A1_核定率": Decimal(96)}


def test_a_copied_review_form_reads_the_same_and_leaves_the_file_untouched(
    scheme: Scheme, tmp_path: Path
) -> None:
    path = _form(scheme, tmp_path, values={"新华街道": {"A1_核定率": 96}})
    copy = shutil.copy(path, tmp_path / "评分表_家发科(1).xlsx")
    before = Path(copy).read_bytes()
    first, second = read_review(path, scheme), read_review(Path(copy), scheme, "副本.xlsx")
    assert first.values == second.values and second.file == "副本.xlsx"
    assert Path(copy).read_bytes() == before


# ---------------------------------------------------------------- famscore template


def _run(*args: object) -> tuple[int, str]:
    from rich.console import Console
    from typer.testing import CliRunner

    import famscore.cli as cli

    wide = Console(width=400, force_terminal=False), Console(width=400, stderr=True, force_terminal=False)
    cli.out, cli.err = wide  # long Chinese lines unwrapped, as tests/test_cli.py has them
    result = CliRunner().invoke(cli.app, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture
def restore_consoles(monkeypatch: pytest.MonkeyPatch) -> None:
    import famscore.cli as cli

    monkeypatch.setattr(cli, "out", cli.out)
    monkeypatch.setattr(cli, "err", cli.err)


@pytest.mark.usefixtures("restore_consoles")
def test_template_command_writes_both_parties_or_only_one(
    scheme_file: Callable[[str], Path], tmp_path: Path
) -> None:
    from famscore.messages import Msg, Say

    path = scheme_file(TWO_PARTY.format(version="1"))
    code, output = _run("template", path, "-u", "新华街道", "-u", "新泾镇", "-o", tmp_path / "both")
    assert code == 0, output
    assert sorted(p.name for p in (tmp_path / "both").glob("*.xlsx")) == [
        "测试考评_2023_新华街道.xlsx",
        "测试考评_2023_新泾镇.xlsx",
        "评分表_信访办.xlsx",
        "评分表_家发科.xlsx",
    ]
    assert all(part in output for part in Say.REVIEWS_MADE.render(count=2, folder=tmp_path / "both"))
    code, output = _run("template", path, "-u", "新华街道", "-o", tmp_path / "r", "--only", "评分表")
    assert code == 0, output
    assert sorted(p.name for p in (tmp_path / "r").glob("*.xlsx")) == [
        "评分表_信访办.xlsx",
        "评分表_家发科.xlsx",
    ]
    code, output = _run("template", path, "-u", "新华街道", "-o", tmp_path / "u", "--only", "单位表")
    assert code == 0, output
    assert [p.name for p in (tmp_path / "u").glob("*.xlsx")] == ["测试考评_2023_新华街道.xlsx"]
    code, output = _run(
        "template", path, "-u", "新华街道", "-o", tmp_path / "x", "--only", "单位表", "--returns", tmp_path
    )
    assert code == 2 and Msg.CLI_RETURNS_WITHOUT_REVIEWS.render()[0] in output
    code, output = _run("template", path, "-o", tmp_path / "x", "--returns", tmp_path / "both")
    assert code == 2 and Msg.CLI_RETURNS_NEED_UNITS.render()[0] in output
    assert not (tmp_path / "x").exists()


@pytest.mark.usefixtures("restore_consoles")
def test_template_command_shows_returns_and_reports_the_unreadable_ones(
    scheme_file: Callable[[str], Path], load_md: LoadMd, tmp_path: Path
) -> None:
    path = scheme_file(TWO_PARTY.format(version="1"))
    scheme = load_md(TWO_PARTY.format(version="1"))
    returns = tmp_path / "回表"
    blank = build_template(scheme, None, tmp_path / "blank.xlsx", generated=GENERATED, unit_only=True)
    fill_template(blank, {"A1_完成率": 97.5}, returns / "新华街道.xlsx", unit="新华街道")
    (returns / "新泾镇.xlsx").write_bytes(b"PK\x03\x04 broken")
    code, output = _run(
        "template",
        path,
        "-u",
        "新华街道",
        "-u",
        "新泾镇",
        "-o",
        tmp_path / "out",
        "--returns",
        returns,
        "--only",
        "评分表",
    )
    assert code == 0, output
    assert "新泾镇.xlsx" in output and "评分表中该单位的填报数据留空" in output
    sheet = load_workbook(tmp_path / "out" / "评分表_家发科.xlsx")[REVIEW_SHEET]
    assert sheet.cell(REVIEW_FIRST_ROW, 3).value == 97.5
    assert sheet.cell(REVIEW_FIRST_ROW + 1, 3).value is None
    code, output = _run("template", path, "-o", tmp_path / "none", "--only", "评分表")
    assert code == 0  # no roster: the department types the unit names in unlocked rows
    (made,) = (tmp_path / "none").glob("*家发科*")
    grid = load_workbook(made)[REVIEW_SHEET]
    assert grid.cell(REVIEW_FIRST_ROW, 2).protection.locked is False
    assert grid.cell(REVIEW_FIRST_ROW + 29, 2).protection.locked is False
    assert grid.max_row == REVIEW_FIRST_ROW + 29


@pytest.mark.usefixtures("restore_consoles")
def test_template_only_review_forms_of_a_scheme_without_departments_is_refused(
    scheme_file: Callable[[str], Path], tmp_path: Path
) -> None:
    from famscore.messages import Msg

    code, output = _run("template", scheme_file(ONE_PARTY), "-o", tmp_path / "o", "--only", "评分表")
    assert code == 2 and Msg.CLI_NO_DEPARTMENTS.render()[0] in output


def test_a_renamed_grid_sheet_is_still_found_and_a_missing_key_row_is_one_problem(
    scheme: Scheme, tmp_path: Path
) -> None:
    path = _form(scheme, tmp_path, values={"新华街道": {"A1_核定率": 96}})
    book = load_workbook(path)
    book[REVIEW_SHEET].title = "Sheet1"
    book.save(tmp_path / "renamed.xlsx")
    data = read_review(tmp_path / "renamed.xlsx", scheme)
    assert data.sheet == "Sheet1" and data.problems == []
    assert data.values[name_key("新华街道")]["A1_核定率"].value == Decimal(96)
    book["Sheet1"].delete_rows(REVIEW_KEY_ROW)  # the row of field ids, gone
    book.save(tmp_path / "no-key.xlsx")
    data = read_review(tmp_path / "no-key.xlsx", scheme)
    assert not data.readable and _codes(data) == ["REVIEW_GRID_MISSING"]
    assert data.values == {} and "字段编号" in data.problems[0].message


def test_the_grid_is_read_row_by_row_as_from_a1(tmp_path: Path) -> None:
    # The reader takes a 评分表's rows one at a time (a row per unit: the whole grid as lists was ~70 MB
    # per 10,000 rows); they must be the rows calamine gives counted from A1, wherever the content starts.
    import openpyxl
    import python_calamine

    from famscore.reviews import _rows_from_a1

    book = openpyxl.Workbook()
    sheet = book.active
    sheet["C3"], sheet["D5"], sheet["F4"] = "字段编号", 7, "是"
    book.create_sheet("空")
    book.save(tmp_path / "g.xlsx")
    parsed = python_calamine.CalamineWorkbook.from_path(str(tmp_path / "g.xlsx"))
    grid = parsed.get_sheet_by_name(sheet.title)
    expected = grid.to_python(skip_empty_area=False)
    got = list(_rows_from_a1(grid))
    assert len(got) == len(expected) == 5
    # Rows above the content come as empty lists; a short row reads as blanks past its end.
    width = max(len(row) for row in expected)
    assert [row + [""] * (width - len(row)) for row in got] == expected
    assert expected[2][2] == "字段编号" and expected[4][3] == 7
    assert list(_rows_from_a1(parsed.get_sheet_by_name("空"))) == []

    class FromFirstUsedRow:  # should calamine's iter_rows begin at the first used row (its issue #177)
        start, end = grid.start, grid.end

        def iter_rows(self) -> Iterator[list[object]]:
            return iter(grid.to_python())

    assert [row + [""] * (width - len(row)) for row in _rows_from_a1(FromFirstUsedRow())] == expected
