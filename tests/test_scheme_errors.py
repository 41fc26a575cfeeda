"""Scheme mistakes an author makes, each reported by `check_scheme` at its sheet and cell.

A valid scheme is written as markdown tables; each case changes one line of it and checks the
problem as data: sheet, row and column (as Excel numbers them), severity and code, and the
particulars the message must name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rich.console import Console
from typer.testing import CliRunner

import famscore.cli
from famscore.errors import Problem
from famscore.rules import primary_kinds, score_item
from famscore.scheme.loader import check_scheme
from famscore.scheme.model import Scheme

CheckMd = Callable[[str], tuple[Scheme | None, list[Problem]]]

# Rows as Excel numbers them: the header is row 1, so the first data row is row 2.
VALID = """
## 设置
| 项目 | 内容 |
|---|---|
| 标题 | 检查测试 |
| 版本 | 1 |
| 主要指标满分 | 10 |

## 等级
| 等级 | 最低分 |
|---|---|
| 优秀 | 9 |
| 良好 | 8 |
| 合格 | |

## 指标
| 编号 | 一级指标 | 二级指标 | 分值 |
|---|---|---|---|
| A | 基础工作 | | 10 |
| A1 | | 免费药具 | 5 |
| A2 | | 人口家庭发展调研 | 5 |

## 字段
| 字段编号 | 指标编号 | 填报项目 | 类型 | 单位 | 最小值 | 最大值 | 选项 |
|---|---|---|---|---|---|---|---|
| A1_评估 | A1 | 评估得分 | 数值 | 分 | 0 | 100 | |
| A2_质量 | A2 | 调查工作质量 | 选项 | | | | 调研质量 |

## 选项
| 列表 | 选项 |
|---|---|
| 调研质量 | 较高 |
| | 一般 |
| | 未开展 |

## 规则
| 指标编号 | 规则类型 | 字段 | 参数 |
|---|---|---|---|
| A1 | 分档 | A1_评估 | ≥95:5；≥90:4；其他:0 |
| A2 | 选档 | A2_质量 | 较高:5；一般:3；未开展:0 |
"""
TIER_RULE = "| A1 | 分档 | A1_评估 | ≥95:5；≥90:4；其他:0 |"
LEVEL_RULE = "| A2 | 选档 | A2_质量 | 较高:5；一般:3；未开展:0 |"


Place = tuple[str, int | None, int | None, str, str]  # sheet, row, column, level, code


def flatten(problems: list[Problem]) -> list[Place]:
    """Problems as (sheet, row, column, level, code), the way they are compared here."""
    return [(p.sheet, p.row, p.column, p.level, p.code) for p in problems]


def mutate(text: str, old: str, new: str) -> str:
    """`text` with the one line `old` replaced: fails loudly if the case no longer matches VALID."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def assert_reported(problems: list[Problem], place: Place, *words: str) -> Problem:
    """The one problem at `place` (sheet, row, column, level, code); its message with fix names every word."""
    hits = [p for p in problems if (p.sheet, p.row, p.column, p.level, p.code) == place]
    assert len(hits) == 1, f"expected one {place}; got {flatten(problems)}"
    message = hits[0].as_dict()["message"]
    assert all(w in message for w in words), (words, message)
    return hits[0]


def test_the_base_scheme_is_valid(check_md: CheckMd) -> None:
    scheme, problems = check_md(VALID)
    assert scheme is not None
    assert flatten(problems) == []


CASES = [
    pytest.param(
        TIER_RULE,
        "| A1 | 分段 | A1_评估 | ≥95:5；≥90:4；其他:0 |",
        (("规则", 2, 2, "error", "SCHEME_RULE_KIND_UNKNOWN"), ["「分段」", *primary_kinds()]),
        id="unknown-rule-kind",
    ),
    pytest.param(
        TIER_RULE,
        "| A1 | 分档 | A1_评价 | ≥95:5；≥90:4；其他:0 |",
        (("规则", 2, 3, "error", "RULE_FIELD_UNKNOWN_NEAR"), ["「A1_评价」", "是否想写「A1_评估」"]),
        id="unknown-field-reference",
    ),
    pytest.param(
        TIER_RULE,
        "| A3 | 分档 | A1_评估 | ≥95:5；≥90:4；其他:0 |",
        (("规则", 2, 1, "error", "SCHEME_ITEM_ID_UNKNOWN"), ["「A3」", "先在「指标」表中添加该指标"]),
        id="unknown-item-reference",
    ),
    pytest.param(
        "| A1 | | 免费药具 | 5 |",
        "| A1 | | 免费药具 | 4 |",
        (("指标", 2, None, "error", "SCHEME_CATEGORY_POINTS_MISMATCH"), ["「基础工作」分值为 10", "合计 9"]),
        id="items-do-not-add-up-to-category",
    ),
    pytest.param(
        "| 主要指标满分 | 10 |",
        "| 主要指标满分 | 12 |",
        (("设置", 4, 2, "error", "SCHEME_MAIN_POINTS_MISMATCH"), ["满分为 12", "合计 10"]),
        id="categories-do-not-add-up-to-main-points",
    ),
    pytest.param(
        LEVEL_RULE,
        "| A2 | 选档 | A2_质量 | 较高:6；一般:3；未开展:0 |",
        (
            ("规则", 3, None, "warning", "SCHEME_RULES_ABOVE_POINTS"),
            ["（A2）本项分值 5", "可得 6 分", "第 4 行"],
        ),
        id="rule-awards-more-than-item-points",
    ),
    pytest.param(
        TIER_RULE,
        "| A1 | 分档 | A1_评估 | ≥90:6；≥95:8；其他:0 |",
        (("规则", 2, 4, "error", "RULE_TIER_NEVER_HIT"), ["第 2 档「≥95」"]),
        id="overlapping-tiers",
    ),
    pytest.param(
        TIER_RULE,
        "| A1 | 分档 | A1_评估 | 95-100:5；90-94:4；其他:0 |",
        (("规则", 2, 4, "error", "RULE_TIER_GAP"), ["94 与 95 之间"]),
        id="gapped-tiers-on-a-decimal-field",
    ),
    pytest.param(
        TIER_RULE,
        "| A1 | 分档 | A1_评估 | ≥95:5；≥90:4 |",
        (("规则", 2, 4, "error", "RULE_TIER_OTHER_MISSING"), []),
        id="missing-other-tier",
    ),
    pytest.param(
        TIER_RULE,
        "| A1 | 满分 | | |\n| A1 | 低于标准扣分 | A1_评估 | 标准=98；每=1；扣=0.2 |",
        (("规则", 3, 4, "error", "RULE_DEDUCTION_MODE_MISSING"), []),
        id="deduction-without-mode",
    ),
    pytest.param(
        "| 良好 | 8 |",
        "| 良好 | 9.5 |",
        (("等级", 3, 2, "error", "SCHEME_BAND_ORDER"), ["「良好」的最低分 9.5", "「优秀」的 9"]),
        id="bands-out-of-order",
    ),
    pytest.param(
        "| A2 | | 人口家庭发展调研 | 5 |",
        "| A1 | | 人口家庭发展调研 | 5 |",
        (("指标", 4, 1, "error", "SCHEME_INDICATOR_ID_TWICE"), ["「A1」", "第 3 行"]),
        id="duplicate-item-id",
    ),
    pytest.param(
        "| A2_质量 | A2 | 调查工作质量 | 选项 | | | | 调研质量 |",
        "| A1_评估 | A2 | 调查工作质量 | 选项 | | | | 调研质量 |",
        (("字段", 3, 1, "error", "SCHEME_FIELD_ID_TWICE"), ["「A1_评估」"]),
        id="duplicate-field-id",
    ),
    pytest.param(
        LEVEL_RULE,
        "",
        (
            ("指标", 4, None, "error", "SCHEME_ITEM_WITHOUT_RULES"),
            ["「人口家庭发展调研」（A2）", "为 A2 添加"],
        ),
        id="item-without-rules",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), CASES)
def test_a_scheme_mistake_is_reported_where_it_is(
    check_md: CheckMd, old: str, new: str, expected: tuple[Place, list[str]]
) -> None:
    place, words = expected
    scheme, problems = check_md(mutate(VALID, old, new))
    assert_reported(problems, place, *words)
    errors = [p for p in problems if p.is_error]
    # an error makes the scheme unusable; a warning alone leaves it usable
    assert (scheme is None) == bool(errors)
    assert (scheme is None) == (place[3] == "error")


def test_gapped_ranges_on_an_integer_field_have_no_gap(check_md: CheckMd) -> None:
    text = mutate(
        VALID,
        "| A1_评估 | A1 | 评估得分 | 数值 | 分 | 0 | 100 | |",
        "| A1_评估 | A1 | 名次 | 整数 | 名 | 1 | 100 | |",
    )
    text = mutate(text, TIER_RULE, "| A1 | 分档 | A1_评估 | 95-100:5；90-94:4；其他:0 |")
    scheme, problems = check_md(text)
    assert flatten(problems) == []
    assert scheme is not None
    item = scheme.item("A1")
    assert score_item(item, {"A1_评估": Decimal(94)}).score == Decimal(4)
    assert score_item(item, {"A1_评估": Decimal(95)}).score == Decimal(5)


def test_an_unused_field_is_a_warning(check_md: CheckMd) -> None:
    text = mutate(
        VALID,
        "| A2_质量 | A2 | 调查工作质量 | 选项 | | | | 调研质量 |",
        "| A2_质量 | A2 | 调查工作质量 | 选项 | | | | 调研质量 |\n| A2_篇数 | A2 | 调研报告篇数 | 整数 | 篇 | 0 | | |",
    )
    scheme, problems = check_md(text)
    assert scheme is not None
    assert_reported(problems, ("字段", 4, None, "warning", "SCHEME_FIELD_UNUSED"), "「A2_篇数」")
    assert [p for p in problems if p.is_error] == []


def test_a_missing_sheet_suggests_the_near_name(scheme_file: Callable[[str], Path]) -> None:
    path = scheme_file(VALID)
    book = load_workbook(path)
    book["规则"].title = "计分规则"
    book.save(path)
    scheme, problems = check_scheme(path)
    assert scheme is None
    assert_reported(
        problems,
        ("规则", None, None, "error", "SCHEME_SHEET_MISSING_NEAR"),
        "是否是工作表「计分规则」？请把它改名为「规则」",
    )


def test_a_missing_header_is_located(scheme_file: Callable[[str], Path]) -> None:
    path = scheme_file(VALID)
    book = load_workbook(path)
    book["规则"]["D1"] = "计分参数"
    book.save(path)
    scheme, problems = check_scheme(path)
    assert scheme is None
    assert_reported(
        problems,
        ("规则", 1, None, "error", "SCHEME_HEADERS_MISSING"),
        "「参数」",
        "指标编号、规则类型、字段、参数",
    )


def test_every_mistake_is_reported_in_one_pass(check_md: CheckMd) -> None:
    text = mutate(VALID, "| 良好 | 8 |", "| 良好 | 9.5 |")
    text = mutate(text, "| A1 | | 免费药具 | 5 |", "| A1 | | 免费药具 | 4 |")
    text = mutate(
        text,
        "| A2_质量 | A2 | 调查工作质量 | 选项 | | | | 调研质量 |",
        "| A2_质量 | A2 | 调查工作质量 | 选项 | | | | 调研质量 |\n| A2_质量 | A2 | 重复 | 数值 | | | | |",
    )
    text = mutate(text, TIER_RULE, "| A1 | 分段 | A1_评估 | ≥95:5；其他:0 |")
    text = mutate(text, LEVEL_RULE, "| A2 | 选档 | A2_质粮 | 较高:5；一般:3；未开展:0 |")
    scheme, problems = check_md(text)
    assert scheme is None
    assert flatten(problems) == [
        ("等级", 3, 2, "error", "SCHEME_BAND_ORDER"),
        ("字段", 4, 1, "error", "SCHEME_FIELD_ID_TWICE"),
        ("规则", 2, 2, "error", "SCHEME_RULE_KIND_UNKNOWN"),
        ("规则", 3, 3, "error", "RULE_FIELD_UNKNOWN_NEAR"),
        ("指标", 2, None, "error", "SCHEME_CATEGORY_POINTS_MISMATCH"),
        # Not also "没有计分规则" for the two items whose rule rows were refused, nor "没有被使用" for the
        # fields only those rows read: knock-ons of the two rule errors (tests/test_clerk_knockon.py).
    ]
    assert_reported(problems, ("规则", 3, 3, "error", "RULE_FIELD_UNKNOWN_NEAR"), "是否想写「A2_质量」")


# ---------------------------------------------------------------- famscore check


@pytest.fixture
def wide_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's diagnostics console, wide enough that table cells are not folded mid-message."""
    monkeypatch.setattr(famscore.cli, "err", Console(stderr=True, width=400))
    monkeypatch.setattr(famscore.cli, "out", Console(width=400))


@pytest.mark.usefixtures("wide_stderr")
def test_cli_check_exits_2_on_an_invalid_scheme_and_locates_the_problem(
    scheme_file: Callable[[str], Path],
) -> None:
    path = scheme_file(mutate(VALID, TIER_RULE, "| A1 | 分段 | A1_评估 | ≥95:5；≥90:4；其他:0 |"))
    result = CliRunner().invoke(famscore.cli.app, ["check", str(path)])
    assert result.exit_code == 2, result.output
    # one table row ties severity, file, sheet and cell to the message
    row = rf"│ 错误 │ {re.escape(path.name)} │ 规则 +│ B2 +│ 不认识的规则类型「分段」。可用规则类型：满分、"
    assert re.search(row, result.output), result.output
    assert "无法使用" in result.output


@pytest.mark.usefixtures("wide_stderr")
def test_cli_check_exits_0_on_a_valid_scheme(scheme_file: Callable[[str], Path]) -> None:
    result = CliRunner().invoke(famscore.cli.app, ["check", str(scheme_file(VALID))])
    assert result.exit_code == 0, result.output
    assert "考评表可以使用" in result.output
