"""The xlsxwriter toolkit of the summary: formats, text cells, column widths, sheets written row by row."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from famscore.errors import Problem, cell_name
from famscore.messages import Msg
from famscore.numbers import fmt
from famscore.outputs.safe import CleanText, say, write_text
from famscore.text import width as line_width

WIDTH_SAMPLE = 2_000  # rows per sheet measured for column widths
HEADER_FILL = "4F6D8F"
PENDING_FILL = "D9D9D9"
ERROR_FILL = "FFC7CE"
WARNING_FILL = "FFEB9C"

# Band colours run from green (top band) through yellow to red (last band).
GREEN, YELLOW, RED = (0xC6, 0xEF, 0xCE), (0xFF, 0xEB, 0x9C), (0xFF, 0xC7, 0xCE)


# The printed page: A4 with the margins `Sheet.finish` sets, in screen pixels (96 per inch) and points.
MARGIN_SIDE_IN, MARGIN_TOP_IN, MARGIN_BOTTOM_IN = 0.4, 0.7, 0.6
LANDSCAPE_WIDTH_PX = (11.69 - 2 * MARGIN_SIDE_IN) * 96
LANDSCAPE_HEIGHT_PT = (8.27 - MARGIN_TOP_IN - MARGIN_BOTTOM_IN) * 72
DEFAULT_ROW_HEIGHT = 15.0  # points: the default row height xlsxwriter writes
DEFAULT_COL_WIDTH = 8.43
BODY_FONT_SIZE = 10  # points; printed at the fit-to-width scale, kept at layout.MIN_PRINT_SCALE or more


def column_pixels(width: float) -> int:
    """A column `width` characters wide in pixels, as Excel lays it out (7 px a character + padding)."""
    return int(width * 7 + 5)


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


def display_width(text: str) -> int:
    """Width of the longest line of `text` in Excel column units (see `text.width`)."""
    return max(map(line_width, text.split("\n")), default=0)


def wrapped_lines(text: str, width: int) -> int:
    """How many lines `text` takes in a wrapping cell `width` units wide (an estimate)."""
    usable = max(width - 1, 1)
    return sum(max(1, -(-line_width(line) // usable)) for line in text.split("\n"))


def number_format(decimals: int) -> str:
    return "0" if decimals <= 0 else "0." + "0" * decimals


class Formats:
    """xlsxwriter formats created once per combination."""

    def __init__(self, book: Any, decimals: int, page_title: str = "") -> None:
        self.book = book
        self.number = number_format(decimals)
        self.page_title = page_title  # the printed page header of every sheet (scheme title and year)
        self._cache: dict[tuple, Any] = {}

    def get(self, kind: str, fill: str | None = None, *, bold: bool = False, red: bool = False) -> Any:
        key = (kind, fill, bold, red)
        if key not in self._cache:
            props: dict[str, Any] = {"valign": "vcenter", "font_size": BODY_FONT_SIZE}
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
            elif kind == "heading":  # a sheet's title row above its table
                props.update(bold=True, font_size=14, align="center")
            elif kind == "group":  # a band over the columns of one category
                props.update(bold=True, text_wrap=True, align="center", border=1, bg_color="DDEBF7")
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


class Notes:
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
            more = say(Msg.OUTPUT_NOTE_MORE, count=count) if count > 1 else ""
            problems.append(
                Msg.OUTPUT_TEXT_CLEANED.problem(
                    self.file_name, sheet, cell=cell, text=text, note=note, more=more
                )
            )
        return problems


@dataclass
class Column:
    header: str
    kind: str = "text"  # text, wrap, center, num, int
    cap: int = 40
    minimum: int = 6


class Sheet:
    """One worksheet written in row order, measuring column widths and noting changed text."""

    def __init__(self, book: Any, formats: Formats, name: str, notes: Notes) -> None:
        self.ws = book.add_worksheet(name)
        self.name = name
        self.formats = formats
        self.notes = notes
        self.widths: dict[int, int] = {}
        self.caps: dict[int, int] = {}
        self.minimums: dict[int, int] = {}
        self.wrap_cols: set[int] = set()
        self.overflowed: set[int] = set()  # wrap columns with text wider than their cap
        self.heights: dict[int, float] = {}  # rows given a height, in points (others are 15)
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
            self.set_height(row, 13.5 * min(lines, 30) + 3)

    def set_height(self, row: int, points: float) -> None:
        self.heights[row] = points
        self.ws.set_row(row, points)

    def height(self, row: int) -> float:
        """A row's height in points as printed (an estimate for rows left to the default)."""
        return self.heights.get(row, DEFAULT_ROW_HEIGHT)

    def final_width(self, col: int) -> float:
        """The width `finish` gives column `col`, in Excel's character units."""
        width = self.widths.get(col, 0)
        cap = self.caps.get(col, 40)
        if col in self.overflowed:
            width = cap
        return max(self.minimums.get(col, 6), min(width, cap)) if col in self.widths else DEFAULT_COL_WIDTH

    def print_scale(self, last_col: int) -> float:
        """The scale `fit_to_pages(1, 0)` prints columns 0..`last_col` at on landscape A4 (at most 1)."""
        pixels = sum(column_pixels(self.final_width(c)) for c in range(last_col + 1))
        return min(1.0, LANDSCAPE_WIDTH_PX / max(pixels, 1))

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

    def header(self, row: int, columns: list[Column], start: int = 0) -> None:
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
        first_header_row: int = 0,
        repeat_cols: int = 0,
        fit_width: bool = True,
    ) -> None:
        """Column widths, frozen panes and the printed page: A4, the header rows (from
        `first_header_row`) and `repeat_cols` leading columns on every page, the scheme's title in the
        page header, '第 1 页 共 3 页' in the footer; one page wide unless `fit_width` is False."""
        ws = self.ws
        for col in sorted(self.widths):
            ws.set_column(col, col, self.final_width(col))  # overflowed: heights were estimated for the cap
        if freeze != (0, 0):
            ws.freeze_panes(*freeze)
        if portrait:
            ws.set_portrait()
        else:
            ws.set_landscape()
            ws.center_horizontally()
        ws.set_paper(9)  # A4
        if fit_width:
            ws.fit_to_pages(1, 0)
        ws.set_margins(left=MARGIN_SIDE_IN, right=MARGIN_SIDE_IN, top=MARGIN_TOP_IN, bottom=MARGIN_BOTTOM_IN)
        if header_rows:
            ws.repeat_rows(first_header_row, first_header_row + header_rows - 1)
        if repeat_cols:
            ws.repeat_columns(0, repeat_cols - 1)
        ws.set_header(page_header(self.formats.page_title, self.name), {"margin": 0.3})
        ws.set_footer(PAGE_FOOTER, {"margin": 0.3})
        if last_col is not None and last_row is not None:
            ws.print_area(0, 0, max(last_row, 0), last_col)


PAGE_FOOTER = "&C&9第 &P 页 共 &N 页"


def page_header(title: str, sheet: str) -> str:
    """The printed page header: the scheme's title (with its year) left, the sheet's name right."""
    left = f"&L&9{_header_text(title)}" if title else ""
    return f"{left}&R&9{_header_text(sheet)}"


def _header_text(text: str) -> str:
    # '&' starts a control code in a header; the header is limited to 255 characters in all.
    return text.replace("&", "&&")[:100]
