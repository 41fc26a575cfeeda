"""The 自评与核定 sheet: each unit's own claim (自评分) beside the verified score (核定分), item by item."""

from __future__ import annotations

from decimal import Decimal

from famscore.numbers import fmt
from famscore.outputs.layout import H_UNIT
from famscore.outputs.safe import clean_text
from famscore.outputs.xlsx import PENDING_FILL, WIDTH_SAMPLE, Column, Sheet
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
    """One row per unit × item (自评分, 核定分, 差额), then the unit's totals in bold; a note row on top.

    At 10,000 units this is 240,000 rows, the largest sheet of the summary, so rows past the first
    unit's are written straight to the worksheet: every unit repeats the same item ids, names, points
    and row heights, which the Sheet cleans, measures and fits once, on the first unit's rows; and
    the claims come from UnitResult.claims, kept in memory, not from each unit's spooled details.
    """
    scheme = batch.scheme
    items = scheme.items
    ws, formats = sheet.ws, sheet.formats
    wrap = formats.get("wrap", "FFF2CC")
    # The note is the scheme-independent text above: no user text, so written as it is.
    ws.merge_range(0, 0, 0, len(COLUMNS) - 1, NOTE.format(points=fmt(LARGE_POINTS)), wrap)
    ws.set_row(0, 48)
    sheet.header(1, COLUMNS)
    text, center, num = formats.get("text"), formats.get("center"), formats.get("num")
    flagged, pending = formats.get("num", LARGE_FILL), formats.get("text", PENDING_FILL)
    bold_text, bold_num = formats.get("text", bold=True), formats.get("num", bold=True)
    bold_flagged = formats.get("num", LARGE_FILL, bold=True)
    name_format = formats.get("wrap")
    put_text, put_number, put_blank = ws.write_string, ws.write_number, ws.write_blank
    # Per item, as the first unit's rows wrote them: id, name, points and the row height (None: default).
    fixed: list[tuple[str, str, float, float | None]] = []
    no_claims = (None,) * len(items)
    row = 1
    for unit in batch.units:
        unit_name = clean_text(unit.unit).text
        claims = unit.claims or no_claims
        for position, (item, verified, claim) in enumerate(zip(items, unit.scores, claims, strict=True)):
            row += 1
            if position == 0 or not unit_name:  # noted once per unit if it had to be cleaned
                sheet.text(row, 0, unit.unit, text)
            else:
                put_text(row, 0, unit_name, text)
            if len(fixed) < len(items):
                sheet.text(row, 1, item.id, center)
                sheet.text(row, 2, item.name, name_format)
                sheet.number(row, 3, item.points, num)
                fixed.append(
                    (
                        clean_text(item.id).text,
                        clean_text(item.name).text,
                        float(item.points),
                        sheet.heights.get(row),
                    )
                )
            else:
                ident, name, points, height = fixed[position]
                put_text(row, 1, ident, center)
                if name:
                    put_text(row, 2, name, name_format)
                else:
                    put_blank(row, 2, None, name_format)
                put_number(row, 3, points, num)
                if height is not None:
                    sheet.set_height(row, height)
            if row < WIDTH_SAMPLE:  # the Sheet measures column widths on these rows
                sheet.number(row, 4, claim, num)
            elif claim is None:
                put_blank(row, 4, None, num)
            else:
                put_number(row, 4, float(claim), num)
            if verified is None:
                put_text(row, 5, PENDING, pending)
            else:
                put_number(row, 5, float(verified), num)
                if claim is not None:
                    difference = claim - verified
                    put_number(row, 6, float(difference), flagged if large(difference, item) else num)
        row += 1
        claim_total = unit.self_total
        verified_total = unit.total if unit.complete else None
        sheet.text(row, 0, unit.unit, bold_text)
        sheet.text(row, 2, "合计", bold_text)
        sheet.number(row, 3, scheme.settings.main_points + scheme.settings.bonus_points, bold_num)
        sheet.number(row, 4, claim_total, bold_num)
        if verified_total is None:
            put_text(row, 5, PENDING, pending)
        else:
            sheet.number(row, 5, verified_total, bold_num)
        if claim_total is not None and verified_total is not None:
            difference = claim_total - verified_total
            sheet.number(row, 6, difference, bold_flagged if abs(difference) >= LARGE_POINTS else bold_num)
    ws.autofilter(1, 0, max(row, 2), len(COLUMNS) - 1)
    sheet.finish(freeze=(2, 1), header_rows=2)
