"""Every pattern in the brief's "What a scheme must be able to express" table, with its worked numbers.

Each scheme is a literal markdown table written to a real .xlsx and read back by the real loader, so
the rule text is parsed exactly as an author's workbook would be.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from famscore.rules import NEVER, ItemScore, score_item
from famscore.rules.flags import Effect, Flag
from famscore.scheme.model import Scheme
from famscore.values import parse_value

LoadMd = Callable[[str], Scheme]


def one_item(
    points: int,
    fields: str,
    rules: str,
    *,
    floor: str = "",
    decimals: int = 2,
    bonus: bool = False,
    choices: str = "",
) -> str:
    """A scheme whose only scored item is X1 (plus a 1-point main item when X1 is a bonus item)."""
    main = 1 if bonus else points
    filler_items = "| Z | 基础工作 | | 1 | 主要 | |\n| Z1 | | 基础 | 1 | | |" if bonus else ""
    filler_rules = "| Z1 | 满分 | | |" if bonus else ""
    return f"""
## 设置
| 项目 | 内容 |
|---|---|
| 标题 | 规则测试 |
| 版本 | 1 |
| 小数位数 | {decimals} |
| 主要指标满分 | {main} |
| 附加分满分 | {points if bonus else 0} |

## 指标
| 编号 | 一级指标 | 二级指标 | 分值 | 计分类别 | 最低分 |
|---|---|---|---|---|---|
{filler_items}
| X | 测试类别 | | {points} | {"附加" if bonus else "主要"} | |
| X1 | | 测试指标 | {points} | | {floor} |

## 字段
| 字段编号 | 指标编号 | 填报项目 | 类型 | 单位 | 最小值 | 最大值 | 选项 | 必填 |
|---|---|---|---|---|---|---|---|---|
{fields}

## 选项
| 列表 | 选项 |
|---|---|
{choices}

## 规则
| 指标编号 | 规则类型 | 字段 | 参数 |
|---|---|---|---|
{filler_rules}
{rules}
"""


def score(scheme: Scheme, values: dict[str, object]) -> ItemScore:
    """X1 scored at the scheme's own 小数位数."""
    return score_item(scheme.item("X1"), values, scheme.settings.decimals)


def assert_clean(scheme: Scheme) -> None:
    """The worked examples are faithful encodings: not even a warning."""
    assert [p.text() for p in scheme.warnings] == []


# ---------------------------------------------------------------- tiers on a value (000 免费药具, 8)

FREE_CONTRACEPTIVES = one_item(
    8,
    fields="| X1_评估 | X1 | 免费药具评估得分 | 数值 | 分 | 0 | 100 |",
    rules="| X1 | 分档 | X1_评估 | ≥95:8；≥90:6；≥85:4；≥80:2；其他:0 |",
)


@pytest.mark.parametrize(
    ("value", "expected", "shown"),
    [
        ("96", "8", "符合「≥95」档"),
        ("94.5", "6", "符合「≥90」档"),
        ("80", "2", "符合「≥80」档"),
        ("79.9", "0", "未达到任何档位"),
    ],
)
def test_tiers_on_a_value(load_md: LoadMd, value: str, expected: str, shown: str) -> None:
    scheme = load_md(FREE_CONTRACEPTIVES)
    assert_clean(scheme)
    result = score(scheme, {"X1_评估": Decimal(value)})
    assert result.score == Decimal(expected)
    assert shown in result.explanation
    assert f"「免费药具评估得分」{value} 分" in result.explanation


TIERS_IN_WORDS = one_item(
    8,
    fields="""
| X1_评估 | X1 | 评估得分 | 数值 | 分 | 0 | 100 |
| X1_无结果率 | X1 | 查验无结果率 | 百分比 | % | | 100 |
""",
    rules="""
| X1 | 分档 | X1_评估 | 95以上:7；90及以上:5；其他:0 |
| X1 | 分档 | X1_无结果率 | 5及以下:1；其他:0 |
""",
)


@pytest.mark.parametrize(
    ("value", "rate", "expected"),
    [("96", "5", "8"), ("95", "4.9", "8"), ("94.5", "5", "6"), ("89.9", "5", "1"), ("96", "5.1", "7")],
)
def test_tiers_written_in_words_include_the_number(
    load_md: LoadMd, value: str, rate: str, expected: str
) -> None:
    # Seed 000 writes "完成 95%以上，得 4分": 以上/以下 include the number, so "95以上" is ≥95, not =95.
    scheme = load_md(TIERS_IN_WORDS)
    assert_clean(scheme)
    result = score(scheme, {"X1_评估": Decimal(value), "X1_无结果率": Decimal(rate)})
    assert result.score == Decimal(expected)


# ---------------------------------------------------------------- tiers where lower is better (000 知识竞赛, 3)

QUIZ_RANK = one_item(
    3,
    fields="| X1_名次 | X1 | 知识竞赛名次 | 整数 | 名 | 1 | |",
    rules="| X1 | 分档 | X1_名次 | 1-3:3；4-7:2；8-10:1；其他:0 |",
)


@pytest.mark.parametrize(
    ("rank", "expected", "shown"),
    [
        (2, "3", "符合「1-3」档"),
        (7, "2", "符合「4-7」档"),
        (8, "1", "符合「8-10」档"),
        (11, "0", "未达到任何档位"),
    ],
)
def test_tiers_where_lower_is_better(load_md: LoadMd, rank: int, expected: str, shown: str) -> None:
    scheme = load_md(QUIZ_RANK)
    assert_clean(scheme)  # 1-3 / 4-7 / 8-10 leave no gap on an 整数 field
    result = score(scheme, {"X1_名次": Decimal(rank)})
    assert result.score == Decimal(expected)
    assert shown in result.explanation


# ---------------------------------------------------------------- rate with linear deduction (000 出生个案信息核实, 2)

BIRTH_CHECK = one_item(
    2,
    fields="| X1_核实率 | X1 | 出生个案信息核实率 | 百分比 | % | | 100 |",
    rules="""
| X1 | 满分 | | |
| X1 | 低于标准扣分 | X1_核实率 | 标准=98；每=1；扣=0.2；方式=按比例 |
""",
)


@pytest.mark.parametrize(
    ("rate", "expected", "shown"),
    [
        ("96", "1.6", "按比例 2 ÷ 1 × 0.2 = 扣 0.4 分"),
        ("96.5", "1.7", "按比例 1.5 ÷ 1 × 0.2 = 扣 0.3 分"),
        ("85", "0", "本项最低 0 分，按 0 分计"),
    ],
)
def test_rate_with_linear_deduction(load_md: LoadMd, rate: str, expected: str, shown: str) -> None:
    scheme = load_md(BIRTH_CHECK)
    assert_clean(scheme)
    result = score(scheme, {"X1_核实率": Decimal(rate)})
    assert result.score == Decimal(expected)
    assert shown in result.explanation
    assert f"「出生个案信息核实率」{rate}%，低于标准 98%" in result.explanation


# ---------------------------------------------------------------- per-incident deductions, may go negative (000 计生信访稳定, 5)

PETITIONS = one_item(
    5,
    floor="不限",
    fields="""
| X1_去京非正常 | X1 | 去京非正常上访 | 整数 | 人次 | 0 | |
| X1_去京正常 | X1 | 去京正常访 | 整数 | 人次 | 0 | |
| X1_市委集体访 | X1 | 市委市政府集体访 | 整数 | 批次 | 0 | |
| X1_市卫健委集体访 | X1 | 市卫健委集体访 | 整数 | 批次 | 0 | |
| X1_不积极处置 | X1 | 不积极处置 | 整数 | 次 | 0 | |
| X1_交办未解决 | X1 | 交办未解决 | 整数 | 件 | 0 | |
| X1_重大舆论 | X1 | 重大舆论扣分 | 评分 | 分 | 0 | 8 |
""",
    rules="""
| X1 | 满分 | | |
| X1 | 计次扣分 | X1_去京非正常 | 每次=1 |
| X1 | 计次扣分 | X1_去京正常 | 每次=0.2 |
| X1 | 计次扣分 | X1_市委集体访 | 每次=0.2 |
| X1 | 计次扣分 | X1_市卫健委集体访 | 每次=0.1 |
| X1 | 计次扣分 | X1_不积极处置 | 每次=1 |
| X1 | 计次扣分 | X1_交办未解决 | 每次=0.5 |
| X1 | 酌情扣分 | X1_重大舆论 | |
""",
)
PETITION_FIELDS = (
    "X1_去京非正常",
    "X1_去京正常",
    "X1_市委集体访",
    "X1_市卫健委集体访",
    "X1_不积极处置",
    "X1_交办未解决",
)


@pytest.mark.parametrize(
    ("counts", "judged", "expected", "shown"),
    [
        ((2, 1, 3, 5, 0, 1), 0, "1.2", "「去京非正常上访」2 人次 × 1 = 扣 2 分"),
        ((7, 0, 0, 0, 0, 0), 0, "-2", "合计 -2（本项扣分上不封顶，可为负分）"),
    ],
)
def test_per_incident_deductions_may_go_negative(
    load_md: LoadMd, counts: tuple[int, ...], judged: int, expected: str, shown: str
) -> None:
    scheme = load_md(PETITIONS)
    assert scheme.item("X1").floor is None  # 最低分「不限」
    values: dict[str, object] = {fid: Decimal(n) for fid, n in zip(PETITION_FIELDS, counts, strict=True)}
    values["X1_重大舆论"] = Decimal(judged)
    result = score(scheme, values)
    assert result.score == Decimal(expected)
    assert shown in result.explanation


# ---------------------------------------------------------------- judged base minus counted deductions (000 三个全覆盖, 7)

THREE_COVERAGES = one_item(
    7,
    fields="""
| X1_评定分 | X1 | 考核部门评定分 | 评分 | 分 | 0 | 7 |
| X1_未更新人数 | X1 | 2 个月内未更新人数 | 整数 | 人 | 0 | |
""",
    rules="""
| X1 | 评分 | X1_评定分 | |
| X1 | 计次扣分 | X1_未更新人数 | 每次=5 |
""",
)


@pytest.mark.parametrize(
    ("persons", "expected", "shown"),
    [(1, "1", "1 人 × 5 = 扣 5 分"), (2, "0", "合计 -4，本项最低 0 分，按 0 分计")],
)
def test_judged_base_minus_counted_deductions(
    load_md: LoadMd, persons: int, expected: str, shown: str
) -> None:
    scheme = load_md(THREE_COVERAGES)
    assert_clean(scheme)
    result = score(scheme, {"X1_评定分": Decimal(6), "X1_未更新人数": Decimal(persons)})
    assert result.score == Decimal(expected)
    assert "「考核部门评定分」评定 6 分" in result.explanation
    assert shown in result.explanation


# ---------------------------------------------------------------- choose a level (000 特殊家庭项目, 8)

SPECIAL_FAMILIES = one_item(
    8,
    fields="""
| X1_实施情况 | X1 | 特殊家庭项目实施情况 | 选项 | | | | 特殊家庭项目 |
| X1_评定分 | X1 | 其他情况评定分 | 评分 | 分 | 0 | 5 | | 否 |
""",
    rules="| X1 | 选档 | X1_实施情况 | 力度大效果显著:8；全面实施:6；其他:X1_评定分 |",
    choices="""
| 特殊家庭项目 | 力度大效果显著 |
| | 全面实施 |
| | 其他 |
""",
)


@pytest.mark.parametrize(
    ("choice", "judged", "expected", "shown"),
    [
        ("全面实施", None, "6", "「特殊家庭项目实施情况」为「全面实施」，得 6 分"),
        ("力度大效果显著", None, "8", "为「力度大效果显著」，得 8 分"),
        ("其他", "4", "4", "按「其他情况评定分」评定 4 分"),
    ],
)
def test_choose_a_level(load_md: LoadMd, choice: str, judged: str | None, expected: str, shown: str) -> None:
    scheme = load_md(SPECIAL_FAMILIES)
    assert_clean(scheme)
    values: dict[str, object] = {"X1_实施情况": choice}
    if judged is not None:
        values["X1_评定分"] = Decimal(judged)
    result = score(scheme, values)
    assert result.score == Decimal(expected)
    assert shown in result.explanation


# ---------------------------------------------------------------- conditional base + checklist (000 孕前优生, 4)

PRECONCEPTION = one_item(
    4,
    fields="""
| X1_完成率 | X1 | 孕前优生项目完成率 | 百分比 | % | | 100 |
| X1_评定分 | X1 | 未完成时评定分 | 评分 | 分 | 0 | 4 | | 否 |
| X1_月报 | X1 | 月报及时准确 | 是否 |
| X1_随访 | X1 | 随访到位 | 是否 |
| X1_档案 | X1 | 档案规范 | 是否 |
""",
    rules="""
| X1 | 分档 | X1_完成率 | ≥95:4；其他:X1_评定分 |
| X1 | 逐项扣分 | X1_月报,X1_随访,X1_档案 | 每项=0.5 |
""",
)


@pytest.mark.parametrize(
    ("rate", "judged", "met", "expected", "shown"),
    [
        ("96", None, (True, False, True), "3.5", "未达到 1 项（随访到位）× 0.5 = 扣 0.5 分"),
        ("90", "3", (True, True, True), "3", "按「其他」按「未完成时评定分」评定 3 分"),
    ],
)
def test_conditional_base_plus_checklist(
    load_md: LoadMd, rate: str, judged: str | None, met: tuple[bool, ...], expected: str, shown: str
) -> None:
    scheme = load_md(PRECONCEPTION)
    assert_clean(scheme)
    values: dict[str, object] = {"X1_完成率": Decimal(rate)}
    values.update(zip(("X1_月报", "X1_随访", "X1_档案"), met, strict=True))
    if judged is not None:
        values["X1_评定分"] = Decimal(judged)
    result = score(scheme, values)
    assert result.score == Decimal(expected)
    assert shown in result.explanation


# ---------------------------------------------------------------- checklist (000 计生技术服务, 2)

TECH_SERVICE = one_item(
    2,
    fields="""
| X1_协议履行 | X1 | 协议履行 | 是否 |
| X1_质量监管 | X1 | 质量监管 | 是否 |
| X1_系统应用 | X1 | 系统应用 | 是否 |
""",
    rules="""
| X1 | 满分 | | |
| X1 | 逐项扣分 | X1_协议履行、X1_质量监管、X1_系统应用 | 每项=0.5 |
""",
)


def test_checklist(load_md: LoadMd) -> None:
    scheme = load_md(TECH_SERVICE)
    assert_clean(scheme)
    result = score(scheme, {"X1_协议履行": False, "X1_质量监管": True, "X1_系统应用": False})
    assert result.score == Decimal(1)
    assert "未达到 2 项（协议履行、系统应用）× 0.5 = 扣 1 分" in result.explanation


# ---------------------------------------------------------------- sum of judged parts (000 计生协会工作, 18)

ASSOCIATION = one_item(
    18,
    fields="""
| X1_组织建设 | X1 | 组织建设 | 评分 | 分 | 0 | 3 |
| X1_队伍建设 | X1 | 队伍建设 | 评分 | 分 | 0 | 3 |
| X1_主题宣传 | X1 | 主题宣传 | 评分 | 分 | 0 | 4 |
| X1_关爱帮扶 | X1 | 关爱帮扶 | 评分 | 分 | 0 | 4 |
| X1_家庭健康 | X1 | 家庭健康 | 评分 | 分 | 0 | 4 |
""",
    rules="""
| X1 | 评分 | X1_组织建设 | |
| X1 | 评分 | X1_队伍建设 | |
| X1 | 评分 | X1_主题宣传 | |
| X1 | 评分 | X1_关爱帮扶 | |
| X1 | 评分 | X1_家庭健康 | |
""",
)
ASSOCIATION_PARTS = ("X1_组织建设", "X1_队伍建设", "X1_主题宣传", "X1_关爱帮扶", "X1_家庭健康")


def test_sum_of_judged_parts(load_md: LoadMd) -> None:
    scheme = load_md(ASSOCIATION)
    assert_clean(scheme)
    parts = ("3", "2.5", "4", "3", "4")
    result = score(scheme, {fid: Decimal(v) for fid, v in zip(ASSOCIATION_PARTS, parts, strict=True)})
    assert result.score == Decimal("16.5")
    assert "「队伍建设」评定 2.5 分（满分 3）" in result.explanation


def test_a_judged_part_above_its_cap_is_an_input_error(load_md: LoadMd) -> None:
    # score_item trusts its values: rejecting 3.5 for a 3-point part is the reader's job
    # (famscore.values.parse_value), so here we check the cap reaches the field and the reader refuses.
    scheme = load_md(ASSOCIATION)
    caps = [scheme.fields[fid].maximum for fid in ASSOCIATION_PARTS]
    assert caps == [Decimal(3), Decimal(3), Decimal(4), Decimal(4), Decimal(4)]
    parsed = parse_value(scheme.fields["X1_队伍建设"], 3.5)
    assert parsed.value is None
    assert "3.5 超过最大值 3" in parsed.error


# ---------------------------------------------------------------- compound rule (000 信息报送, 4)

MONTHS = ("5月", "6月", "7月", "8月", "9月", "10月", "11月")
REPORTS = one_item(
    4,
    fields="\n".join(f"| X1_{m} | X1 | {m}报送篇数 | 整数 | 篇 | 0 | |" for m in MONTHS)
    + "\n| X1_采用 | X1 | 被媒体采用篇数 | 整数 | 篇 | 0 | |",
    rules=f"""
| X1 | 分档 | X1_采用 | ≥3:4；其他:3 |
| X1 | 低于标准扣分 | {",".join(f"X1_{m}" for m in MONTHS)} | 标准=3；每=1；扣=1；方式=按比例 |
""",
)


@pytest.mark.parametrize(("adopted", "expected"), [(3, "1"), (2, "0")])
def test_compound_information_reports(load_md: LoadMd, adopted: int, expected: str) -> None:
    scheme = load_md(REPORTS)
    assert_clean(scheme)
    monthly = (3, 4, 3, 2, 3, 3, 1)
    values: dict[str, object] = {f"X1_{m}": Decimal(n) for m, n in zip(MONTHS, monthly, strict=True)}
    values["X1_采用"] = Decimal(adopted)
    result = score(scheme, values)
    assert result.score == Decimal(expected)
    assert "差 3" in result.explanation
    # each month is named by its own label, so the unit can see which months fell short
    assert "「8月报送篇数」2 篇" in result.explanation
    assert "「11月报送篇数」1 篇" in result.explanation


# ---------------------------------------------------------------- highest level achieved, bonus (000 计生工作创新, 20)

INNOVATION_LEVEL = one_item(
    20,
    bonus=True,
    fields="""
| X1_最高级别 | X1 | 创新工作获得的最高级别 | 选项 | | | | 级别 |
| X1_评定分 | X1 | 其他创新评定分 | 评分 | 分 | 0 | 5 | | 否 |
""",
    rules="| X1 | 选档 | X1_最高级别 | 国家级:20；市级:10；区级:5；其他:X1_评定分 |",
    choices="""
| 级别 | 国家级 |
| | 市级 |
| | 区级 |
| | 其他 |
""",
)


def test_highest_level_achieved(load_md: LoadMd) -> None:
    scheme = load_md(INNOVATION_LEVEL)
    assert_clean(scheme)
    assert scheme.item("X1").kind == "附加"
    result = score(scheme, {"X1_最高级别": "市级"})
    assert result.score == Decimal(10)
    assert "为「市级」，得 10 分" in result.explanation


# ---------------------------------------------------------------- count × points with a cap, bonus (001 工作创新, 10)

INNOVATION_COUNT = one_item(
    10,
    bonus=True,
    fields="| X1_创新项目数 | X1 | 创新项目数 | 整数 | 项 | 0 | |",
    rules="| X1 | 计次加分 | X1_创新项目数 | 每次=5；上限=10 |",
)


@pytest.mark.parametrize(
    ("count", "expected", "shown"),
    [(3, "10", "3 项 × 5 = 15 分，以 10 分为止"), (1, "5", "1 项 × 5 = 5 分")],
)
def test_count_times_points_with_a_cap(load_md: LoadMd, count: int, expected: str, shown: str) -> None:
    scheme = load_md(INNOVATION_COUNT)
    assert_clean(scheme)
    result = score(scheme, {"X1_创新项目数": Decimal(count)})
    assert result.score == Decimal(expected)
    assert shown in result.explanation


# ---------------------------------------------------------------- two independent thresholds (001 流动人口, 2)

MIGRANTS = one_item(
    2,
    fields="""
| X1_反馈率 | X1 | 反馈率 | 百分比 | % | | 100 |
| X1_无结果率 | X1 | 查验无结果率 | 百分比 | % | | 100 |
""",
    rules="""
| X1 | 分档 | X1_反馈率 | ≥95:1；其他:0 |
| X1 | 分档 | X1_无结果率 | ≤5:1；其他:0 |
""",
)


@pytest.mark.parametrize(
    ("feedback", "no_result", "expected"), [("96", "6", "1"), ("96", "5", "2"), ("94", "6", "0")]
)
def test_two_independent_thresholds(load_md: LoadMd, feedback: str, no_result: str, expected: str) -> None:
    scheme = load_md(MIGRANTS)
    assert_clean(scheme)
    result = score(scheme, {"X1_反馈率": Decimal(feedback), "X1_无结果率": Decimal(no_result)})
    assert result.score == Decimal(expected)
    if (feedback, no_result) == ("96", "6"):
        assert "「反馈率」96%，符合「≥95」档" in result.explanation
        assert "「查验无结果率」6%，未达到任何档位" in result.explanation


# ---------------------------------------------------------------- ratio computed from inputs (004 托位数, 6)

NURSERY = one_item(
    6,
    fields="""
| 托位总数 | X1 | 辖区内托位总数 | 整数 | 个 | 0 | |
| 总人口 | X1 | 总人口数 | 整数 | 人 | 1 | |
""",
    rules="| X1 | 分档 | 托位总数/总人口*1000 | ≥3.5:6；其他:0 |",
)


@pytest.mark.parametrize(
    ("places", "population", "expected", "shown"),
    [(1800, 520000, "0", "= 3.4615，未达到任何档位"), (1900, 520000, "6", "= 3.6538，符合「≥3.5」档")],
)
def test_ratio_computed_from_inputs(
    load_md: LoadMd, places: int, population: int, expected: str, shown: str
) -> None:
    scheme = load_md(NURSERY)
    assert_clean(scheme)
    result = score(scheme, {"托位总数": Decimal(places), "总人口": Decimal(population)})
    assert result.score == Decimal(expected)
    assert f"辖区内托位总数 {places} ÷ 总人口数 {population} × 1000" in result.explanation
    assert shown in result.explanation


# ---------------------------------------------------------------- step deductions (004 经费到位率, 6)


def funding(mode: str) -> str:
    return one_item(
        6,
        fields="| X1_到位率 | X1 | 经费到位率 | 百分比 | % | | 100 |",
        rules=f"""
| X1 | 满分 | | |
| X1 | 低于标准扣分 | X1_到位率 | 标准=100；每=1；扣=2；方式={mode} |
""",
    )


@pytest.mark.parametrize(
    ("mode", "expected", "shown"),
    [
        ("按整档", "2", "满 2 档（每档 1）× 2 = 扣 4 分"),
        ("按比例", "1", "按比例 2.5 ÷ 1 × 2 = 扣 5 分"),
    ],
)
def test_step_deductions_state_whole_or_proportional(
    load_md: LoadMd, mode: str, expected: str, shown: str
) -> None:
    scheme = load_md(funding(mode))
    result = score(scheme, {"X1_到位率": Decimal("97.5")})
    assert result.score == Decimal(expected)
    assert "差 2.5" in result.explanation
    assert shown in result.explanation


# ---------------------------------------------------------------- deadline deductions, cumulative (004 项目资金下达)

FUND_RELEASE = one_item(
    6,
    fields="| X1_下达日期 | X1 | 项目资金下达日期 | 日期 |",
    rules="""
| X1 | 满分 | | |
| X1 | 期限扣分 | X1_下达日期 | 2024-04-30:1.5；2024-07-31:1.5；2024-09-30:2 |
""",
)


@pytest.mark.parametrize(
    ("issued", "deducted", "expected", "shown"),
    [
        (dt.date(2024, 8, 15), "-3", "3", "2024-04-30 前未完成扣 1.5、2024-07-31 前未完成扣 1.5，共扣 3 分"),
        (NEVER, "-5", "1", "「项目资金下达日期」未完成，"),
        (dt.date(2024, 4, 30), "0", "6", "未逾期，不扣分"),
    ],
)
def test_deadline_deductions_are_cumulative(
    load_md: LoadMd, issued: object, deducted: str, expected: str, shown: str
) -> None:
    scheme = load_md(FUND_RELEASE)
    assert_clean(scheme)
    item = scheme.item("X1")
    values = {"X1_下达日期": issued}
    deadline_rule = item.rules[1]
    assert deadline_rule.score(values).points == Decimal(deducted)
    result = score(scheme, values)
    assert result.score == Decimal(expected)
    assert shown in result.explanation


# ---------------------------------------------------------------- rates in other units (004 孕产妇/婴儿死亡率, 6)

MORTALITY = one_item(
    6,
    fields="""
| X1_孕产妇死亡率 | X1 | 孕产妇死亡率 | 数值 | /10万 | 0 | |
| X1_婴儿死亡率 | X1 | 婴儿死亡率 | 数值 | ‰ | 0 | |
""",
    rules="""
| X1 | 满分 | | |
| X1 | 高于标准扣分 | X1_孕产妇死亡率 | 标准=14.5；扣=3；方式=一次性 |
| X1 | 高于标准扣分 | X1_婴儿死亡率 | 标准=4；扣=3；方式=一次性 |
""",
)


def test_rates_in_other_units(load_md: LoadMd) -> None:
    scheme = load_md(MORTALITY)
    assert_clean(scheme)
    result = score(scheme, {"X1_孕产妇死亡率": Decimal("15.2"), "X1_婴儿死亡率": Decimal("3.1")})
    assert result.score == Decimal(3)
    assert "「孕产妇死亡率」15.2/10万，高于标准 14.5/10万，扣 3 分" in result.explanation
    assert "「婴儿死亡率」3.1‰，未高于标准 4‰，不扣分" in result.explanation


# ---------------------------------------------------------------- veto / forced outcome (004 安全事故; 000 重大负面舆论)


def veto(effect: str) -> str:
    return one_item(
        2,
        fields="| X1_事故 | X1 | 发生较大生产安全事故或重大负面舆论 | 是否 |",
        rules=f"""
| X1 | 满分 | | |
| X1 | 否决 | X1_事故 | 后果={effect} |
""",
    )


@pytest.mark.parametrize("effect", ["取消评优", "排名末位"])
def test_veto_flags_the_item(load_md: LoadMd, effect: str) -> None:
    scheme = load_md(veto(effect))
    assert_clean(scheme)
    vetoed = score(scheme, {"X1_事故": True})
    assert vetoed.flags == (Flag(Effect(effect), "发生较大生产安全事故或重大负面舆论"),)
    assert vetoed.score == Decimal(2)  # the veto forces an outcome; it does not change points
    assert f"为是 → {effect}" in vetoed.explanation
    assert score(scheme, {"X1_事故": False}).flags == ()


# ---------------------------------------------------------------- arithmetic


def test_decimal_arithmetic_is_exact(load_md: LoadMd) -> None:
    scheme = load_md(
        one_item(
            2,
            fields="| X1_次数 | X1 | 未按时上报次数 | 整数 | 次 | 0 | |",
            rules="""
| X1 | 满分 | | |
| X1 | 计次扣分 | X1_次数 | 每次=0.2 |
""",
        )
    )
    result = score(scheme, {"X1_次数": Decimal(3)})
    assert result.score == Decimal("1.4")
    assert str(result.score) == "1.40"
    assert result.explanation.endswith("→ 1.4 分")
    assert "0000" not in result.explanation


@pytest.mark.parametrize(
    ("decimals", "value", "expected"),
    [(2, "0.125", "0.13"), (2, "2.675", "2.68"), (2, "0.124", "0.12"), (1, "0.25", "0.3"), (0, "2.5", "3")],
)
def test_item_scores_round_half_up_to_the_scheme_decimals(
    load_md: LoadMd, decimals: int, value: str, expected: str
) -> None:
    scheme = load_md(
        one_item(
            5,
            decimals=decimals,
            fields="| X1_评定分 | X1 | 评定分 | 评分 | 分 | 0 | 5 |",
            rules="| X1 | 评分 | X1_评定分 | |",
        )
    )
    assert scheme.settings.decimals == decimals
    result = score(scheme, {"X1_评定分": Decimal(value)})
    assert str(result.score) == expected
    if Decimal(value) != Decimal(expected):
        assert f"四舍五入为 {expected}" in result.explanation


# ---------------------------------------------------------------- missing inputs


def test_a_missing_input_gives_no_score_and_names_the_field(load_md: LoadMd) -> None:
    scheme = load_md(FREE_CONTRACEPTIVES)
    result = score(scheme, {})
    assert result.score is None
    assert result.missing == ("X1_评估",)
    assert "缺少或无效的填报值（X1_评估）" in result.explanation


def test_every_missing_input_is_named_at_once(load_md: LoadMd) -> None:
    scheme = load_md(MIGRANTS)
    result = score(scheme, {"X1_反馈率": "abc"})
    assert result.score is None
    assert result.missing == ("X1_反馈率", "X1_无结果率")
