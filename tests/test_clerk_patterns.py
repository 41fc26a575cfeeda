"""The brief's worked numbers, every pattern, through the example schemes themselves (the committed workbooks).

tests/test_rules.py proves each pattern on a one-item scheme; this proves that the three example schemes,
as a clerk receives them, encode every pattern of the brief's table and give its numbers. Each value goes
through the reader's per-cell parser (famscore.values.parse_value), then the real scorer.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from famscore.rules import NEVER, score_item
from famscore.rules.flags import Effect
from famscore.scheme.loader import check_scheme, load_scheme
from famscore.scheme.model import Scheme
from famscore.values import parse_value

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
_SCHEMES: dict[str, Scheme] = {}


def scheme_of(slug: str) -> Scheme:
    if slug not in _SCHEMES:
        _SCHEMES[slug] = load_scheme(EXAMPLES / slug / "考评表.xlsx")
    return _SCHEMES[slug]


def scored(slug: str, item: str, raw: dict[str, object]) -> tuple[Decimal | None, str, tuple[Effect, ...]]:
    """Item `item` of example `slug` scored from cells as a unit would type them (blank: left out)."""
    scheme = scheme_of(slug)
    values: dict[str, object] = {}
    for fid, cell in raw.items():
        parsed = parse_value(scheme.fields[fid], cell)
        assert parsed.msg is None, (fid, cell, parsed.msg)
        values[fid] = parsed.value
    result = score_item(scheme.item(item), values, scheme.settings.decimals)
    return result.score, result.explanation, tuple(f.effect for f in result.flags)


CN, QP, CITY = "changning-2023", "qingpu-2020", "city-2023"
YES, NO = "是", "否"

# G3 计生信访稳定: 去京非正常上访, 去京正常访, 市委市政府集体访, 市卫健委集体访, 未积极处置, 交办未解决, then 重大舆论扣分.
PETITIONS = (
    "G3_去京非正常上访",
    "G3_去京正常访",
    "G3_市委市政府集体访",
    "G3_市卫健委集体访",
    "G3_未积极处置",
    "G3_交办未解决",
)


def petitions(*counts: int, opinion: int = 0) -> dict[str, object]:
    return {**dict(zip(PETITIONS, counts, strict=True)), "G3_重大舆论扣分": opinion, "G3_排名末位": NO}


def months(*reports: int) -> dict[str, object]:
    return {f"G5_{m}月": n for m, n in zip(range(5, 12), reports, strict=True)}


def free_items(fields: tuple[str, ...], unmet: int) -> dict[str, object]:
    """The first `unmet` requirements answered 否, the rest 是."""
    return {f: (NO if n < unmet else YES) for n, f in enumerate(fields)}


D2_CHECKS = ("D2_月报表报送", "D2_质量管理措施", "D2_检查信息录入")
D3_CHECKS = ("D3_协议履行", "D3_质量经费监管", "D3_信息系统应用")
G6_PARTS = ("G6_队伍建设", "G6_主题宣传", "G6_特殊家庭帮扶", "G6_生殖健康项目", "G6_家庭健康促进")

# (pattern, example, item, cells, expected score) — the brief's table, verbatim.
CASES = [
    ("tiers on a value", CN, "D4", {"D4_评估得分": 96}, "8"),
    ("tiers on a value", CN, "D4", {"D4_评估得分": 94.5}, "6"),
    ("tiers on a value", CN, "D4", {"D4_评估得分": 80}, "2"),
    ("tiers on a value", CN, "D4", {"D4_评估得分": 79.9}, "0"),
    ("tiers where lower is better", CN, "A3", {"A3_名次": 2}, "3"),
    ("tiers where lower is better", CN, "A3", {"A3_名次": 7}, "2"),
    ("tiers where lower is better", CN, "A3", {"A3_名次": 8}, "1"),
    ("tiers where lower is better", CN, "A3", {"A3_名次": 11}, "0"),
    ("rate with linear deduction", CN, "F3", {"F3_完成率": 96}, "1.6"),
    ("rate with linear deduction", CN, "F3", {"F3_完成率": 96.5}, "1.7"),
    ("rate with linear deduction", CN, "F3", {"F3_完成率": 85}, "0"),
    ("per-incident deductions", CN, "G3", petitions(2, 1, 3, 5, 0, 1, opinion=0), "1.2"),
    ("per-incident deductions", CN, "G3", petitions(7, 0, 0, 0, 0, 0), "-2"),
    ("judged base minus counted", CN, "C1", {"C1_评定分": 6, "C1_未掌握人次": 1}, "1"),
    ("judged base minus counted", CN, "C1", {"C1_评定分": 6, "C1_未掌握人次": 2}, "0"),
    ("choose a level", CN, "C2", {"C2_实施情况": "全面实施"}, "6"),
    ("conditional base + checklist", CN, "D2", {"D2_完成率": 96, **free_items(D2_CHECKS, 1)}, "3.5"),
    ("checklist", CN, "D3", free_items(D3_CHECKS, 2), "1"),
    ("sum of judged parts", CN, "G6", dict(zip(G6_PARTS, (3, 2.5, 4, 3, 4), strict=True)), "16.5"),
    ("compound rule", CN, "G5", {**months(3, 4, 3, 2, 3, 3, 1), "G5_录用篇数": 3}, "1"),
    ("highest level achieved", CN, "H1", {"H1_创新层级": "市级"}, "10"),
    ("count × points with a cap", QP, "G1", {"G1_创新项数": 3}, "10"),
    ("count × points with a cap", QP, "G1", {"G1_创新项数": 1}, "5"),
    ("two independent thresholds", QP, "D3", {"D3_反馈率": 96, "D3_查验无结果率": 6}, "1"),
    ("ratio computed from inputs", CITY, "A3", {"A3_托位总数": 1800, "A3_总人口": 520000}, "0"),
    ("ratio computed from inputs", CITY, "A3", {"A3_托位总数": 1900, "A3_总人口": 520000}, "6"),
    ("rates in other units", CITY, "E1", {"E1_孕产妇死亡率": 15.2, "E1_婴儿死亡率": 3.1}, "3"),
]


@pytest.mark.parametrize(
    ("pattern", "slug", "item", "cells", "expected"),
    CASES,
    ids=[f"{c[0]}-{c[2]}-{n}" for n, c in enumerate(CASES)],
)
def test_the_brief_worked_example(
    pattern: str, slug: str, item: str, cells: dict[str, object], expected: str
) -> None:
    score, explanation, flags = scored(slug, item, cells)
    assert score == Decimal(expected), explanation
    assert flags == ()


def test_rates_in_other_units_are_3_of_6() -> None:
    assert scheme_of(CITY).item("E1").points == Decimal(6)


def test_a_judged_part_above_its_own_cap_is_an_input_error() -> None:
    # 计生协会工作 18 = 3+3+4+4+4: 3.5 in the 3-point part is refused, never clamped to 3.
    parsed = parse_value(scheme_of(CN).fields["G6_队伍建设"], 3.5)
    assert parsed.value is None and parsed.msg is not None and parsed.msg.name == "VALUE_ABOVE_MAXIMUM"


@pytest.mark.parametrize(("issued", "deducted"), [(dt.date(2024, 8, 15), "3"), (NEVER, "5")])
def test_deadline_deductions_are_cumulative(issued: object, deducted: str) -> None:
    # D2 also judges 资金到位率 and 支出进度: both met here, so only the deadlines take points.
    cells = {"D2_资金到位率": 100, "D2_下达日期": issued, "D2_支出进度": 90}
    score, explanation, _ = scored(CITY, "D2", cells)
    assert score == scheme_of(CITY).item("D2").points - Decimal(deducted), explanation


def test_step_deductions_state_their_reading() -> None:
    # The brief leaves it to the scheme: the city example states whole steps (按整档), in its 说明 too.
    score, explanation, _ = scored(CITY, "D1", {"D1_经费到位率": 97.5})
    assert score == Decimal(6) - Decimal(4), explanation  # 2.5 points below: two whole steps of 2


@pytest.mark.parametrize(
    ("slug", "item", "cells", "effect"),
    [
        (CITY, "G2", {"G2_较大安全事故": YES}, Effect.NO_TOP),
        (CN, "G3", {**petitions(0, 0, 0, 0, 0, 0), "G3_排名末位": YES}, Effect.LAST),
    ],
)
def test_veto_flags_the_item(slug: str, item: str, cells: dict[str, object], effect: Effect) -> None:
    # The item's counts at 0: the veto alone takes effect.
    raw = {f.id: 0 for f in scheme_of(slug).fields.values() if f.item_id == item and f.type == "整数"}
    _score, _explanation, flags = scored(slug, item, {**raw, **cells})
    assert flags == (effect,)


def test_the_scheme_inconsistency_is_reported_with_sheet_and_row() -> None:
    # 001 人口家庭发展调研: worth 5, its rule awards 6.
    _scheme, problems = check_scheme(EXAMPLES / QP / "考评表.xlsx")
    assert [(p.code, p.sheet, p.row) for p in problems] == [("SCHEME_RULES_ABOVE_POINTS", "规则", 6)]
    assert "「人口家庭发展调研」（B2）本项分值 5，但规则（第 6 行）最多可得 6 分" in problems[0].message
