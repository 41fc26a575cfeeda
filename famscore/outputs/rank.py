"""The 排名 sheet: ranked units with subtotals, grade, flags, the band counts beside them and the totals chart."""

from __future__ import annotations

from typing import Any

from famscore.outputs.layout import H_BONUS, H_TOTAL, rank_columns
from famscore.outputs.view import marks
from famscore.outputs.xlsx import PENDING_FILL, Column, Sheet, band_colours
from famscore.scheme.model import Scheme
from famscore.scoring import PENDING, BatchResult, UnitResult

CHART_UNITS = 100  # the totals chart shows at most this many ranked units


def _unit_flags(unit: UnitResult) -> list[str]:
    flags = marks(unit)
    if not unit.rankable:
        flags.append(f"{PENDING}：{unit.pending_reason()}")
    return flags


def _row_fill(colours: dict[str, str], unit: UnitResult) -> str | None:
    if not unit.rankable:
        return PENDING_FILL
    return colours.get(unit.grade)


def rank_sheet(book: Any, sheet: Sheet, batch: BatchResult) -> None:
    scheme = batch.scheme
    formats = sheet.formats
    columns = rank_columns(scheme)
    colours = dict(zip((b.name for b in scheme.bands), band_colours(len(scheme.bands)), strict=True))
    side_col = len(columns) + 1
    side = _side_rows(scheme, batch.units, colours)
    sheet.header(0, columns)
    for offset, header in enumerate(("等级" if scheme.bands else "情况", "单位数", "占比")):
        sheet.text(0, side_col + offset, header, formats.get("header"))
    sheet.caps.update({side_col: 14, side_col + 1: 8, side_col + 2: 8})
    has_bonus = any(c.header.startswith(H_BONUS) for c in columns)
    total_units = len(batch.units)
    row = 0
    for row, unit in enumerate(batch.units, start=1):
        fill = _row_fill(colours, unit)
        col = 0
        sheet.number(row, col, unit.rank, formats.get("int", fill))
        sheet.text(row, col + 1, unit.unit, formats.get("text", fill))
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
            col += 1
        sheet.text(row, col, "\n".join(_unit_flags(unit)), formats.get("wrap", fill))
        sheet.text(row, col + 1, unit.file, formats.get("text", fill))
        _side_row(sheet, row, side_col, side, total_units)
    last_table_row = row
    for extra_row in range(row + 1, len(side) + 1):
        _side_row(sheet, extra_row, side_col, side, total_units)
    chart_row = len(side) + 2
    _totals_chart(book, sheet, batch, columns, colours, side_col, chart_row)
    sheet.finish(freeze=(1, 2), last_col=len(columns) - 1, last_row=last_table_row)


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


def _side_row(sheet: Sheet, row: int, col: int, side: list[tuple[str, int, str | None]], total: int) -> None:
    if row > len(side):
        return
    label, count, fill = side[row - 1]
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
    col: int,
    row: int,
) -> None:
    ranked = [u for u in batch.units if u.rankable][:CHART_UNITS]
    if not ranked:
        return
    total_col = next(i for i, c in enumerate(columns) if c.header == H_TOTAL)
    count = len(ranked)
    chart = book.add_chart({"type": "bar"})
    points = [{"fill": {"color": "#" + colours[u.grade]}} if u.grade in colours else None for u in ranked]
    series: dict[str, Any] = {
        "name": H_TOTAL,
        "categories": [sheet.name, 1, 1, count, 1],
        "values": [sheet.name, 1, total_col, count, total_col],
        "data_labels": {"value": True, "num_format": sheet.formats.number},
        "gap": 60,
        "border": {"color": "#7F7F7F"},
    }
    if any(points):
        series["points"] = points
    else:
        series["fill"] = {"color": "#5B9BD5"}
    chart.add_series(series)
    more = f"（前 {CHART_UNITS} 名）" if sum(1 for u in batch.units if u.rankable) > CHART_UNITS else ""
    chart.set_title({"name": f"总分{more}", "name_font": {"size": 12}})
    chart.set_legend({"none": True})
    chart.set_y_axis({"reverse": True, "num_font": {"size": 9}})  # the category axis of a bar chart
    chart.set_x_axis({"num_format": sheet.formats.number, "major_gridlines": {"visible": True}})
    chart.set_size({"width": 620, "height": max(320, 22 * count + 90)})
    sheet.ws.insert_chart(row, col, chart)
