"""The 得分明细 sheet: one row per unit, one column per item, with the maxima on top."""

from __future__ import annotations

from famscore.outputs.layout import H_BONUS, H_MAIN, H_STATE, H_TOTAL, H_UNIT
from famscore.outputs.xlsx import ERROR_FILL, PENDING_FILL, Column, Sheet
from famscore.scheme.model import BONUS
from famscore.scoring import PENDING, BatchResult


def matrix_sheet(sheet: Sheet, batch: BatchResult) -> None:
    scheme = batch.scheme
    s = scheme.settings
    formats = sheet.formats
    items = scheme.items
    columns = [Column(H_UNIT, "text", 30, 10)]
    columns += [
        Column(f"{item.id} {item.name}" + ("（附加）" if item.kind == BONUS else ""), "num", 14, 8)
        for item in items
    ]
    columns += [Column(H_MAIN, "num", 10, 8), Column(H_BONUS, "num", 10, 8), Column(H_TOTAL, "num", 10, 8)]
    columns.append(Column(H_STATE, "wrap", 50, 8))
    sheet.header(0, columns)
    maximum = formats.get("num", "DDEBF7", bold=True)
    sheet.text(1, 0, "满分", formats.get("text", "DDEBF7", bold=True))
    for col, item in enumerate(items, start=1):
        sheet.number(1, col, item.points, maximum)
    base = len(items) + 1
    sheet.number(1, base, s.main_points, maximum)
    sheet.number(1, base + 1, s.bonus_points, maximum)
    sheet.number(1, base + 2, s.main_points + s.bonus_points, maximum)
    missing = formats.get("num", ERROR_FILL)
    for row, unit in enumerate(batch.units, start=2):
        sheet.text(row, 0, unit.unit, formats.get("text"))
        for col, score in enumerate(unit.scores, start=1):
            sheet.number(row, col, score, missing if score is None else formats.get("num"))
        sheet.number(row, base, unit.main, formats.get("num"))
        sheet.number(row, base + 1, unit.bonus, formats.get("num"))
        sheet.number(row, base + 2, unit.total, formats.get("num", bold=True))
        if not unit.rankable:
            sheet.text(
                row, base + 3, f"{PENDING}：{unit.pending_reason()}", formats.get("wrap", PENDING_FILL)
            )
    sheet.finish(freeze=(2, 1), header_rows=2)
