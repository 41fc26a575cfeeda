"""One returned workbook -> ReturnData (checked, typed values and located problems): the only place that knows readers."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from famscore.entry_sheet import (
    KEY_HEADER,
    META_FINGERPRINT,
    META_ROWS_READ,
    META_SHEET,
    META_TITLE,
    META_TYPE,
    META_UNIT,
    META_VERSION,
    META_YEAR,
    TYPE_REVIEW,
    VALUE_HEADER,
    Header,
    find_entry_sheet,
    read_meta,
)
from famscore.entry_sheet import find_header as _find_header
from famscore.errors import ERROR, WARNING, Problem, Severity, cell_name, column_letter
from famscore.messages import Msg
from famscore.names import name_key

# At module level, not in _read: forked workers then start with it loaded (30 ms each otherwise).
from famscore.safety import Refusal, open_return, oversized_sheet, scan_sheet, sheet_members
from famscore.scheme.model import Field, Scheme
from famscore.text import clip, normalise
from famscore.values import (
    PERCENT_FORMAT,
    PLAIN,
    UNKNOWN_FORMAT,
    Parsed,
    parse_value,
    shown,
)
from famscore.workbook import find_sheet

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".et", ".xltx", ".xlsb"}
MAX_UNKNOWN_REPORTED = 20  # unknown field ids listed one by one; the rest are counted
_FORMULA_OR_ERROR = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?f[\s>/]|\st="e"')


@dataclass
class ReturnData:
    """One return as read: who sent it, the typed values, and every problem found in it."""

    file: str
    path: str
    unit: str = ""
    unit_from: str = ""  # "_meta" or "文件名"
    meta: dict[str, str] = field(default_factory=dict)  # as written (full-width kept), keys folded
    meta_cell: str = ""  # where _meta names the unit, e.g. "B5"
    # Why this return's identity is in doubt (another scheme or version): it is then never ranked.
    identity: list[str] = field(default_factory=list)
    values: dict[str, object] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)  # field id -> cell address of its value
    sheet: str = ""  # the sheet the values were read from
    raw: dict[str, str] = field(default_factory=dict)  # field id -> the value as typed (for audit)
    remarks: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    readable: bool = True  # False: nothing could be read; the unit is not scored
    # The file is a department's 评分表 by its _meta (类型 评分表), not a unit's return: famscore.reviews
    # reads it (famscore.batch does, in the same worker).
    review_form: bool = False

    def problem(self, sheet: str, cell: str, message: str, fix: str = "", severity: str = ERROR) -> None:
        self.problems.append(Problem(self.file, sheet, cell, severity, message, fix))

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
        """A problem of this return from the catalogue, at (row, column) of `sheet`."""
        self.problems.append(message.problem(self.file, sheet, row, column, severity=severity, **fields))


def read_return(
    path: Path,
    scheme: Scheme,
    display_name: str | None = None,
    *,
    contained: bool = False,
    memo: dict[tuple[Any, ...], Any] | None = None,
) -> ReturnData:
    """Read and check one return. Never raises for anything the file contains.

    `memo`: cells of `scheme` parsed before, shared by the returns one process reads (a batch owns it,
    famscore.batch.memo); parse_value is pure, and across a batch most cells hold one of a few values.
    `contained`: this process is a worker whose death costs only this file (famscore.batch.pool). It then
    skips scanning whole worksheets for far-away cells before calamine parses them, the one check that
    costs as much as the read itself; a calamine abort is retried in a new worker without `contained`,
    and the used range calamine reports is checked either way, so every file ends with the same result.
    """
    data = ReturnData(display_name or path.name, str(path))
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
    return data


def _read(
    path: Path, scheme: Scheme, data: ReturnData, careful: bool, memo: dict[tuple[Any, ...], Any]
) -> None:
    opened = open_return(path)
    suffix = path.suffix.lower()
    if opened.book is None:
        data.readable = False
        if opened.kind == "压缩包":  # whatever its name says: the returns inside were not read
            data.report(Msg.ARCHIVE_NOT_READ)
            return
        if not opened.spreadsheet and suffix not in SPREADSHEET_SUFFIXES:
            # A covering letter or scan saved beside the returns is not a broken return.
            data.report(Msg.RETURN_NOT_SPREADSHEET, what=f"（{opened.kind}）" if opened.kind else "")
            return
        refusal = opened.refusal or Refusal(Msg.RETURN_UNPARSABLE, error="无法识别")
        data.report(refusal.msg, opened.sheet, **refusal.fields)
        return
    book = _Book(opened, careful)
    if suffix not in SPREADSHEET_SUFFIXES:
        data.report(Msg.RETURN_WRONG_SUFFIX, suffix=path.suffix or "（无）", kind=opened.kind)
    names = list(book.sheet_names)
    meta_name = find_sheet(names, META_SHEET)
    if meta_name is not None:
        data.meta, data.meta_cell = _read_meta(book, meta_name)
        if name_key(data.meta.get(META_TYPE, "")) == TYPE_REVIEW:  # famscore.reviews.is_review_meta
            data.review_form, data.readable = True, False
            return
    _identify(scheme, data, path)
    found = _entry_sheet(book, names, data)
    if found is None:
        data.readable = False
        return
    sheet, rows, header = found
    data.sheet = sheet
    merged = _sheet(book, sheet).merged_cell_ranges or []
    formulas = _FormulaCells(path, sheet) if opened.kind == "xlsx" else None
    percent_rows = percent_cells(opened.data, sheet, header[2]) if opened.kind == "xlsx" else None
    _read_entries(
        rows,
        scheme,
        data,
        sheet,
        header=header,
        merged=merged,
        formulas=formulas,
        percent_rows=percent_rows,
        memo=memo,
    )


def _rows(book: Any, sheet: str, nrows: int | None = None) -> list[list[object]]:
    return _sheet(book, sheet).to_python(skip_empty_area=False, nrows=nrows)


def _sheet(book: _Book, name: str) -> Any:
    return book.sheet(name)


class _Refused(Exception):
    """A sheet that must not be parsed or converted (see famscore.safety.scan_sheet)."""

    def __init__(self, sheet: str, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.sheet, self.refusal = sheet, refusal


class _Book:
    """Parses each sheet once, and only after its used range has been checked.

    calamine parses a sheet on every get_sheet_by_name, so parsed sheets are kept for this one read.
    """

    def __init__(self, opened: Any, careful: bool) -> None:
        self._opened = opened
        self._book = opened.book
        self._careful = careful and opened.kind == "xlsx"  # .xls/.ods: only the check after parsing
        self.sheet_names = self._book.sheet_names
        self._sheets: dict[str, Any] = {}

    def sheet(self, name: str) -> Any:
        if name not in self._sheets:
            refusal = scan_sheet(self._opened.data, name) if self._careful else None
            if refusal is not None:
                raise _Refused(name, refusal)
            parsed = self._book.get_sheet_by_name(name)
            refusal = oversized_sheet(parsed)
            if refusal is not None:
                raise _Refused(name, refusal)
            self._sheets[name] = parsed
        return self._sheets[name]


def _entry_sheet(
    book: Any, names: list[str], data: ReturnData
) -> tuple[str, list[list[object]], Header] | None:
    """The 填报 sheet, its rows and header (see famscore.entry_sheet.find_entry_sheet)."""
    found, problem = find_entry_sheet(names, lambda name, nrows: _rows(book, name, nrows), data.file)
    if problem is not None:
        data.problems.append(problem)
    return found


def _read_meta(book: Any, sheet: str) -> tuple[dict[str, str], str]:
    return read_meta(_rows(book, sheet, META_ROWS_READ))


def _identify(scheme: Scheme, data: ReturnData, path: Path) -> None:
    meta = data.meta
    unit = meta.get(META_UNIT, "")
    if unit:
        data.unit, data.unit_from = unit, "_meta"
    else:
        data.unit, data.unit_from = unit_from_filename(path.name, scheme.title), "文件名"
        where = "没有隐藏的 _meta 工作表" if not meta else "_meta 工作表中没有单位名称"
        data.report(Msg.RETURN_UNIT_FROM_FILE_NAME, META_SHEET, where=where, unit=data.unit)
    if not meta:
        return
    mismatch = meta_mismatch(scheme, meta)
    if mismatch is not None:
        kind, reason, fields = mismatch
        if reason:
            data.identity.append(reason)
        data.report(_RETURN_MISMATCH[kind], META_SHEET, **fields)


# What a mismatch of _meta with the scheme is called, and the message a return reports for it.
OTHER_SCHEME, OTHER_YEAR, OTHER_VERSION, SCHEME_CHANGED = "scheme", "year", "version", "changed"
_RETURN_MISMATCH = {
    OTHER_SCHEME: Msg.RETURN_OTHER_SCHEME,
    OTHER_YEAR: Msg.RETURN_OTHER_YEAR,
    OTHER_VERSION: Msg.RETURN_OTHER_VERSION,
    SCHEME_CHANGED: Msg.RETURN_SCHEME_CHANGED,
}


def meta_mismatch(scheme: Scheme, meta: dict[str, str]) -> tuple[str, str, dict[str, Any]] | None:
    """How a file's _meta (a return's, a 评分表's) differs from `scheme`, first difference only: (kind,
    the identity reason — '' when the file may still be used —, the message's fields); None when it
    matches. Compared by name_key: a title written with （试行） here and (试行) there is the same title."""
    title, version = meta.get(META_TITLE, ""), meta.get(META_VERSION, "")
    fingerprint, year = meta.get(META_FINGERPRINT, ""), meta.get(META_YEAR, "")
    current_year = scheme.settings.year
    if title and name_key(title) != name_key(scheme.title):
        return OTHER_SCHEME, f"来自另一份考评表「{title}」", {"title": title, "scheme": scheme.title}
    if year and current_year is not None and name_key(year) != str(current_year):
        reason = f"来自 {year} 年度的考评表（当前为 {current_year} 年度）"
        return OTHER_YEAR, reason, {"year": year, "current": current_year}
    if version and name_key(version) != name_key(scheme.version):
        reason = f"来自考评表版本 {version}（当前为版本 {scheme.version}）"
        return OTHER_VERSION, reason, {"version": version, "current": scheme.version}
    if fingerprint and name_key(fingerprint) != name_key(scheme.fingerprint):
        return SCHEME_CHANGED, "", {}
    return None


def unit_from_filename(file_name: str, title: str) -> str:
    """Best guess of the unit, as the file name writes it, from names like '考评表_2023_新华街道(1).xlsx'.

    Only for a return whose _meta names no unit; famscore.scoring prefers a unit of the roster (or of
    the batch) that the file name names.
    """
    stem = Path(file_name).stem
    stem = re.sub(r"\s*[\(（]\d+[\)）]$", "", stem).strip()
    stem = re.sub(r"~[0-9a-f]{8}$", "", stem)  # the hash famscore template adds to a name it had to cut
    parts = [p for p in re.split(r"[_\-\s＿－]+", stem) if p]
    title_key = name_key(title)
    for part in reversed(parts):
        key = name_key(part)
        if key not in title_key and not key.isdigit() and key != "空白":
            return part
    return stem


def _read_entries(
    rows: list[list[object]],
    scheme: Scheme,
    data: ReturnData,
    sheet: str,
    header: Header | None = None,
    merged: list[tuple[tuple[int, int], tuple[int, int]]] | None = None,
    formulas: _FormulaCells | None = None,
    percent_rows: frozenset[int] | None = None,
    memo: dict[tuple[Any, ...], Any] | None = None,
) -> None:
    """Field rows under the header, found by 字段编号 whatever their order; every doubt is a Problem.

    `merged` are calamine's merged ranges (0-based, inclusive); `formulas` looks up what a blank-reading
    value cell really holds (.xlsx only: calamine reads formulas without a result and errors as '').
    `percent_rows`: the rows whose value cell is formatted as a percentage (see percent_cells); None
    when the file's formats cannot be read (.xls/.ods), so no number is read as surely plain.
    """
    header = header or _find_header(rows)
    if header is None:
        data.readable = False
        data.report(Msg.RETURN_ENTRY_HEADER_MISSING, sheet, key=KEY_HEADER, value=VALUE_HEADER)
        return
    header_index, key_col, value_col, remark_col = header
    covering = _merges_over(merged or [], value_col)
    seen: dict[str, str] = {}
    unknown = 0
    fields = scheme.fields
    value_letter = column_letter(value_col + 1)  # this runs for every field of every return
    parsed_cells = {} if memo is None else memo
    plain = PLAIN if percent_rows is not None else UNKNOWN_FORMAT
    percent_rows = percent_rows or frozenset()
    for index in range(header_index + 1, len(rows)):
        cells = rows[index]
        row = index + 1
        cell = cells[key_col] if key_col < len(cells) else ""
        if cell == "" or cell is None:
            continue
        # An id exactly as the template wrote it needs no folding (the common case, on every row).
        key = cell if isinstance(cell, str) and cell in fields else normalise(cell)
        if not key:
            continue
        fdef = fields.get(key)
        address = f"{value_letter}{row}"
        if fdef is None:
            if _looks_like_field_id(key):
                unknown += 1
                if unknown <= MAX_UNKNOWN_REPORTED:
                    data.report(Msg.RETURN_UNKNOWN_FIELD, sheet, row, key_col + 1, key=clip(key))
            continue
        if key in seen:
            data.report(Msg.RETURN_FIELD_TWICE, sheet, row, value_col + 1, key=key, other=seen[key])
            data.values.pop(key, None)
            continue
        seen[key] = address
        raw = cells[value_col] if value_col < len(cells) else ""
        data.cells[key] = address
        if remark_col is not None and remark_col < len(cells) and cells[remark_col] not in ("", None):
            remark = normalise(cells[remark_col])
            if remark:
                data.remarks[key] = remark
        merge = covering.get(index)
        if merge is not None:
            label = _label(fdef)
            (top, left), (bottom, right) = merge
            span = f"{cell_name(top + 1, left + 1)}:{cell_name(bottom + 1, right + 1)}"
            if (top, left) != (index, value_col):
                data.report(
                    Msg.RETURN_VALUE_MERGED_AWAY,
                    sheet,
                    row,
                    value_col + 1,
                    severity=ERROR if fdef.required else WARNING,
                    label=label,
                    address=address,
                    into=cell_name(top + 1, left + 1),
                    span=span,
                )
                continue
            if _holds_other_fields(rows, scheme, key_col, top, bottom, index):
                data.report(
                    Msg.RETURN_VALUE_MERGED_DOWN,
                    sheet,
                    row,
                    value_col + 1,
                    label=label,
                    address=address,
                    span=span,
                )
        # The format is part of the value: 1 in a 0% cell is 100 %, in a plain cell it is in doubt.
        cell_format = PERCENT_FORMAT if row in percent_rows else plain
        known = (key, type(raw), raw, cell_format)
        remembered = parsed_cells.get(known)
        if remembered is None:
            remembered = parse_value(fdef, raw, cell_format), raw == raw  # NaN never matches
            if remembered[1]:
                remembered = remembered[0], _shows_as(remembered[0], raw)
                if len(parsed_cells) >= PARSED_LIMIT:
                    parsed_cells.clear()
                parsed_cells[known] = remembered
        parsed, shown = remembered
        if not shown:
            data.raw[key] = "" if raw is None else normalise(raw)
        if parsed.value is not None and not parsed.warning:
            data.values[key] = parsed.value  # the usual case, on every field of every return
            continue
        label = _label(fdef)
        if parsed.msg is not None:
            data.report(parsed.msg, sheet, row, value_col + 1, label=label, **parsed.fields)
            if parsed.error:
                continue
        if parsed.value is None:
            found = formulas.get(address) if formulas is not None else None
            if found is not None:
                what, text = found
                if what == "error":
                    data.report(Msg.RETURN_FORMULA_ERROR, sheet, row, value_col + 1, label=label, error=text)
                else:
                    formula = f"公式「={clip(text)}」" if text else "公式"
                    data.report(
                        Msg.RETURN_FORMULA_NO_RESULT, sheet, row, value_col + 1, label=label, formula=formula
                    )
            elif formulas is None:  # .xls/.ods: a formula error also reads as blank, and cannot be told apart
                if fdef.required:
                    data.report(Msg.RETURN_REQUIRED_BLANK_NO_FORMULAS, sheet, row, value_col + 1, label=label)
            elif fdef.required:
                data.report(Msg.RETURN_REQUIRED_BLANK, sheet, row, value_col + 1, label=label)
            continue
        data.values[key] = parsed.value
    if unknown > MAX_UNKNOWN_REPORTED:
        data.report(Msg.RETURN_MORE_UNKNOWN_FIELDS, sheet, count=unknown - MAX_UNKNOWN_REPORTED)
    for fid, fdef in scheme.fields.items():
        if fid not in seen and fdef.required and fdef.by_unit:  # a department's field is on its 评分表
            data.report(Msg.RETURN_FIELD_ROW_MISSING, sheet, label=fdef.label or fid, id=fid)


PARSED_LIMIT = 200_000


def _label(fdef: Field) -> str:
    return f"「{fdef.label or fdef.id}」（{fdef.id}）"


def _shows_as(parsed: Parsed, raw: object) -> bool:
    """Whether the parsed value, as outputs print it, already shows what the unit typed.

    What was typed is kept (for the audit) only where it says more: ９６％, 0.95 read as 95%, 3人, a
    bad value. 40,000 units × 50 fields of copies of what the values show would add up.
    """
    value = parsed.value
    if value is None:
        return raw is None or raw == ""
    if isinstance(raw, float) and isinstance(value, Decimal) and not parsed.warning:
        return "e" not in repr(raw)  # a number cell: 96.5 prints as 96.5, 96.0 as 96
    if isinstance(raw, dt.datetime):  # a date cell: calamine adds midnight
        return raw.date() == value and raw.time() == dt.time()
    typed, printed = normalise(raw), shown(value)
    return typed == printed or (isinstance(value, Decimal) and typed == printed + ".0")


def _merges_over(
    merged: list[tuple[tuple[int, int], tuple[int, int]]], column: int
) -> dict[int, tuple[tuple[int, int], tuple[int, int]]]:
    """Row index -> the merged range covering that row's cell in `column` (ranges of one cell ignored)."""
    covering: dict[int, tuple[tuple[int, int], tuple[int, int]]] = {}
    for (top, left), (bottom, right) in merged:
        if left <= column <= right and (bottom > top or right > left):
            for index in range(top, min(bottom, top + 100_000) + 1):
                covering[index] = ((top, left), (bottom, right))
    return covering


def _holds_other_fields(
    rows: list[list[object]], scheme: Scheme, key_col: int, top: int, bottom: int, index: int
) -> bool:
    for other in range(top, min(bottom, len(rows) - 1) + 1):
        cells = rows[other]
        if other != index and key_col < len(cells) and normalise(cells[key_col]) in scheme.fields:
            return True
    return False


class _FormulaCells:
    """Formula and error cells of one .xlsx worksheet, read from its XML on first use only.

    python-calamine returns '' both for a formula saved without its result and for an error such as
    #DIV/0!, so a blank-reading value cell is looked up here before it is reported as not filled.
    """

    def __init__(self, path: Path, sheet: str) -> None:
        self.path = path
        self.sheet = sheet
        self._cells: dict[str, tuple[str, str]] | None = None

    def get(self, address: str) -> tuple[str, str] | None:
        """('error', '#DIV/0!') or ('formula', 'B5/B6') for the cell, or None."""
        if self._cells is None:
            try:
                self._cells = self._load()
            except Exception:  # the lookup only sharpens a message; never let it fail the file
                self._cells = {}
        return self._cells.get(address)

    def _load(self) -> dict[str, tuple[str, str]]:
        import zipfile

        from defusedxml import ElementTree

        with zipfile.ZipFile(self.path) as archive:
            part = next((p for p, name in sheet_members(archive).items() if name == self.sheet), None)
            if part is None:
                return {}
            xml = archive.read(part)
        if not _FORMULA_OR_ERROR.search(xml):
            return {}  # the usual case: no formula and no error anywhere on the sheet
        cells: dict[str, tuple[str, str]] = {}
        for _event, element in ElementTree.iterparse(io.BytesIO(xml), events=("end",), forbid_dtd=True):
            if _local(element.tag) != "c":
                if _local(element.tag) == "row":
                    element.clear()
                continue
            children = {_local(child.tag): child for child in element}
            value = children["v"].text if "v" in children else None
            address = element.get("r", "")
            if element.get("t") == "e":
                cells[address] = ("error", (value or "").strip() or "#错误")
            elif "f" in children and not (value or "").strip():
                cells[address] = ("formula", (children["f"].text or "").strip())
        return cells


_TAG = rb"<(?:[A-Za-z_][\w.-]*:)?"
_NUM_FMT = re.compile(_TAG + rb"numFmt\s[^>]*>")
_CELL_XFS = re.compile(_TAG + rb"cellXfs\b[^>]*>(.*?)</(?:[A-Za-z_][\w.-]*:)?cellXfs>", re.S)
_XF = re.compile(_TAG + rb"xf\b([^>]*)>")
_FMT_ID = re.compile(rb'\bnumFmtId\s*=\s*["\'](\d+)["\']')
_FMT_CODE = re.compile(rb'\bformatCode\s*=\s*"([^"]*)"|\bformatCode\s*=\s*\'([^\']*)\'')
_STYLE = re.compile(rb'\ss\s*=\s*["\'](\d+)["\']')
_BUILTIN_PERCENT = {9, 10}  # 0%, 0.00%
_BUILTIN_ID = re.compile(rb'numFmtId\s*=\s*["\'](?:9|10)["\']')
_CELL_TAG = re.compile(_TAG + rb"c\s")
_LITERAL = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')  # quoted text, escaped characters, [colour]/[condition]


def percent_cells(data: bytes, sheet: str, column: int) -> frozenset[int] | None:
    """Rows (1-based) of `sheet` whose cell in `column` (0-based) has a percentage number format.

    calamine gives 100 % typed into a 0% cell as 1, the same as 1 typed into a plain cell, so the
    format comes from the cell's style index (s=) and xl/styles.xml. Regexes, not a parser: this runs
    for every .xlsx return, and most have no percentage format at all, which styles.xml alone shows.
    None when the formats cannot be read: the numbers are then as doubtful as in an .xls.
    """
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "xl/styles.xml" not in archive.NameToInfo:
                return frozenset()
            styles = _percent_styles(archive.read("xl/styles.xml"))
            if not styles:
                return frozenset()
            part = next((p for p, name in sheet_members(archive).items() if name == sheet), None)
            if part is None or part not in archive.NameToInfo:
                return None
            xml = archive.read(part)
    except Exception:  # damaged parts: calamine has read the values, the formats stay unknown
        return None
    # Found by the r attribute (a regex that starts with a literal is fast; the character before r=
    # is checked below); the s attribute may be on either side of it, so the tag is taken whole.
    letter = column_letter(column + 1).encode()
    cell = re.compile(rb'r\s*=\s*["\']' + letter + rb'(\d+)["\']')
    rows = set()
    for found in cell.finditer(xml):
        start, end = xml.rfind(b"<", 0, found.start()), xml.find(b">", found.end())
        tag = xml[start:end]
        if xml[found.start() - 1 : found.start()].isspace() and _CELL_TAG.match(tag):
            style = _STYLE.search(tag)
            if int(style.group(1) if style else 0) in styles:
                rows.add(int(found.group(1)))
    return frozenset(rows)


def _percent_styles(styles: bytes) -> set[int]:
    """Indexes of the cell formats (cellXfs) whose number format shows a percentage."""
    if b"%" not in styles and not _BUILTIN_ID.search(styles):
        return set()  # the usual case: no percentage format defined at all
    percent = set(_BUILTIN_PERCENT)
    for tag in _NUM_FMT.findall(styles):
        number, code = _FMT_ID.search(tag), _FMT_CODE.search(tag)
        if number and code:
            text = html.unescape((code.group(1) or code.group(2) or b"").decode("utf-8", "replace"))
            if "%" in _LITERAL.sub("", text):
                percent.add(int(number.group(1)))
    block = _CELL_XFS.search(styles)
    if block is None:
        return set()
    found = set()
    for index, xf in enumerate(_XF.findall(block.group(1))):
        number = _FMT_ID.search(xf)
        if number and int(number.group(1)) in percent:
            found.add(index)
    return found


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _looks_like_field_id(key: str) -> bool:
    return bool(re.match(r"^[^\W\d]\w*$", key))
