"""Writes a scheme workbook from rows per sheet (for the blank template and the examples)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from famscore.scheme.format import (
    COL_CATEGORY,
    COL_CONTENT,
    COL_SETTING,
    COLUMNS,
    INDICATORS,
    OPTIONAL_COLUMNS,
    SET_TITLE,
    SETTINGS,
    WRAPPED_COLUMNS,
)


def write_scheme(sheets: Mapping[str, Sequence[Mapping[str, object]]], path: Path | str) -> Path:
    """Write `sheets` (sheet name -> rows of header -> value) as a formatted scheme workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    path = Path(path)
    book = Workbook()
    book.remove(book.worksheets[0])
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="4F6D8F")
    category_fill = PatternFill("solid", fgColor="DCE6F1")
    for name, columns in COLUMNS.items():
        rows = sheets.get(name, [])
        columns = [c for c in columns if c[0] not in OPTIONAL_COLUMNS or any(row.get(c[0]) for row in rows)]
        unknown = {k for row in rows for k in row if row[k] not in ("", None)} - {h for h, _ in columns}
        if unknown:
            raise ValueError(f"{name}: unknown columns {sorted(unknown)}")
        sheet = book.create_sheet(name)
        sheet.append([h for h, _ in columns])
        for col, (_header, width) in enumerate(columns, start=1):
            cell = sheet.cell(row=1, column=col)
            cell.font, cell.fill = header_font, header_fill
            sheet.column_dimensions[cell.column_letter].width = width
        for row in rows:
            sheet.append([row.get(h) for h, _ in columns])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text such as '=3' must stay text, not become a formula
            if name == INDICATORS and row.get(COL_CATEGORY):
                for cell in sheet[sheet.max_row]:
                    cell.fill = category_fill
                    cell.font = Font(bold=True)
        for col, (header, _) in enumerate(columns, start=1):
            if header in WRAPPED_COLUMNS:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=col, max_col=col):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    book.properties.title = str(
        next((r[COL_CONTENT] for r in sheets.get(SETTINGS, []) if r.get(COL_SETTING) == SET_TITLE), "")
    )
    book.properties.creator = "famscore"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
