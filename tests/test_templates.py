"""The data-entry workbook: layout found by header text, validation, protection, _meta, names, unit lists.

Schemes are written as markdown tables and go through the real scheme workbook; filled templates are
read back with openpyxl, with python-calamine and with famscore's own return reader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
import python_calamine as calamine
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from famscore.entry_sheet import (
    ENTRY_SHEET,
    KEY_HEADER,
    META_FINGERPRINT,
    META_KEYS,
    META_SHEET,
    META_UNIT,
    REMARK_HEADER,
    VALUE_HEADER,
    find_entry_sheet,
    read_meta,
)
from famscore.errors import UsageError
from famscore.returns import read_return
from famscore.rules.kinds import NEVER
from famscore.scheme.model import CHOICE, DATE, INTEGER, NUMERIC_TYPES, TEXT, YESNO, Scheme
from famscore.scoring import score_unit
from famscore.templates import (
    PHONE_LABEL,
    SIGNATURE_FIELDS,
    SIGNED_DATE_LABEL,
    SIGNER_LABEL,
    STAMP_LABEL,
    build_template,
    build_templates,
    fill_template,
    template_filename,
)
from famscore.text import header_key
from famscore.units import read_units_file

LoadMd = Callable[[str], Scheme]
GENERATED = "2024-01-15 09:00:00"

MINI = """
## 设置
| 项目 | 内容 |
|---|---|
| 标题 | 测试 |
| 版本 | 1 |
| 主要指标满分 | 10 |
| 附加分满分 | 10 |

## 等级
| 等级 | 最低分 |
|---|---|
| 优秀 | 9 |
| 合格 | |

## 指标
| 编号 | 一级指标 | 二级指标 | 分值 | 计分类别 |
|---|---|---|---|---|
| A | 甲 | | 10 | |
| A1 | | 免费药具 | 8 | |
| A2 | | 核实 | 2 | |
| B | 创新 | | 10 | 附加 |
| B1 | | 创新 | 10 | |

## 字段
| 字段编号 | 指标编号 | 填报项目 | 类型 | 单位 |
|---|---|---|---|---|
| A1_score | A1 | 评估结果 | 数值 | 分 |
| A2_rate | A2 | 完成率 | 百分比 | % |
| B1_n | B1 | 项目数 | 整数 | 项 |

## 规则
| 指标编号 | 规则类型 | 字段 | 参数 |
|---|---|---|---|
| A1 | 分档 | A1_score | ≥95:8；≥90:6；≥85:4；≥80:2；其他:0 |
| A2 | 满分 | | |
| A2 | 低于标准扣分 | A2_rate | 标准=98；每=1；扣=0.2；方式=按比例 |
| B1 | 计次加分 | B1_n | 每次=5；上限=10 |
"""

# Every field type; one choice holds a comma, so its list must go to the hidden _lists sheet.
RICH = """
## 设置
| 项目 | 内容 |
|---|---|
| 标题 | 长宁区2023年度人口与计划生育工作任务情况考评表 |
| 年度 | 2023 |
| 版本 | 2023.1 |
| 主要指标满分 | 22 |
| 附加分满分 | 20 |

## 指标
| 编号 | 一级指标 | 二级指标 | 分值 | 计分类别 | 评分标准 | 考核部门 |
|---|---|---|---|---|---|---|
| A | 家庭发展 | | 22 | | | |
| A1 | | 特殊家庭项目 | 8 | | 全面实施的得6分；力度大、效果显著的得8分；其他视情况给分。 | 家庭发展科 |
| A2 | | 计生技术服务 | 2 | | 三项要求，每有一项未落实扣0.5分。 | 妇幼科 |
| A3 | | 项目资金下达 | 5 | | 4月30日前未下达扣1.5分，7月31日前未下达扣1.5分，9月30日前未下达扣2分。 | |
| A4 | | 免费药具 | 7 | | 评估得分≥95分得7分，其他视情况评分。 | |
| C | 创新工作 | | 20 | 附加 | | |
| C1 | | 计生工作创新 | 20 | | 国家级20分，市级10分，区级5分。 | |

## 字段
| 字段编号 | 指标编号 | 填报项目 | 类型 | 单位 | 最小值 | 最大值 | 选项 | 必填 | 填报说明 |
|---|---|---|---|---|---|---|---|---|---|
| A1_实施情况 | A1 | 特殊家庭项目实施情况 | 选项 | | | | 特殊家庭 | | |
| A1_评定分 | A1 | 其他情况的评定分 | 评分 | | | 8 | | 否 | 由考核部门填写 |
| A2_协议履行 | A2 | 落实免费技术服务协议 | 是否 | | | | | | |
| A2_质量监管 | A2 | 加强质量监管 | 是否 | | | | | | |
| A3_下达日期 | A3 | 项目资金下达日期 | 日期 | | | | | | |
| A4_完成率 | A4 | 评估完成率 | 百分比 | % | | 100 | | | |
| A4_评定分 | A4 | 评定分 | 评分 | | | 7 | | 否 | |
| C1_级别 | C1 | 获表彰的最高级别 | 选项 | | | | 级别 | | |
| C1_项目数 | C1 | 创新项目数 | 整数 | 项 | 0 | 50 | | 否 | |
| C1_说明 | C1 | 创新工作简述 | 文本 | | | | | 否 | |

## 选项
| 列表 | 选项 |
|---|---|
| 特殊家庭 | 力度大,效果显著 |
| | 全面实施 |
| | 其他 |
| 级别 | 国家级 |
| | 市级 |
| | 区级 |
| | 无 |

## 规则
| 指标编号 | 规则类型 | 字段 | 参数 |
|---|---|---|---|
| A1 | 选档 | A1_实施情况 | 力度大,效果显著:8；全面实施:6；其他:A1_评定分 |
| A2 | 满分 | | |
| A2 | 逐项扣分 | A2_协议履行,A2_质量监管 | 每项=1 |
| A3 | 满分 | | |
| A3 | 期限扣分 | A3_下达日期 | 2023-04-30:1.5；2023-07-31:1.5；2023-09-30:2 |
| A4 | 分档 | A4_完成率 | ≥95:7；其他:A4_评定分 |
| C1 | 选档 | C1_级别 | 国家级:20；市级:10；区级:5；其他:0 |
"""

# One value per field of RICH, as a unit would type it (the choice exactly as the scheme lists it).
RICH_VALUES: dict[str, object] = {
    "A1_实施情况": "力度大,效果显著",
    "A1_评定分": 2.5,
    "A2_协议履行": "是",
    "A2_质量监管": "否",
    "A3_下达日期": dt.date(2023, 8, 15),
    "A4_完成率": 96.5,
    "A4_评定分": 5,
    "C1_级别": "市级",
    "C1_项目数": 3,
    "C1_说明": "=开展了“健康家庭”评选",
}


@pytest.fixture
def rich(load_md: LoadMd) -> Scheme:
    return load_md(RICH)


@pytest.fixture
def mini(load_md: LoadMd) -> Scheme:
    return load_md(MINI)


def header_columns(sheet: Worksheet) -> tuple[int, dict[str, int]]:
    """The header row of 填报 found by its text, as the return reader does."""
    for row in range(1, 31):
        headers = {sheet.cell(row, c).value: c for c in range(1, sheet.max_column + 1)}
        if "字段编号" in headers and "填报值" in headers:
            return row, {h: c for h, c in headers.items() if isinstance(h, str)}
    raise AssertionError("no header row")


def field_rows(sheet: Worksheet) -> dict[str, int]:
    header, cols = header_columns(sheet)
    return {
        sheet.cell(r, cols["字段编号"]).value: r
        for r in range(header + 1, sheet.max_row + 1)
        if sheet.cell(r, cols["字段编号"]).value
    }


def validation_for(sheet: Worksheet, address: str):
    found = [dv for dv in sheet.data_validations.dataValidation if address in dv.sqref]
    assert len(found) == 1, f"{address}: {len(found)} validations"
    return found[0]


def list_choices(book, formula: str) -> list[str]:
    """The choices of a list validation: inline "a,b" or a range on the hidden _lists sheet."""
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    sheet_name, cells = formula.split("!")
    sheet = book[sheet_name.strip("'")]
    first, last = cells.replace("$", "").split(":")
    return [c.value for (c,) in sheet[f"{first}:{last}"]]


def signature_entries(sheet: Worksheet) -> dict[str, object]:
    """The entry cell of each line of the 填报人 block, found by its label in the 填报项目 column."""
    header, cols = header_columns(sheet)
    labels = {label for label, _ in SIGNATURE_FIELDS} | {STAMP_LABEL}
    found = {}
    for row in range(header + 1, sheet.max_row + 1):
        label = sheet.cell(row, cols["填报项目"]).value
        if label in labels:
            assert label not in found, f"{label} twice"
            found[label] = sheet.cell(row, cols["填报项目"] + 1)
    return found


# ---------------------------------------------------------------- round trip


def test_filled_template_reads_back_the_same_with_openpyxl_calamine_and_the_return_reader(
    rich: Scheme, tmp_path: Path
) -> None:
    template = build_template(rich, "新华街道", tmp_path / "t.xlsx", generated=GENERATED)
    remarks = {"A3_下达日期": "=8月才下达", "A2_协议履行": "已签协议"}
    filled = fill_template(template, RICH_VALUES, tmp_path / "back.xlsx", remarks=remarks)

    book = load_workbook(filled)
    sheet = book["填报"]
    _, cols = header_columns(sheet)
    rows = field_rows(sheet)
    assert set(rows) == set(rich.fields)
    by_openpyxl = {key: sheet.cell(row, cols["填报值"]).value for key, row in rows.items()}
    assert sheet.cell(rows["C1_说明"], cols["填报值"]).data_type == "s"  # '=…' stays text

    cal = calamine.CalamineWorkbook.from_path(str(filled)).get_sheet_by_name("填报")
    grid = cal.to_python(skip_empty_area=False)
    by_calamine = {key: grid[row - 1][cols["填报值"] - 1] for key, row in rows.items()}

    def plain(value: object) -> object:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        return value

    expected = {k: plain(v) for k, v in RICH_VALUES.items()}
    assert {k: plain(v) for k, v in by_openpyxl.items()} == expected
    assert {k: plain(v) for k, v in by_calamine.items()} == expected

    data = read_return(filled, rich)
    assert data.problems == []
    assert data.unit == "新华街道" and data.unit_from == "_meta"
    assert data.values == {
        "A1_实施情况": "力度大,效果显著",
        "A1_评定分": Decimal("2.5"),
        "A2_协议履行": True,
        "A2_质量监管": False,
        "A3_下达日期": dt.date(2023, 8, 15),
        "A4_完成率": Decimal("96.5"),
        "A4_评定分": Decimal("5"),
        "C1_级别": "市级",
        "C1_项目数": Decimal("3"),
        "C1_说明": "=开展了“健康家庭”评选",
    }
    assert data.remarks == remarks


def test_never_done_date_and_blank_optional_fields_read_cleanly(rich: Scheme, tmp_path: Path) -> None:
    template = build_template(rich, "江苏路街道", tmp_path / "t.xlsx", generated=GENERATED)
    values = {k: v for k, v in RICH_VALUES.items() if rich.fields[k].required}
    values["A3_下达日期"] = NEVER
    data = read_return(fill_template(template, values, tmp_path / "back.xlsx"), rich)
    assert data.problems == []
    assert data.values["A3_下达日期"] == NEVER
    assert "A1_评定分" not in data.values


def test_fill_template_rejects_an_unknown_field_and_writes_nothing(rich: Scheme, tmp_path: Path) -> None:
    template = build_template(rich, "新华街道", tmp_path / "t.xlsx", generated=GENERATED)
    with pytest.raises(KeyError, match="B9_不存在"):
        fill_template(template, {"A1_实施情况": "其他", "B9_不存在": 1}, tmp_path / "back.xlsx")
    assert not (tmp_path / "back.xlsx").exists()


def test_fill_template_can_name_the_unit_of_a_blank_template(mini: Scheme, tmp_path: Path) -> None:
    (blank,) = build_templates(mini, [], tmp_path, generated=GENERATED)
    filled = fill_template(
        blank, {"A1_score": 94.5, "A2_rate": 96, "B1_n": 1}, tmp_path / "r.xlsx", unit="华阳路街道"
    )
    data = read_return(filled, mini)
    assert (data.unit, data.unit_from) == ("华阳路街道", "_meta")
    assert data.problems == []
    assert data.values == {"A1_score": Decimal("94.5"), "A2_rate": Decimal("96"), "B1_n": Decimal("1")}


# ---------------------------------------------------------------- validation, protection, meta


def test_every_value_cell_has_validation_of_the_right_kind(rich: Scheme, tmp_path: Path) -> None:
    book = load_workbook(build_template(rich, "新华街道", tmp_path / "t.xlsx", generated=GENERATED))
    sheet = book["填报"]
    _, cols = header_columns(sheet)
    for key, row in field_rows(sheet).items():
        field = rich.fields[key]
        address = sheet.cell(row, cols["填报值"]).coordinate
        dv = validation_for(sheet, address)
        assert dv.showErrorMessage and dv.showInputMessage and dv.allow_blank, key
        assert dv.prompt and dv.error and dv.promptTitle, key
        assert len(dv.promptTitle) <= 32 and len(dv.prompt) <= 255 and len(dv.error) <= 225
        if field.type == YESNO:
            assert (dv.type, list_choices(book, dv.formula1)) == ("list", ["是", "否"])
        elif field.type == CHOICE:
            assert dv.type == "list"
            assert list_choices(book, dv.formula1) == list(field.choices)
        elif field.type == DATE:
            assert dv.type == "custom"
            assert f'"{NEVER}"' in dv.formula1 and "ISNUMBER" in dv.formula1 and address in dv.formula1
            assert NEVER in dv.prompt
            assert sheet.cell(row, cols["填报值"]).number_format == "yyyy-mm-dd"
        elif field.type in NUMERIC_TYPES:
            assert dv.type == ("whole" if field.type == INTEGER else "decimal"), key
            bounds = [Decimal(x) for x in (dv.formula1, dv.formula2) if x is not None]
            assert bounds == [b for b in (field.minimum, field.maximum) if b is not None], key
        else:
            assert field.type == TEXT and dv.type == "textLength"
    # the comma in 力度大,效果显著 cannot go into an inline list: it lives on the hidden _lists sheet
    choice = validation_for(sheet, sheet.cell(field_rows(sheet)["A1_实施情况"], cols["填报值"]).coordinate)
    assert choice.formula1.startswith("'_lists'!")
    assert book["_lists"].sheet_state == "hidden"


def test_number_validation_messages_are_chinese_and_say_the_range(rich: Scheme, tmp_path: Path) -> None:
    book = load_workbook(build_template(rich, "新华街道", tmp_path / "t.xlsx", generated=GENERATED))
    sheet = book["填报"]
    _, cols = header_columns(sheet)
    rows = field_rows(sheet)
    percent = validation_for(sheet, sheet.cell(rows["A4_完成率"], cols["填报值"]).coordinate)
    assert (percent.operator, percent.formula1, percent.formula2) == ("between", "0", "100")
    assert "95% 填 95" in percent.prompt and "0～100" in percent.error
    count = validation_for(sheet, sheet.cell(rows["C1_项目数"], cols["填报值"]).coordinate)
    assert "整数" in count.prompt and "0～50" in count.prompt


def test_only_value_and_remark_cells_of_field_rows_are_unlocked(rich: Scheme, tmp_path: Path) -> None:
    book = load_workbook(build_template(rich, "新华街道", tmp_path / "t.xlsx", generated=GENERATED))
    sheet = book["填报"]
    assert sheet.protection.sheet and not sheet.protection.password
    _, cols = header_columns(sheet)
    rows = set(field_rows(sheet).values())
    editable = {cols["填报值"], cols["备注"]}
    entries = {entry.coordinate for label, entry in signature_entries(sheet).items() if label != STAMP_LABEL}
    # an entry of the 填报人 block spans merged cells, which openpyxl reads with the first one's protection
    signature = {
        cell.coordinate
        for merged in sheet.merged_cells.ranges
        if merged.start_cell.coordinate in entries
        for row in sheet[merged.coord]
        for cell in row
    }
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row + 2, max_col=sheet.max_column + 2):
        for cell in row:
            unlocked = (cell.row in rows and cell.column in editable) or cell.coordinate in signature
            assert cell.protection.locked is not unlocked, cell.coordinate
    for name in ("说明", "_meta"):
        assert book[name].protection.sheet
    assert book.security.lockStructure


def test_meta_is_hidden_and_identifies_scheme_and_unit(rich: Scheme, tmp_path: Path) -> None:
    book = load_workbook(build_template(rich, "=新华街道", tmp_path / "t.xlsx", generated=GENERATED))
    meta = book["_meta"]
    assert meta.sheet_state == "hidden"
    pairs = {r[0].value: r[1] for r in meta.iter_rows(max_col=2)}
    values = {k: (c.value or "") for k, c in pairs.items()}
    assert values["标题"] == rich.title
    assert values["版本"] == "2023.1" == rich.version
    assert values["年度"] == "2023"
    assert values["指纹"] == rich.fingerprint
    assert values["单位"] == "=新华街道" and pairs["单位"].data_type == "s"
    assert values["生成时间"] == GENERATED
    assert values["famscore 版本"]


def test_the_reader_finds_what_the_writer_wrote_through_one_contract(rich: Scheme, tmp_path: Path) -> None:
    """famscore.entry_sheet is both sides: the template's sheets, header and _meta as the reader sees them."""
    path = build_template(rich, "新华街道", tmp_path / "t.xlsx", generated=GENERATED)
    book = calamine.CalamineWorkbook.from_path(str(path))

    def rows_of(name: str, nrows: int | None) -> list[list[object]]:
        return book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=nrows)

    found, problem = find_entry_sheet(book.sheet_names, rows_of, path.name)
    assert problem is None and found is not None
    sheet, rows, header = found
    assert sheet == ENTRY_SHEET
    assert [rows[header.row][i] for i in (header.key, header.value)] == [KEY_HEADER, VALUE_HEADER]
    assert header.remark is not None and rows[header.row][header.remark] == REMARK_HEADER
    meta, unit_cell = read_meta(rows_of(META_SHEET, None))
    assert set(meta) == {header_key(key) for key in META_KEYS}  # keys are read folded: 'famscore版本'
    assert (meta[META_UNIT], meta[META_FINGERPRINT], unit_cell) == ("新华街道", rich.fingerprint, "B5")


def test_blank_template_has_no_unit_and_same_generated_time_gives_same_content(
    mini: Scheme, tmp_path: Path
) -> None:
    (first,) = build_templates(mini, [], tmp_path / "a", generated=GENERATED)
    (second,) = build_templates(mini, [], tmp_path / "b", generated=GENERATED)
    contents = []
    for path in (first, second):
        book = calamine.CalamineWorkbook.from_path(str(path))
        contents.append({n: book.get_sheet_by_name(n).to_python() for n in book.sheet_names})
    assert contents[0] == contents[1]
    meta = dict(row[:2] for row in contents[0]["_meta"])
    assert meta["单位"] == ""


# ---------------------------------------------------------------- layout


def test_layout_groups_fields_under_category_and_item_with_points_and_criteria(
    rich: Scheme, tmp_path: Path
) -> None:
    book = load_workbook(build_template(rich, "新华街道", tmp_path / "t.xlsx", generated=GENERATED))
    assert book.sheetnames[:2] == ["说明", "填报"]
    assert any("新华街道" in str(c.value) for (c,) in book["说明"].iter_rows(max_col=1))
    sheet = book["填报"]
    header, cols = header_columns(sheet)
    for name in ("字段编号", "填报项目", "单位/类型", "填报值", "备注", "分值", "评分标准"):
        assert name in cols
    labels = [sheet.cell(r, cols["填报项目"]).value for r in range(header + 1, sheet.max_row + 1)]
    a1 = labels.index("A1　特殊家庭项目")
    assert labels[a1 - 1] == "A　家庭发展"
    assert labels[a1 + 1 : a1 + 3] == ["* 特殊家庭项目实施情况", "其他情况的评定分"]  # optional: no *
    item_row = header + 1 + a1
    assert sheet.cell(item_row, cols["分值"]).value == 8
    assert "全面实施的得6分" in sheet.cell(item_row, cols["评分标准"]).value
    assert "家庭发展科" in sheet.cell(item_row, cols["评分标准"]).value
    assert sheet.cell(item_row, cols["字段编号"]).value is None  # heading rows are not read as fields
    assert "附加分" in labels[labels.index("C1　计生工作创新") - 1]
    hints = {k: sheet.cell(r, cols["单位/类型"]).value for k, r in field_rows(sheet).items()}
    assert hints["A4_完成率"].startswith("%（填 95 表示 95%）")
    assert hints["A2_协议履行"] == "是/否"
    assert NEVER in hints["A3_下达日期"]


def test_sheet_is_frozen_wide_enough_and_prints_landscape_on_a4(mini: Scheme, tmp_path: Path) -> None:
    book = load_workbook(build_template(mini, "新华街道", tmp_path / "t.xlsx", generated=GENERATED))
    sheet = book["填报"]
    header, cols = header_columns(sheet)
    assert sheet.freeze_panes == f"A{header + 1}"
    assert sheet.print_title_rows == f"${header}:${header}"
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    for (cell,) in sheet.iter_rows(min_row=header + 1, min_col=cols["填报项目"], max_col=cols["填报项目"]):
        if cell.value:
            width = sheet.column_dimensions[cell.column_letter].width
            assert cell.alignment.wrap_text or len(cell.value) * 2 <= width


# ---------------------------------------------------------------- names


def test_template_filename_names_scheme_year_and_unit(rich: Scheme, mini: Scheme) -> None:
    assert (
        template_filename(rich, "新华街道")
        == "长宁区2023年度人口与计划生育工作任务情况考评表_2023_新华街道.xlsx"
    )
    assert template_filename(rich, None) == "长宁区2023年度人口与计划生育工作任务情况考评表_2023_空白.xlsx"
    assert template_filename(mini, "新华街道") == "测试_新华街道.xlsx"  # no year in the scheme
    assert template_filename(mini, 'a/b\\c:d*e?f"g<h>i|j. ') == "测试_abcdefghij.xlsx"
    with pytest.raises(UsageError):
        template_filename(mini, "///")


def test_build_templates_writes_one_file_per_unit_and_leaves_no_temp_files(
    mini: Scheme, tmp_path: Path
) -> None:
    paths = build_templates(mini, ["新华街道", "江苏路街道"], tmp_path / "out", generated=GENERATED)
    assert [p.name for p in paths] == ["测试_新华街道.xlsx", "测试_江苏路街道.xlsx"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in paths)
    for path, unit in zip(paths, ["新华街道", "江苏路街道"], strict=True):
        assert read_return(path, mini).unit == unit


def test_build_templates_refuses_units_that_give_the_same_file_name(mini: Scheme, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="同名文件"):
        build_templates(mini, ["新华/街道", "新华街道"], tmp_path / "out", generated=GENERATED)
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- unit lists


def test_units_from_txt_skip_header_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "units.txt"
    path.write_text("\ufeff单位名称\n新华街道\n\n  江苏路街道 \n华阳路街道\n", encoding="utf-8")
    assert read_units_file(path) == ["新华街道", "江苏路街道", "华阳路街道"]


def test_units_from_gbk_text_and_csv_first_column(tmp_path: Path) -> None:
    gbk = tmp_path / "units.txt"
    gbk.write_bytes("新华街道\r\n程家桥街道\r\n".encode("gbk"))
    assert read_units_file(gbk) == ["新华街道", "程家桥街道"]
    table = tmp_path / "units.csv"
    table.write_text("单位,联系人\n新华街道,张三\n虹桥街道,李四\n", encoding="utf-8")
    assert read_units_file(table) == ["新华街道", "虹桥街道"]


def test_units_from_xlsx_first_column(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    for row in (["单位", "备注"], ["新华街道", "x"], [None, None], ["新泾镇", None]):
        sheet.append(row)
    book.save(tmp_path / "units.xlsx")
    assert read_units_file(tmp_path / "units.xlsx") == ["新华街道", "新泾镇"]


def test_duplicate_unit_names_the_file_and_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "units.txt"
    path.write_text("新华街道\n江苏路街道\n新华街道\n", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        read_units_file(path)
    assert (
        caught.value.message
        == "单位名单 units.txt 第 3 行：单位「新华街道」重复（第 1 行已有）；请删除重复的一行"
    )


def test_duplicate_unit_in_xlsx_names_the_excel_row(tmp_path: Path) -> None:
    book = Workbook()
    for row in (["单位名称"], ["新华街道"], ["新华街道"]):
        book.active.append(row)
    book.save(tmp_path / "units.xlsx")
    with pytest.raises(UsageError, match="第 3 行"):
        read_units_file(tmp_path / "units.xlsx")


@pytest.mark.parametrize("content", ["", "\n\n", "单位\n"], ids=["empty", "blank-lines", "header-only"])
def test_empty_unit_list_is_a_usage_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "units.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=r"units\.txt 中没有单位名称"):
        read_units_file(path)


def test_unit_list_of_unknown_format_or_missing_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "units.docx").write_bytes(b"x")
    with pytest.raises(UsageError, match="格式无法识别"):
        read_units_file(tmp_path / "units.docx")
    with pytest.raises(UsageError, match="找不到"):
        read_units_file(tmp_path / "none.txt")


def test_characters_an_xlsx_cannot_hold_are_left_out_of_the_template(load_md: LoadMd, tmp_path: Path) -> None:
    # U+FFFE/U+FFFF are illegal in XML like the C0 controls: written as they are, the file is broken.
    scheme = load_md(MINI.replace("| 评估结果 |", "| 评估\uffff结\ufffe果 |"))
    book = load_workbook(build_template(scheme, "新华街道", tmp_path / "t.xlsx", generated=GENERATED))
    labels = [row[1].value for row in book["填报"].iter_rows(min_row=4) if row[0].value == "A1_score"]
    assert labels == ["* 评估结果"]


# ---------------------------------------------------------------- 填报人 / 盖章 block


def test_signature_block_sits_below_the_fields_unlocked_printed_and_without_field_id(
    rich: Scheme, tmp_path: Path
) -> None:
    book = load_workbook(build_template(rich, "新华街道", tmp_path / "t.xlsx", generated=GENERATED))
    sheet = book["填报"]
    _, cols = header_columns(sheet)
    entries = signature_entries(sheet)
    assert list(entries) == [SIGNER_LABEL, PHONE_LABEL, SIGNED_DATE_LABEL, STAMP_LABEL]
    last_field = max(field_rows(sheet).values())
    for label, entry in entries.items():
        assert entry.row > last_field, label
        assert sheet.cell(entry.row, cols["字段编号"]).value is None, label  # never read as a field
        assert sheet.cell(entry.row, cols["填报项目"]).border.left.style == "thin", label
        assert sheet.cell(entry.row, cols["填报项目"]).font.name == "宋体", label
        assert entry.protection.locked is (label == STAMP_LABEL), label
    assert entries[PHONE_LABEL].number_format == "@"  # a leading 0 of an area code stays
    date = entries[SIGNED_DATE_LABEL]
    assert date.number_format == "yyyy-mm-dd"
    validation = validation_for(sheet, date.coordinate)
    assert (validation.type, validation.operator) == ("date", "between")
    assert validation.showErrorMessage and validation.error
    for label in (SIGNER_LABEL, PHONE_LABEL):
        assert not [
            dv for dv in sheet.data_validations.dataValidation if entries[label].coordinate in dv.sqref
        ]
    # the print area covers the whole sheet down to the stamp line
    (area,) = sheet.print_area if isinstance(sheet.print_area, list) else [sheet.print_area]
    assert area.replace("$", "").endswith(f"!A1:G{entries[STAMP_LABEL].row}")
    assert sheet.max_row == entries[STAMP_LABEL].row
    guide = " ".join(str(c.value) for (c,) in book["说明"].iter_rows(max_col=1))
    assert all(label in guide for label in (SIGNER_LABEL, PHONE_LABEL, SIGNED_DATE_LABEL, STAMP_LABEL))


def test_a_filled_signature_block_scores_the_same_and_raises_no_problem(rich: Scheme, tmp_path: Path) -> None:
    template = build_template(rich, "新华街道", tmp_path / "t.xlsx", generated=GENERATED)
    plain = fill_template(template, RICH_VALUES, tmp_path / "plain.xlsx")
    signed = fill_template(template, RICH_VALUES, tmp_path / "signed.xlsx")
    book = load_workbook(signed)
    entries = signature_entries(book["填报"])
    entries[SIGNER_LABEL].value = "张三"
    entries[PHONE_LABEL].value = "021-62345678"
    entries[SIGNED_DATE_LABEL].value = dt.datetime(2024, 1, 20)
    book.save(signed)

    before, after = read_return(plain, rich), read_return(signed, rich)
    assert after.problems == [] and before.problems == []
    assert after.values == before.values and after.raw == before.raw and after.remarks == before.remarks
    assert after.cells == before.cells
    assert score_unit(rich, after).scores == score_unit(rich, before).scores
