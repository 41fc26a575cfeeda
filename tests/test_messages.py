"""The message catalogue: one member per kind of problem, codes on problems, the generated docs page."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import inspect
import pickle
import zipfile
from decimal import Decimal
from pathlib import Path
from string import Formatter

import openpyxl
import pytest
from conftest import write_markdown_scheme

from famscore.cli_zh import ZH
from famscore.errors import ERROR, Problem, SchemeError, UsageError
from famscore.messages import PLACEHOLDERS, Msg, catalogue_markdown, placeholders
from famscore.safety import open_return, scan_sheet
from famscore.scheme.loader import load_scheme
from famscore.scheme.model import Field
from famscore.values import PERCENT_FORMAT, PLAIN, UNKNOWN_FORMAT, Parsed, parse_value

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "problem-codes.md"


def test_no_two_messages_collapse_into_one_code() -> None:
    # Enum members with equal values become aliases: the second code would silently vanish.
    assert len(list(Msg)) == len(Msg.__members__)


def test_every_code_is_upper_snake_case_and_every_template_fills() -> None:
    for member in Msg:
        assert member.name.replace("_", "").isalnum() and member.name.isupper(), member.name
        text, fix = member.detail.text, member.detail.fix
        assert text and "{}" not in text + fix, member.name


def test_a_problem_from_the_catalogue_carries_its_code_and_place_as_data() -> None:
    problem = Msg.UNIT_NOT_RETURNED.problem("回表.xlsx", "填报", 7, 3, unit="新华街道", note="")
    assert (problem.code, problem.file, problem.sheet, problem.row, problem.column) == (
        "UNIT_NOT_RETURNED",
        "回表.xlsx",
        "填报",
        7,
        3,
    )
    assert problem.cell == "C7" and problem.severity == ERROR and problem.level == "error"
    assert problem.message == "单位「新华街道」没有交回填报表" and problem.fix == "请催交后重新计分"
    assert problem.as_dict()["code"] == "UNIT_NOT_RETURNED"


def test_a_cell_written_by_hand_still_gives_row_and_column() -> None:
    assert (Problem("f", "s", "AB12").row, Problem("f", "s", "AB12").column) == (12, 28)
    assert (Problem("f", "s", "第 4 行").row, Problem("f", "s", "第 4 行").column) == (4, None)
    assert Problem("f", "s", "A1:B3").row is None  # a range is for people; no single place


def test_the_docs_page_lists_every_code_and_is_current() -> None:
    assert DOCS.read_text(encoding="utf-8") == catalogue_markdown(), (
        "docs/problem-codes.md is out of date: run  python -m famscore.messages > docs/problem-codes.md"
    )
    page = catalogue_markdown()
    for member in Msg:
        assert f"| {member.name} |" in page
    # and every sentence the command line's own usage errors and help use (famscore.cli_zh)
    assert all(f"| {key} | {text} |" in page for key, text in ZH.items())


def test_every_placeholder_is_explained_on_the_docs_page() -> None:
    used = {name for member in Msg for name in placeholders(member)}
    assert sorted(used - set(PLACEHOLDERS)) == [], "add what they stand for to messages.PLACEHOLDERS"
    assert sorted(set(PLACEHOLDERS) - used) == []  # and nothing explained that no message uses


def test_every_placeholder_is_a_plain_name_and_fills() -> None:
    for member in Msg:
        parsed = [part for text in member.detail[:2] for part in Formatter().parse(text)]
        names = {name for _, name, spec, conversion in parsed if name is not None}
        assert all(name.isidentifier() for name in names), member.name  # no {0}, {x.y}, {x[0]}
        assert all(not spec and not conversion for _, name, spec, conversion in parsed if name), member.name
        text, fix = member.render(**{name: f"<{name}>" for name in names})
        assert all(f"<{name}>" in text + fix for name in names), member.name


# ---------------------------------------------------------------- values in returns (famscore.values)

VALUES_SCHEME = """
## 设置
| 项目 | 内容 |
|---|---|
| 标题 | 测试考评 |
| 年度 | 2023 |
| 版本 | 1 |
| 主要指标满分 | 10 |

## 指标
| 编号 | 一级指标 | 二级指标 | 分值 |
|---|---|---|---|
| A | 甲 | | 10 |
| A1 | | 完成率 | 10 |

## 字段
| 字段编号 | 指标编号 | 填报项目 | 类型 | 单位 | 最小值 | 最大值 | 选项 |
|---|---|---|---|---|---|---|---|
| 率 | A1 | 完成率 | 百分比 | % | 0 | 100 | |
| 人数 | A1 | 人数 | 整数 | 人 | 0 | 50 | |
| 千分率 | A1 | 千分率 | 百分比 | ‰ | 0 | 1000 | |
| 是否 | A1 | 是否 | 是否 | | | | |
| 等级 | A1 | 等级 | 选项 | | | | 等级 |
| 日期 | A1 | 日期 | 日期 | | | | |

## 选项
| 列表 | 选项 |
|---|---|
| 等级 | 优 |
| 等级 | 良 |

## 规则
| 指标编号 | 规则类型 | 字段 | 参数 |
|---|---|---|---|
| A1 | 满分 | | |
"""


@pytest.fixture(scope="module")
def fields(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Field]:
    path = write_markdown_scheme(VALUES_SCHEME, tmp_path_factory.mktemp("values") / "考评表.xlsx")
    return dict(load_scheme(path).fields)


@pytest.mark.parametrize(
    ("field", "raw", "cell_format", "code"),
    [
        ("率", float("nan"), PLAIN, "VALUE_NO_RESULT"),
        ("率", "#DIV/0!", PLAIN, "VALUE_ERROR_CELL"),
        ("率", True, PLAIN, "VALUE_LOGICAL"),
        ("率", dt.datetime(1900, 4, 4), PLAIN, "VALUE_DATE_CELL"),
        ("率", "九十六", PLAIN, "VALUE_NOT_A_NUMBER"),
        ("率", float("inf"), PLAIN, "VALUE_INVALID_NUMBER"),
        ("率", 1e13, PLAIN, "VALUE_BEYOND_FORMAT"),
        ("率", "9,5", PLAIN, "VALUE_DECIMAL_COMMA"),
        ("率", "1,2,3", PLAIN, "VALUE_SEPARATOR"),
        ("率", "9,5000", PLAIN, "VALUE_SEPARATOR_OR_POINT"),
        ("率", "96‰", PLAIN, "VALUE_WRONG_UNIT"),
        ("人数", 0.5, PERCENT_FORMAT, "VALUE_PERCENT_CELL_IN_UNIT"),
        ("率", 1e11, PERCENT_FORMAT, "VALUE_SCALED_BEYOND_FORMAT"),
        ("人数", "2.5", PLAIN, "VALUE_NOT_INTEGER"),
        ("人数", -1.0, PLAIN, "VALUE_BELOW_MINIMUM"),
        ("率", 101.0, PLAIN, "VALUE_ABOVE_MAXIMUM"),
        ("率", -0.5, PERCENT_FORMAT, "VALUE_PERCENT_CELL_BELOW_MINIMUM"),
        ("率", 1.5, PERCENT_FORMAT, "VALUE_PERCENT_CELL_ABOVE_MAXIMUM"),
        ("率", 0.8, PLAIN, "VALUE_PERCENT_AMBIGUOUS"),
        ("率", 0.8, UNKNOWN_FORMAT, "VALUE_PERCENT_AMBIGUOUS_OLD_FORMAT"),
        ("是否", "可能", PLAIN, "VALUE_NOT_YES_NO"),
        ("等级", "差", PLAIN, "VALUE_NOT_A_CHOICE"),
        ("日期", "1999-12-31", PLAIN, "VALUE_DATE_OUT_OF_RANGE"),
        ("日期", dt.time(8, 30), PLAIN, "VALUE_TIME_NOT_DATE"),
        ("日期", "8月15日", PLAIN, "VALUE_NOT_A_DATE"),
    ],
)
def test_every_refused_value_names_its_code_and_renders_in_full(
    fields: dict[str, Field], field: str, raw: object, cell_format: str, code: str
) -> None:
    parsed = parse_value(fields[field], raw, cell_format)
    assert parsed.value is None and parsed.msg is not None and parsed.msg.code == code
    # What the reader reports: the catalogue's sentence with the field's label, at the cell.
    problem = parsed.msg.problem("回表.xlsx", "填报", 6, 4, label="「完成率」（率）", **parsed.fields)
    assert (problem.file, problem.sheet, problem.row, problem.column, problem.code) == (
        "回表.xlsx",
        "填报",
        6,
        4,
        code,
    )
    assert problem.message == f"「完成率」（率）：{parsed.error}，本项暂不计分" and problem.fix == parsed.fix
    assert "{" not in problem.message + problem.fix and problem.fix, code


def test_the_percent_cell_in_a_field_without_unit_says_it_is_not_a_percentage(
    fields: dict[str, Field],
) -> None:
    parsed = parse_value(fields["是否"], 0.5, PERCENT_FORMAT)
    assert parsed.msg is Msg.VALUE_NOT_YES_NO  # a yes/no field never reads numbers as percentages
    unit_less = dataclasses.replace(fields["人数"], unit="")
    assert parse_value(unit_less, 0.5, PERCENT_FORMAT).msg is Msg.VALUE_PERCENT_CELL_NOT_PERCENT


def test_a_parsed_value_is_cheap_and_says_nothing() -> None:
    parsed = Parsed(Decimal(5))
    assert (parsed.msg, parsed.error, parsed.fix, parsed.warning, dict(parsed.fields)) == (
        None,
        "",
        "",
        "",
        {},
    )


# ---------------------------------------------------------------- return files (famscore.safety)


def _workbook(path: Path, rows: int = 3, columns: int = 2) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "填报"
    sheet.cell(rows, columns, "x")
    book.save(path)
    return path


def _refused(path: Path) -> tuple[str, str, bool]:
    opened = open_return(path)
    assert opened.book is None and opened.msg is not None and opened.refusal is not None
    # The pair callers unpacked before the catalogue: the sentence without the reader's 本文件未计分.
    text, fix = opened.msg.render(**opened.fields)
    assert (
        (opened.message + "，本文件未计分", opened.fix)
        == (text, fix)
        == (
            opened.refusal.message + "，本文件未计分",
            opened.refusal[1],
        )
    )
    return opened.msg.code, opened.sheet, opened.spreadsheet


def test_every_refused_file_names_its_code(tmp_path: Path) -> None:
    good = _workbook(tmp_path / "good.xlsx")
    (tmp_path / "empty.xlsx").write_bytes(b"")
    (tmp_path / "scan.xlsx").write_bytes(b"%PDF-1.4 a scan")
    (tmp_path / "cut.xlsx").write_bytes(good.read_bytes()[:300])
    with zipfile.ZipFile(tmp_path / "letter.xlsx", "w") as letter:
        letter.writestr("word/document.xml", "<w:document/>")
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(tmp_path / "dtd.xlsx", "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/workbook.xml":
                data = b'<!DOCTYPE x [<!ENTITY e "e">]>' + data
            target.writestr(name, data)
    (tmp_path / "locked.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    found = {
        name: _refused(tmp_path / name) for name in ("empty.xlsx", "scan.xlsx", "cut.xlsx", "letter.xlsx")
    }
    assert found == {
        "empty.xlsx": ("RETURN_EMPTY", "", False),
        "scan.xlsx": ("RETURN_RENAMED", "", False),
        "cut.xlsx": ("RETURN_DAMAGED", "", True),
        "letter.xlsx": ("RETURN_OTHER_DOCUMENT", "", False),
    }
    assert _refused(tmp_path / "dtd.xlsx")[0] == "RETURN_DTD"
    assert _refused(tmp_path / "locked.xlsx")[0] == "RETURN_DAMAGED_OR_OLD"
    assert open_return(good).msg is None and open_return(good).message == ""


def test_a_sheet_too_large_is_refused_with_its_code_and_range(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "wide.xlsx", rows=2_000, columns=600)
    refusal = scan_sheet(path.read_bytes(), "填报")
    assert refusal is not None and refusal.msg is Msg.RETURN_SHEET_TOO_LARGE
    assert refusal.fields == {"used": "WB2000:WB2000"}  # as the sheet declares it
    message, fix = refusal  # as the reader unpacked it before the catalogue
    assert message == "这张工作表的使用范围异常巨大（WB2000:WB2000），不像是填报表，已拒绝读取" and fix
    assert pickle.loads(pickle.dumps(refusal)) == refusal and copy.copy(refusal).msg is refusal.msg
    problem = refusal.msg.problem("wide.xlsx", "填报", **refusal.fields)
    assert (problem.code, problem.sheet, problem.row) == ("RETURN_SHEET_TOO_LARGE", "填报", None)
    assert problem.message == message + "，本文件未计分"


# ---------------------------------------------------------------- errors the commands print


def test_an_error_raised_from_the_catalogue_carries_its_code() -> None:
    error = UsageError.from_msg(Msg.CLI_UNIT_NOT_SCORED, "汇总.xlsx", unit="新华", guess="", names="甲、乙")
    assert isinstance(error, UsageError) and error.exit_code == 2
    assert (error.code, error.path, error.fields["unit"]) == ("CLI_UNIT_NOT_SCORED", "汇总.xlsx", "新华")
    assert error.message == "没有找到单位「新华」。。已计分的单位：甲、乙"
    scheme = SchemeError("考评表.xlsx", [Msg.UNIT_NOT_RETURNED.problem(unit="甲", note="")])
    assert (scheme.code, scheme.fields, scheme.message) == (
        "SCHEME_UNUSABLE",
        {"errors": 1},
        Msg.SCHEME_UNUSABLE.render(errors=1)[0],
    )


def test_no_placeholder_is_taken_by_a_problem_argument() -> None:
    # Msg.problem(file, sheet, row, column, cell=, severity=, **fields): a field so named would be lost.
    taken = set(inspect.signature(Msg.problem).parameters) - {"self", "fields"}
    for member in Msg:
        names = {name for text in member.detail[:2] for _, name, _, _ in Formatter().parse(text) if name}
        assert not names & taken, member.name
