"""Interval algebra behind the tier checks, as properties against brute force on a fine grid."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from famscore.errors import Problem
from famscore.rules import score_item
from famscore.rules.intervals import Interval, gaps, is_covered, union
from famscore.scheme.model import Scheme

# Ends are whole numbers 0..10, so quarter steps (plus far outside) meet every piece, end and hole.
GRID = [Decimal(-100), *(Decimal(q) / 4 for q in range(-8, 49)), Decimal(100)]


@st.composite
def intervals(draw: st.DrawFn) -> Interval:
    lo = draw(st.none() | st.integers(0, 10))
    hi = draw(st.none() | st.integers(0 if lo is None else lo, 10))
    # as tier conditions are: never empty, so a single number is closed at both ends
    point = lo is not None and lo == hi
    lo_closed = lo is not None and (point or draw(st.booleans()))
    hi_closed = hi is not None and (point or draw(st.booleans()))
    return Interval(
        None if lo is None else Decimal(lo), lo_closed, None if hi is None else Decimal(hi), hi_closed
    )


many = st.lists(intervals(), min_size=1, max_size=5)


def in_any(v: Decimal, these: list[Interval]) -> bool:
    return any(i.contains(v) for i in these)


@given(many)
def test_union_holds_the_same_numbers_in_disjoint_sorted_pieces(these: list[Interval]) -> None:
    pieces = union(these)
    assert all(in_any(v, pieces) == in_any(v, these) for v in GRID)
    for a, b in itertools.pairwise(pieces):
        # a hole separates neighbours: some grid number lies between them, in neither
        between = [v for v in GRID if (a.hi is not None and v >= a.hi) and (b.lo is not None and v <= b.lo)]
        assert any(not a.contains(v) and not b.contains(v) for v in between)


@given(intervals(), many)
def test_is_covered_means_every_number_is_in_some_other(inner: Interval, others: list[Interval]) -> None:
    expected = all(in_any(v, others) for v in GRID if inner.contains(v))
    assert is_covered(inner, others) == expected


@given(intervals(), intervals())
def test_overlaps_means_a_shared_number(a: Interval, b: Interval) -> None:
    assert a.overlaps(b) == any(a.contains(v) and b.contains(v) for v in GRID)
    assert a.overlaps(b) == b.overlaps(a)


@given(many, st.booleans())
def test_gaps_are_the_numbers_between_the_tiers_that_no_tier_holds(
    these: list[Interval], integer: bool
) -> None:
    inside = [v for v in GRID if in_any(v, these)]
    holes = [
        v
        for v in GRID
        if inside[0] < v < inside[-1] and not in_any(v, these) and (not integer or v == v.to_integral_value())
    ]
    assert bool(gaps(these, integer=integer)) == bool(holes)


def test_gaps_name_the_ends_around_the_first_hole() -> None:
    tiers = [Interval(Decimal(95), True, None, False), Interval(Decimal(90), True, Decimal(94), True)]
    assert gaps(tiers, integer=False) == [(Decimal(94), Decimal(95))]
    # whole numbers only: nothing lies between 94 and 95
    assert gaps(tiers, integer=True) == []


# ---------------------------------------------------------------- through a scheme workbook

TIERED = """
## 设置
| 项目 | 内容 |
|---|---|
| 标题 | 档位测试 |
| 版本 | 1 |
| 主要指标满分 | 8 |

## 指标
| 编号 | 一级指标 | 二级指标 | 分值 |
|---|---|---|---|
| A | 工作 | | 8 |
| A1 | | 评估 | 8 |

## 字段
| 字段编号 | 指标编号 | 填报项目 | 类型 | 最小值 | 最大值 |
|---|---|---|---|---|---|
| A1_分 | A1 | 评估得分 | 数值 | 0 | 100 |

## 规则
| 指标编号 | 规则类型 | 字段 | 参数 |
|---|---|---|---|
| A1 | 分档 | A1_分 | TIERS |
"""


def test_a_tier_for_exactly_the_number_another_tier_starts_above_leaves_no_gap(
    check_md: Callable[[str], tuple[Scheme | None, list[Problem]]],
) -> None:
    scheme, problems = check_md(TIERED.replace("TIERS", ">95:8；=95:6；<95:0；其他:0"))
    assert [p.message for p in problems] == []
    assert scheme is not None
    item = scheme.item("A1")
    assert [score_item(item, {"A1_分": Decimal(v)}).score for v in ("96", "95", "94.9")] == [8, 6, 0]


def test_a_tier_the_ones_before_it_already_cover_is_reported(
    check_md: Callable[[str], tuple[Scheme | None, list[Problem]]],
) -> None:
    scheme, problems = check_md(TIERED.replace("TIERS", ">95:8；=95:6；≥95:4；其他:0"))
    assert scheme is None
    (found,) = [p for p in problems if p.sheet == "规则"]
    assert (found.cell, found.is_error) == ("D2", True)
    assert "第 3 档「≥95」与前面的档位重叠，永远不会命中" in found.message
