"""一级指标 written on every item row (as pasted from the official table) is read as the item's category."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from famscore.errors import Problem
from famscore.rules import score_item
from famscore.scheme.model import BONUS, MAIN, Scheme

CheckMd = Callable[[str], tuple[Scheme | None, list[Problem]]]

REST = """
## 设置
| 项目 | 内容 |
|---|---|
| 标题 | 一级指标每行都写 |
| 版本 | 1 |
| 主要指标满分 | 10 |
| 附加分满分 | 5 |

## 字段
| 字段编号 | 指标编号 | 填报项目 | 类型 | 单位 | 最小值 | 最大值 |
|---|---|---|---|---|---|---|
| A1_评估 | A1 | 评估得分 | 数值 | 分 | 0 | 100 |
| A2_人次 | A2 | 上访人次 | 整数 | 人次 | 0 | |
| B1_项数 | B1 | 创新项数 | 整数 | 项 | 0 | |

## 规则
| 指标编号 | 规则类型 | 字段 | 参数 |
|---|---|---|---|
| A1 | 分档 | A1_评估 | ≥95:6；≥90:4；其他:0 |
| A2 | 满分 | | |
| A2 | 计次扣分 | A2_人次 | 每次=1 |
| B1 | 计次加分 | B1_项数 | 每次=5；上限=5 |
"""

CLASSIC = """
## 指标
| 编号 | 一级指标 | 二级指标 | 分值 | 计分类别 |
|---|---|---|---|---|
| A | 基础工作 | | 10 | 主要 |
| A1 | | 免费药具 | 6 | |
| A2 | | 信访稳定 | 4 | |
| B | 创新工作 | | 5 | 附加 |
| B1 | | 工作创新 | 5 | |
"""

EVERY_ROW = """
## 指标
| 编号 | 一级指标 | 二级指标 | 分值 | 计分类别 |
|---|---|---|---|---|
| A1 | 基础工作 | 免费药具 | 6 | |
| A2 | 基础工作 | 信访稳定 | 4 | |
| B1 | 创新工作 | 工作创新 | 5 | 附加 |
"""

WITH_CATEGORY_ROWS = """
## 指标
| 编号 | 一级指标 | 二级指标 | 分值 | 计分类别 |
|---|---|---|---|---|
| A | 基础工作 | | 10 | 主要 |
| A1 | 基础工作 | 免费药具 | 6 | |
| A2 | 基础工作 | 信访稳定 | 4 | |
| B | 创新工作 | | 5 | 附加 |
| B1 | 创新工作 | 工作创新 | 5 | |
"""

# A merged 一级指标 cell pasted from Word: the name on its first row only, points in the name.
MERGED = """
## 指标
| 编号 | 一级指标 | 二级指标 | 分值 | 计分类别 |
|---|---|---|---|---|
| A1 | 基础工作（10分） | 免费药具 | 6 | |
| A2 | | 信访稳定 | 4 | |
| B1 | 创新工作（5分） | 工作创新 | 5 | 附加 |
"""


def tree(scheme: Scheme) -> list[tuple[str, str, Decimal, str, list[str]]]:
    return [(c.name, c.id, c.points, c.kind, [i.id for i in c.items]) for c in scheme.categories]


def clean(check_md: CheckMd, indicators: str) -> Scheme:
    scheme, problems = check_md(indicators + REST)
    assert [p.text() for p in problems] == []
    assert scheme is not None
    return scheme


def test_every_row_names_its_category_and_the_categories_are_made_from_them(check_md: CheckMd) -> None:
    scheme = clean(check_md, EVERY_ROW)
    # Worth the sum of their items; numbered as the official tables number them.
    assert tree(scheme) == [
        ("基础工作", "一", Decimal(10), MAIN, ["A1", "A2"]),
        ("创新工作", "二", Decimal(5), BONUS, ["B1"]),
    ]
    assert [i.category_id for i in scheme.items] == ["一", "一", "二"]


def test_category_rows_and_repeated_names_are_the_classic_layout(check_md: CheckMd) -> None:
    assert tree(clean(check_md, WITH_CATEGORY_ROWS)) == tree(clean(check_md, CLASSIC))


def test_a_merged_cell_with_points_in_the_name(check_md: CheckMd) -> None:
    scheme = clean(check_md, MERGED)
    assert tree(scheme) == [
        ("基础工作", "一", Decimal(10), MAIN, ["A1", "A2"]),
        ("创新工作", "二", Decimal(5), BONUS, ["B1"]),
    ]


def test_points_written_with_the_name_are_checked_against_the_items(check_md: CheckMd) -> None:
    scheme, problems = check_md(MERGED.replace("基础工作（10分）", "基础工作（12分）") + REST)
    assert scheme is None
    assert [(p.code, p.sheet, p.row) for p in problems if p.is_error] == [
        ("SCHEME_CATEGORY_POINTS_MISMATCH", "指标", 2),
        ("SCHEME_MAIN_POINTS_MISMATCH", "设置", 4),
    ]


def test_a_category_row_still_checks_its_items_sum(check_md: CheckMd) -> None:
    _scheme, problems = check_md(
        WITH_CATEGORY_ROWS.replace("| A | 基础工作 | | 10 |", "| A | 基础工作 | | 11 |") + REST
    )
    assert ("SCHEME_CATEGORY_POINTS_MISMATCH", 2) in [(p.code, p.row) for p in problems]


def test_the_layouts_score_alike(check_md: CheckMd) -> None:
    values = {"A1_评估": Decimal(92), "A2_人次": Decimal(1), "B1_项数": Decimal(2)}
    scores = []
    for layout in (CLASSIC, EVERY_ROW, WITH_CATEGORY_ROWS, MERGED):
        scheme = clean(check_md, layout)
        scores.append([score_item(i, values).score for i in scheme.items])
    assert scores == [[Decimal(4), Decimal(3), Decimal(5)]] * 4


def test_a_numbering_the_sheet_uses_is_not_taken_for_a_category(check_md: CheckMd) -> None:
    # The items are numbered 一, 二: the made category goes by its name instead.
    text = EVERY_ROW.replace("| A1 |", "| 一 |").replace("| A2 |", "| 二 |")
    rest = REST.replace("| A1 |", "| 一 |").replace("| A2 |", "| 二 |")
    scheme, problems = check_md(text + rest)
    assert [p.text() for p in problems] == []
    assert scheme is not None
    assert [c.id for c in scheme.categories] == ["基础工作", "创新工作"]
