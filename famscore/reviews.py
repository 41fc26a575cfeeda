"""One department's 评分表 (its grid of judged and verified values, one row per unit) -> ReviewData."""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from famscore.entry_sheet import (
    HEADER_SEARCH_ROWS,
    KEY_HEADER,
    LISTS_SHEET,
    META_DEPARTMENT,
    META_ROWS_READ,
    META_SHEET,
    META_TYPE,
    REFERENCE_PREFIX,
    REVIEW_SHEET,
    TYPE_REVIEW,
    UNIT_NAME_HEADER,
    read_meta,
)
from famscore.errors import Problem, Severity, cell_name, column_letter
from famscore.messages import Msg
from famscore.names import name_key
from famscore.returns import (
    OTHER_SCHEME,
    OTHER_VERSION,
    OTHER_YEAR,
    PARSED_LIMIT,
    SCHEME_CHANGED,
    SPREADSHEET_SUFFIXES,
    _Book,
    _FormulaCells,
    _looks_like_field_id,
    _percent_styles,
    _Refused,
    meta_mismatch,
)
from famscore.safety import Refusal, open_return, sheet_members
from famscore.scheme.model import Field, Scheme
from famscore.text import clip, display, header_key, normalise
from famscore.values import PERCENT_FORMAT, PLAIN, UNKNOWN_FORMAT, parse_value, shown
from famscore.workbook import find_sheet

MAX_UNKNOWN_REPORTED = 20  # unknown column ids reported one by one


@dataclass(frozen=True, slots=True)  # a big grid holds 300,000 of them in its worker
class ReviewValue:
    """One filled cell of a 评分表: the typed value, the text as typed, and where it is."""

    value: object  # Decimal, str, bool or date, as famscore.values parses it for the field
    raw: str
    cell: str  # e.g. "F7", on ReviewData.sheet


@dataclass
class ReviewData:
    """One 评分表 as read: whose it is, every unit row's values, its blank cells and its problems.

    Units are keyed by famscore.names.name_key, so the merge finds a unit however its name is typed.
    """

    file: str
    path: str
    department: str = ""  # from _meta 考核部门
    sheet: str = ""  # the grid's sheet
    meta: dict[str, str] = field(default_factory=dict)
    # Why the 评分表 is not this scheme's (another title, version or fingerprint): its values are not used.
    identity: list[str] = field(default_factory=list)
    units: dict[str, tuple[str, int]] = field(default_factory=dict)  # key -> (unit as written, Excel row)
    values: dict[str, dict[str, ReviewValue]] = field(default_factory=dict)  # key -> field id -> value
    blanks: dict[str, dict[str, str]] = field(default_factory=dict)  # key -> field id -> cell left blank
    problems: list[Problem] = field(default_factory=list)
    readable: bool = True
    # key -> field id -> cell(s) holding something not used (a bad value, a formula without a result, two
    # rows of the unit that disagree): a problem says why. Neither a value nor a blank for the merge.
    refused: dict[str, dict[str, str]] = field(default_factory=dict)
    # Where each of the department's fields is (field id -> column letter); a field absent is a problem.
    columns: dict[str, str] = field(default_factory=dict)

    def report(
        self,
        message: Msg,
        sheet: str = "",
        row: int | None = None,
        column: int | None = None,
        *,
        severity: Severity | None = None,
        **fields: Any,
    ) -> None:
        """A problem of this 评分表 from the catalogue, at (row, column) of `sheet`."""
        self.problems.append(message.problem(self.file, sheet, row, column, severity=severity, **fields))

    # A worker sends its 评分表 to the parent pickled. One by one, the 300,000 ReviewValue of a big grid
    # cost seconds to pickle and unpickle, and the parent keeps only their values (famscore.merge.slim):
    # so each distinct (value, text) goes once, with per cell its field and a cell address only where it
    # is not the column's letter and the unit's row. The parent unpacks `values` on first use only.

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        values = state.pop("values", None)
        if values is None:  # never unpacked since it arrived: already packed
            return state
        table: list[tuple[object, str]] = []
        index: dict[tuple[int, int], int] = {}  # ids: every value is alive in `values` meanwhile
        rows: dict[str, tuple[Any, ...]] = {}
        columns, units = self.columns, self.units
        for key, cells in values.items():
            row = units[key][1] if key in units else 0
            flat: list[Any] = []
            for fid, cell in cells.items():
                known = (id(cell.value), id(cell.raw))
                at = index.get(known)
                if at is None:
                    at = index[known] = len(table)
                    table.append((cell.value, cell.raw))
                implied = cell.cell == f"{columns.get(fid, '?')}{row}"
                flat += (fid, at, None if implied else cell.cell)
            rows[key] = tuple(flat)
        state["_packed"] = (table, rows)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def __getattr__(self, name: str) -> Any:
        # Only for an attribute not found: `values` of a ReviewData unpickled and not yet unpacked.
        packed = self.__dict__.get("_packed") if name == "values" else None
        if packed is None:
            raise AttributeError(name)
        table, rows = packed
        columns, units = self.columns, self.units
        values: dict[str, dict[str, ReviewValue]] = {}
        for key, flat in rows.items():
            row = units[key][1] if key in units else 0
            values[key] = {
                fid: ReviewValue(
                    table[at][0], table[at][1], f"{columns.get(fid, '?')}{row}" if cell is None else cell
                )
                for fid, at, cell in zip(flat[::3], flat[1::3], flat[2::3], strict=True)
            }
        self.__dict__["values"] = values
        del self.__dict__["_packed"]
        return values

    def packed_values(self) -> tuple[list[tuple[object, str]], dict[str, tuple[Any, ...]]] | None:
        """As a worker sent the values (see __getstate__) while nobody has unpacked them: each distinct
        (value, text) once, and per unit flat (field id, index, cell or None) triples."""
        packed = self.__dict__.get("_packed")
        return packed if "values" not in self.__dict__ else None


def is_review_meta(meta: Mapping[str, str]) -> bool:
    """Whether a workbook's _meta (as famscore.entry_sheet.read_meta gives it) says 类型 评分表."""
    return name_key(meta.get(META_TYPE, "")) == TYPE_REVIEW


def is_review(path: Path) -> bool:
    """Whether the file is a 评分表, by its hidden _meta alone (False for anything unreadable).

    For telling 评分表 from unit returns in one folder; a return read with famscore.returns already has
    its _meta: is_review_meta(data.meta) costs nothing more.
    """
    try:
        opened = open_return(path)
        if opened.book is None:
            return False
        book = _Book(opened, careful=True)
        name = find_sheet(list(book.sheet_names), META_SHEET)
        if name is None:
            return False
        rows = book.sheet(name).to_python(skip_empty_area=False, nrows=META_ROWS_READ)
        return is_review_meta(read_meta(rows)[0])
    except Exception:  # a file that cannot be opened is no 评分表; read_return will say what it is
        return False


def read_review(
    path: Path,
    scheme: Scheme,
    display_name: str | None = None,
    *,
    contained: bool = False,
    memo: dict[tuple[Any, ...], Any] | None = None,
) -> ReviewData:
    """Read and check one department's 评分表. Never raises for anything the file contains.

    `contained` and `memo` as for famscore.returns.read_return.
    """
    data = ReviewData(display_name or path.name, str(path))
    try:
        _read(path, scheme, data, careful=not contained, memo={} if memo is None else memo)
    except _Refused as refused:
        data.readable = False
        data.report(refused.refusal.msg, refused.sheet, **refused.refusal.fields)
    except MemoryError:
        data.readable = False
        data.report(Msg.RETURN_OUT_OF_MEMORY)
    except Exception as exc:  # a reader failing in a way we did not foresee must not stop the batch
        data.readable = False
        data.report(Msg.RETURN_READ_FAILED, error=type(exc).__name__)
    if not data.readable:
        data.values, data.blanks, data.refused = {}, {}, {}
    return data


def _read(
    path: Path, scheme: Scheme, data: ReviewData, careful: bool, memo: dict[tuple[Any, ...], Any]
) -> None:
    opened = open_return(path)
    if opened.book is None:
        data.readable = False
        if opened.kind == "压缩包":
            data.report(Msg.ARCHIVE_NOT_READ)
            return
        if not opened.spreadsheet and path.suffix.lower() not in SPREADSHEET_SUFFIXES:
            data.report(Msg.RETURN_NOT_SPREADSHEET, what=f"（{opened.kind}）" if opened.kind else "")
            return
        refusal = opened.refusal or Refusal(Msg.RETURN_UNPARSABLE, error="无法识别")
        data.report(refusal.msg, opened.sheet, **refusal.fields)
        return
    book = _Book(opened, careful)
    names = list(book.sheet_names)
    meta_name = find_sheet(names, META_SHEET)
    if meta_name is not None:
        rows = book.sheet(meta_name).to_python(skip_empty_area=False, nrows=META_ROWS_READ)
        data.meta = read_meta(rows)[0]
    if not is_review_meta(data.meta):
        data.readable = False
        data.report(Msg.REVIEW_NOT_A_REVIEW, meta_name or META_SHEET)
        return
    _identify(scheme, data, meta_name or META_SHEET)
    if not _department(scheme, data, meta_name or META_SHEET):
        return
    found = _grid_sheet(book, names)
    if found is None:
        data.readable = False
        data.report(Msg.REVIEW_GRID_MISSING, REVIEW_SHEET, key=KEY_HEADER, header=UNIT_NAME_HEADER)
        return
    sheet, head, key_index, rest = found
    data.sheet = sheet
    formulas = _FormulaCells(path, sheet) if opened.kind == "xlsx" else None
    percent = percent_grid(opened.data, sheet) if opened.kind == "xlsx" else None
    _read_grid(head, rest, key_index, scheme, data, formulas, percent, memo)


def _identify(scheme: Scheme, data: ReviewData, sheet: str) -> None:
    """Another scheme, year or version: identity reasons (values not used); a changed scheme: a warning."""
    mismatch = meta_mismatch(scheme, data.meta)
    if mismatch is not None:
        kind, reason, fields = mismatch
        if reason:
            data.identity.append(reason)
        data.report(_REVIEW_MISMATCH[kind], sheet, **fields)


_REVIEW_MISMATCH = {
    OTHER_SCHEME: Msg.REVIEW_OTHER_SCHEME,
    OTHER_YEAR: Msg.REVIEW_OTHER_YEAR,
    OTHER_VERSION: Msg.REVIEW_OTHER_VERSION,
    SCHEME_CHANGED: Msg.REVIEW_SCHEME_CHANGED,
}


def _department(scheme: Scheme, data: ReviewData, sheet: str) -> bool:
    """The department _meta names, as the scheme writes it; False (and a problem) when there is none."""
    written = data.meta.get(header_key(META_DEPARTMENT), "")
    if not written:
        data.readable = False
        data.report(Msg.REVIEW_DEPARTMENT_MISSING, sheet)
        return False
    known = {name_key(d): d for d in scheme.departments}
    department = known.get(name_key(written))
    if department is None:
        data.department = written
        data.readable = False
        departments = "、".join(scheme.departments) or "无"
        data.report(Msg.REVIEW_UNKNOWN_DEPARTMENT, sheet, department=written, departments=departments)
        return False
    data.department = department
    return True


def _key_row(rows: list[list[object]]) -> tuple[int, int, int] | None:
    """(row index, 字段编号 column, 单位名称 column) of the first row holding both, spaces forgiven."""
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        headers = [header_key(c) for c in cells]
        if KEY_HEADER in headers and UNIT_NAME_HEADER in headers:
            return index, headers.index(KEY_HEADER), headers.index(UNIT_NAME_HEADER)
    return None


def _grid_sheet(
    book: _Book, names: list[str]
) -> tuple[str, list[list[object]], tuple[int, int, int], Iterator[list[object]]] | None:
    """The 评分表 sheet with its key row; else the one other sheet that has it: its first rows, where
    the key row is among them, and the rest of its rows still to come."""
    named = find_sheet(names, REVIEW_SHEET)
    order = ([named] if named else []) + [
        n
        for n in names
        if n != named and header_key(n) not in (header_key(META_SHEET), header_key(LISTS_SHEET))
    ]
    for name in order:
        rows = _rows_from_a1(book.sheet(name))
        head = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
        found = _key_row(head)
        if found is not None:
            return name, head, found, rows
    return None


def _rows_from_a1(sheet: Any) -> Iterator[list[object]]:
    """A parsed sheet's rows counted from A1, as to_python(skip_empty_area=False) gives them, but one at
    a time: a 评分表 has a row per unit, and the whole grid as Python lists took ~70 MB per 10,000 rows."""
    end = sheet.end
    if end is None:  # an empty sheet
        return
    top, width = sheet.start[0], end[1] + 1
    rows = sheet.iter_rows()
    first = next(rows, None)
    if first is None:
        return
    # python-calamine 0.9 starts iter_rows at row 1 but at the first used column (its issue #177). Were
    # it to start at the first used row, that row would not be blank: the rows above are added here.
    if top and any(cell != "" for cell in first):
        for _ in range(top):
            yield []
    for cells in itertools.chain([first], rows):
        missing = width - len(cells)  # the columns left of the first used one
        yield [""] * missing + cells if missing > 0 else cells


def _read_grid(
    head: list[list[object]],
    rest: Iterator[list[object]],
    key: tuple[int, int, int],
    scheme: Scheme,
    data: ReviewData,
    formulas: _FormulaCells | None,
    percent: dict[int, frozenset[int]] | None,
    memo: dict[tuple[Any, ...], Any],
) -> None:
    sheet, department = data.sheet, data.department
    key_index, number_col, unit_col = key
    header = head[key_index]
    fields: dict[int, Field] = {}
    seen: dict[str, int] = {}
    twice: set[int] = set()
    unknown = 0
    key_row = key_index + 1
    for col, cell in enumerate(header):
        if col in (number_col, unit_col):
            continue
        fid = normalise(cell)
        if not fid or fid.startswith(REFERENCE_PREFIX):
            continue  # an empty column, or the unit's own figures shown grey: never read back
        fdef = scheme.fields.get(fid)
        if fdef is None:
            if _looks_like_field_id(fid):
                unknown += 1
                if unknown <= MAX_UNKNOWN_REPORTED:
                    data.report(Msg.REVIEW_UNKNOWN_FIELD, sheet, key_row, col + 1, key=clip(fid))
            continue
        if fdef.filler != department:
            data.report(
                Msg.REVIEW_FOREIGN_FIELD,
                sheet,
                key_row,
                col + 1,
                label=_label(fdef),
                filler=fdef.filler,
                department=department,
            )
            continue
        if fid in seen:
            other = cell_name(key_row, seen[fid] + 1)
            data.report(Msg.REVIEW_FIELD_TWICE, sheet, key_row, col + 1, key=fid, other=other)
            twice.update((col, seen[fid]))
            continue
        seen[fid] = col
        fields[col] = fdef
    if unknown > MAX_UNKNOWN_REPORTED:
        data.report(Msg.RETURN_MORE_UNKNOWN_FIELDS, sheet, count=unknown - MAX_UNKNOWN_REPORTED)
    for col in twice:
        fields.pop(col, None)
    data.columns = {f.id: column_letter(col + 1) for col, f in fields.items()}
    for fdef in scheme.filled_by(department):
        if fdef.id not in seen:
            data.report(Msg.REVIEW_FIELD_COLUMN_MISSING, sheet, key_row, label=_label(fdef))
    plain = PLAIN if percent is not None else UNKNOWN_FORMAT
    percent = percent or {}
    # Per column what every row needs, looked up once: the field, its letter, its percent-formatted rows.
    columns = [(col, fdef, fdef.id, column_letter(col + 1), percent.get(col)) for col, fdef in fields.items()]
    first: dict[str, int] = {}  # unit key -> the row it was first read from
    for index, cells in enumerate(itertools.chain(head[key_index + 1 :], rest), start=key_index + 1):
        width = len(cells)
        row = index + 1
        name = _written(cells[unit_col]) if unit_col < width else ""  # as written, for messages
        unit_values: dict[str, ReviewValue] = {}
        unit_blanks: dict[str, str] = {}
        unit_refused: dict[str, str] = {}
        for col, fdef, fid, letter, percent_rows in columns:
            raw = cells[col] if col < width else ""
            cell_format = PERCENT_FORMAT if percent_rows is not None and row in percent_rows else plain
            # A grid repeats few distinct values per column: each is parsed, and its text as typed made,
            # once (the key's first element keeps these apart from famscore.returns' entries in `memo`).
            known = (_GRID, fid, type(raw), raw, cell_format)
            remembered = memo.get(known)
            if remembered is None:
                parsed = parse_value(fdef, raw, cell_format)
                # What was typed, for the audit: text as written; a number or date as outputs print it.
                typed = None
                if parsed.value is not None:
                    typed = display(raw) if isinstance(raw, str) else shown(parsed.value)
                remembered = parsed, typed
                if raw == raw:  # NaN never matches
                    if len(memo) >= PARSED_LIMIT:
                        memo.clear()
                    memo[known] = remembered
            parsed, typed = remembered
            if typed is not None and parsed.msg is None and name:  # the usual cell: a value, no doubt
                unit_values[fid] = ReviewValue(parsed.value, typed, f"{letter}{row}")
                continue
            address = f"{letter}{row}"
            if not name:
                if parsed.value is not None or parsed.msg is not None:
                    unit_refused[fid] = address
                continue
            if parsed.msg is not None:
                data.report(parsed.msg, sheet, row, col + 1, label=_label(fdef), **parsed.fields)
                if parsed.error:
                    unit_refused[fid] = address
                    continue
            if typed is None:
                found = formulas.get(address) if formulas is not None else None
                if found is not None:
                    what, text = found
                    if what == "error":
                        data.report(
                            Msg.RETURN_FORMULA_ERROR, sheet, row, col + 1, label=_label(fdef), error=text
                        )
                    else:
                        formula = f"公式「={clip(text)}」" if text else "公式"
                        data.report(
                            Msg.RETURN_FORMULA_NO_RESULT,
                            sheet,
                            row,
                            col + 1,
                            label=_label(fdef),
                            formula=formula,
                        )
                    unit_refused[fid] = address
                elif parsed.msg is None:
                    unit_blanks[fid] = address
                continue
            unit_values[fid] = ReviewValue(parsed.value, typed, address)
        if not name:
            if unit_refused:  # figures typed on a row without a unit: they belong to nobody
                data.report(Msg.REVIEW_ROW_WITHOUT_UNIT, sheet, row, unit_col + 1, header=UNIT_NAME_HEADER)
            continue
        unit = name_key(name)
        if unit in first:
            _second_row(data, unit, name, row, first[unit], unit_col, unit_values, unit_blanks, unit_refused)
            continue
        first[unit] = row
        data.units[unit] = (name, row)
        if unit_values:
            data.values[unit] = unit_values
        if unit_blanks:
            data.blanks[unit] = unit_blanks
        if unit_refused:
            data.refused[unit] = unit_refused
    if not data.units:
        data.report(Msg.REVIEW_NO_UNITS, sheet, key_row + 1, unit_col + 1)


def _second_row(
    data: ReviewData,
    unit: str,
    name: str,
    row: int,
    other: int,
    unit_col: int,
    values: dict[str, ReviewValue],
    blanks: dict[str, str],
    refused: dict[str, str],
) -> None:
    """A unit's second row: where it agrees with the first, nothing changes; where not, neither is used."""
    kept = data.values.get(unit, {})
    kept_blanks = data.blanks.get(unit, {})
    kept_refused = data.refused.setdefault(unit, {})
    differ: list[str] = []
    for fid in {*values, *blanks, *refused, *kept, *kept_blanks, *kept_refused}:
        mine, theirs = values.get(fid), kept.get(fid)
        same = (mine is None and theirs is None and fid in blanks and fid in kept_blanks) or (
            mine is not None and theirs is not None and mine.value == theirs.value
        )
        if same:
            continue
        cells = [c for c in (theirs and theirs.cell, kept_blanks.get(fid), kept_refused.get(fid)) if c]
        cells += [c for c in (mine and mine.cell, blanks.get(fid), refused.get(fid)) if c]
        kept.pop(fid, None)
        kept_blanks.pop(fid, None)
        kept_refused[fid] = "、".join(dict.fromkeys(cells))
        differ.append(fid)
    for store in (data.values, data.blanks, data.refused):
        if unit in store and not store[unit]:
            del store[unit]
    if differ:
        data.report(
            Msg.REVIEW_UNIT_TWICE, data.sheet, row, unit_col + 1, unit=name, other=other, count=len(differ)
        )
    else:
        data.report(Msg.REVIEW_UNIT_TWICE_SAME, data.sheet, row, unit_col + 1, unit=name, other=other)


def _label(fdef: Field) -> str:
    return f"「{fdef.label or fdef.id}」（{fdef.id}）"


_GRID = "评分表"  # first element of this module's keys in the parse memo


def _written(cell: object) -> str:
    """famscore.text.display of a unit name, without its per-character pass for the usual name: printable
    text (no control or format character, no space but U+0020) with single inner spaces is already shown
    as written."""
    if isinstance(cell, str) and cell.isprintable() and "  " not in cell and cell.strip(" ") == cell:
        return cell
    return display(cell)


_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*>")
_CELL_REF = re.compile(rb'\sr\s*=\s*["\']([A-Z]{1,3})(\d+)["\']')
_CELL_STYLE = re.compile(rb'\ss\s*=\s*["\'](\d+)["\']')


def percent_grid(data: bytes, sheet: str) -> dict[int, frozenset[int]] | None:
    """Column (0-based) -> rows (1-based) of `sheet` whose cell has a percentage number format.

    famscore.returns.percent_cells for a whole grid: the styles are read once, the sheet scanned once.
    None when the formats cannot be read (the numbers are then as doubtful as in an .xls).
    """
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "xl/styles.xml" not in archive.NameToInfo:
                return {}
            styles = _percent_styles(archive.read("xl/styles.xml"))
            if not styles:
                return {}
            part = next((p for p, name in sheet_members(archive).items() if name == sheet), None)
            if part is None or part not in archive.NameToInfo:
                return None
            xml = archive.read(part)
    except Exception:  # damaged parts: calamine has read the values, the formats stay unknown
        return None
    found: dict[int, set[int]] = {}
    for tag in _CELL.finditer(xml):
        text = tag.group(0)
        style = _CELL_STYLE.search(text)
        ref = _CELL_REF.search(text)
        if style and ref and int(style.group(1)) in styles:
            col = _column_index(ref.group(1).decode())
            found.setdefault(col, set()).add(int(ref.group(2)))
    return {col: frozenset(rows) for col, rows in found.items()}


def _column_index(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number - 1


__all__ = ["ReviewData", "ReviewValue", "is_review", "is_review_meta", "percent_grid", "read_review"]
