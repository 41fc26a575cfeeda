"""The summary workbook: ranking, score matrix, audit trail, problems, scheme facts and the notice.

Written with xlsxwriter in constant-memory mode, so every sheet is written strictly row by row (the
audit sheet streams one row per unit × item and scales to 10,000 units × 40 items). Every string goes
through `famscore.outputs.safe.write_text` (text cells, illegal characters removed, over-long text cut
and reported on the 问题 sheet). Numbers are written as numbers with the scheme's decimals.
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from famscore.errors import Problem, UsageError, cell_name
from famscore.messages import Msg
from famscore.names import name_key
from famscore.numbers import fmt, round_half_up, to_decimal
from famscore.outputs.safe import CleanText, OutputSet, atomic_write, clean_text, verify_xlsx, write_text
from famscore.scheme.model import BONUS, VETO_LAST, VETO_NO_TOP, Scheme
from famscore.scoring import PENDING, BatchResult, UnitResult, basis_score
from famscore.values import shown

SHEET_RANK = "排名"
SHEET_MATRIX = "得分明细"
SHEET_AUDIT = "计分过程"
SHEET_PROBLEMS = "问题"
SHEET_SCHEME = "考评表"
SHEET_NOTICE = "结果通报"
SHEETS = (SHEET_RANK, SHEET_NOTICE, SHEET_MATRIX, SHEET_AUDIT, SHEET_PROBLEMS, SHEET_SCHEME)

MAX_ROWS = 1_048_576  # Excel's row limit: the audit sheet continues on 计分过程2, 计分过程3, ...
CHART_UNITS = 100  # the totals chart shows at most this many ranked units
WIDTH_SAMPLE = 2_000  # rows per sheet measured for column widths
HEADER_FILL = "4F6D8F"
PENDING_FILL = "D9D9D9"
ERROR_FILL = "FFC7CE"
WARNING_FILL = "FFEB9C"
# Band colours run from green (top band) through yellow to red (last band).
GREEN, YELLOW, RED = (0xC6, 0xEF, 0xCE), (0xFF, 0xEB, 0x9C), (0xFF, 0xC7, 0xCE)

# Header texts read back by `read_summary`.
H_RANK, H_UNIT, H_MAIN, H_BONUS, H_TOTAL = "排名", "单位", "主要指标得分", "附加分", "总分"
H_GRADE, H_FLAGS, H_FILE = "等级", "标记", "回表文件"
H_STATE = "说明"
K_BAND = "等级"


def band_colours(count: int) -> list[str]:
    """Fill colours for `count` bands: top green, last red, the ones between graded via yellow."""
    if count <= 0:
        return []
    if count == 1:
        return [_hex(GREEN)]
    colours = []
    for index in range(count):
        t = index / (count - 1)
        a, b, u = (GREEN, YELLOW, t * 2) if t <= 0.5 else (YELLOW, RED, t * 2 - 1)
        colours.append(_hex(tuple(round(x + (y - x) * u) for x, y in zip(a, b, strict=True))))
    return colours


def _hex(rgb: tuple[int, ...]) -> str:
    return "".join(f"{c:02X}" for c in rgb)


# East Asian wide and full-width characters (CJK, kana, hangul, full-width forms): 2 columns each.
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)


def display_width(text: str) -> int:
    """Width of the longest line in Excel column units: a CJK (wide) character counts 2."""
    return max((len(line) + len(_WIDE.findall(line)) for line in text.split("\n")), default=0)


def wrapped_lines(text: str, width: int) -> int:
    """How many lines `text` takes in a wrapping cell `width` units wide (an estimate)."""
    usable = max(width - 1, 1)
    return sum(max(1, -(-(len(line) + len(_WIDE.findall(line))) // usable)) for line in text.split("\n"))


def number_format(decimals: int) -> str:
    return "0" if decimals <= 0 else "0." + "0" * decimals


# ---------------------------------------------------------------- formats and sheets


class _Formats:
    """xlsxwriter formats created once per combination."""

    def __init__(self, book: Any, decimals: int) -> None:
        self.book = book
        self.number = number_format(decimals)
        self._cache: dict[tuple, Any] = {}

    def get(self, kind: str, fill: str | None = None, *, bold: bool = False, red: bool = False) -> Any:
        key = (kind, fill, bold, red)
        if key not in self._cache:
            props: dict[str, Any] = {"valign": "vcenter", "font_size": 10}
            if kind == "header":
                props.update(
                    bold=True,
                    font_color="FFFFFF",
                    bg_color=HEADER_FILL,
                    text_wrap=True,
                    align="center",
                    border=1,
                )
            elif kind == "title":
                props.update(bold=True, font_size=14)
            elif kind == "plain":
                props.update(text_wrap=True, font_size=11)
            elif kind == "note":
                props.update(italic=True, font_color="808080", text_wrap=True)
            else:
                props["border"] = 1
                if kind == "wrap":
                    props["text_wrap"] = True
                elif kind == "center":
                    props["align"] = "center"
                elif kind == "num":
                    props["num_format"] = self.number
                elif kind == "int":
                    props.update(num_format="0", align="center")
                elif kind == "pct":
                    props["num_format"] = "0.0%"
            if fill:
                props["bg_color"] = fill
            if bold:
                props["bold"] = True
            if red:
                props["font_color"] = "9C0006"
            self._cache[key] = self.book.add_format(props)
        return self._cache[key]


class _Notes:
    """Text that had to be cleaned or cut, reported once per distinct text with its first cell."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.seen: dict[tuple[str, str], list] = {}  # (text, note) -> [sheet, cell, count]
        self.taken = 0

    def add(self, clean: CleanText, sheet: str, cell: str) -> None:
        key = (clean.text[:40], clean.note())
        if key in self.seen:
            self.seen[key][2] += 1
        else:
            self.seen[key] = [sheet, cell, 1]

    def take(self) -> list[Problem]:
        """The notes not taken before, as warnings about the summary file."""
        fresh = list(self.seen.items())[self.taken :]
        self.taken += len(fresh)
        problems = []
        for (text, note), (sheet, cell, count) in fresh:
            more = f"（共 {count} 处，这是第一处）" if count > 1 else ""
            problems.append(
                Msg.OUTPUT_TEXT_CLEANED.problem(
                    self.file_name, sheet, cell=cell, text=text, note=note, more=more
                )
            )
        return problems


@dataclass
class _Column:
    header: str
    kind: str = "text"  # text, wrap, center, num, int
    cap: int = 40
    minimum: int = 6


class _Sheet:
    """One worksheet written in row order, measuring column widths and noting changed text."""

    def __init__(self, book: Any, formats: _Formats, name: str, notes: _Notes) -> None:
        self.ws = book.add_worksheet(name)
        self.name = name
        self.formats = formats
        self.notes = notes
        self.widths: dict[int, int] = {}
        self.caps: dict[int, int] = {}
        self.minimums: dict[int, int] = {}
        self.wrap_cols: set[int] = set()
        self.overflowed: set[int] = set()  # wrap columns with text wider than their cap
        self._row = -1
        self._lines = 1

    def text(self, row: int, col: int, value: object, cell_format: Any = None, *, wrap: bool = False) -> None:
        clean = write_text(self.ws, row, col, value, cell_format)
        if clean.removed or clean.cut_from:
            self.notes.add(clean, self.name, cell_name(row + 1, col + 1))
        if row < WIDTH_SAMPLE:
            self._measure(col, clean.text)
        if (wrap or col in self.wrap_cols) and clean.text:
            self._fit_height(row, col, clean.text)

    def _fit_height(self, row: int, col: int, text: str) -> None:
        # LibreOffice and WPS do not grow rows for wrapped text by themselves: set the height.
        cap = self.caps.get(col, 40)
        if "\n" not in text and len(text) * 2 < cap - 1:
            return
        lines = wrapped_lines(text, cap)
        if lines > 1:
            self.overflowed.add(col)
        if row != self._row:
            self._row, self._lines = row, 1
        if lines > self._lines:
            self._lines = lines
            self.ws.set_row(row, 13.5 * min(lines, 30) + 3)

    def number(self, row: int, col: int, value: Decimal | int | None, cell_format: Any = None) -> None:
        if value is None:
            self.ws.write_blank(row, col, None, cell_format)
            return
        self.ws.write_number(row, col, float(value) if isinstance(value, Decimal) else value, cell_format)
        if row < WIDTH_SAMPLE:
            self._measure(col, fmt(value) + "00")

    def _measure(self, col: int, text: str) -> None:
        width = display_width(text[:400]) + 2
        if width > self.widths.get(col, 0):
            self.widths[col] = width

    def header(self, row: int, columns: list[_Column], start: int = 0) -> None:
        for offset, column in enumerate(columns):
            col = start + offset
            self.caps[col] = column.cap
            self.minimums[col] = column.minimum
            if column.kind == "wrap":
                self.wrap_cols.add(col)
            self.text(row, col, column.header, self.formats.get("header"), wrap=True)
        self.overflowed -= {c for c in self.overflowed if c not in self.wrap_cols}

    def finish(
        self,
        *,
        freeze: tuple[int, int] = (1, 0),
        header_rows: int = 1,
        last_col: int | None = None,
        last_row: int | None = None,
        portrait: bool = False,
    ) -> None:
        ws = self.ws
        for col, width in sorted(self.widths.items()):
            cap = self.caps.get(col, 40)
            if col in self.overflowed:
                width = cap  # row heights were estimated for this width
            ws.set_column(col, col, max(self.minimums.get(col, 6), min(width, cap)))
        if freeze != (0, 0):
            ws.freeze_panes(*freeze)
        if portrait:
            ws.set_portrait()
        else:
            ws.set_landscape()
            ws.center_horizontally()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        if header_rows:
            ws.repeat_rows(0, header_rows - 1)
        ws.set_footer("&C第 &P 页，共 &N 页")
        if last_col is not None and last_row is not None:
            ws.print_area(0, 0, max(last_row, 0), last_col)


# ---------------------------------------------------------------- public API


# Above this many unit × item rows the audit goes to a CSV beside the workbook: xlsxwriter manages
# ~100,000 cells a second, so 10,000 units × 40 items in the workbook would take most of a minute.
AUDIT_ROWS_IN_WORKBOOK = 20_000


def audit_csv_path(path: Path | str) -> Path:
    """Where the audit goes when it is too large for the workbook."""
    path = Path(path)
    return path.with_name(f"{path.stem}_计分过程.csv")


def audit_in_workbook(batch: BatchResult) -> bool:
    return len(batch.units) * len(batch.scheme.items) <= AUDIT_ROWS_IN_WORKBOOK


def write_summary(
    batch: BatchResult,
    path: Path | str,
    *,
    generated_at: str,
    famscore_version: str,
    notes: list[Problem] | None = None,
    write_csv: bool = True,
) -> Path:
    """Write the summary workbook atomically to `path` and return it.

    Output-side warnings (text that had to be cleaned or cut) go to the 问题 sheet and, when `notes`
    is given, are appended to it so the caller can show them too. A large audit goes to
    `audit_csv_path(path)` instead of the 计分过程 sheet, which then says where it is (written here,
    in the same batch as the workbook, unless `write_csv` is False, when the caller writes it).
    """
    target = Path(path)
    collected: list[Problem] = []
    with OutputSet() as outputs:
        if not audit_in_workbook(batch) and write_csv:
            outputs.write(audit_csv_path(target), audit_csv_writer(batch), no_verify)
        writer, verify = summary_writer(
            batch, target, generated_at=generated_at, famscore_version=famscore_version, collected=collected
        )
        outputs.write(target, writer, verify)
        outputs.commit()
    if notes is not None:
        notes.extend(collected)
    return target


def summary_writer(
    batch: BatchResult, target: Path, *, generated_at: str, famscore_version: str, collected: list[Problem]
) -> tuple[Callable[[Path], None], Callable[[Path], None]]:
    """The functions that write the summary workbook for `target` to a temporary file and verify it;
    output-side warnings are appended to `collected`."""
    sheet_count = [0]
    csv_path = None if audit_in_workbook(batch) else audit_csv_path(target)

    def writer(temp: Path) -> None:
        sheet_count[0] = _write(batch, temp, target.name, generated_at, famscore_version, collected, csv_path)

    def verify(temp: Path) -> None:
        parts = [f"xl/worksheets/sheet{i}.xml" for i in range(1, sheet_count[0] + 1)]
        verify_xlsx(temp, parts)

    return writer, verify


def no_verify(path: Path) -> None:
    """CSV has no structure to check; a write that failed has already raised."""


def _write(
    batch: BatchResult,
    path: Path,
    file_name: str,
    generated_at: str,
    famscore_version: str,
    collected: list[Problem],
    csv_path: Path | None = None,
) -> int:
    import xlsxwriter

    # xlsxwriter keeps one temporary file per sheet and per part in `tmpdir`, and leaves them behind
    # when a write fails (a full disk): a private folder, removed whatever happens, takes them all.
    with tempfile.TemporaryDirectory(prefix="famscore-xlsx-", ignore_cleanup_errors=True) as parts:
        return _write_book(
            xlsxwriter, parts, batch, path, file_name, generated_at, famscore_version, collected, csv_path
        )


def _write_book(
    xlsxwriter: Any,
    parts: str,
    batch: BatchResult,
    path: Path,
    file_name: str,
    generated_at: str,
    famscore_version: str,
    collected: list[Problem],
    csv_path: Path | None,
) -> int:
    book = xlsxwriter.Workbook(
        str(path),
        {
            "tmpdir": parts,
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    try:
        formats = _Formats(book, batch.scheme.settings.decimals)
        notes = _Notes(file_name)
        sheets = {name: _Sheet(book, formats, name, notes) for name in SHEETS}
        book.set_properties(
            {
                "title": batch.scheme.title,
                "subject": "考评汇总",
                "comments": f"famscore {famscore_version}，{generated_at}",
            }
        )
        _rank_sheet(book, sheets[SHEET_RANK], batch)
        _notice_sheet(sheets[SHEET_NOTICE], batch, generated_at, famscore_version)
        _matrix_sheet(sheets[SHEET_MATRIX], batch)
        if csv_path is None:
            extra = _audit_sheets(book, formats, sheets[SHEET_AUDIT], batch, notes)
        else:
            extra = 0
            _audit_pointer(sheets[SHEET_AUDIT], batch, csv_path)
        _scheme_sheet(sheets[SHEET_SCHEME], batch, generated_at, famscore_version)
        # Last, because it lists the notes the other sheets made.
        collected.extend(_problems_sheet(sheets[SHEET_PROBLEMS], batch.problems, notes))
        sheets[SHEET_RANK].ws.activate()
    finally:
        book.close()
    return len(SHEETS) + extra


# ---------------------------------------------------------------- 排名


def _unit_flags(unit: UnitResult) -> list[str]:
    flags = list(unit.flags)
    if not unit.rankable:
        flags.append(f"{PENDING}：{unit.pending_reason()}")
    return flags


def _row_fill(colours: dict[str, str], unit: UnitResult) -> str | None:
    if not unit.rankable:
        return PENDING_FILL
    return colours.get(unit.grade)


def _rank_columns(scheme: Scheme) -> list[_Column]:
    s = scheme.settings
    has_bonus = bool(s.bonus_points) or any(c.kind == BONUS for c in scheme.categories)
    columns = [_Column(H_RANK, "int", 6, 6), _Column(H_UNIT, "text", 30, 10)]
    for cat in scheme.categories:
        extra = "附加，" if cat.kind == BONUS else ""
        columns.append(_Column(f"{cat.name}（{extra}{fmt(cat.points)}分）", "num", 14, 8))
    columns.append(_Column(f"{H_MAIN}（满分{fmt(s.main_points)}）", "num", 14, 8))
    if has_bonus:
        cap = f"（上限{fmt(s.bonus_points)}）" if s.bonus_points else ""
        columns.append(_Column(f"{H_BONUS}{cap}", "num", 12, 8))
    columns.append(_Column(H_TOTAL, "num", 10, 8))
    if scheme.bands:
        columns.append(_Column(H_GRADE, "center", 10, 6))
    columns.append(_Column(H_FLAGS, "wrap", 50, 10))
    columns.append(_Column(H_FILE, "text", 40, 10))
    return columns


def _rank_sheet(book: Any, sheet: _Sheet, batch: BatchResult) -> None:
    scheme = batch.scheme
    formats = sheet.formats
    columns = _rank_columns(scheme)
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


def _side_row(sheet: _Sheet, row: int, col: int, side: list[tuple[str, int, str | None]], total: int) -> None:
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
    sheet: _Sheet,
    batch: BatchResult,
    columns: list[_Column],
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


# ---------------------------------------------------------------- 得分明细


def _matrix_sheet(sheet: _Sheet, batch: BatchResult) -> None:
    scheme = batch.scheme
    s = scheme.settings
    formats = sheet.formats
    items = scheme.items
    columns = [_Column(H_UNIT, "text", 30, 10)]
    columns += [
        _Column(f"{item.id} {item.name}" + ("（附加）" if item.kind == BONUS else ""), "num", 14, 8)
        for item in items
    ]
    columns += [_Column(H_MAIN, "num", 10, 8), _Column(H_BONUS, "num", 10, 8), _Column(H_TOTAL, "num", 10, 8)]
    columns.append(_Column(H_STATE, "wrap", 50, 8))
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


# ---------------------------------------------------------------- 计分过程


AUDIT_COLUMNS = [
    _Column(H_UNIT, "text", 24, 8),
    _Column("指标编号", "center", 10, 8),
    _Column("指标名称", "wrap", 30, 10),
    _Column("满分", "num", 8, 6),
    _Column("得分", "num", 8, 6),
    _Column("填报值", "wrap", 40, 10),
    _Column("备注", "wrap", 30, 6),
    _Column("计分说明", "wrap", 70, 20),
]


def _audit_sheets(book: Any, formats: _Formats, first: _Sheet, batch: BatchResult, notes: _Notes) -> int:
    """Stream one row per unit × item; returns how many continuation sheets were needed."""
    scheme = batch.scheme
    fields_of = {item.id: scheme.fields_of(item.id) for item in scheme.items}
    sheet = first
    sheet.header(0, AUDIT_COLUMNS)
    extra = 0
    row = 0
    text, wrap, center = formats.get("text"), formats.get("wrap"), formats.get("center")
    num, missing = formats.get("num"), formats.get("num", ERROR_FILL)
    for unit in batch.units:
        values, raw, remarks = unit.values, unit.raw, unit.remarks
        for score in unit.items:
            row += 1
            if row >= MAX_ROWS:
                _finish_audit(sheet, row - 1)
                extra += 1
                sheet = _Sheet(book, formats, f"{SHEET_AUDIT}{extra + 1}", notes)
                sheet.header(0, AUDIT_COLUMNS)
                row = 1
            item = score.item
            fields = fields_of[item.id]
            sheet.text(row, 0, unit.unit, text)
            sheet.text(row, 1, item.id, center)
            sheet.text(row, 2, item.name, wrap)
            sheet.number(row, 3, item.points, num)
            sheet.number(row, 4, score.score, missing if score.score is None else num)
            sheet.text(row, 5, _inputs(values, raw, fields), wrap)
            sheet.text(row, 6, _remarks(remarks, fields), wrap)
            sheet.text(row, 7, score.explanation, wrap)
    _finish_audit(sheet, row)
    return extra


def _audit_pointer(sheet: _Sheet, batch: BatchResult, csv_path: Path) -> None:
    rows = len(batch.units) * len(batch.scheme.items)
    sheet.header(0, [_Column("说明", "wrap", 100, 20)])
    sheet.text(
        1,
        0,
        f"单位 × 指标共 {rows} 行，超过 {AUDIT_ROWS_IN_WORKBOOK} 行；为保证速度，计分过程另存为同一文件夹中的"
        f"「{csv_path.name}」（UTF-8 编码，Excel/WPS 可直接打开），各列与本表相同。",
        sheet.formats.get("wrap"),
    )
    sheet.finish(freeze=(1, 0))


def write_audit_csv(batch: BatchResult, path: Path) -> Path:
    """The audit as CSV, atomically (see audit_in_workbook for when it is used)."""
    return atomic_write(path, audit_csv_writer(batch), no_verify)


def audit_csv_writer(batch: BatchResult) -> Callable[[Path], None]:
    return lambda temp: _audit_csv(batch, temp)


def _audit_csv(batch: BatchResult, path: Path) -> None:
    """The audit as CSV: streamed, every value text, formula-looking text defused with a leading '."""
    import csv

    scheme = batch.scheme
    fields_of = {item.id: scheme.fields_of(item.id) for item in scheme.items}
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle)
        out.writerow([c.header for c in AUDIT_COLUMNS])
        for unit in batch.units:
            name = _csv_text(unit.unit)
            values, raw, remarks = unit.values, unit.raw, unit.remarks
            for score in unit.items:
                item = score.item
                fields = fields_of[item.id]
                out.writerow(
                    [
                        name,
                        item.id,
                        item.name,
                        fmt(item.points),
                        "" if score.score is None else fmt(score.score),
                        _csv_text(_inputs(values, raw, fields)),
                        _csv_text(_remarks(remarks, fields)),
                        score.explanation,
                    ]
                )


def _csv_text(text: str) -> str:
    # Excel runs CSV cells beginning with = + - @ as formulas (CSV injection); a leading ' keeps them text.
    text = clean_text(text).text
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _finish_audit(sheet: _Sheet, last_row: int) -> None:
    sheet.ws.autofilter(0, 0, max(last_row, 1), len(AUDIT_COLUMNS) - 1)
    sheet.finish(freeze=(1, 2))


def _inputs(values: dict[str, object], raw: dict[str, str], fields: list) -> str:
    """The values feeding one item, as 'label=value' joined: the same text in the sheet and the CSV."""
    return "；".join(f"{f.label}={_entered(values, raw, f.id)}" for f in fields)


def _entered(values: dict[str, object], raw: dict[str, str], field_id: str) -> str:
    typed = raw.get(field_id, "")
    if typed != "":
        return typed
    value = values.get(field_id)
    return "（未填）" if value is None else shown(value)


def _remarks(remarks: dict[str, str], fields: list) -> str:
    """A single remark as it was written; several as 'label：remark' joined."""
    found = [(f.label, remarks[f.id]) for f in fields if remarks.get(f.id)]
    if len(found) == 1:
        return found[0][1]
    return "；".join(f"{label}：{remark}" for label, remark in found)


# ---------------------------------------------------------------- 问题


def _problems_sheet(sheet: _Sheet, problems: list[Problem], notes: _Notes) -> list[Problem]:
    """Input problems, then the notes on cleaned text; returns those notes."""
    formats = sheet.formats
    columns = [
        _Column("文件", "text", 36, 10),
        _Column("工作表", "text", 14, 8),
        _Column("位置", "center", 10, 6),
        _Column("级别", "center", 6, 6),
        _Column("问题", "wrap", 70, 20),
        _Column("处理办法", "wrap", 50, 12),
    ]
    sheet.header(0, columns)
    row = 0
    taken = notes.take()
    batch = [*problems, *taken]
    while batch:
        for problem in batch:
            row += 1
            fill = ERROR_FILL if problem.is_error else WARNING_FILL
            red = problem.is_error
            sheet.text(row, 0, problem.file, formats.get("text", fill, red=red))
            sheet.text(row, 1, problem.sheet, formats.get("text", fill, red=red))
            sheet.text(row, 2, problem.cell, formats.get("center", fill, red=red))
            sheet.text(row, 3, problem.severity, formats.get("center", fill, bold=True, red=red))
            sheet.text(row, 4, problem.message, formats.get("wrap", fill, red=red))
            sheet.text(row, 5, problem.fix, formats.get("wrap", fill, red=red))
        batch = notes.take()  # problem texts that themselves had to be cleaned
        taken.extend(batch)
    if row == 0:
        row = 1
        sheet.text(row, 0, "没有发现问题", formats.get("text"))
    sheet.ws.autofilter(0, 0, row, len(columns) - 1)
    sheet.finish(freeze=(1, 0))
    return taken


# ---------------------------------------------------------------- 考评表


def _scheme_sheet(sheet: _Sheet, batch: BatchResult, generated_at: str, famscore_version: str) -> None:
    scheme = batch.scheme
    s = scheme.settings
    formats = sheet.formats
    sheet.header(
        0, [_Column("项目", "text", 16, 10), _Column("内容", "wrap", 70, 20), _Column("最低分", "num", 10, 8)]
    )
    ranked = sum(1 for u in batch.units if u.rankable)
    errors = sum(1 for p in batch.problems if p.is_error)
    rows: list[tuple[str, object, object]] = [
        ("标题", s.title, None),
        ("年度", str(s.year) if s.year else "", None),
        ("考核对象", s.unit_kind, None),
        ("版本", s.version, None),
        ("指纹", scheme.fingerprint, None),
        ("小数位数", s.decimals, None),
        ("主要指标满分", s.main_points, None),
        ("附加分上限", s.bonus_points, None),
    ]
    for band in scheme.bands:
        rows.append((K_BAND, band.name, band.lower if band.lower is not None else "其余"))
    if not scheme.bands:
        rows.append((K_BAND, "不定级", None))
    rows += [
        ("定级依据", s.grade_basis if scheme.bands else "", None),
        ("排名依据", s.rank_basis, None),
        ("说明", s.note, None),
        ("考评表文件", Path(scheme.path).name if scheme.path else "", None),
        ("famscore 版本", famscore_version, None),
        ("生成时间", generated_at, None),
        ("回表数", batch.files, None),
        ("计分单位数", len(batch.units), None),
        ("参加排名单位数", ranked, None),
        ("问题数", f"错误 {errors} 处，警告 {len(batch.problems) - errors} 处", None),
    ]
    label, wrap, num = formats.get("text", "DDEBF7", bold=True), formats.get("wrap"), formats.get("num")
    for row, (key, value, extra) in enumerate(rows, start=1):
        sheet.text(row, 0, key, label)
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            sheet.number(row, 1, value, formats.get("text") if isinstance(value, int) else num)
        else:
            sheet.text(row, 1, value, wrap)
        if isinstance(extra, Decimal):
            sheet.number(row, 2, extra, num)
        elif extra is not None:
            sheet.text(row, 2, extra, formats.get("center"))
    sheet.finish(freeze=(1, 0))


# ---------------------------------------------------------------- 结果通报


_TITLE_SUFFIXES = (
    "考评表",
    "考核表",
    "评分表",
    "考核指标",
    "考评办法",
    "考核办法",
    "考评方案",
    "考核方案",
    "考评",
    "考核",
    "评估",
    "评分",
)


def notice_subject(title: str, year: int | None) -> str:
    """The phrase before the band name in the published notice, as in seed 003.

    '长宁区2021年度计划生育工作目标管理责任制考核' with year 2021 → '2021年度计划生育工作目标管理'
    (the district name before the year and a trailing 考核/考评表/责任制 are dropped). A heuristic:
    the notice sheet is meant to be edited before publishing.
    """
    subject = title.strip()
    for suffix in _TITLE_SUFFIXES:
        if subject.endswith(suffix) and len(subject) > len(suffix):
            subject = subject[: -len(suffix)]
            break
    if subject.endswith("责任制") and len(subject) > 3:
        subject = subject[:-3]
    if year:
        for marker in (f"{year}年度", f"{year}年"):
            index = subject.find(marker)
            if index >= 0:
                return f"{year}年度{subject[index + len(marker) :]}"
        return f"{year}年度{subject}"
    return subject


def _published_flags(unit: UnitResult) -> list[str]:
    """Flags that come from the scheme's rules (vetoes), not bookkeeping notes."""
    return list(dict.fromkeys(f for f in unit.flags if f.startswith((VETO_LAST, VETO_NO_TOP))))


def _notice_sheet(sheet: _Sheet, batch: BatchResult, generated_at: str, famscore_version: str) -> None:
    """Seed-003 style: per band, '1.<subject><band>单位（排名不分先后）：' then the names joined by 、.

    Within a band units are listed by name (code-point order), not by score, so the list does not
    reveal ranks. Units with veto flags get a note; incomplete units are listed separately; units
    whose return's identity is in doubt (held) are left out, with a note saying how many.
    """
    scheme = batch.scheme
    formats = sheet.formats
    subject = notice_subject(scheme.title, scheme.settings.year)
    plain, bold, note = formats.get("plain"), formats.get("plain", bold=True), formats.get("note")
    lines: list[tuple[str, Any]] = [(f"{subject}考核结果", formats.get("title")), ("", plain)]
    complete = [u for u in batch.units if u.rankable]
    number = 0
    if scheme.bands:
        for band in scheme.bands:
            members = sorted((u for u in complete if u.grade == band.name), key=lambda u: u.unit)
            if not members:
                continue
            number += 1
            lines.append((f"{number}.{subject}{band.name}单位（排名不分先后）：", bold))
            lines.append(("、".join(u.unit for u in members), plain))
            lines.extend(_flag_notes(members, note))
            lines.append(("", plain))
    elif complete:
        number += 1
        lines.append((f"{number}.{subject}考核排名：", bold))
        basis = scheme.settings.rank_basis
        ranks = Counter(u.rank for u in complete)
        for unit in complete:
            tied = "（并列）" if ranks[unit.rank] > 1 else ""
            score = fmt(basis_score(unit, basis))
            lines.append((f"第{unit.rank}名{tied}　{unit.unit}（{basis} {score} 分）", plain))
        lines.extend(_flag_notes(complete, note))
        lines.append(("", plain))
    pending = sorted((u for u in batch.units if not u.complete and not u.held), key=lambda u: u.unit)
    if pending:
        number += 1
        lines.append((f"{number}.未完成计分、暂不定级的单位：", bold))
        lines.append(("、".join(u.unit for u in pending), plain))
        lines.append(("（请核实这些单位的填报表，改正后重新计分）", note))
        lines.append(("", plain))
    held = sum(1 for u in batch.units if u.held)
    if held:
        lines.append(
            (
                f"（另有 {held} 个单位的回表属于哪个单位或哪份考评表尚待核实，定为{PENDING}，未列入本通报；"
                f"原因见「{SHEET_RANK}」和「{SHEET_PROBLEMS}」工作表。发布前请删去本行。）",
                note,
            )
        )
        lines.append(("", plain))
    if not batch.units:
        lines.append(("（没有可计分的回表）", note))
    lines.append(
        (
            f"（本通报由 famscore {famscore_version} 根据 {batch.files} 份回表于 {generated_at} 生成，"
            "发布前请核对并补充各单位工作完成情况。）",
            note,
        )
    )
    sheet.caps[0] = sheet.minimums[0] = 80  # a printed A4 page, portrait: it is a document
    sheet.wrap_cols.add(0)
    for row, (line, cell_format) in enumerate(lines):
        sheet.text(row, 0, line, cell_format)
    sheet.finish(freeze=(0, 0), header_rows=0, portrait=True)


def _flag_notes(units: Iterable[UnitResult], cell_format: Any) -> list[tuple[str, Any]]:
    notes = []
    for unit in units:
        flags = _published_flags(unit)
        if flags:
            notes.append((f"注：{unit.unit}——{'；'.join(flags)}", cell_format))
    return notes


# ---------------------------------------------------------------- reading back


def read_summary(path: Path | str) -> dict[str, Any]:
    """Read the 排名 and 考评表 sheets of a summary workbook back, for `famscore show`.

    Returns {"path", "scheme": {title, version, fingerprint, year, decimals, bands: [{name, lower}],
    grade_basis, rank_basis, famscore_version, generated_at, returns}, "categories": [header, ...],
    "units": [{rank, unit, categories: {header: Decimal|None}, main, bonus, total, grade, flags, file}]}
    with scores as Decimals rounded to the scheme's decimals. Raises UsageError when the file is not
    a readable famscore summary.
    """
    import python_calamine as calamine

    from famscore.safety import sniff

    source = Path(path)
    if not source.is_file():
        raise UsageError(f"找不到汇总表「{source}」，请检查路径", source)
    try:
        kind = sniff(source)
        if kind != "zip":
            raise UsageError(
                f"「{source.name}」不是 .xlsx 汇总表，请指定 famscore score 生成的汇总表", source
            )
        book = calamine.CalamineWorkbook.from_path(str(source))
        names = book.sheet_names
        for needed in (SHEET_RANK, SHEET_SCHEME):
            if needed not in names:
                raise UsageError(
                    f"「{source.name}」不是 famscore 生成的汇总表（缺少工作表「{needed}」）", source
                )
        rank_rows = book.get_sheet_by_name(SHEET_RANK).to_python(skip_empty_area=False)
        scheme_rows = book.get_sheet_by_name(SHEET_SCHEME).to_python(skip_empty_area=False)
    except UsageError:
        raise
    except Exception as exc:  # calamine raises several types for damaged files
        raise UsageError(
            f"无法读取汇总表「{source.name}」（{type(exc).__name__}），请重新生成", source
        ) from exc
    scheme = _read_scheme_rows(scheme_rows)
    categories, units = _read_rank_rows(rank_rows, scheme["decimals"], source)
    return {"path": str(source), "scheme": scheme, "categories": categories, "units": units}


def _cell(row: list, index: int | None) -> object:
    if index is None or index >= len(row):
        return ""
    return row[index]


def _str(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_scheme_rows(rows: list[list]) -> dict[str, Any]:
    facts: dict[str, str] = {}
    bands: list[dict[str, Any]] = []
    for row in rows[1:]:
        key = _str(_cell(row, 0)).strip()
        if key == K_BAND:
            name = _str(_cell(row, 1))
            if name and name != "不定级":
                bands.append({"name": name, "lower": to_decimal(_cell(row, 2))})
        elif key:
            facts.setdefault(key, _str(_cell(row, 1)))
    decimals_value = to_decimal(facts.get("小数位数", ""))
    decimals = int(decimals_value) if decimals_value is not None else 2
    for band in bands:
        if band["lower"] is not None:
            band["lower"] = _exact(band["lower"], decimals)
    year = to_decimal(facts.get("年度", ""))
    returns = to_decimal(facts.get("回表数", ""))
    return {
        "title": facts.get("标题", ""),
        "version": facts.get("版本", ""),
        "fingerprint": facts.get("指纹", ""),
        "year": int(year) if year is not None else None,
        "decimals": decimals,
        "bands": bands,
        "grade_basis": facts.get("定级依据", ""),
        "rank_basis": facts.get("排名依据", ""),
        "famscore_version": facts.get("famscore 版本", ""),
        "generated_at": facts.get("生成时间", ""),
        "returns": int(returns) if returns is not None else None,
    }


def _exact(value: Decimal, decimals: int) -> Decimal:
    return round_half_up(value, decimals)


def _read_rank_rows(rows: list[list], decimals: int, source: Path) -> tuple[list[str], list[dict[str, Any]]]:
    if not rows:
        raise UsageError(f"「{source.name}」的「{SHEET_RANK}」工作表是空的，请重新生成汇总表", source)
    header = []
    for value in rows[0]:
        text = _str(value).strip()
        if not text:
            break  # the band counts sit to the right, after an empty column
        header.append(text)

    def find(name: str, prefix: bool = False) -> int | None:
        for index, text in enumerate(header):
            if text == name or (prefix and text.startswith(name)):
                return index
        return None

    unit_col, main_col = find(H_UNIT), find(H_MAIN, prefix=True)
    if unit_col is None or main_col is None or find(H_TOTAL) is None:
        raise UsageError(
            f"「{source.name}」的「{SHEET_RANK}」工作表缺少表头（单位/主要指标得分/总分），"
            "请用 famscore score 重新生成汇总表",
            source,
        )
    cols = {
        "rank": find(H_RANK),
        "bonus": find(H_BONUS, prefix=True),
        "total": find(H_TOTAL),
        "grade": find(H_GRADE),
        "flags": find(H_FLAGS),
        "file": find(H_FILE),
    }
    category_cols = list(range(unit_col + 1, main_col))
    categories = [header[i] for i in category_cols]

    def number(row: list, index: int | None) -> Decimal | None:
        value = to_decimal(_cell(row, index)) if index is not None else None
        return None if value is None else _exact(value, decimals)

    units = []
    for row in rows[1:]:
        cells = [_cell(row, i) for i in range(len(header))]
        if all(c in ("", None) for c in cells):
            break  # end of the table
        rank = to_decimal(_cell(row, cols["rank"])) if cols["rank"] is not None else None
        flags = _str(_cell(row, cols["flags"]))
        units.append(
            {
                "rank": int(rank) if rank is not None else None,
                "unit": _str(_cell(row, unit_col)),
                "categories": {header[i]: number(row, i) for i in category_cols},
                "main": number(row, main_col),
                "bonus": number(row, cols["bonus"]) or Decimal(0).quantize(Decimal(1).scaleb(-decimals)),
                "total": number(row, cols["total"]),
                "grade": _str(_cell(row, cols["grade"])),
                "flags": [f for f in flags.split("\n") if f.strip()],
                "file": _str(_cell(row, cols["file"])),
            }
        )
    return categories, units


def read_audit(path: Path | str, unit: str) -> list[dict[str, str]]:
    """One unit's audit rows (指标编号, 指标名称, 满分, 得分, 填报值, 备注, 计分说明) from a summary.

    Reads the 计分过程 sheets, or the CSV beside the workbook when the audit was split out.
    Raises UsageError when the file is not a famscore summary.
    """
    import csv

    import python_calamine as calamine

    read_summary(path)  # validates that this is a summary and gives the same messages if not
    source = Path(path)
    book = calamine.CalamineWorkbook.from_path(str(source))
    headers = [c.header for c in AUDIT_COLUMNS]
    rows: list[list[object]] = []
    sheets = [n for n in book.sheet_names if n.startswith(SHEET_AUDIT)]
    for name in sheets:
        data = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        if data and [_str(c) for c in data[0][: len(headers)]] == headers:
            rows.extend(data[1:])
    if not rows and audit_csv_path(source).is_file():
        with audit_csv_path(source).open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            next(reader, None)
            rows = [list(r) for r in reader]
    found = []
    wanted = name_key(unit)
    for row in rows:
        name = _str(_cell(row, 0))
        if name.startswith("'"):
            name = name[1:]
        if name_key(name) == wanted:
            found.append({h: _str(_cell(row, i)) for i, h in enumerate(headers)})
    return found
