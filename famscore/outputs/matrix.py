"""The 得分明细 sheet: one row per unit, one column per item grouped under its category, the maxima on top."""

from __future__ import annotations

from famscore.outputs.layout import (
    H_BONUS,
    H_MAIN,
    H_STATE,
    H_TOTAL,
    H_UNIT,
    M_CATEGORY,
    M_MAXIMUM,
    M_SUM,
    category_header,
    matrix_group,
)
from famscore.outputs.safe import write_text
from famscore.outputs.xlsx import (
    ERROR_FILL,
    LANDSCAPE_WIDTH_PX,
    PENDING_FILL,
    Column,
    Sheet,
    column_pixels,
    wrapped_lines,
)
from famscore.scheme.model import BONUS
from famscore.scoring import PENDING, BatchResult

GROUP_ROW, HEADER_ROW, MAXIMUM_ROW = 0, 1, 2  # units from the row after the maxima
ITEM_WIDTH = 9  # characters: about 13 items across a printed page beside the unit column


def matrix_sheet(sheet: Sheet, batch: BatchResult) -> None:
    """Printed at full size, split across pages between categories, with the category, item and
    maximum rows and the unit column on every page."""
    scheme = batch.scheme
    s = scheme.settings
    formats = sheet.formats
    items = scheme.items
    columns = [Column(H_UNIT, "text", 20, 10)]
    columns += [
        Column(f"{item.id} {item.name}" + ("（附加）" if item.kind == BONUS else ""), "num", ITEM_WIDTH, 6)
        for item in items
    ]
    columns += [Column(H_MAIN, "num", 9, 8), Column(H_BONUS, "num", 9, 8), Column(H_TOTAL, "num", 9, 8)]
    columns.append(Column(H_STATE, "wrap", 40, 8))
    base = len(items) + 1
    groups: list[tuple[int, int, str]] = []  # first column, last column, text
    col = 1
    for cat in scheme.categories:
        if cat.items:
            head = category_header(cat.name, cat.points, cat.kind == BONUS)
            groups.append((col, col + len(cat.items) - 1, matrix_group(cat.id, head)))
            col += len(cat.items)
    groups.append((base, base + 2, M_SUM))
    group_format = formats.get("group")
    write_text(sheet.ws, GROUP_ROW, 0, M_CATEGORY, group_format)
    lines = 1
    for first, last, text in groups:
        if last > first:
            sheet.ws.merge_range(GROUP_ROW, first, GROUP_ROW, last, "", group_format)
        write_text(sheet.ws, GROUP_ROW, first, text, group_format)
        lines = max(lines, wrapped_lines(text, ITEM_WIDTH * (last - first + 1)))
    sheet.set_height(GROUP_ROW, 13.5 * min(lines, 6) + 3)
    sheet.header(HEADER_ROW, columns)
    maximum = formats.get("num", "DDEBF7", bold=True)
    sheet.text(MAXIMUM_ROW, 0, M_MAXIMUM, formats.get("text", "DDEBF7", bold=True))
    for col, item in enumerate(items, start=1):
        sheet.number(MAXIMUM_ROW, col, item.points, maximum)
    sheet.number(MAXIMUM_ROW, base, s.main_points, maximum)
    sheet.number(MAXIMUM_ROW, base + 1, s.bonus_points, maximum)
    sheet.number(MAXIMUM_ROW, base + 2, s.main_points + s.bonus_points, maximum)
    missing = formats.get("num", ERROR_FILL)
    for row, unit in enumerate(batch.units, start=MAXIMUM_ROW + 1):
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
    # The 说明 column prints beside the sums when a unit has one; an empty column would take a page.
    noted = any(not u.rankable for u in batch.units)
    first, last, text = groups[-1]
    groups[-1] = (first, last + 1 if noted else last, text)
    sheet.ws.set_v_pagebreaks(_category_breaks(sheet, groups))
    sheet.ws.set_print_scale(100)
    sheet.finish(
        freeze=(MAXIMUM_ROW + 1, 1),
        header_rows=MAXIMUM_ROW + 1,
        repeat_cols=1,
        fit_width=False,
        last_col=groups[-1][1],
        last_row=MAXIMUM_ROW + len(batch.units),
    )


def _category_breaks(sheet: Sheet, groups: list[tuple[int, int, str]]) -> list[int]:
    """Columns a printed page starts at, so that a category stays on one page where it fits one."""
    # The unit column is on every page. A tenth kept spare: programs round column widths differently,
    # and a category cut in two is worse than a page a little less full.
    room = LANDSCAPE_WIDTH_PX * 0.9 - column_pixels(sheet.final_width(0))
    breaks: list[int] = []
    used = 0.0
    for first, last, _text in groups:
        width = sum(column_pixels(sheet.final_width(c)) for c in range(first, last + 1))
        if used and used + width > room:
            breaks.append(first)
            used = 0.0
        used += width
    return breaks
