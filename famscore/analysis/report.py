"""What `famscore history` and `famscore compare` show: rich tables, and the comparison workbook."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.table import Table

from famscore.analysis.compare import GONE, MAX_CHANGED, NEW, Comparison
from famscore.numbers import fmt
from famscore.outputs.terminal import plain
from famscore.outputs.xlsx import Column, Formats, Notes, Sheet


def _num(value: Decimal | None, decimals: int | None = None) -> str:
    # With the scheme's decimals (103.30, not 103.3), as the summary shows them.
    if value is None:
        return "—"
    return str(value if decimals is None else value.quantize(Decimal(1).scaleb(-decimals)))


def _signed(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    text = fmt(value) if isinstance(value, Decimal) else str(value)
    return "+" + text if value > 0 else text


# ---------------------------------------------------------------- history


def history_table(rows: list[tuple[Any, ...]]) -> Table:
    """Per unit (by code, else name), its total and grade in each year: rows of query.HISTORY_SQL."""
    years = sorted({row[0] for row in rows})
    units: dict[str, dict[int, tuple[Any, ...]]] = {}
    for row in rows:
        units.setdefault(row[1], {})[row[0]] = row
    table = Table(title=plain("历年总分和等级", style="bold"), header_style="bold")
    table.add_column("单位", no_wrap=True)
    table.add_column("单位代码", no_wrap=True)
    for year in years:
        table.add_column(f"{year} 总分", justify="right", no_wrap=True)
        table.add_column(f"{year} 等级", no_wrap=True)
    table.add_column("首末年变化", justify="right", no_wrap=True)

    def order(key: str) -> tuple[int, Any, str]:
        latest = units[key][max(units[key])]
        rank = latest[6]
        return (-max(units[key]), rank if rank is not None else 10**9, latest[2])

    for key in sorted(units, key=order):
        by_year = units[key]
        latest = by_year[max(by_year)]
        names = {by_year[y][2] for y in by_year}
        name = latest[2] + (
            "（曾用名 " + "、".join(sorted(names - {latest[2]})) + "）" if len(names) > 1 else ""
        )
        cells: list[Any] = [plain(name), plain(latest[3] or "")]
        for year in years:
            found = by_year.get(year)
            cells += [_num(found[4]) if found else "", plain(found[5] or "") if found else ""]
        first, last = by_year[min(by_year)], latest
        change = last[4] - first[4] if len(by_year) > 1 and None not in (first[4], last[4]) else None
        cells.append(_signed(change))
        table.add_row(*cells)
    return table


# ---------------------------------------------------------------- compare


def compare_table(comparison: Comparison, limit: int | None = 60) -> Table:
    """Per unit: last year's and this year's totals, grades and ranks, and the changes."""
    c = comparison
    table = Table(title=plain(f"{c.last_label} → {c.this_label} 对比", style="bold"), header_style="bold")
    for header, justify in (
        ("单位", "left"),
        (f"{c.last_label} 总分", "right"),
        (f"{c.this_label} 总分", "right"),
        ("变化", "right"),
        ("等级", "left"),
        ("名次", "right"),
        ("名次变化", "right"),
    ):
        table.add_column(header, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    units = c.units if limit is None else c.units[:limit]
    for u in units:
        name = u.unit if not u.last_name or u.last_name == u.unit else f"{u.unit}（原 {u.last_name}）"
        grade = f"{u.last_grade or '—'} → {u.this_grade or '—'}"
        rank = f"{u.last_rank or '—'} → {u.this_rank or '—'}"
        d = c.decimals
        table.add_row(
            plain(name), _num(u.last_total, d), _num(u.this_total, d), _signed(u.change), plain(grade), rank,
            _signed(u.rank_change),
        )  # fmt: skip
    return table


def comparison_writer(comparison: Comparison, decimals: int) -> Callable[[Path], None]:
    """The function writing the comparison workbook to a (temporary) file (check with verify_xlsx)."""

    def write(temp: Path) -> None:
        import xlsxwriter

        book = xlsxwriter.Workbook(str(temp), {"nan_inf_to_errors": True})
        try:
            formats = Formats(book, decimals)
            notes = Notes(temp.name)
            _units_sheet(Sheet(book, formats, "单位对比", notes), comparison)
            _items_sheet(Sheet(book, formats, "指标对比", notes), comparison)
            _improved_sheet(Sheet(book, formats, "进步最大", notes), comparison)
            _losing_sheet(Sheet(book, formats, "持续失分", notes), comparison)
            _about_sheet(Sheet(book, formats, "说明", notes), comparison)
        finally:
            book.close()

    return write


def _units_sheet(sheet: Sheet, c: Comparison) -> None:
    columns = [
        Column("单位", "text", 30, 10),
        Column("单位代码", "text", 20, 8),
        Column(f"{c.last_label} 名称", "text", 30, 10),
        Column(f"{c.last_label} 总分", "num", 12, 8),
        Column(f"{c.this_label} 总分", "num", 12, 8),
        Column("总分变化", "num", 10, 8),
        Column(f"{c.last_label} 等级", "center", 10, 6),
        Column(f"{c.this_label} 等级", "center", 10, 6),
        Column(f"{c.last_label} 名次", "int", 8, 6),
        Column(f"{c.this_label} 名次", "int", 8, 6),
        Column("名次变化（升为正）", "int", 10, 8),
    ]
    sheet.header(0, columns)
    f = sheet.formats
    for row, u in enumerate(c.units, start=1):
        sheet.text(row, 0, u.unit, f.get("text"))
        sheet.text(row, 1, u.unit_code, f.get("text"))
        sheet.text(row, 2, u.last_name, f.get("text"))
        sheet.number(row, 3, u.last_total, f.get("num"))
        sheet.number(row, 4, u.this_total, f.get("num"))
        sheet.number(row, 5, u.change, f.get("num"))
        sheet.text(row, 6, u.last_grade or "", f.get("center"))
        sheet.text(row, 7, u.this_grade or "", f.get("center"))
        sheet.number(row, 8, u.last_rank, f.get("int"))
        sheet.number(row, 9, u.this_rank, f.get("int"))
        sheet.number(row, 10, u.rank_change, f.get("int"))
    sheet.ws.autofilter(0, 0, max(len(c.units), 1), len(columns) - 1)
    sheet.finish(freeze=(1, 1))


def _items_sheet(sheet: Sheet, c: Comparison) -> None:
    columns = [
        Column("单位", "text", 30, 10),
        Column("指标编号", "center", 10, 8),
        Column(f"{c.last_label} 编号", "center", 10, 8),
        Column("指标名称", "wrap", 30, 10),
        Column(f"{c.last_label} 满分", "num", 10, 6),
        Column(f"{c.this_label} 满分", "num", 10, 6),
        Column(f"{c.last_label} 得分", "num", 10, 6),
        Column(f"{c.this_label} 得分", "num", 10, 6),
        Column("得分变化", "num", 10, 6),
        Column("说明", "wrap", 30, 8),
    ]
    sheet.header(0, columns)
    f = sheet.formats
    words = {
        NEW: "今年新增的指标，没有去年得分",
        GONE: "今年已删去的指标",
        MAX_CHANGED: "满分变了，得分不直接比较",
    }
    for row, i in enumerate(c.items, start=1):
        sheet.text(row, 0, i.unit, f.get("text"))
        sheet.text(row, 1, i.item_id if i.status != GONE else "", f.get("center"))
        sheet.text(row, 2, i.last_id, f.get("center"))
        sheet.text(row, 3, i.item, f.get("wrap"))
        sheet.number(row, 4, i.last_max, f.get("num"))
        sheet.number(row, 5, i.this_max, f.get("num"))
        sheet.number(row, 6, i.last_score, f.get("num"))
        sheet.number(row, 7, i.this_score, f.get("num"))
        sheet.number(row, 8, i.change, f.get("num"))
        sheet.text(row, 9, words.get(i.status, ""), f.get("wrap"))
    sheet.ws.autofilter(0, 0, max(len(c.items), 1), len(columns) - 1)
    sheet.finish(freeze=(1, 2))


def _improved_sheet(sheet: Sheet, c: Comparison) -> None:
    columns = [
        Column("单位", "text", 30, 10),
        Column(f"{c.last_label} 总分", "num", 12, 8),
        Column(f"{c.this_label} 总分", "num", 12, 8),
        Column("总分变化", "num", 10, 8),
        Column("等级", "center", 16, 8),
    ]
    sheet.header(0, columns)
    f = sheet.formats
    for row, u in enumerate(c.most_improved(), start=1):
        sheet.text(row, 0, u.unit, f.get("text"))
        sheet.number(row, 1, u.last_total, f.get("num"))
        sheet.number(row, 2, u.this_total, f.get("num"))
        sheet.number(row, 3, u.change, f.get("num"))
        sheet.text(row, 4, f"{u.last_grade or '—'} → {u.this_grade or '—'}", f.get("center"))
    sheet.finish()


def _losing_sheet(sheet: Sheet, c: Comparison) -> None:
    columns = [
        Column("单位", "text", 30, 10),
        Column("指标编号", "center", 10, 8),
        Column("指标名称", "wrap", 30, 10),
        Column("满分", "num", 8, 6),
        Column(f"{c.last_label} 失分", "num", 10, 6),
        Column(f"{c.this_label} 失分", "num", 10, 6),
    ]
    sheet.header(0, columns)
    f = sheet.formats
    for row, i in enumerate(c.losing(), start=1):
        sheet.text(row, 0, i.unit, f.get("text"))
        sheet.text(row, 1, i.item_id, f.get("center"))
        sheet.text(row, 2, i.item, f.get("wrap"))
        sheet.number(row, 3, i.this_max, f.get("num"))
        sheet.number(row, 4, (i.last_max or 0) - (i.last_score or 0), f.get("num"))
        sheet.number(row, 5, (i.this_max or 0) - (i.this_score or 0), f.get("num"))
    sheet.ws.autofilter(0, 0, max(len(c.losing()), 1), len(columns) - 1)
    sheet.finish(freeze=(1, 1))


def _about_sheet(sheet: Sheet, c: Comparison) -> None:
    f = sheet.formats
    lines = [
        ("去年结果", c.last_source),
        ("今年结果", c.this_source),
        ("单位对照", "有单位代码时按代码对照（改名的单位也能对上），否则按单位名称"),
        ("指标对照", "按指标编号" + (f"；另按对照文件：{len(c.mapping)} 对" if c.mapping else "")),
        ("满分变化", "满分变了的指标列出两年的满分和得分，不计算得分变化"),
        ("持续失分", "两年都没有得满分的同一指标（满分未变）"),
    ]
    sheet.header(0, [Column("项目", "text", 12, 8), Column("内容", "wrap", 80, 20)])
    for row, (key, text) in enumerate(lines, start=1):
        sheet.text(row, 0, key, f.get("text"))
        sheet.text(row, 1, text, f.get("wrap"))
    sheet.finish(portrait=True)
