"""The data-entry workbook's contract (填报/_meta/说明/_lists, headers, _meta keys): written and read here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from famscore.errors import Problem, cell_name
from famscore.messages import Msg
from famscore.safety import GRID_SHEET
from famscore.text import display, header_key, normalise
from famscore.workbook import find_sheet, listed_sheets, near_sheet

# Sheets of a data-entry workbook.
ENTRY_SHEET = "填报"
GUIDE_SHEET = "说明"
META_SHEET = "_meta"
LISTS_SHEET = "_lists"

# Headers of the 填报 sheet. The reader needs only 字段编号 and 填报值 (and 备注 when there); the
# others are for the unit filling it in.
KEY_HEADER = "字段编号"
LABEL_HEADER = "填报项目"
HINT_HEADER = "单位/类型"
VALUE_HEADER = "填报值"
REMARK_HEADER = "备注"
POINTS_HEADER = "分值"
CRITERIA_HEADER = "评分标准"
# The reader looks for the header row this far down (the template puts it on row 3).
HEADER_SEARCH_ROWS = 30

# Keys of the hidden _meta sheet (column A; the value is in column B).
META_TITLE = "标题"
META_YEAR = "年度"
META_VERSION = "版本"
META_FINGERPRINT = "指纹"
META_UNIT = "单位"
META_FAMSCORE = "famscore 版本"
META_GENERATED = "生成时间"
META_KEYS = (META_TITLE, META_YEAR, META_VERSION, META_FINGERPRINT, META_UNIT, META_FAMSCORE, META_GENERATED)
META_ROWS_READ = 200  # _meta holds seven rows; a longer one is not read to its end

# The department's 评分表 (famscore.templates writes it, famscore.reviews reads it). Its _meta adds
# 类型 | 评分表 and 考核部门 | <department>: a 评分表 is recognised by these, never by its file name.
META_TYPE = "类型"
META_DEPARTMENT = "考核部门"
TYPE_REVIEW = "评分表"
REVIEW_SHEET = GRID_SHEET  # the reader allows it a larger used range (famscore.safety.cell_limit)
# The grid's header row the reader keys on: 字段编号 over the row numbers, 单位名称 over the units,
# and each department field's id over its column. Columns headed REFERENCE_PREFIX + id show what the
# unit reported (locked, grey): information for the department, never read back.
UNIT_NAME_HEADER = "单位名称"
REFERENCE_PREFIX = "参考."


class Header(NamedTuple):
    """Where the 填报 sheet's header is: 0-based row index and columns (remark None when absent)."""

    row: int
    key: int
    value: int
    remark: int | None


# The rows of one sheet by name (at most `nrows` when given), as python-calamine returns them.
RowsOf = Callable[[str, int | None], list[list[object]]]


def find_header(rows: Sequence[Sequence[object]]) -> Header | None:
    """The first row (within HEADER_SEARCH_ROWS) holding both 字段编号 and 填报值, spaces forgiven."""
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        headers = [header_key(c) for c in cells]
        if KEY_HEADER in headers and VALUE_HEADER in headers:
            remark = headers.index(REMARK_HEADER) if REMARK_HEADER in headers else None
            return Header(index, headers.index(KEY_HEADER), headers.index(VALUE_HEADER), remark)
    return None


def find_entry_sheet(
    names: Sequence[str], rows_of: RowsOf, file: str
) -> tuple[tuple[str, list[list[object]], Header] | None, Problem | None]:
    """The 填报 sheet, its rows and header; else the one sheet that has the header row, with a warning.

    Returns the sheet (None when there is no usable one) and the problem to report, if any.
    """
    named = find_sheet(names, ENTRY_SHEET)
    if named is not None:
        rows = rows_of(named, None)
        header = find_header(rows)
        if header is not None:
            return (named, rows, header), None
    skipped = (header_key(META_SHEET), header_key(LISTS_SHEET))
    others = [
        name
        for name in names
        if name != named
        and header_key(name) not in skipped
        and find_header(rows_of(name, HEADER_SEARCH_ROWS)) is not None
    ]
    words: dict[str, Any] = {"entry": ENTRY_SHEET, "key": KEY_HEADER, "value": VALUE_HEADER}
    if len(others) == 1:
        sheet = others[0]
        rows = rows_of(sheet, None)
        found = find_header(rows)
        assert found is not None  # the same rows, read in full
        if named:
            return (sheet, rows, found), Msg.RETURN_ENTRY_SHEET_WITHOUT_HEADER_OTHER_USED.problem(
                file, sheet, named=named, sheet_used=sheet, **words
            )
        return (sheet, rows, found), Msg.RETURN_ENTRY_SHEET_RENAMED.problem(
            file, sheet, sheet_used=sheet, **words
        )
    if len(others) > 1:
        listed = "、".join(f"「{n}」" for n in others)
        return None, Msg.RETURN_ENTRY_SHEET_AMBIGUOUS.problem(
            file, named or ENTRY_SHEET, listed=listed, **words
        )
    if named is not None:
        return None, Msg.RETURN_ENTRY_HEADER_MISSING.problem(file, named, **words)
    near = near_sheet(names, ENTRY_SHEET)
    if near is not None:
        return None, Msg.RETURN_ENTRY_SHEET_MISSING_NEAR.problem(file, ENTRY_SHEET, near=near, **words)
    return None, Msg.RETURN_ENTRY_SHEET_MISSING.problem(
        file, ENTRY_SHEET, names=listed_sheets(names), **words
    )


def read_meta(rows: Sequence[Sequence[object]]) -> tuple[dict[str, str], str]:
    """_meta's key/value rows, keys folded and values as written (a unit is printed as its template
    wrote it), and the address of the unit's name."""
    meta: dict[str, str] = {}
    unit_cell = ""
    for row, cells in enumerate(rows, start=1):
        if len(cells) >= 2 and normalise(cells[0]):
            key = header_key(cells[0])
            meta[key] = display(cells[1])
            if key == META_UNIT and not unit_cell:
                unit_cell = cell_name(row, 2)
    return meta, unit_cell
