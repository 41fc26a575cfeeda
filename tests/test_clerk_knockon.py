"""check reports a refused rule row once: not again as "没有计分规则", "没有被使用" or bounds of the rules left."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from famscore.errors import Problem
from famscore.scheme.model import Scheme

CheckMd = Callable[[str], tuple[Scheme | None, list[Problem]]]

SCHEME = """
## 设置
| 项目 | 内容 |
|---|---|
| 标题 | 连带问题 |
| 版本 | 1 |
| 主要指标满分 | 10 |

## 指标
| 编号 | 一级指标 | 二级指标 | 分值 |
|---|---|---|---|
| A | 基础工作 | | 10 |
| A1 | | 出生信息核实 | 4 |
| A2 | | 计生协会工作 | 6 |

## 字段
| 字段编号 | 指标编号 | 填报项目 | 类型 | 单位 | 最小值 | 最大值 |
|---|---|---|---|---|---|---|
| A1_完成率 | A1 | 核实完成率 | 百分比 | % | 0 | 100 |
| A2_队伍 | A2 | 队伍建设评定分 | 评分 | 分 | 0 | 3 |
| A2_宣传 | A2 | 主题宣传评定分 | 评分 | 分 | 0 | 3 |

## 规则
| 指标编号 | 规则类型 | 字段 | 参数 |
|---|---|---|---|
{rules}
"""
GOOD_A1 = "| A1 | 分档 | A1_完成率 | ≥95:4；其他:0 |"
GOOD_A2 = "| A2 | 评分 | A2_队伍 | |\n| A2 | 评分 | A2_宣传 | |"


def check(check_md: CheckMd, *rules: str) -> list[tuple[str, int | None, str]]:
    _scheme, problems = check_md(SCHEME.format(rules="\n".join(rules)))
    return [(p.code, p.row, p.message) for p in problems]


def test_the_valid_scheme_checks_clean(check_md: CheckMd) -> None:
    assert check(check_md, GOOD_A1, GOOD_A2) == []


def test_one_unknown_field_written_on_two_rows_is_one_problem_naming_both(check_md: CheckMd) -> None:
    assert check(
        check_md,
        "| A1 | 满分 | | |",
        "| A1 | 低于标准扣分 | A1_完成律 | 标准=98；每=1；扣=0.2；方式=按比例 |",
        "| A1 | 低于标准扣分 | A1_完成律 | 标准=90；扣=1；方式=一次性 |",
        GOOD_A2,
    ) == [
        (
            "RULE_FIELD_UNKNOWN_ROWS_NEAR",
            3,
            "字段「A1_完成律」在「字段」表中不存在（规则表第 3、4 行都写了它）",
        )
    ]  # and not "字段「A1_完成率」没有被任何规则使用": it is the field those rows meant


def test_a_refused_part_does_not_make_the_item_fall_short_of_its_points(check_md: CheckMd) -> None:
    # Without the refused row A2 could reach only 3 of its 6 points: that is the refused row, not news.
    assert check(check_md, GOOD_A1, "| A2 | 评分 | A2_队伍 | |", "| A2 | 评分 | A2_宣转 | |") == [
        ("RULE_FIELD_UNKNOWN_NEAR", 4, "字段「A2_宣转」在「字段」表中不存在")
    ]


def test_an_unknown_rule_kind_is_not_also_an_item_without_rules(check_md: CheckMd) -> None:
    problems = check(check_md, "| A1 | 分挡 | A1_完成率 | ≥95:4；其他:0 |", GOOD_A2)
    assert [code for code, _, _ in problems] == ["SCHEME_RULE_KIND_UNKNOWN"]


def test_a_mistyped_item_id_does_not_also_blame_the_item_it_was_meant_for(check_md: CheckMd) -> None:
    problems = check(check_md, GOOD_A1, "| A3 | 评分 | A2_队伍 | |", "| A2 | 评分 | A2_宣传 | |")
    assert [(code, row) for code, row, _ in problems] == [("SCHEME_ITEM_ID_UNKNOWN", 3)]


@pytest.mark.parametrize(
    ("rules", "codes"),
    [
        # A real gap is still reported: no refused row is about A1.
        ((GOOD_A2,), ["SCHEME_ITEM_WITHOUT_RULES", "SCHEME_FIELD_UNUSED"]),
        # A refused row for A2 does not hide that A1 has no rule at all.
        (
            ("| A2 | 评分 | A2_队伍 | |", "| A2 | 评分 | A2_宣转 | |"),
            ["RULE_FIELD_UNKNOWN_NEAR", "SCHEME_ITEM_WITHOUT_RULES", "SCHEME_FIELD_UNUSED"],
        ),
    ],
)
def test_what_is_not_a_knock_on_is_still_reported(
    check_md: CheckMd, rules: tuple[str, ...], codes: list[str]
) -> None:
    assert [code for code, _, _ in check(check_md, *rules)] == codes
