"""The 排名 sheet: a title, ranked units with subtotals, grade and flags, then the band counts and the totals chart."""

from __future__ import annotations

import math
from typing import Any

from famscore.outputs.layout import H_FILE, H_FLAGS, H_TOTAL, bonus_column, rank_columns
from famscore.outputs.safe import write_text
from famscore.outputs.view import marks
from famscore.outputs.xlsx import (
    DEFAULT_ROW_HEIGHT,
    LANDSCAPE_HEIGHT_PT,
    PENDING_FILL,
    Column,
    Sheet,
    band_colours,
    column_pixels,
)
from famscore.scheme.model import Scheme
from famscore.scoring import PENDING, BatchResult, UnitResult

CHART_UNITS = 40  # the totals chart shows at most this many ranked units: more do not fit a printed page
LABELLED_BARS = 25  # more bars than this are too thin to carry their values legibly
TITLE_ROW, HEADER_ROW = 0, 1  # the table starts on the row after the header
TITLE_HEIGHT = 26.0  # points
CHART_COL_GAP = 1  # empty columns between the band counts and the chart
MIN_CHART_WIDTH = 360  # pixels


def _unit_flags(unit: UnitResult) -> list[str]:
    flags = marks(unit)
    if not unit.rankable:
        flags.append(f"{PENDING}：{unit.pending_reason()}")
    return flags


def _row_fill(colours: dict[str, str], unit: UnitResult) -> str | None:
    if not unit.rankable:
        return PENDING_FILL
    return colours.get(unit.grade)


def rank_sheet(book: Any, sheet: Sheet, batch: BatchResult, title: str = "") -> None:
    """The printed ranking: `title` over the table (the scheme's title and year), one A4 landscape page
    wide; the band counts and the chart below the table, inside the printed area; 回表文件 after it."""
    scheme = batch.scheme
    formats = sheet.formats
    columns = rank_columns(scheme)
    flags_col = next(i for i, c in enumerate(columns) if c.header == H_FLAGS)
    file_col = next(i for i, c in enumerate(columns) if c.header == H_FILE)
    colours = dict(zip((b.name for b in scheme.bands), band_colours(len(scheme.bands)), strict=True))
    sheet.ws.merge_range(TITLE_ROW, 0, TITLE_ROW, flags_col, "", formats.get("heading"))
    write_text(sheet.ws, TITLE_ROW, 0, f"{title or scheme.title} 计分结果", formats.get("heading"))
    sheet.set_height(TITLE_ROW, TITLE_HEIGHT)
    sheet.header(HEADER_ROW, columns)
    has_bonus = bonus_column(scheme)
    row = HEADER_ROW
    for row, unit in enumerate(batch.units, start=HEADER_ROW + 1):
        fill = _row_fill(colours, unit)
        sheet.number(row, 0, unit.rank, formats.get("int", fill))
        sheet.text(row, 1, unit.unit, formats.get("text", fill))
        col = 2
        for cat in scheme.categories:
            sheet.number(row, col, unit.categories.get(cat.id), formats.get("num", fill))
            col += 1
        sheet.number(row, col, unit.main, formats.get("num", fill))
        col += 1
        if has_bonus:
            sheet.number(row, col, unit.bonus, formats.get("num", fill))
            col += 1
        sheet.number(row, col, unit.total, formats.get("num", fill, bold=True))
        col += 1
        if scheme.bands:
            sheet.text(row, col, unit.grade or PENDING, formats.get("center", fill, bold=True))
        sheet.text(row, flags_col, "\n".join(_unit_flags(unit)), formats.get("wrap", fill))
        sheet.text(row, file_col, unit.file, formats.get("text", fill))
    last_table_row = row
    block_row = last_table_row + 2
    side = _side_rows(scheme, batch.units, colours)
    for offset, header in enumerate(("等级" if scheme.bands else "情况", "单位数", "占比")):
        sheet.text(block_row, 1 + offset, header, formats.get("header"))
    for offset in range(len(side)):
        _side_row(sheet, block_row + 1 + offset, 1, side[offset], len(batch.units))
    last_row = block_row + len(side)
    # The chart's size is set from the columns' final widths, known now that every row is written.
    scale = sheet.print_scale(flags_col)
    page = LANDSCAPE_HEIGHT_PT / scale  # a printed page's height in the sheet's points

    def pixels(first: int) -> int:
        return int(sum(column_pixels(sheet.final_width(c)) for c in range(first, flags_col + 1)))

    # Beside the counts; under them, the printed width across, when a short table leaves no room there.
    chart_at = (block_row, 4 + CHART_COL_GAP)
    if pixels(chart_at[1]) < MIN_CHART_WIDTH:
        chart_at = (last_row + 2, 0)
    chart_pt = _totals_chart(book, sheet, batch, columns, colours, chart_at, pixels(chart_at[1]), page)
    if chart_pt:
        last_row = max(last_row, chart_at[0] + math.ceil(chart_pt / DEFAULT_ROW_HEIGHT))
    block = (last_row - block_row + 1) * DEFAULT_ROW_HEIGHT
    if _room_left(sheet, last_table_row, page) < block + DEFAULT_ROW_HEIGHT:
        sheet.ws.set_h_pagebreaks([block_row - 1])  # the counts and the chart start a page of their own
    sheet.finish(
        freeze=(HEADER_ROW + 1, 2), first_header_row=HEADER_ROW, last_col=flags_col, last_row=last_row
    )


def _room_left(sheet: Sheet, last_row: int, page: float) -> float:
    """Points left on the page that prints `last_row`, the header row repeated on every page after the first."""
    used = 0.0
    for row in range(last_row + 1):
        height = sheet.height(row)
        if used + height > page:
            used = sheet.height(HEADER_ROW)
        used += height
    return page - used


def _side_rows(
    scheme: Scheme, units: list[UnitResult], colours: dict[str, str]
) -> list[tuple[str, int, str | None]]:
    rows: list[tuple[str, int, str | None]] = []
    incomplete = sum(1 for u in units if not u.rankable)
    if scheme.bands:
        for band in scheme.bands:
            count = sum(1 for u in units if u.rankable and u.grade == band.name)
            rows.append((band.name, count, colours.get(band.name)))
        if incomplete:
            rows.append((PENDING, incomplete, PENDING_FILL))
    else:
        rows.append(("已排名", len(units) - incomplete, None))
        if incomplete:
            rows.append((PENDING, incomplete, PENDING_FILL))
    rows.append(("合计", len(units), None))
    return rows


def _side_row(sheet: Sheet, row: int, col: int, line: tuple[str, int, str | None], total: int) -> None:
    label, count, fill = line
    bold = label == "合计"
    formats = sheet.formats
    sheet.text(row, col, label, formats.get("center", fill, bold=bold))
    sheet.number(row, col + 1, count, formats.get("int", fill, bold=bold))
    sheet.ws.write_number(row, col + 2, count / total if total else 0, formats.get("pct", fill, bold=bold))


def _totals_chart(
    book: Any,
    sheet: Sheet,
    batch: BatchResult,
    columns: list[Column],
    colours: dict[str, str],
    at: tuple[int, int],
    width: int,
    page: float,
) -> float:
    """The bar chart of the first ranked units' totals at `at`; returns its height in points (0: none)."""
    ranked = [u for u in batch.units if u.rankable][:CHART_UNITS]
    if not ranked:
        return 0.0
    total_col = next(i for i, c in enumerate(columns) if c.header == H_TOTAL)
    count = len(ranked)
    first = HEADER_ROW + 1
    chart = book.add_chart({"type": "bar"})
    points = [{"fill": {"color": "#" + colours[u.grade]}} if u.grade in colours else None for u in ranked]
    series: dict[str, Any] = {
        "name": H_TOTAL,
        "categories": [sheet.name, first, 1, first + count - 1, 1],
        "values": [sheet.name, first, total_col, first + count - 1, total_col],
        "gap": 50,
        "border": {"color": "#7F7F7F"},
    }
    if count <= LABELLED_BARS:
        series["data_labels"] = {"value": True, "num_format": sheet.formats.number, "font": {"size": 9}}
    if any(points):
        series["points"] = points
    else:
        series["fill"] = {"color": "#5B9BD5"}
    chart.add_series(series)
    more = f"（前 {CHART_UNITS} 名）" if sum(1 for u in batch.units if u.rankable) > CHART_UNITS else ""
    chart.set_title({"name": f"总分{more}", "name_font": {"size": 11}})
    chart.set_legend({"none": True})
    chart.set_y_axis({"reverse": True, "num_font": {"size": 9}})  # the category axis of a bar chart
    chart.set_x_axis(
        {"num_format": sheet.formats.number, "num_font": {"size": 9}, "major_gridlines": {"visible": True}}
    )
    # At most one printed page high (less the repeated header row), so the chart is never cut in two.
    tallest = (page - sheet.height(HEADER_ROW) - 2 * DEFAULT_ROW_HEIGHT) / 0.75
    height = int(min(max(260, 15 * count + 90), tallest))
    chart.set_size({"width": width, "height": height})
    sheet.ws.insert_chart(*at, chart, {"object_position": 3})  # neither moved nor sized with cells
    return height * 0.75
