"""Reading spreadsheet tables with python-calamine, keeping the row numbers users see in Excel."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import python_calamine as calamine

from famscore.text import closest, header_key, normalise


def cell_text(value: object) -> str:
    """A cell as calamine read it, as text: blank is '', 95.0 is 95, anything else exactly as written."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cell_at(cells: Sequence[object], index: int | None) -> object:
    """The cell at 0-based `index` of a row, '' (as calamine reads a blank) when the row is shorter."""
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def clean_text(value: object) -> str:
    """Display text as written (full-width punctuation kept), trimmed; 95.0 shown as 95."""
    return cell_text(value).strip()


def clean_key(value: object) -> str:
    """Text compared or parsed (ids, types, numbers): NFKC folds full-width letters and digits."""
    return normalise(clean_text(value))


@dataclass
class Table:
    """A sheet read as a header row plus data rows; `row` numbers are Excel's (1-based)."""

    sheet: str
    header_row: int
    columns: dict[str, int]  # cleaned header text -> 0-based column index
    rows: list[tuple[int, list[object]]]

    def get(self, cells: Sequence[object], header: str) -> object:
        return cell_at(cells, self.columns.get(header))

    def text(self, cells: Sequence[object], header: str) -> str:
        return clean_text(self.get(cells, header))

    def key(self, cells: Sequence[object], header: str) -> str:
        return clean_key(self.get(cells, header))

    def column_number(self, header: str) -> int | None:
        """1-based column of a header, for cell addresses in messages."""
        index = self.columns.get(header)
        return None if index is None else index + 1

    def __iter__(self) -> Iterator[tuple[int, list[object]]]:
        return iter(self.rows)


def open_workbook(path: Path) -> calamine.CalamineWorkbook:
    return calamine.CalamineWorkbook.from_path(str(path))


def find_sheet(names: Sequence[str], wanted: str) -> str | None:
    """The sheet named `wanted`, forgiving stray spaces and full-width letters."""
    target = header_key(wanted)
    for name in names:
        if header_key(name) == target:
            return name
    return None


def near_sheet(names: Sequence[str], wanted: str) -> str | None:
    """The sheet most likely meant to be `wanted` (misspelt or renamed), or None."""
    close = closest(wanted, [header_key(n) for n in names], cutoff=0.4)
    return None if close is None else next(n for n in names if header_key(n) == close)


def listed_sheets(names: Sequence[str]) -> str:
    """The sheets there are, for a message naming them: '说明、_meta', or '（无）'."""
    return "、".join(names) or "（无）"


def read_table(
    book: calamine.CalamineWorkbook, sheet: str, required: Sequence[str], search_rows: int = 10
) -> Table | None:
    """Rows under the first row (within `search_rows`) holding all `required` headers.

    Returns None when no such header row exists; the caller reports which headers are missing.
    """
    rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    wanted = [header_key(h) for h in required]
    for index, cells in enumerate(rows[:search_rows]):
        headers = [header_key(c) for c in cells]
        if all(h in headers for h in wanted):
            columns: dict[str, int] = {}
            for col, header in enumerate(headers):
                if header and header not in columns:
                    columns[header] = col
            data: list[tuple[int, list[object]]] = [
                (index + 2 + n, list(r)) for n, r in enumerate(rows[index + 1 :])
            ]
            return Table(sheet, index + 1, columns, data)
    return None


def best_header_row(
    book: calamine.CalamineWorkbook, sheet: str, required: Sequence[str], search_rows: int = 10
) -> tuple[int, list[str]]:
    """For messages: the row that looks most like a header, and which required headers it lacks."""
    rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)[:search_rows]
    wanted = [header_key(h) for h in required]
    best, best_missing = 1, list(required)
    for index, cells in enumerate(rows):
        headers = [header_key(c) for c in cells]
        missing = [r for r, w in zip(required, wanted, strict=True) if w not in headers]
        if len(missing) < len(best_missing):
            best, best_missing = index + 1, missing
    return best, best_missing


def is_blank(cells: Sequence[object]) -> bool:
    return all(clean_text(c) == "" for c in cells)
