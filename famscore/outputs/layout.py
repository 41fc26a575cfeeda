"""The summary's sheet names and headers: one definition, used to write the workbook and to read it back."""

from __future__ import annotations

import re
from decimal import Decimal

from famscore.numbers import fmt, to_decimal
from famscore.outputs.xlsx import Column
from famscore.scheme.model import BONUS, Scheme

SHEET_RANK = "排名"
SHEET_MATRIX = "得分明细"
SHEET_AUDIT = "计分过程"
SHEET_PROBLEMS = "问题"
SHEET_SCHEME = "考评表"
SHEET_NOTICE = "结果通报"
SHEETS = (SHEET_RANK, SHEET_NOTICE, SHEET_MATRIX, SHEET_AUDIT, SHEET_PROBLEMS, SHEET_SCHEME)

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


def category_header(name: str, points: Decimal, bonus: bool) -> str:
    """A category's column on the 排名 sheet: '组织管理（20分）', '加分项（附加，5分）'."""
    return f"{name}（{'附加，' if bonus else ''}{fmt(points)}分）"


_CATEGORY_HEADER = re.compile(r"^(?P<name>.*)（(?P<bonus>附加，)?(?P<points>[^（）]*)分）$", re.S)


def read_category_header(header: str) -> tuple[str, Decimal | None, bool]:
    """The name, points and bonus mark `category_header` wrote (points None if the text is not its)."""
    found = _CATEGORY_HEADER.match(header)
    if found is None:
        return header, None, False
    return found["name"], to_decimal(found["points"]), bool(found["bonus"])


def rank_columns(scheme: Scheme) -> list[Column]:
    s = scheme.settings
    has_bonus = bool(s.bonus_points) or any(c.kind == BONUS for c in scheme.categories)
    columns = [Column(H_RANK, "int", 6, 6), Column(H_UNIT, "text", 30, 10)]
    for cat in scheme.categories:
        columns.append(Column(category_header(cat.name, cat.points, cat.kind == BONUS), "num", 14, 8))
    columns.append(Column(f"{H_MAIN}（满分{fmt(s.main_points)}）", "num", 14, 8))
    if has_bonus:
        cap = f"（上限{fmt(s.bonus_points)}）" if s.bonus_points else ""
        columns.append(Column(f"{H_BONUS}{cap}", "num", 12, 8))
    columns.append(Column(H_TOTAL, "num", 10, 8))
    if scheme.bands:
        columns.append(Column(H_GRADE, "center", 10, 6))
    columns.append(Column(H_FLAGS, "wrap", 50, 10))
    columns.append(Column(H_FILE, "text", 40, 10))
    return columns


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
