"""The unit roster (--units-file): unit names from a .txt, .csv or workbook, for template and score."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from famscore.errors import UsageError
from famscore.messages import Msg
from famscore.names import name_key
from famscore.text import display

UNIT_HEADERS = ("单位", "单位名称", "被考核单位", "考核对象", "名称")
UNITS_SUFFIXES_TEXT = (".txt", ".csv")
UNITS_SUFFIXES_BOOK = (".xlsx", ".xlsm", ".xls", ".ods", ".et")


def read_units_file(path: Path | str) -> list[str]:
    """Unit names, one per line of a .txt/.csv or in the first column of a workbook's first sheet.

    Blank lines and a header such as 单位 or 单位名称 are skipped; a duplicate or an empty list is a
    UsageError naming the file and line.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise UsageError(one_line(Msg.UNITS_FILE_MISSING, path=path), path)
    lines: Sequence[tuple[int, object]]
    if suffix in UNITS_SUFFIXES_TEXT:
        lines = _text_lines(path, csv_file=suffix == ".csv")
    elif suffix in UNITS_SUFFIXES_BOOK:
        lines = _book_lines(path)
    else:
        raise UsageError(one_line(Msg.UNITS_FILE_KIND_UNKNOWN, roster=path.name), path)
    units: list[str] = []
    # By name_key: 新泾镇（虹桥） and 新泾镇(虹桥) are one unit written twice. Names are kept as written.
    first_line: dict[str, tuple[int, str]] = {}
    for line_no, raw in lines:
        name = display(raw)
        if not name:
            continue
        if not first_line and name in UNIT_HEADERS:
            first_line[""] = (line_no, name)  # the header line, e.g. 单位名称; nothing to keep
            continue
        key = name_key(name)
        if key in first_line:
            seen_line, seen = first_line[key]
            as_written = "" if seen == name else f"（写作「{seen}」）"
            raise UsageError(
                one_line(
                    Msg.UNITS_DUPLICATE,
                    roster=path.name,
                    line=line_no,
                    name=name,
                    first_line=seen_line,
                    as_written=as_written,
                ),
                path,
            )
        first_line[key] = (line_no, name)
        units.append(name)
    if not units:
        raise UsageError(one_line(Msg.UNITS_EMPTY, roster=path.name), path)
    return units


def one_line(msg: Msg, **fields: Any) -> str:
    """`msg` as the one line a UsageError or OutputError prints: the problem, then how to fix it."""
    text, fix = msg.render(**fields)
    return f"{text}；{fix}" if fix else text


def _text_lines(path: Path, csv_file: bool) -> list[tuple[int, str]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # Notepad on Chinese Windows saves GBK ("ANSI")
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UsageError(one_line(Msg.UNITS_ENCODING_UNKNOWN, roster=path.name), path)
    lines = text.splitlines()
    if not csv_file:
        return list(enumerate(lines, start=1))
    rows = []
    for line_no, line in enumerate(lines, start=1):
        cells = next(csv.reader(io.StringIO(line)), [])
        rows.append((line_no, cells[0] if cells else ""))
    return rows


def _book_lines(path: Path) -> list[tuple[int, object]]:
    from famscore.safety import open_spreadsheet

    book, (message, fix) = open_spreadsheet(path)
    if book is None:
        raise UsageError(one_line(Msg.UNITS_BOOK_UNREADABLE, roster=path.name, why=message, fix=fix), path)
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python(skip_empty_area=False)
    return [(row_no, cells[0] if cells else None) for row_no, cells in enumerate(rows, start=1)]


__all__ = ["read_units_file"]
