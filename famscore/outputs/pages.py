"""One-sheet workbooks laid out once and written many times: through xlsxwriter, or fast from a prototype it wrote."""

# Thousands of small workbooks of one layout (a feedback workbook per unit) are the case here. xlsxwriter
# spends ~15 µs per cell in Python, ~15 ms per workbook: 10,000 workbooks would take over a minute on
# two cores. So a workbook is first laid out as a `Page` (cells with named formats, row heights, merged
# ranges, header text, a hidden key/value sheet), and written either by xlsxwriter (`write_page`) or by
# `Prototype.write`: xlsxwriter writes one page once, and every later page of the same frame (same
# formats, columns, protection and print setup) reuses that package and only renders its own cells,
# shared strings and merged ranges. tests/test_feedback.py checks both give the same workbook.

from __future__ import annotations

import functools
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from famscore.errors import cell_name, column_letter
from famscore.outputs.safe import clean_text

Value = str | Decimal | None


@dataclass(frozen=True)
class Sheet:
    """A visible sheet of the frame: its name, column widths, and the row repeated atop printed pages."""

    name: str
    widths: tuple[float, ...]
    repeat: int  # 0-based row printed at the top of every page (a table header)


@dataclass(frozen=True)
class Frame:
    """What every page of one kind shares: the formats by name, the sheets, print setup."""

    formats: Mapping[str, Mapping[str, Any]]  # xlsxwriter format properties by name
    sheets: tuple[Sheet, ...]
    meta_name: str  # the hidden sheet, last
    title: str = ""  # document property


@dataclass
class Grid:
    """One sheet's content: cells (row, col) -> (value, format name), row heights, merged ranges."""

    cells: dict[tuple[int, int], tuple[Value, str]] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)

    def put(self, row: int, col: int, value: Value, fmt: str) -> None:
        self.cells[(row, col)] = (value, fmt)

    def merge(self, row: int, first: int, last: int, value: Value, fmt: str) -> None:
        """`value` over columns first..last of `row`, every cell of it formatted alike (for borders)."""
        for c in range(first + 1, last + 1):
            self.cells[(row, c)] = (None, fmt)
        self.cells[(row, first)] = (value, fmt)
        if last > first:
            self.merges.append((row, first, row, last))


@dataclass
class Page:
    """One workbook: a Grid per sheet of its frame, the page header, and the hidden sheet's rows."""

    frame: Frame
    grids: list[Grid]
    header: str = ""  # page header: the text left, as typed (escaped when written)
    header_right: str = ""
    meta: list[tuple[str, ...]] = field(default_factory=list)


FOOTER = "&C第 &P 页 共 &N 页"
MARGIN = 0.4  # inches, left and right


def _header_code(text: str) -> str:
    return clean_text(text).text.replace("&", "&&")  # '&' starts a code in header text


def header_footer(page: Page) -> tuple[str, str]:
    header = f"&L{_header_code(page.header)}"
    if page.header_right:
        header += f"&R{_header_code(page.header_right)}"
    return header, FOOTER


# ---------------------------------------------------------------- through xlsxwriter


def write_page(page: Page, target: Any) -> dict[str, int]:
    """Write `page` with xlsxwriter to `target` (a path or a BytesIO); returns each format's style index."""
    import xlsxwriter

    frame = page.frame
    book = xlsxwriter.Workbook(
        target if isinstance(target, io.BytesIO) else str(target),
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    try:
        formats = {name: book.add_format(dict(props)) for name, props in frame.formats.items()}
        # Every format gets its style now, used on this page or not, so that a later page of the frame
        # can use any of them (Prototype): xlsxwriter otherwise writes only the ones used. Formats
        # with equal properties share one index, which only the first of them records.
        styles = {name: made._get_xf_index() for name, made in formats.items()}
        book.set_properties({"title": frame.title})
        header, footer = header_footer(page)
        for sheet, grid in zip(frame.sheets, page.grids, strict=True):
            ws = book.add_worksheet(sheet.name)
            for col, width in enumerate(sheet.widths):
                ws.set_column(col, col, width)
            for row, height in sorted(grid.heights.items()):
                ws.set_row(row, height)
            for (row, col), (value, fmt) in sorted(grid.cells.items()):
                _write_cell(ws, row, col, value, formats[fmt])
            for first_row, first_col, last_row, last_col in grid.merges:
                value, fmt = grid.cells[(first_row, first_col)]
                ws.merge_range(first_row, first_col, last_row, last_col, "", formats[fmt])
                _write_cell(ws, first_row, first_col, value, formats[fmt])
            ws.protect(
                "",
                {
                    "format_columns": True,
                    "format_rows": True,
                    "select_locked_cells": True,
                    "select_unlocked_cells": True,
                },
            )
            ws.set_portrait()
            ws.set_paper(9)  # A4
            ws.fit_to_pages(1, 0)
            ws.set_margins(left=MARGIN, right=MARGIN, top=0.7, bottom=0.7)
            ws.center_horizontally()
            ws.repeat_rows(sheet.repeat)
            ws.set_header(header)
            ws.set_footer(footer)
        meta = book.add_worksheet(frame.meta_name)
        for row, values in enumerate(page.meta):
            for col, text in enumerate(values):
                _write_cell(meta, row, col, text, None)
        meta.hide()
        meta.protect()
    finally:
        book.close()
    return styles


def _write_cell(ws: Any, row: int, col: int, value: Value, fmt: Any) -> None:
    if isinstance(value, Decimal):
        ws.write_number(row, col, float(value), fmt)
    elif value:
        ws.write_string(row, col, clean_text(value).text, fmt)
    else:
        ws.write_blank(row, col, None, fmt)


# ---------------------------------------------------------------- fast, from a prototype


def _sheet_part(index: int) -> str:
    return f"xl/worksheets/sheet{index + 1}.xml"


_STRINGS = "xl/sharedStrings.xml"
_SST_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
)
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_OOXML_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")  # text that reads as an escape: escaped itself
_MERGES = re.compile(r"<mergeCells[^>]*>.*?</mergeCells>|<mergeCells[^>]*/>", re.S)
_HEADER_FOOTER = re.compile(r"<headerFooter[^>]*>.*?</headerFooter>", re.S)
_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')


def _split(xml: str) -> tuple[str, str]:
    """A worksheet's XML before and after its cells."""
    start = xml.index("<sheetData")
    end = xml.find("</sheetData>")
    tail = xml[end + len("</sheetData>") :] if end >= 0 else xml[xml.index("/>", start) + 2 :]
    return xml[:start], tail


@dataclass(frozen=True)
class Prototype:
    """A frame's package as xlsxwriter wrote it, with each format's style index: pages of that frame
    are then written by rendering only their cells (picklable, so worker processes can share one)."""

    frame: Frame
    parts: tuple[tuple[str, bytes], ...]  # every part, in package order (sheets replaced when written)
    styles: Mapping[str, int]
    heads: tuple[str, ...]  # each sheet's XML before its cells (the hidden sheet last)
    tails: tuple[str, ...]  # and after them

    @classmethod
    def of(cls, page: Page) -> Prototype:
        buffer = io.BytesIO()
        styles = write_page(page, buffer)
        with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
            parts = tuple((name, archive.read(name)) for name in archive.namelist())
        found = dict(parts)
        if _STRINGS not in found:  # every page has text; a frame whose sample has none is not one
            raise ValueError("prototype page without text")
        split = [_split(found[_sheet_part(i)].decode()) for i in range(len(page.frame.sheets) + 1)]
        if not all(_MERGES.search(tail) for _, tail in split[:-1]):  # where each page's merges go
            raise ValueError("prototype sheet without merged cells")
        return cls(page.frame, parts, styles, tuple(h for h, _ in split), tuple(t for _, t in split))

    def write(self, page: Page, path: Path | str) -> None:
        """Write `page` (of this prototype's frame) to `path`."""
        if page.frame != self.frame:
            raise ValueError("page of another frame")
        strings: dict[str, int] = {}
        refs = [0]
        rendered = {}
        for index, grid in enumerate(page.grids):
            rows, size = _rows(grid.cells, grid.heights, strings, refs, self.styles)
            rendered[_sheet_part(index)] = self._sheet(index, rows, size, page, grid.merges).encode()
        meta_cells = {(r, c): (v, "") for r, row in enumerate(page.meta) for c, v in enumerate(row)}
        rows, size = _rows(meta_cells, {}, strings, refs, None)
        index = len(page.grids)
        rendered[_sheet_part(index)] = self._sheet(index, rows, size, None, []).encode()
        rendered[_STRINGS] = _shared(strings, refs[0])
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            for name, data in self.parts:
                if name in rendered:
                    archive.writestr(name, rendered[name])
                else:  # the same in every file (theme, styles): stored, not compressed 10,000 times
                    archive.writestr(name, data, zipfile.ZIP_STORED)

    def _sheet(
        self,
        index: int,
        rows: str,
        dimension: str,
        page: Page | None,
        merges: list[tuple[int, int, int, int]],
    ) -> str:
        head, tail = self.heads[index], self.tails[index]
        head = _DIMENSION.sub(f'<dimension ref="{dimension}"/>', head, 1)
        if page is not None:
            ranges = "".join(
                f'<mergeCell ref="{cell_name(a + 1, b + 1)}:{cell_name(c + 1, d + 1)}"/>'
                for a, b, c, d in merges
            )
            block = f'<mergeCells count="{len(merges)}">{ranges}</mergeCells>' if merges else ""
            tail = _MERGES.sub(block, tail, 1)
            header, footer = header_footer(page)
            tail = _HEADER_FOOTER.sub(
                f"<headerFooter><oddHeader>{header.translate(_ESCAPES)}</oddHeader>"
                f"<oddFooter>{footer.translate(_ESCAPES)}</oddFooter></headerFooter>",
                tail,
                1,
            )
        return f"{head}<sheetData>{rows}</sheetData>{tail}"


# Most text repeats from unit to unit (item names, headers, many explanations): cleaned and escaped once.
@functools.lru_cache(maxsize=16_384)
def _clean(text: str) -> str:
    return clean_text(text).text


@functools.lru_cache(maxsize=16_384)
def _si(text: str) -> str:
    escaped = _OOXML_ESCAPE.sub(r"_x005F\1", text).translate(_ESCAPES)
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f"<si><t{space}>{escaped}</t></si>"


_LETTERS = [column_letter(c + 1) for c in range(64)]


def _rows(
    cells: Mapping[tuple[int, int], tuple[Value, str]],
    heights: Mapping[int, float],
    strings: dict[str, int],
    refs: list[int],
    styles: Mapping[str, int] | None,
) -> tuple[str, str]:
    """The <row> elements of `cells` (strings into `strings`, counted in `refs`), and the used range."""
    # The per-cell loop of 10,000 workbooks: kept to dictionary look-ups and one f-string per cell.
    attrs = {fmt: f' s="{index}"' for fmt, index in (styles or {}).items() if index}
    letters = _LETTERS
    by_row: dict[int, list[str]] = {}
    last_col = 0
    count = 0
    for (row, col), (value, fmt) in sorted(cells.items()):
        style = attrs.get(fmt, "")
        if value.__class__ is Decimal:
            xml = f'<c r="{letters[col]}{row + 1}"{style}><v>{float(value)!r}</v></c>'  # type: ignore[arg-type]
        elif value:
            index = strings.setdefault(_clean(value), len(strings))  # type: ignore[arg-type]
            count += 1
            xml = f'<c r="{letters[col]}{row + 1}"{style} t="s"><v>{index}</v></c>'
        elif style:
            xml = f'<c r="{letters[col]}{row + 1}"{style}/>'
        else:
            continue
        line = by_row.get(row)
        if line is None:
            by_row[row] = [xml]
        else:
            line.append(xml)
        if col > last_col:
            last_col = col
    refs[0] += count
    out = []
    for row in sorted(by_row.keys() | heights.keys()):
        height = heights.get(row)
        # As xlsxwriter stores a height: in whole pixels (4 per 3 points).
        size = f' ht="{round(height * 4 / 3) * 0.75:g}" customHeight="1"' if height is not None else ""
        inner = by_row.get(row)
        out.append(
            f'<row r="{row + 1}"{size}>{"".join(inner)}</row>' if inner else f'<row r="{row + 1}"{size}/>'
        )
    last_row = max(by_row, default=0)
    return "".join(out), f"A1:{cell_name(last_row + 1, last_col + 1)}"


def _shared(strings: dict[str, int], refs: int) -> bytes:
    items = "".join(map(_si, strings))
    return f'{_SST_HEAD} count="{refs}" uniqueCount="{len(strings)}">{items}</sst>'.encode()
