"""Who fills each field (字段 填报方, 说明) and the unit's 自评分 (设置 自评), through the real loader."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from famscore.batch import read_folder
from famscore.cli import app
from famscore.errors import Problem, SchemeError
from famscore.returns import ReturnData
from famscore.scheme.format import FILLER_UNIT, SELF_SCORE_LABEL, self_score_id
from famscore.scheme.loader import check_scheme, load_scheme
from famscore.scheme.markdown import read_markdown_sheets
from famscore.scheme.model import Scheme
from famscore.scheme.writer import write_scheme
from famscore.scoring import UnitResult, score_batch, score_unit
from famscore.units import read_units_file
from famscore.values import parse_value

LoadMd = Callable[[str], Scheme]
CheckMd = Callable[[str], tuple[Scheme | None, list[Problem]]]
ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ("changning-2023", "qingpu-2020", "city-2023")


def scheme_md(fields: str, *, self_assessment: str = "", extra_columns: str = "") -> str:
    """Three items: X1 (one department 甲科), Y1 (two: 甲科/乙科), Z1 (none).

    `fields` are 字段 rows with the columns 字段编号…必填 followed by `extra_columns` (e.g. 填报方).
    """
    setting = f"| 自评 | {self_assessment} |" if self_assessment else ""
    extra = "".join(f" {c} |" for c in extra_columns.split()) if extra_columns else ""
    rule = "|---" * (9 + len(extra_columns.split())) + "|"
    return f"""
## 设置
| 项目 | 内容 |
|---|---|
| 标题 | 填报方测试 |
| 版本 | 1 |
| 主要指标满分 | 14 |
{setting}

## 指标
| 编号 | 一级指标 | 二级指标 | 分值 | 计分类别 | 考核部门 |
|---|---|---|---|---|---|
| X | 测试类别 | | 14 | 主要 | |
| X1 | | 宣传 | 7 | | 甲科 |
| Y1 | | 信访 | 5 | | 甲科/乙科 |
| Z1 | | 文件 | 2 | | |

## 字段
| 字段编号 | 指标编号 | 填报项目 | 类型 | 单位 | 最小值 | 最大值 | 选项 | 必填 |{extra}
{rule}
{fields}

## 选项
| 列表 | 选项 |
|---|---|
| 宣传档次 | 好 |
| | 一般 |
| | 其他 |

## 规则
| 指标编号 | 规则类型 | 字段 | 参数 |
|---|---|---|---|
| X1 | 选档 | X1_档次 | 好:7；一般:4；其他:X1_评定分 |
| X1 | 计次扣分 | X1_未掌握 | 每次=5 |
| Y1 | 评分 | Y1_评定分 | |
| Z1 | 满分 | | |
| Z1 | 逐项扣分 | Z1_有文件 | 每项=2 |
"""


# The same five fields, with nothing in 填报方: every default at once.
DEFAULT_ROWS = """
| X1_档次 | X1 | 宣传开展情况 | 选项 | | | | 宣传档次 | |
| X1_评定分 | X1 | 宣传评定分 | 评分 | 分 | 0 | 7 | | 否 |
| X1_未掌握 | X1 | 未掌握人次 | 整数 | 人次 | 0 | | | |
| Y1_评定分 | Y1 | 信访评定分 | 评分 | 分 | 0 | 5 | | |
| Z1_有文件 | Z1 | 有相关文件 | 是否 | | | | | |
"""


def rows_with(fillers: dict[str, str], notes: dict[str, str] | None = None) -> str:
    """DEFAULT_ROWS with a 填报方 and a 说明 cell added to each row."""
    notes = notes or {}
    out = []
    for line in DEFAULT_ROWS.strip().splitlines():
        fid = line.split("|")[1].strip()
        out.append(f"{line} {fillers.get(fid, '')} | {notes.get(fid, '')} |")
    return "\n".join(out)


def fillers_of(scheme: Scheme) -> dict[str, str]:
    return {f.id: f.filler for f in scheme.fields.values() if not f.self_score}


def codes(problems: list[Problem]) -> list[tuple[str, str, int | None, int | None]]:
    return [(p.code, p.sheet, p.row, p.column) for p in problems]


# ---------------------------------------------------------------- 填报方: defaults and explicit values


def test_a_blank_filler_gives_a_judged_field_to_the_single_department_and_the_rest_to_the_unit(
    check_md: CheckMd,
) -> None:
    # Y1 has two departments: its 评分 field is written explicitly here (the ambiguous case is below).
    scheme, problems = check_md(scheme_md(rows_with({"Y1_评定分": "乙科"}), extra_columns="填报方 说明"))
    assert scheme is not None
    # The defaults part X1's 选档 (the unit's) from its 其他 score (甲科's): check says so, at the level's row.
    assert codes(problems) == [("SCHEME_FILLER_LEVEL_SPLIT", "字段", 2, 11)]
    assert not problems[0].is_error
    assert "「X1_档次」" in problems[0].message and "「X1_评定分」由「甲科」" in problems[0].message
    assert fillers_of(scheme) == {
        "X1_档次": FILLER_UNIT,  # a 选项: whether its levels are judgement is not mechanical
        "X1_评定分": "甲科",  # 评分, X1 names one department
        "X1_未掌握": FILLER_UNIT,  # a count: the unit's unless written otherwise
        "Y1_评定分": "乙科",
        "Z1_有文件": FILLER_UNIT,  # Z1 names no department
    }
    assert scheme.departments == ("甲科", "乙科")
    assert scheme.two_party
    assert [f.id for f in scheme.filled_by("甲科")] == ["X1_评定分"]
    assert not scheme.fields["X1_评定分"].by_unit


def test_a_judged_field_of_an_item_without_department_is_the_units(load_md: LoadMd) -> None:
    rows = DEFAULT_ROWS + "| Z1_评定分 | Z1 | 文件评定分 | 评分 | 分 | 0 | 2 | | 否 |\n"
    text = scheme_md(rows).replace(
        "| Y1 | 评分 | Y1_评定分 | |", "| Y1 | 评分 | Y1_评定分 | |\n| Z1 | 评分 | Z1_评定分 | |"
    )
    text = text.replace("| Y1 | | 信访 | 5 | | 甲科/乙科 |", "| Y1 | | 信访 | 5 | | 甲科 |")
    text = text.replace("| Z1 | | 文件 | 2 | | |", "| Z1 | | 文件 | 4 | | |").replace("| 14 |", "| 16 |")
    scheme = load_md(text)
    assert scheme.fields["Z1_评定分"].filler == FILLER_UNIT
    assert scheme.fields["Y1_评定分"].filler == "甲科"


def test_an_explicit_filler_is_kept_whatever_the_type(check_md: CheckMd) -> None:
    fillers = {"X1_档次": "甲科", "X1_评定分": "甲科", "X1_未掌握": "甲科", "Y1_评定分": "甲科"}
    fillers["Z1_有文件"] = FILLER_UNIT
    scheme, problems = check_md(scheme_md(rows_with(fillers), extra_columns="填报方 说明"))
    assert problems == []
    assert scheme is not None and fillers_of(scheme) == fillers
    # 单位 written on a judged field of a one-department item keeps it with the unit.
    scheme, problems = check_md(
        scheme_md(rows_with({"X1_评定分": "单位", "Y1_评定分": "乙科"}), extra_columns="填报方 说明")
    )
    assert problems == [] and scheme is not None
    assert scheme.fields["X1_评定分"].by_unit
    assert scheme.departments == ("乙科",)


def test_the_note_column_is_read_into_the_field(load_md: LoadMd) -> None:
    note = "未掌握的人次由甲科比对底数和抽查认定。"
    scheme = load_md(
        scheme_md(
            rows_with({"X1_未掌握": "甲科", "Y1_评定分": "甲科"}, {"X1_未掌握": note}),
            extra_columns="填报方 说明",
        )
    )
    assert scheme.fields["X1_未掌握"].note == note
    assert scheme.fields["X1_档次"].note == ""


def test_a_judged_field_of_an_item_with_several_departments_needs_a_filler(
    check_md: CheckMd, scheme_file: Callable[[str], Path]
) -> None:
    # With a 填报方 column: the problem points at the row's 填报方 cell (column 11, after 填报说明).
    scheme, problems = check_md(scheme_md(rows_with({"X1_档次": "甲科"}), extra_columns="填报方 说明"))
    assert scheme is None
    assert codes(problems) == [("SCHEME_FILLER_AMBIGUOUS", "字段", 5, 11)]
    assert "甲科、乙科" in problems[0].message and "「甲科」" in problems[0].fix
    # Without one (a scheme written before 填报方): at the row's 字段编号 cell.
    path = scheme_file(scheme_md(DEFAULT_ROWS))
    scheme, problems = check_md(scheme_md(DEFAULT_ROWS))
    assert codes(problems) == [
        ("SCHEME_FILLER_AMBIGUOUS", "字段", 5, 1),
        ("SCHEME_FILLER_LEVEL_SPLIT", "字段", 2, 1),
    ]
    with pytest.raises(SchemeError):
        load_scheme(path)
    # `famscore check` lists it and exits as for any scheme error.
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert "Y1_评定分" in result.output and "填报方" in result.output


def test_a_count_of_an_item_with_several_departments_defaults_to_the_unit(check_md: CheckMd) -> None:
    rows = DEFAULT_ROWS + "| Y1_次数 | Y1 | 上访人次 | 整数 | 人次 | 0 | | | |\n"
    text = scheme_md(rows.replace("| Y1_评定分 | Y1 | 信访评定分 | 评分 | 分 | 0 | 5 | | |", ""))
    text = text.replace(
        "| Y1 | 评分 | Y1_评定分 | |", "| Y1 | 满分 | | |\n| Y1 | 计次扣分 | Y1_次数 | 每次=1 |"
    )
    scheme, problems = check_md(text)
    assert scheme is not None
    assert codes(problems) == [("SCHEME_FILLER_LEVEL_SPLIT", "字段", 2, 1)]  # X1's, as above
    assert scheme.fields["Y1_次数"].filler == FILLER_UNIT


def test_a_filler_that_is_not_one_of_the_items_departments_is_a_warning(check_md: CheckMd) -> None:
    text = scheme_md(
        rows_with({"X1_档次": "甲科", "X1_未掌握": "丙科", "Y1_评定分": "乙科"}), extra_columns="填报方 说明"
    )
    scheme, problems = check_md(text)
    assert scheme is not None  # usable: a department the item does not name may still be meant
    assert codes(problems) == [("SCHEME_FILLER_NOT_DEPARTMENT", "字段", 4, 11)]
    assert not problems[0].is_error
    assert "丙科" in problems[0].message and "甲科" in problems[0].message
    assert scheme.fields["X1_未掌握"].filler == "丙科"
    assert scheme.departments == ("甲科", "丙科", "乙科")  # in the order of their first field


def test_a_filler_naming_two_departments_is_an_error(check_md: CheckMd) -> None:
    scheme, problems = check_md(
        scheme_md(rows_with({"X1_档次": "甲科", "Y1_评定分": "甲科/乙科"}), extra_columns="填报方 说明")
    )
    assert scheme is None
    assert codes(problems) == [("SCHEME_FILLER_SEVERAL", "字段", 5, 11)]
    assert "「甲科」" in problems[0].fix


def test_check_exits_0_on_a_filler_warning(scheme_file: Callable[[str], Path]) -> None:
    path = scheme_file(
        scheme_md(
            rows_with({"X1_档次": "甲科", "X1_未掌握": "丙科", "Y1_评定分": "乙科"}),
            extra_columns="填报方 说明",
        )
    )
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 0
    assert "丙科" in result.output


# ---------------------------------------------------------------- 设置 自评


@pytest.mark.parametrize(("text", "asks"), [("是", True), ("否", False), ("", False)])
def test_self_assessment_setting(load_md: LoadMd, text: str, asks: bool) -> None:
    scheme = load_md(
        scheme_md(rows_with({"Y1_评定分": "乙科"}), self_assessment=text, extra_columns="填报方 说明")
    )
    assert scheme.settings.self_assessment is asks
    assert (scheme.self_field("X1") is not None) is asks
    assert any(f.self_score for f in scheme.fields.values()) is asks


def test_unreadable_self_assessment_is_an_error_at_its_cell(check_md: CheckMd) -> None:
    text = scheme_md(
        rows_with({"X1_档次": "甲科", "Y1_评定分": "乙科"}), self_assessment="要", extra_columns="填报方 说明"
    )
    scheme, problems = check_md(text)
    assert scheme is None
    assert codes(problems) == [("SCHEME_SELF_ASSESSMENT_INVALID", "设置", 5, 2)]
    assert "「要」" in problems[0].message


def test_self_scores_follow_each_items_fields_bounded_by_its_points(load_md: LoadMd) -> None:
    scheme = load_md(
        scheme_md(rows_with({"Y1_评定分": "乙科"}), self_assessment="是", extra_columns="填报方 说明")
    )
    assert list(scheme.fields) == [
        "X1_档次",
        "X1_评定分",
        "X1_未掌握",
        "自评.X1",
        "Y1_评定分",
        "自评.Y1",
        "Z1_有文件",
        "自评.Z1",
    ]
    for item in scheme.items:
        own = scheme.fields[self_score_id(item.id)]
        assert scheme.self_field(item.id) == own
        assert (own.label, own.type, own.minimum, own.maximum) == (SELF_SCORE_LABEL, "评分", 0, item.points)
        assert own.self_score and own.by_unit and not own.required
        assert own.id not in item.input_ids  # no rule reads it
    assert [f.id for f in scheme.filled_by(FILLER_UNIT)] == [
        "X1_档次",
        "X1_未掌握",
        "自评.X1",
        "自评.Y1",
        "Z1_有文件",
        "自评.Z1",
    ]
    # Its range is checked like any field's: 8 is above X1's 7 points.
    assert parse_value(scheme.fields["自评.X1"], 8.0).value is None
    assert parse_value(scheme.fields["自评.X1"], 6.5).value == Decimal("6.5")


def test_self_scores_follow_the_field_sheets_order_when_items_are_interleaved(load_md: LoadMd) -> None:
    rows = rows_with({"Y1_评定分": "乙科"}).splitlines()
    interleaved = "\n".join([rows[4], rows[0], rows[3], rows[1], rows[2]])  # Z1, X1, Y1, X1, X1
    scheme = load_md(scheme_md(interleaved, self_assessment="是", extra_columns="填报方 说明"))
    assert list(scheme.fields) == [
        "Z1_有文件",
        "自评.Z1",
        "X1_档次",
        "Y1_评定分",
        "自评.Y1",
        "X1_评定分",
        "X1_未掌握",
        "自评.X1",
    ]


def values(scheme: Scheme, typed: dict[str, object]) -> dict[str, object]:
    """Cells as a clerk types them, parsed for their fields as the reader does."""
    parsed = {fid: parse_value(scheme.fields[fid], raw) for fid, raw in typed.items()}
    assert all(p.value is not None for p in parsed.values()), parsed
    return {fid: p.value for fid, p in parsed.items()}


def unit_result(scheme: Scheme, typed: dict[str, object]) -> UnitResult:
    return score_unit(scheme, ReturnData("a.xlsx", "a.xlsx", "甲街道", values=values(scheme, typed)))


FACTS = {"X1_档次": "其他", "X1_评定分": 6.0, "X1_未掌握": 1.0, "Y1_评定分": 4.5, "Z1_有文件": "否"}


def test_self_scores_never_enter_the_score(load_md: LoadMd) -> None:
    scheme = load_md(
        scheme_md(rows_with({"Y1_评定分": "乙科"}), self_assessment="是", extra_columns="填报方 说明")
    )
    plain = unit_result(scheme, FACTS)
    claimed = unit_result(scheme, {**FACTS, "自评.X1": 7.0, "自评.Y1": 5.0, "自评.Z1": 2.0})
    assert [i.score for i in plain.items] == [Decimal(1), Decimal("4.5"), Decimal(0)]
    assert [i.score for i in claimed.items] == [i.score for i in plain.items]
    assert (claimed.main, claimed.total) == (plain.main, plain.total) == (Decimal("5.5"), Decimal("5.5"))
    assert [claimed.self_score(i) for i in ("X1", "Y1", "Z1")] == [7, 5, 2]
    assert claimed.self_total == 14 and plain.self_total is None


def test_a_scheme_where_every_field_is_the_units_scores_exactly_as_before(load_md: LoadMd) -> None:
    before = load_md(scheme_md(rows_with({"Y1_评定分": "乙科"}), extra_columns="填报方 说明"))
    all_units = {fid: FILLER_UNIT for fid in FACTS}
    now = load_md(scheme_md(rows_with(all_units), extra_columns="填报方 说明"))
    assert not now.two_party and now.departments == ()
    assert [f.id for f in now.filled_by(FILLER_UNIT)] == list(FACTS) == list(now.fields)
    for typed in (FACTS, {**FACTS, "X1_档次": "好", "X1_未掌握": 0.0, "Z1_有文件": "是"}):
        a, b = unit_result(before, typed), unit_result(now, typed)
        assert [i.score for i in a.items] == [i.score for i in b.items]
        assert (a.main, a.total, a.grade) == (b.main, b.total, b.grade)


# ---------------------------------------------------------------- the scheme writer lays out 填报方 and 说明


def test_the_writer_lays_out_filler_and_note_only_when_used_with_a_dropdown(
    scheme_file: Callable[[str], Path],
) -> None:
    plain = openpyxl.load_workbook(scheme_file(scheme_md(DEFAULT_ROWS)))["字段"]
    assert "填报方" not in [c.value for c in plain[1]] and "说明" not in [c.value for c in plain[1]]
    assert plain.data_validations.dataValidation == []
    sheet = openpyxl.load_workbook(
        scheme_file(
            scheme_md(
                rows_with({"Y1_评定分": "乙科"}, {"Y1_评定分": "乙科主办"}), extra_columns="填报方 说明"
            )
        )
    )["字段"]
    headers = [c.value for c in sheet[1]]
    assert headers[-2:] == ["填报方", "说明"]
    (dropdown,) = sheet.data_validations.dataValidation
    assert dropdown.formula1 == '"单位,甲科,乙科"'  # 单位, then the 指标 sheet's departments
    assert not dropdown.showErrorMessage  # another department is the loader's warning, not Excel's refusal
    assert dropdown.prompt and "单位" in dropdown.prompt
    assert str(dropdown.sqref).startswith("K2:K")
    # The other sheets keep their 说明 columns, filled or not.
    assert "说明" in [
        c.value for c in openpyxl.load_workbook(scheme_file(scheme_md(DEFAULT_ROWS)))["规则"][1]
    ]


def test_departments_written_one_per_line_are_several(load_md: LoadMd, check_md: CheckMd) -> None:
    """The seeds' tables print several departments one per line in the cell ("家发科\\n预防科")."""

    def text(fillers: dict[str, str]) -> str:
        md = scheme_md(rows_with(fillers), extra_columns="填报方 说明")
        return md.replace("| Y1 | | 信访 | 5 | | 甲科/乙科 |", "| Y1 | | 信访 | 5 | | 甲科<br>乙科 |")

    scheme, problems = check_md(text({"X1_档次": "甲科"}))
    assert codes(problems) == [("SCHEME_FILLER_AMBIGUOUS", "字段", 5, 11)]
    scheme = load_md(text({"Y1_评定分": "乙科"}))
    assert scheme.item("Y1").departments == ("甲科", "乙科")
    assert scheme.fields["Y1_评定分"].filler == "乙科"


# ---------------------------------------------------------------- the three examples


@pytest.mark.parametrize("slug", EXAMPLES)
def test_every_example_field_names_its_filler_and_asks_for_self_assessment(slug: str) -> None:
    sheets = read_markdown_sheets(ROOT / "examples" / slug / "scheme.md")
    assert all(row.get("填报方") for row in sheets["字段"]), slug
    assert {"项目": "自评", "内容": "是"} in sheets["设置"]
    scheme, problems = check_scheme(ROOT / "examples" / slug / "考评表.xlsx")
    assert scheme is not None and scheme.settings.self_assessment
    assert [p.code for p in problems if p.code.startswith("SCHEME_FILLER")] == []
    # The city scheme's 考核部门 names the assessor, never a body of the district assessed (各区…).
    assert not any(d.startswith("各区") for item in scheme.items for d in item.departments)


# Where each example's units claim other than what the departments verified, as returns.md tells it:
# (unit, item) -> (自评分, 核定分); everywhere else the claim equals the verified score.
CLAIMS = {
    "changning-2023": {
        ("江苏街道", "A1"): ("5", "3"),
        ("新泾镇", "C1"): ("7", "1"),
        ("周桥街道", "G3"): ("3", "-1.5"),
        ("虹桥街道", "G5"): ("4", "1"),
        ("天山街道", "E2"): ("2.5", "3"),
    },
    "qingpu-2020": {
        ("华新镇", "A1"): ("4", "2"),
        ("练塘镇", "A2"): ("4", "3"),
        ("重固镇", "D5"): ("4.8", "-0.6"),
        ("香花桥街道", "B1"): ("6", "3"),
        ("夏阳街道", "G1"): ("10", "5"),
    },
    "city-2023": {
        ("城南区", "E2"): ("6", "0"),
        ("城南区", "B3"): ("4", "2"),
        ("城西区", "G2"): ("6", "4"),
        ("新港区", "G2"): ("6", "3"),
        ("滨江区", "G1"): ("6", "5.5"),
    },
}
# (自评合计, 核定总分) of the units that claim differently, as returns.md states them.
SELF_TOTALS = {
    "changning-2023": {
        "江苏街道": ("92.7", "90.7"),
        "新泾镇": ("92", "86"),
        "周桥街道": ("93", "88.5"),
        "虹桥街道": ("73.2", "70.2"),
        "天山街道": ("102.8", "103.3"),
    },
    "qingpu-2020": {
        "华新镇": ("93.1", "91.1"),
        "练塘镇": ("87.25", "86.25"),
        "重固镇": ("71.05", "65.65"),
        "香花桥街道": ("91", "88"),
        "夏阳街道": ("99.5", "94.5"),
    },
    "city-2023": {
        "城南区": ("93", "85"),
        "城西区": ("94", "92"),
        "新港区": ("74.5", "71.5"),
        "滨江区": ("100", "99.5"),
    },
}


@pytest.mark.parametrize("slug", EXAMPLES)
def test_example_self_scores_differ_from_the_verified_ones_only_where_told(slug: str) -> None:
    folder = ROOT / "examples" / slug
    scheme = load_scheme(folder / "考评表.xlsx")
    data, notes = read_folder(folder / "returns", scheme, workers=1)
    batch = score_batch(scheme, data, read_units_file(folder / "units.txt"), notes)
    differ = {}
    for result in batch.units:
        assert result.self_total is not None
        for item in result.items:
            claim = result.self_score(item.item.id)
            assert claim is not None and 0 <= claim <= item.item.points
            if claim != item.score:
                differ[(result.unit, item.item.id)] = (claim, item.score)
        if result.unit in SELF_TOTALS[slug]:
            assert (result.self_total, result.total) == tuple(
                Decimal(t) for t in SELF_TOTALS[slug][result.unit]
            )
        else:
            assert result.self_total == result.main + result.bonus_raw
    assert differ == {k: (Decimal(c), Decimal(v)) for k, (c, v) in CLAIMS[slug].items()}


# ---------------------------------------------------------------- docs/scheme-format.md "自评": the worked example

WORKED = """
## 设置
| 项目 | 内容 |
|---|---|
| 标题 | 自评与核定 |
| 版本 | 1 |
| 主要指标满分 | 12 |
| 自评 | 是 |

## 指标
| 编号 | 一级指标 | 二级指标 | 分值 | 计分类别 | 考核部门 |
|---|---|---|---|---|---|
| A | 营造氛围 | | 2 | 主要 | |
| A2 | | 营造生育友好型社会氛围 | 2 | | 老龄家发科 |
| B | 奖励扶助 | | 3 | 主要 | |
| B1 | | 落实奖励扶助政策 | 3 | | 老龄家发科 |
| C | 特殊家庭 | | 7 | 主要 | |
| C1 | | 落实“三个全覆盖”制度 | 7 | | 老龄家发科 |

## 字段
| 字段编号 | 指标编号 | 填报项目 | 类型 | 单位 | 最小值 | 最大值 | 选项 | 必填 | 填报方 |
|---|---|---|---|---|---|---|---|---|---|
| A2_评定分 | A2 | 营造生育友好型社会氛围评定分 | 评分 | 分 | 0 | 2 | | | 老龄家发科 |
| B1_责任差错事件 | B1 | 出现责任差错事件件次 | 整数 | 件 | 0 | | | | 老龄家发科 |
| C1_评定分 | C1 | “三个全覆盖”工作评定分 | 评分 | 分 | 0 | 7 | | | 老龄家发科 |
| C1_未掌握人次 | C1 | 信息更新超过2个月未掌握人次 | 整数 | 人次 | 0 | | | | 老龄家发科 |

## 规则
| 指标编号 | 规则类型 | 字段 | 参数 |
|---|---|---|---|
| A2 | 评分 | A2_评定分 | |
| B1 | 满分 | | |
| B1 | 计次扣分 | B1_责任差错事件 | 每次=5 |
| C1 | 评分 | C1_评定分 | |
| C1 | 计次扣分 | C1_未掌握人次 | 每次=5 |
"""
UNITS = ["新华街道", "江苏街道", "新泾镇"]
# 老龄家发科's 评分表: one row per unit.
GRID_FIELDS = ["A2_评定分", "B1_责任差错事件", "C1_评定分", "C1_未掌握人次"]
GRID = {"新华街道": [2, 0, 7, 0], "江苏街道": [1.5, 0, 6.5, 0], "新泾镇": [2, 1, 6, 1]}
# Each unit's own form: its 自评分 per item.
CLAIMED = {"新华街道": [2, 3, 7], "江苏街道": [2, 3, 6.5], "新泾镇": [2, 3, 7]}
# unit -> item -> (自评分, 核定分, 差额), and the unit's totals, as docs/scheme-format.md prints them.
ROWS = {
    "新华街道": {
        "A2": ("2", "2", "0"),
        "B1": ("3", "3", "0"),
        "C1": ("7", "7", "0"),
        "合计": ("12", "12", "0"),
    },
    "江苏街道": {
        "A2": ("2", "1.5", "-0.5"),
        "B1": ("3", "3", "0"),
        "C1": ("6.5", "6.5", "0"),
        "合计": ("11.5", "11", "-0.5"),
    },
    "新泾镇": {
        "A2": ("2", "2", "0"),
        "B1": ("3", "0", "-3"),
        "C1": ("7", "1", "-6"),
        "合计": ("12", "3", "-9"),
    },
}


def merged_returns(scheme: Scheme, claimed: dict[str, list[float]]) -> list[ReturnData]:
    """Each unit's values as scoring sees them: its own 自评分 plus its row of the department's grid."""
    own = [f.id for f in scheme.filled_by(FILLER_UNIT)]
    data = []
    for unit in UNITS:
        typed = dict(zip(GRID_FIELDS, (float(v) for v in GRID[unit]), strict=True))
        typed.update(zip(own, (float(v) for v in claimed[unit]), strict=True))
        data.append(ReturnData(f"{unit}.xlsx", f"{unit}.xlsx", unit, "_meta", values=values(scheme, typed)))
    return data


def test_the_documented_self_assessment_example(load_md: LoadMd) -> None:
    scheme = load_md(WORKED)
    assert scheme.departments == ("老龄家发科",)
    assert [f.id for f in scheme.filled_by("老龄家发科")] == GRID_FIELDS
    assert [f.id for f in scheme.filled_by(FILLER_UNIT)] == ["自评.A2", "自评.B1", "自评.C1"]
    batch = score_batch(scheme, merged_returns(scheme, CLAIMED), UNITS)
    assert batch.problems == []
    got = {}
    for result in batch.units:
        rows = {}
        for item in result.items:
            claim = result.self_score(item.item.id)
            assert claim is not None and item.score is not None
            rows[item.item.id] = (claim, item.score, item.score - claim)
        assert result.self_total is not None
        rows["合计"] = (result.self_total, result.total, result.total - result.self_total)
        got[result.unit] = rows
    assert got == {u: {k: tuple(Decimal(x) for x in v) for k, v in r.items()} for u, r in ROWS.items()}
    # The claim never moves the verified score: 新泾镇 claiming 0 everywhere still gets 3.
    modest = score_batch(scheme, merged_returns(scheme, {**CLAIMED, "新泾镇": [0, 0, 0]}), UNITS)
    xinjing = next(u for u in modest.units if u.unit == "新泾镇")
    assert (xinjing.total, xinjing.self_total) == (Decimal(3), Decimal(0))


def test_the_blank_scheme_shows_the_optional_columns(tmp_path: Path) -> None:
    """Authors start from the blank scheme: it must show 填报方 and 说明 (and 读法) to be found."""
    path = write_scheme({"字段": []}, tmp_path / "空白.xlsx")
    headers = [c.value for c in openpyxl.load_workbook(path)["字段"][1]]
    assert headers[-3:] == ["读法", "填报方", "说明"]
