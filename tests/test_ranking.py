"""Ranking invariants as properties: order of files never matters, ties share, vetoes hold."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from famscore.returns import ReturnData
from famscore.rules.flags import Effect
from famscore.scheme.model import Scheme
from famscore.scoring import score_batch

SCHEME = """
## 设置
| 项目 | 内容 |
|---|---|
| 标题 | 排名测试 |
| 版本 | 1 |
| 主要指标满分 | 10 |
| 附加分满分 | 5 |

## 等级
| 等级 | 最低分 |
|---|---|
| 优秀 | 9 |
| 合格 | 6 |
| 不合格 | |

## 指标
| 编号 | 一级指标 | 二级指标 | 分值 | 计分类别 |
|---|---|---|---|---|
| A | 工作 | | 10 | |
| A1 | | 评定 | 10 | |
| B | 创新 | | 5 | 附加 |
| B1 | | 创新 | 5 | |

## 字段
| 字段编号 | 指标编号 | 填报项目 | 类型 | 最大值 | 必填 |
|---|---|---|---|---|---|
| A1_分 | A1 | 评定分 | 评分 | 10 | |
| A1_事故 | A1 | 发生事故 | 是否 | | |
| A1_舆论 | A1 | 重大舆论 | 是否 | | |
| B1_分 | B1 | 创新分 | 评分 | 5 | |

## 规则
| 指标编号 | 规则类型 | 字段 | 参数 |
|---|---|---|---|
| A1 | 评分 | A1_分 | |
| A1 | 否决 | A1_事故 | 后果=取消评优 |
| A1 | 否决 | A1_舆论 | 后果=排名末位 |
| B1 | 评分 | B1_分 | |
"""


@pytest.fixture(scope="module")
def scheme(tmp_path_factory: pytest.TempPathFactory) -> Scheme:
    from conftest import write_markdown_scheme

    from famscore.scheme.loader import load_scheme

    return load_scheme(write_markdown_scheme(SCHEME, tmp_path_factory.mktemp("s") / "s.xlsx"))


def unit(name: str, main: str, bonus: str = "0", accident: bool = False, last: bool = False) -> ReturnData:
    data = ReturnData(f"{name}.xlsx", f"/x/{name}.xlsx", unit=name)
    data.values = {"A1_分": Decimal(main), "B1_分": Decimal(bonus), "A1_事故": accident, "A1_舆论": last}
    return data


def ranks(scheme: Scheme, units: list[ReturnData]) -> dict[str, int | None]:
    return {u.unit: u.rank for u in score_batch(scheme, units).units}


def test_ties_share_a_rank_and_the_next_rank_skips(scheme: Scheme) -> None:
    got = ranks(scheme, [unit("甲", "9"), unit("乙", "8", "1"), unit("丙", "9"), unit("丁", "7")])
    assert got == {"甲": 1, "乙": 1, "丙": 1, "丁": 4}
    got = ranks(scheme, [unit("甲", "10"), unit("乙", "8"), unit("丙", "8"), unit("丁", "7")])
    assert got == {"甲": 1, "乙": 2, "丙": 2, "丁": 4}


def test_forced_last_ranks_after_everyone_and_no_top_loses_the_top_band(scheme: Scheme) -> None:
    batch = score_batch(
        scheme, [unit("甲", "10", last=True), unit("乙", "5"), unit("丙", "9.5", accident=True)]
    )
    by_name = {u.unit: u for u in batch.units}
    assert [u.unit for u in batch.units] == ["丙", "乙", "甲"]
    assert by_name["甲"].rank == 3 and by_name["甲"].grade == "优秀"
    assert by_name["丙"].grade == "合格" and by_name["丙"].rank == 1
    assert [f.effect for f in by_name["丙"].flags] == [Effect.NO_TOP]
    assert [f.effect for f in by_name["甲"].flags] == [Effect.LAST]


scores = st.decimals(min_value=0, max_value=10, places=1)
bonuses = st.decimals(min_value=0, max_value=5, places=1)
units_strategy = st.lists(
    st.tuples(scores, bonuses, st.booleans(), st.booleans()), min_size=1, max_size=12
).map(lambda rows: [unit(f"单位{i:02d}", str(m), str(b), a, lst) for i, (m, b, a, lst) in enumerate(rows)])


@settings(max_examples=60, deadline=None)
@given(units=units_strategy, data=st.data())
def test_ranking_does_not_depend_on_file_order(
    scheme: Scheme, units: list[ReturnData], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(units))
    first = score_batch(scheme, units).units
    second = score_batch(scheme, list(shuffled)).units
    assert [(u.unit, u.rank, u.total, u.grade) for u in first] == [
        (u.unit, u.rank, u.total, u.grade) for u in second
    ]


@settings(max_examples=60, deadline=None)
@given(units=units_strategy)
def test_ranks_are_competition_ranks_over_the_ordered_scores(scheme: Scheme, units: list[ReturnData]) -> None:
    result = score_batch(scheme, units).units
    for position, u in enumerate(result, start=1):
        ahead = [v for v in result[: position - 1]]
        strictly_better = [v for v in ahead if (v.forced_last, -v.total) < (u.forced_last, -u.total)]
        assert u.rank == len(strictly_better) + 1
        if u.forced_last:
            assert all(v.forced_last for v in result[position - 1 :])


@settings(max_examples=40, deadline=None)
@given(units=units_strategy)
def test_a_zero_bonus_adds_nothing(scheme: Scheme, units: list[ReturnData]) -> None:
    for u in score_batch(scheme, units).units:
        assert u.total == u.main + u.bonus
        if u.values["B1_分"] == 0:
            assert u.total == u.main
