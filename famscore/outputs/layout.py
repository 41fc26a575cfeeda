"""The summary's sheet names and headers: one definition, used to write the workbook and to read it back."""

from __future__ import annotations

import re
from decimal import Decimal

from famscore.numbers import fmt, to_decimal
from famscore.outputs.xlsx import LANDSCAPE_WIDTH_PX, Column, column_pixels
from famscore.scheme.model import BONUS, Scheme

SHEET_RANK = "排名"
SHEET_MATRIX = "得分明细"
SHEET_AUDIT = "计分过程"
SHEET_PROBLEMS = "问题"
SHEET_SCHEME = "考评表"
SHEET_NOTICE = "结果通报"
SHEETS = (SHEET_RANK, SHEET_NOTICE, SHEET_MATRIX, SHEET_AUDIT, SHEET_PROBLEMS, SHEET_SCHEME)

# The 排名 page prints one page wide at no less than this scale: 10 pt text at 8 pt or more.
MIN_PRINT_SCALE = 0.8

# Header texts read back by `read_summary`.
H_RANK, H_UNIT, H_MAIN, H_BONUS, H_TOTAL = "排名", "单位", "主要指标得分", "附加分", "总分"
H_GRADE, H_FLAGS, H_FILE = "等级", "标记", "回表文件"
H_STATE = "说明"

# Row labels of the 考评表 sheet (column A), written by outputs.facts and read back by outputs.readback.
K_TITLE, K_YEAR, K_UNIT_KIND, K_VERSION, K_FINGERPRINT = "标题", "年度", "考核对象", "版本", "指纹"
K_DECIMALS, K_MAIN_POINTS, K_BONUS_POINTS, K_BAND = "小数位数", "主要指标满分", "附加分上限", "等级"
K_NO_BANDS, K_LAST_BAND = "不定级", "其余"
K_GRADE_BASIS, K_RANK_BASIS, K_NOTE, K_SCHEME_FILE = "定级依据", "排名依据", "说明", "考评表文件"
K_VERSION_OF, K_GENERATED, K_RETURNS = "famscore 版本", "生成时间", "回表数"
K_UNITS, K_RANKED, K_PROBLEMS = "计分单位数", "参加排名单位数", "问题数"
K_ROSTER = "单位名单"  # one name a line, in the roster's order: the results notice lists units so


def category_header(name: str, points: Decimal, bonus: bool, *, wrapped: bool = False) -> str:
    """A category's column on the 排名 sheet: '组织管理（20分）', '加分项（附加，5分）'; `wrapped`
    puts the points on a line of their own (a narrow printed column would break inside them)."""
    return f"{name}{chr(10) if wrapped else ''}（{'附加，' if bonus else ''}{fmt(points)}分）"


_CATEGORY_HEADER = re.compile(r"^(?P<name>.*)（(?P<bonus>附加，)?(?P<points>[^（）]*)分）$", re.S)


def read_category_header(header: str) -> tuple[str, Decimal | None, bool]:
    """The name, points and bonus mark `category_header` wrote (points None if the text is not its)."""
    found = _CATEGORY_HEADER.match(header)
    if found is None:
        return header, None, False
    return found["name"].rstrip("\n"), to_decimal(found["points"]), bool(found["bonus"])


# The 得分明细 sheet: a row of categories over the item headers, then the maxima (read back by readback).
M_CATEGORY, M_MAXIMUM, M_SUM = "一级指标", "满分", "合计"


def matrix_group(category_id: str, header: str) -> str:
    """A category's band over its items on the 得分明细 sheet: 'A 组织管理（20分）'."""
    return f"{category_id} {header}"


def read_matrix_group(text: str) -> tuple[str, str]:
    """The category id and the `category_header` text `matrix_group` wrote."""
    category_id, _, header = text.partition(" ")
    return category_id, header


def bonus_column(scheme: Scheme) -> bool:
    """Whether the 排名 sheet needs a 附加分 column of its own.

    Not when the bonus is one category whose points are within the cap: the bonus is then that
    category's subtotal, and the same figure twice side by side on the printed page reads as two
    different scores. `outputs.readback` takes the bonus from that category's column then.
    """
    s = scheme.settings
    bonus = [c for c in scheme.categories if c.kind == BONUS]
    if len(bonus) == 1 and (not s.bonus_points or bonus[0].points <= s.bonus_points):
        return False
    return bool(s.bonus_points) or bool(bonus)


def rank_columns(scheme: Scheme) -> list[Column]:
    """The 排名 table's columns; the printed page ends at 标记, 回表文件 stands after it."""
    s = scheme.settings
    head = [Column(H_RANK, "int", 5, 5), Column(H_UNIT, "text", 20, 10)]
    tail = [Column(f"{H_MAIN}（满分{fmt(s.main_points)}）", "num", 10, 8)]
    if bonus_column(scheme):
        cap = f"（上限{fmt(s.bonus_points)}）" if s.bonus_points else ""
        tail.append(Column(f"{H_BONUS}{cap}", "num", 10, 8))
    tail.append(Column(H_TOTAL, "num", 9, 8))
    if scheme.bands:
        tail.append(Column(H_GRADE, "center", 8, 6))
    tail.append(Column(H_FLAGS, "wrap", 24, 10))
    # The category columns share what is left of a page printed at MIN_PRINT_SCALE (their headers wrap).
    fixed = sum(column_pixels(c.cap) for c in (*head, *tail))
    share = (LANDSCAPE_WIDTH_PX / MIN_PRINT_SCALE - fixed) / max(len(scheme.categories), 1)
    width = max(7, min(11, int((share - 5) / 7)))
    columns = head
    for cat in scheme.categories:
        header = category_header(cat.name, cat.points, cat.kind == BONUS, wrapped=True)
        columns.append(Column(header, "num", width, 7))
    return [*columns, *tail, Column(H_FILE, "text", 40, 10)]


# The 计分过程 sheet and the audit CSV share these columns, in this order (outputs.readback reads them).
A_ITEM_ID, A_ITEM_NAME, A_POINTS, A_SCORE = "指标编号", "指标名称", "满分", "得分"
A_INPUTS, A_REMARKS, A_EXPLANATION = "填报值", "备注", "计分说明"
AUDIT_COLUMNS = [
    Column(H_UNIT, "text", 24, 8),
    Column(A_ITEM_ID, "center", 10, 8),
    Column(A_ITEM_NAME, "wrap", 30, 10),
    Column(A_POINTS, "num", 8, 6),
    Column(A_SCORE, "num", 8, 6),
    Column(A_INPUTS, "wrap", 40, 10),
    Column(A_REMARKS, "wrap", 30, 6),
    Column(A_EXPLANATION, "wrap", 70, 20),
]
