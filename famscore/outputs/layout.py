"""The summary's sheet names and headers: one definition, used to write the workbook and to read it back."""

from __future__ import annotations

from famscore.numbers import fmt
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
K_BAND = "等级"


def rank_columns(scheme: Scheme) -> list[Column]:
    s = scheme.settings
    has_bonus = bool(s.bonus_points) or any(c.kind == BONUS for c in scheme.categories)
    columns = [Column(H_RANK, "int", 6, 6), Column(H_UNIT, "text", 30, 10)]
    for cat in scheme.categories:
        extra = "附加，" if cat.kind == BONUS else ""
        columns.append(Column(f"{cat.name}（{extra}{fmt(cat.points)}分）", "num", 14, 8))
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


AUDIT_COLUMNS = [
    Column(H_UNIT, "text", 24, 8),
    Column("指标编号", "center", 10, 8),
    Column("指标名称", "wrap", 30, 10),
    Column("满分", "num", 8, 6),
    Column("得分", "num", 8, 6),
    Column("填报值", "wrap", 40, 10),
    Column("备注", "wrap", 30, 6),
    Column("计分说明", "wrap", 70, 20),
]
