"""The unit roster (--units-file): unit names from a .txt, .csv or workbook, for template and score."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from famscore.errors import UsageError
from famscore.messages import Msg
from famscore.names import name_key
from famscore.text import display, header_key, normalise

UNIT_HEADERS = ("单位", "单位名称", "被考核单位", "考核对象", "名称", "街道", "街镇")
UNITS_SUFFIXES_TEXT = (".txt", ".csv")
UNITS_SUFFIXES_BOOK = (".xlsx", ".xlsm", ".xls", ".ods", ".et")

_HEADER_KEYS = frozenset(header_key(h) for h in UNIT_HEADERS)
# A title such as 长宁区单位名单 may stand above a table's header row; only a few single-cell rows.
_TITLE_ROWS = 3
# A "name" that is a number is a 序号 (or some other count) read as the unit column: 1, 01, 1.0, １.
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?", re.ASCII)


def read_units_file(path: Path | str) -> list[str]:
    """Unit names, one per line of a .txt, or in one column of a .csv or a workbook's first sheet.

    The column is the one headed 单位, 单位名称, 名称, 街道 or the like (the header row is skipped);
    without such a header, the first column. Blank lines are skipped; a duplicate, a name that is a
    number or an empty list is a UsageError naming the file and line.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise _refused(Msg.UNITS_FILE_MISSING, path, path=path)
    rows: Sequence[tuple[int, Sequence[object]]]
    if suffix in UNITS_SUFFIXES_TEXT:
        rows = _text_rows(path, csv_file=suffix == ".csv")
    elif suffix in UNITS_SUFFIXES_BOOK:
        rows = _book_rows(path)
    else:
        raise _refused(Msg.UNITS_FILE_KIND_UNKNOWN, path, roster=path.name)
    units: list[str] = []
    # By name_key: 新泾镇（虹桥） and 新泾镇(虹桥) are one unit written twice. Names are kept as written.
    first_line: dict[str, tuple[int, str]] = {}
    column, body = _unit_column(rows)
    for line_no, cells in body:
        raw = cells[column] if column < len(cells) else None
        name = display(raw)
        if not name:
            continue
        if _is_number(raw, name):
            raise _refused(Msg.UNITS_NAME_IS_A_NUMBER, path, roster=path.name, line=line_no, name=name)
        key = name_key(name)
        if key in first_line:
            seen_line, seen = first_line[key]
            as_written = "" if seen == name else f"（写作「{seen}」）"
            raise _refused(
                Msg.UNITS_DUPLICATE,
                path,
                roster=path.name,
                line=line_no,
                name=name,
                first_line=seen_line,
                as_written=as_written,
            )
        first_line[key] = (line_no, name)
        units.append(name)
    if not units:
        raise _refused(Msg.UNITS_EMPTY, path, roster=path.name)
    return units


CODE_HEADERS = ("单位代码", "统一社会信用代码", "社会信用代码", "机构代码", "代码", "编码", "单位编码")
_CODE_KEYS = frozenset(header_key(h) for h in CODE_HEADERS)


def read_unit_codes(path: Path | str) -> dict[str, str]:
    """Each unit's code by its name_key, when the roster (.csv or workbook) has a code column beside
    the unit column (headed 单位代码, 统一社会信用代码, 代码 or the like); {} without one.

    Read after read_units_file has accepted the roster, so a roster it refuses never gets here. Codes
    let a renamed unit be followed from year to year (famscore compare).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _text_rows(path, csv_file=True)
    elif suffix in UNITS_SUFFIXES_BOOK:
        rows = _book_rows(path)
    else:
        return {}
    header_at = None
    for index, (_line_no, cells) in enumerate(rows[: _TITLE_ROWS + 1]):
        keys = [header_key(c) if display(c) else "" for c in cells]
        if any(k in _HEADER_KEYS for k in keys) and any(k in _CODE_KEYS for k in keys):
            header_at = index
            break
    if header_at is None:
        return {}
    keys = [header_key(c) if display(c) else "" for c in rows[header_at][1]]
    unit_col = next(i for i, k in enumerate(keys) if k in _HEADER_KEYS)
    code_col = next(i for i, k in enumerate(keys) if k in _CODE_KEYS)
    codes: dict[str, str] = {}
    for _line_no, cells in rows[header_at + 1 :]:
        name = display(cells[unit_col]) if unit_col < len(cells) else ""
        code = display(cells[code_col]) if code_col < len(cells) else ""
        if name and code:
            codes[name_key(name)] = code
    return codes


def _unit_column(
    rows: Sequence[tuple[int, Sequence[object]]],
) -> tuple[int, Sequence[tuple[int, Sequence[object]]]]:
    """The index of the unit column and the rows below its header; without a header, 0 and every row."""
    titles = 0
    for index, (_line_no, cells) in enumerate(rows):
        filled = [c for c in cells if display(c)]
        if not filled:
            continue
        keys = [header_key(c) if display(c) else "" for c in cells]
        column = next((i for i, k in enumerate(keys) if k in _HEADER_KEYS), None)
        if column is not None and (titles == 0 or len(filled) > 1):
            # Title rows above are dropped only under a table's header, never above a one-column list.
            return column, rows[index + 1 :]
        titles += 1
        if len(filled) > 1 or titles >= _TITLE_ROWS:
            break
    return 0, rows


def _is_number(raw: object, name: str) -> bool:
    if isinstance(raw, bool):
        return False
    return isinstance(raw, int | float) or _NUMBER.fullmatch(normalise(name)) is not None


def _refused(msg: Msg, path: Path, /, **fields: Any) -> UsageError:
    """The UsageError for `msg` in the roster's one-line form, carrying the catalogue's code."""
    error = UsageError(one_line(msg, **fields), path)
    error.code, error.fields = msg.code, fields
    return error


def one_line(msg: Msg, **fields: Any) -> str:
    """`msg` as the one line a UsageError or OutputError prints: the problem, then how to fix it."""
    text, fix = msg.render(**fields)
    return f"{text}；{fix}" if fix else text


def _text_rows(path: Path, csv_file: bool) -> list[tuple[int, Sequence[object]]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # Notepad on Chinese Windows saves GBK ("ANSI")
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _refused(Msg.UNITS_ENCODING_UNKNOWN, path, roster=path.name)
    lines = text.splitlines()
    if not csv_file:
        return [(line_no, (line,)) for line_no, line in enumerate(lines, start=1)]
    return [(line_no, next(csv.reader(io.StringIO(line)), [])) for line_no, line in enumerate(lines, start=1)]


def _book_rows(path: Path) -> list[tuple[int, Sequence[object]]]:
    from famscore.safety import open_spreadsheet

    book, (message, fix) = open_spreadsheet(path)
    if book is None:
        raise _refused(Msg.UNITS_BOOK_UNREADABLE, path, roster=path.name, why=message, fix=fix)
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python(skip_empty_area=False)
    return [(row_no, cells) for row_no, cells in enumerate(rows, start=1)]


__all__ = ["read_unit_codes", "read_units_file"]
