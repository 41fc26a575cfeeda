"""The 自评与核定 sheet: each unit's own claim (自评分) beside the verified score (核定分), item by item."""

from __future__ import annotations

from decimal import Decimal

from famscore.numbers import fmt
from famscore.outputs.layout import H_UNIT
from famscore.outputs.xlsx import PENDING_FILL, Column, Sheet
from famscore.scheme.model import Item
from famscore.scoring import PENDING, BatchResult

SHEET_SELF = "自评与核定"
LARGE_POINTS = Decimal(2)  # a difference this large, or half the item's points, is highlighted
LARGE_FILL = "F8CBAD"  # orange: a claim well off what the department verified
NOTE = (
    "差额 = 自评分 − 核定分（正数：单位自评高于核定）。差额的绝对值达到 {points} 分或该项分值的一半的，"
    "标为橙色。核定分是计分所用的分数；自评分只作对照，不计入得分。本表不含计分过程，详见「计分过程」。"
)
COLUMNS = [
    Column(H_UNIT, "text", 24, 8),
    Column("指标编号", "center", 10, 8),
    Column("指标名称", "wrap", 30, 10),
    Column("满分", "num", 8, 6),
    Column("自评分", "num", 10, 6),
    Column("核定分", "num", 10, 6),
    Column("差额", "num", 10, 6),
]


def has_self_check(batch: BatchResult) -> bool:
    """The sheet is written only for a scheme whose units assess themselves (设置 自评 是)."""
    return batch.scheme.settings.self_assessment


def large(difference: Decimal, item: Item | None) -> bool:
    """A difference worth a look: LARGE_POINTS or more, or at least half the item's points."""
    size = abs(difference)
    return size >= LARGE_POINTS or (item is not None and size * 2 >= item.points and size > 0)


def self_check_sheet(sheet: Sheet, batch: BatchResult) -> None:
    """One row per unit × item (自评分, 核定分, 差额), then the unit's totals in bold; a note row on top."""
    scheme = batch.scheme
    formats = sheet.formats
    wrap = formats.get("wrap", "FFF2CC")
    # The note is the scheme-independent text above: no user text, so written as it is.
    sheet.ws.merge_range(0, 0, 0, len(COLUMNS) - 1, NOTE.format(points=fmt(LARGE_POINTS)), wrap)
    sheet.ws.set_row(0, 48)
    sheet.header(1, COLUMNS)
    text, center, num = formats.get("text"), formats.get("center"), formats.get("num")
    flagged, pending = formats.get("num", LARGE_FILL), formats.get("text", PENDING_FILL)
    bold_text, bold_num = formats.get("text", bold=True), formats.get("num", bold=True)
    bold_flagged = formats.get("num", LARGE_FILL, bold=True)
    row = 1
    for unit in batch.units:
        for item, verified in zip(scheme.items, unit.scores, strict=True):
            row += 1
            claim = unit.self_score(item.id)
            sheet.text(row, 0, unit.unit, text)
            sheet.text(row, 1, item.id, center)
            sheet.text(row, 2, item.name, formats.get("wrap"))
            sheet.number(row, 3, item.points, num)
            sheet.number(row, 4, claim, num)
            _verified(sheet, row, verified, num, pending)
            if claim is not None and verified is not None:
                difference = claim - verified
                sheet.number(row, 6, difference, flagged if large(difference, item) else num)
        row += 1
        claim_total = unit.self_total
        verified_total = unit.total if unit.complete else None
        sheet.text(row, 0, unit.unit, bold_text)
        sheet.text(row, 2, "合计", bold_text)
        sheet.number(row, 3, scheme.settings.main_points + scheme.settings.bonus_points, bold_num)
        sheet.number(row, 4, claim_total, bold_num)
        _verified(sheet, row, verified_total, bold_num, pending)
        if claim_total is not None and verified_total is not None:
            difference = claim_total - verified_total
            sheet.number(row, 6, difference, bold_flagged if abs(difference) >= LARGE_POINTS else bold_num)
    sheet.ws.autofilter(1, 0, max(row, 2), len(COLUMNS) - 1)
    sheet.finish(freeze=(2, 1), header_rows=2)


def _verified(sheet: Sheet, row: int, score: Decimal | None, number: object, pending: object) -> None:
    if score is None:
        sheet.text(row, 5, PENDING, pending)
    else:
        sheet.number(row, 5, score, number)
