"""Decimal tier bands at their edges, as docs/scheme-format.md (分档的小数边界) documents them, and units in conditions."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from famscore.errors import Problem
from famscore.rules import score_item
from famscore.scheme.model import Scheme

DOCS = Path(__file__).resolve().parent.parent / "docs" / "scheme-format.md"
CheckMd = Callable[[str], tuple[Scheme | None, list[Problem]]]


def one_tier_rule(params: str, field_type: str = "数值", unit: str = "个") -> str:
    return f"""
## 设置
| 项目 | 内容 |
|---|---|
| 标题 | 分档边界 |
| 版本 | 1 |
| 主要指标满分 | 6 |

## 指标
| 编号 | 一级指标 | 二级指标 | 分值 |
|---|---|---|---|
| A | 托育服务 | | 6 |
| A3 | | 每千人口托位数 | 6 |

## 字段
| 字段编号 | 指标编号 | 填报项目 | 类型 | 单位 | 最小值 | 最大值 |
|---|---|---|---|---|---|---|
| A3_每千人口托位数 | A3 | 每千人口托位数 | {field_type} | {unit} | 0 | 100 |

## 规则
| 指标编号 | 规则类型 | 字段 | 参数 |
|---|---|---|---|
| A3 | 分档 | A3_每千人口托位数 | {params} |
"""


def documented() -> tuple[str, list[tuple[str, str]]]:
    """The example rule's 参数 and its (填报值, 得分) table, as the docs section shows them."""
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("### 分档的小数边界", 1)[1].split("\n### ", 1)[0]
    rule = re.search(r"^\| A3 \| 分档 \| A3_每千人口托位数 \| ([^|]+) \|", section, re.MULTILINE)
    assert rule is not None
    values = re.search(r"^\| 填报值 \|(.+)\|$", section, re.MULTILINE)
    scores = re.search(r"^\| 得分 \|(.+)\|$", section, re.MULTILINE)
    assert values is not None and scores is not None
    pairs = list(zip(values.group(1).split("|"), scores.group(1).split("|"), strict=True))
    return rule.group(1).strip(), [(v.strip(), s.strip()) for v, s in pairs]


def test_the_documented_decimal_bands_score_as_documented(check_md: CheckMd) -> None:
    params, table = documented()
    assert params == "≥4.5个:6；3.5-4.5个:4；其他:0"
    assert table == [("3.4", "0"), ("3.5", "4"), ("4.49", "4"), ("4.5", "6"), ("5.5", "6")]
    scheme, problems = check_md(one_tier_rule(params))
    assert problems == [] and scheme is not None
    for value, expected in table:
        result = score_item(scheme.item("A3"), {"A3_每千人口托位数": Decimal(value)})
        assert result.score == Decimal(expected), (value, result.explanation)


def test_a_unit_after_the_number_reads_as_without_it(check_md: CheckMd) -> None:
    with_unit, _ = check_md(one_tier_rule("≥4.5个:6；3.5-4.5个:4；其他:0"))
    bare, _ = check_md(one_tier_rule("≥4.5:6；3.5-4.5:4；其他:0"))
    assert with_unit is not None and bare is not None
    for value in ("3.4", "3.5", "4.5", "9"):
        a = score_item(with_unit.item("A3"), {"A3_每千人口托位数": Decimal(value)})
        b = score_item(bare.item("A3"), {"A3_每千人口托位数": Decimal(value)})
        assert (a.score, a.explanation) == (b.score, b.explanation)


@pytest.mark.parametrize(
    ("params", "field_type", "unit"),
    [("≥95%:6；≥90％:4；其他:0", "百分比", "%"), ("1-3名:6；4-7名:4；其他:0", "整数", "名")],
)
def test_a_percent_field_and_a_named_unit_may_be_written(
    check_md: CheckMd, params: str, field_type: str, unit: str
) -> None:
    scheme, problems = check_md(one_tier_rule(params, field_type, unit))
    assert [p.code for p in problems] == []
    assert scheme is not None


def test_another_unit_is_still_refused(check_md: CheckMd) -> None:
    # 件 is not this field's unit: the condition means something the author did not write.
    _scheme, problems = check_md(one_tier_rule("3.5-4.5件:4；其他:0"))
    assert "RULE_TIER_CONDITION_UNKNOWN" in [p.code for p in problems]


@pytest.mark.parametrize(
    ("params", "field_type", "code"),
    [
        ("3.5-4.5:4；4.5-5.5:6；其他:0", "数值", "RULE_TIER_OVERLAP"),  # 4.5 in both
        ("4.5-100:6；3.5-4.4:4；其他:0", "数值", "RULE_TIER_GAP"),  # 4.45 in neither
        ("4-100:6；1-3:4；其他:0", "整数", None),  # no whole number between 3 and 4
    ],
)
def test_edges_that_touch_or_leave_a_gap(
    check_md: CheckMd, params: str, field_type: str, code: str | None
) -> None:
    _scheme, problems = check_md(one_tier_rule(params, field_type))
    assert (problems[0].code if problems else None) == code
