"""Writes a scheme workbook from rows per sheet (for the blank template and the examples)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from famscore.scheme.format import (
    COL_CATEGORY,
    COL_CONTENT,
    COL_DEPARTMENT,
    COL_FILLER,
    COL_SETTING,
    COLUMNS,
    FIELDS,
    FILLER_UNIT,
    INDICATORS,
    OPTIONAL_COLUMNS,
    SET_TITLE,
    SETTINGS,
    WRAPPED_COLUMNS,
)
from famscore.scheme.model import split_departments

# Rows below the last written one that still get the 填报方 dropdown, for fields an author adds.
_SPARE_ROWS = 200
# Excel refuses an inline dropdown list longer than this.
_LIST_LIMIT = 255


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
        # An empty sheet (the blank scheme) shows every column, so that authors find the optional ones.
        optional = OPTIONAL_COLUMNS.get(name, set()) if rows else set()
        columns = [c for c in columns if c[0] not in optional or any(row.get(c[0]) for row in rows)]
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
        if name == FIELDS and any(h == COL_FILLER for h, _ in columns):
            column = next(i for i, (h, _) in enumerate(columns, start=1) if h == COL_FILLER)
            _filler_dropdown(sheet, column, len(rows), sheets.get(INDICATORS, []))
        sheet.freeze_panes = "A2"
    book.properties.title = str(
        next((r[COL_CONTENT] for r in sheets.get(SETTINGS, []) if r.get(COL_SETTING) == SET_TITLE), "")
    )
    book.properties.creator = "famscore"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _filler_dropdown(
    sheet: object, column: int, rows: int, indicators: Sequence[Mapping[str, object]]
) -> None:
    """字段 填报方: a dropdown of 单位 and the 指标 sheet's departments, with a hint; any other name is
    still accepted (the loader, not Excel, says whether it is one of the item's departments)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    names = [FILLER_UNIT]
    for row in indicators:
        names.extend(d for d in split_departments(str(row.get(COL_DEPARTMENT) or "")) if d not in names)
    choices = ",".join(names)
    hint = DataValidation(
        type="list" if len(choices) + 2 <= _LIST_LIMIT and '"' not in choices else None,
        formula1=f'"{choices}"' if len(choices) + 2 <= _LIST_LIMIT and '"' not in choices else None,
        allow_blank=True,
        showErrorMessage=False,
        showInputMessage=True,
        promptTitle="填报方",
        prompt="单位自己填的写“单位”；由考核部门评定或掌握的写该部门（指标的考核部门之一）。"
        "留空：评分字段归指标唯一的考核部门，其余归单位。",
    )
    letter = get_column_letter(column)
    hint.add(f"{letter}2:{letter}{rows + 1 + _SPARE_ROWS}")
    sheet.add_data_validation(hint)  # type: ignore[attr-defined]
