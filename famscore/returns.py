"""Reading returned data-entry workbooks into checked, typed values: the only place that knows readers."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import html
import io
import os
import posixpath
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from famscore.entry_sheet import (
    KEY_HEADER,
    META_ROWS_READ,
    META_SHEET,
    VALUE_HEADER,
    Header,
    find_entry_sheet,
    read_meta,
)
from famscore.entry_sheet import find_header as _find_header
from famscore.errors import ERROR, WARNING, Problem, cell_name, column_letter
from famscore.names import name_key

# At module level, not in _read: forked workers then start with it loaded (30 ms each otherwise).
from famscore.safety import open_return, oversized_sheet, scan_sheet, sheet_members
from famscore.scheme.model import Field, Scheme
from famscore.values import (
    PERCENT_FORMAT,
    PLAIN,
    UNKNOWN_FORMAT,
    Parsed,
    normalise_text,
    parse_value,
    shown,
)
from famscore.workbook import find_sheet

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".et", ".xltx", ".xlsb"}
MAX_UNKNOWN_REPORTED = 20  # unknown field ids listed one by one; the rest are counted
LOCK_FILE_BYTES = 4096  # Office lock files hold a user name: 162 or 165 bytes
RESAVE = "请用 Excel 或 WPS 打开后另存为 .xlsx 再发回"
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
    # Item scores computed where the file was read (a worker), as famscore.scoring.ScoreRow tuples.
    scores: list[tuple] = field(default_factory=list)
    totals: Any = None  # famscore.scoring.Totals of those scores, also computed in the worker
    # Where a worker wrote this return's details (explanations, values) instead of sending them back.
    spool: tuple[str, int, int] | None = None

    def problem(self, sheet: str, cell: str, message: str, fix: str = "", severity: str = ERROR) -> None:
        self.problems.append(Problem(self.file, sheet, cell, severity, message, fix))

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


def list_returns(folder: Path) -> tuple[list[Path], list[Problem]]:
    """Candidate return files under `folder` (recursively), and a located problem for everything else.

    Nothing under the folder is left out without a word: a folder that cannot be opened, a hidden
    file or folder, an archive, a link that cannot be followed is an error (its returns would be
    missing from the ranking); Office lock files and the files Windows, macOS and Excel leave behind
    are skipped with a note. Links that lead to a file or folder are followed, a folder only once.
    """
    lister = _Lister(folder)
    root = os.fspath(folder)
    with contextlib.suppress(OSError):  # the walk reports a root it cannot open
        lister.seen.add(lister.key(root))
    lister.walk(root, set(lister.seen))
    lister.files.sort()
    lister.problems.sort(key=lambda p: p.file)
    return lister.files, lister.problems


# Files the operating system writes into any folder it shows: never anyone's return.
SYSTEM_FILES = {"thumbs.db", "ehthumbs.db", "ehthumbs_vista.db", "desktop.ini", ".ds_store"}
SYSTEM_FOLDERS = {"__macosx", "$recycle.bin", "system volume information", ".trashes", ".spotlight-v100"}
# What Excel and WPS leave while saving: '~WRL0001.tmp', or eight hex digits and no extension
# ('A1B2C3D4'; eight decimal digits are more likely a date someone named a return by).
_OFFICE_TEMP = re.compile(r"~.*\.tmp|(?=.*[A-F])[0-9A-F]{8}", re.IGNORECASE)
ARCHIVE_SUFFIXES = {".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".cab"}
UNZIP = "解压后再放入回表文件夹"
RELINK = "请把链接指向的回表文件本身复制到这里，替换这个链接"
_FILE_ATTRIBUTE_HIDDEN = 2  # Windows


class _Lister:
    """One walk of the returns folder with os.scandir, where every failure becomes a Problem."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: list[Path] = []
        self.problems: list[Problem] = []
        self.seen: set[tuple[int, int]] = set()

    def problem(self, path: str, message: str, fix: str = "", severity: str = ERROR) -> None:
        try:
            name = Path(path).relative_to(self.folder).as_posix()
        except ValueError:
            name = path
        self.problems.append(
            Problem(name if name != "." else str(self.folder), "", "", severity, message, fix)
        )

    @staticmethod
    def key(path: str) -> tuple[int, int]:
        st = os.stat(path)  # not DirEntry.stat(): on Windows that has no inode number
        return st.st_dev, st.st_ino

    def walk(self, directory: str, ancestors: set[tuple[int, int]]) -> None:
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError as exc:
            self.problem(
                directory,
                f"无法打开这个文件夹（{_os_reason(exc)}），其中的回表都没有读取",
                "请检查文件夹的访问权限，或把其中的文件复制到可以打开的文件夹后重新运行",
            )
            return
        for entry in entries:
            try:
                self.entry(entry, ancestors)
            except OSError as exc:  # stat failing on one entry costs only that entry, and is said
                self.problem(entry.path, f"无法读取（{_os_reason(exc)}），没有计分", "请检查文件的访问权限")

    def entry(self, entry: os.DirEntry[str], ancestors: set[tuple[int, int]]) -> None:
        name, path = entry.name, entry.path
        if entry.is_symlink():
            try:
                mode = os.stat(path).st_mode  # follows the link, wherever it leads
            except FileNotFoundError:
                self.problem(path, "这是一个链接，但它指向的文件或文件夹不存在，没有读取", RELINK)
                return
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    self.problem(path, "这是一个循环链接（最终指回它自己），无法读取", RELINK)
                else:
                    self.problem(path, f"这是一个无法打开的链接（{_os_reason(exc)}），没有读取", RELINK)
                return
            is_dir, is_file = stat.S_ISDIR(mode), stat.S_ISREG(mode)
        else:
            is_dir, is_file = entry.is_dir(follow_symlinks=False), entry.is_file(follow_symlinks=False)
        lowered = name.lower()
        if is_dir:
            self.folder_entry(entry, ancestors, lowered)
        elif not is_file:
            self.problem(
                path, "这不是普通文件（可能是设备、管道或套接字），没有读取", "请把回表文件本身放进来"
            )
        elif _is_lock_file(Path(path)):
            self.problem(path, "这是 Office/WPS 打开文件时留下的临时锁文件，已跳过", severity=WARNING)
        elif lowered in SYSTEM_FILES or name.startswith("._"):
            self.problem(path, "这是 Windows/macOS 自动生成的系统文件，已跳过", severity=WARNING)
        elif _OFFICE_TEMP.fullmatch(name):
            self.problem(
                path,
                "这是 Excel/WPS 保存时留下的临时文件，已跳过",
                "如果这其实是某个单位的回表，请改成正常的文件名（如 单位名称.xlsx）",
                WARNING,
            )
        elif name.startswith(".") or _hidden(entry):
            self.problem(
                path,
                "这是隐藏文件，没有读取",
                "如果是回表，请取消隐藏（去掉文件名开头的「.」）后重新运行；如果不是，请把它移出回表文件夹",
            )
        elif os.path.splitext(lowered)[1] in ARCHIVE_SUFFIXES:
            self.problem(path, "这是压缩包，其中的文件没有读取", UNZIP)
        elif lowered.endswith(".lnk"):
            self.problem(
                path,
                "这是 Windows 快捷方式，famscore 不会打开它指向的文件",
                "请把快捷方式指向的回表文件本身复制到这里",
            )
        else:
            self.files.append(Path(path))

    def folder_entry(self, entry: os.DirEntry[str], ancestors: set[tuple[int, int]], lowered: str) -> None:
        path = entry.path
        if lowered in SYSTEM_FOLDERS:
            self.problem(path, "这是 Windows/macOS 自动生成的系统文件夹，已跳过", severity=WARNING)
            return
        if entry.name.startswith(".") or _hidden(entry):
            self.problem(
                path,
                "这是隐藏文件夹，其中的文件都没有读取",
                "如果其中有回表，请取消隐藏（去掉文件夹名开头的「.」）后重新运行；如果没有，请把它移出回表文件夹",
            )
            return
        key = self.key(path)
        if key in ancestors:
            self.problem(path, "这个文件夹链接指回它的上级文件夹，形成循环，没有读取", "请删除这个链接")
            return
        if key in self.seen:
            self.problem(path, "这个文件夹链接指向已经读过的文件夹，没有重复读取", severity=WARNING)
            return
        self.seen.add(key)
        self.walk(path, ancestors | {key})


def _hidden(entry: os.DirEntry[str]) -> bool:
    """Windows' hidden attribute (free there: scandir has already fetched it)."""
    if os.name != "nt":
        return False
    return bool(getattr(entry.stat(), "st_file_attributes", 0) & _FILE_ATTRIBUTE_HIDDEN)


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "没有访问权限"
    return exc.strerror or type(exc).__name__


def _is_lock_file(path: Path) -> bool:
    """'~$name.xlsx' (Office, WPS) or '.~lock.name#' (LibreOffice): a few hundred bytes of owner name.

    A file named like that but holding a whole workbook is someone's return, so it is read.
    """
    name = path.name
    if not (name.startswith("~$") or name.startswith(".~lock")):
        return False
    try:
        return path.stat().st_size < LOCK_FILE_BYTES
    except OSError:
        return True


def read_return(
    path: Path, scheme: Scheme, display_name: str | None = None, *, contained: bool = False
) -> ReturnData:
    """Read and check one return. Never raises for anything the file contains.

    `contained`: this process is a worker whose death costs only this file (famscore.workers). It then
    skips scanning whole worksheets for far-away cells before calamine parses them, the one check that
    costs as much as the read itself; a calamine abort is retried in a new worker without `contained`,
    and the used range calamine reports is checked either way, so every file ends with the same result.
    """
    data = ReturnData(display_name or path.name, str(path))
    try:
        _read(path, scheme, data, careful=not contained)
    except _Refused as refused:
        data.readable = False
        data.problem(refused.sheet, "", refused.message + "，本文件未计分", refused.fix)
    except MemoryError:
        data.readable = False
        data.problem("", "", "读取时内存不足（文件内容异常庞大），本文件未计分", RESAVE)
    except Exception as exc:  # a reader failing in a way we did not foresee must not stop the batch
        data.readable = False
        data.problem("", "", f"读取时出错（{type(exc).__name__}），本文件未计分", RESAVE)
    return data


def _read(path: Path, scheme: Scheme, data: ReturnData, careful: bool) -> None:
    opened = open_return(path)
    suffix = path.suffix.lower()
    if opened.book is None:
        data.readable = False
        if opened.kind == "压缩包":  # whatever its name says: the returns inside were not read
            data.problem("", "", "这是压缩包，其中的文件没有读取", UNZIP)
            return
        if not opened.spreadsheet and suffix not in SPREADSHEET_SUFFIXES:
            # A covering letter or scan saved beside the returns is not a broken return.
            what = f"（{opened.kind}）" if opened.kind else ""
            data.problem("", "", f"不是表格文件{what}，已跳过", "", WARNING)
            return
        data.problem(opened.sheet, "", opened.message + "，本文件未计分", opened.fix)
        return
    book = _Book(opened, careful)
    if suffix not in SPREADSHEET_SUFFIXES:
        data.problem(
            "",
            "",
            f"文件扩展名「{path.suffix or '（无）'}」不是表格文件的扩展名，已按内容作为 .{opened.kind} 文件读取",
            f"请把文件名的扩展名改为 .{opened.kind}",
            WARNING,
        )
    names = list(book.sheet_names)
    meta_name = find_sheet(names, META_SHEET)
    if meta_name is not None:
        data.meta, data.meta_cell = _read_meta(book, meta_name)
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
    )


def _rows(book: Any, sheet: str, nrows: int | None = None) -> list[list[object]]:
    return _sheet(book, sheet).to_python(skip_empty_area=False, nrows=nrows)


def _sheet(book: _Book, name: str) -> Any:
    return book.sheet(name)


class _Refused(Exception):
    """A sheet that must not be parsed or converted (see famscore.safety.scan_sheet)."""

    def __init__(self, sheet: str, reason: tuple[str, str]) -> None:
        super().__init__(reason[0])
        self.sheet, (self.message, self.fix) = sheet, reason


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
    unit = meta.get("单位", "")
    if unit:
        data.unit, data.unit_from = unit, "_meta"
    else:
        data.unit, data.unit_from = unit_from_filename(path.name, scheme.title), "文件名"
        where = "没有隐藏的 _meta 工作表" if not meta else "_meta 工作表中没有单位名称"
        data.problem(
            META_SHEET,
            "",
            f"{where}，按文件名认定为「{data.unit}」",
            "请确认单位名称正确；以后请用 famscore template 生成的填报表填写",
            WARNING,
        )
    if not meta:
        return
    title, version, fingerprint = meta.get("标题", ""), meta.get("版本", ""), meta.get("指纹", "")
    year = meta.get("年度", "")
    # Compared by name_key: a title written with （试行） here and (试行) there is the same title.
    if title and name_key(title) != name_key(scheme.title):
        data.identity.append(f"来自另一份考评表「{title}」")
        data.problem(
            META_SHEET,
            "",
            f"这份回表来自另一份考评表「{title}」，不是「{scheme.title}」，暂不参加定级和排名",
            "请确认发错了文件，或用正确的考评表计分",
        )
    elif year and scheme.settings.year is not None and name_key(year) != str(scheme.settings.year):
        data.identity.append(f"来自 {year} 年度的考评表（当前为 {scheme.settings.year} 年度）")
        data.problem(
            META_SHEET,
            "",
            f"这份回表来自 {year} 年度的考评表，当前考评表是 {scheme.settings.year} 年度，暂不参加定级和排名",
            "请确认发错了文件（例如去年的回表），或让该单位用今年的填报表重新填写",
        )
    elif version and name_key(version) != name_key(scheme.version):
        data.identity.append(f"来自考评表版本 {version}（当前为版本 {scheme.version}）")
        data.problem(
            META_SHEET,
            "",
            f"这份回表来自考评表版本 {version}，当前考评表是版本 {scheme.version}，暂不参加定级和排名",
            "请让该单位用新版填报表重新填写，或核对两版的差别",
        )
    elif fingerprint and name_key(fingerprint) != name_key(scheme.fingerprint):
        data.problem(
            META_SHEET,
            "",
            "考评表的标题和版本相同，但内容有改动（指纹不同）",
            "如改动了字段或规则，请核对这份回表的填报内容",
            WARNING,
        )


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
        data.problem(
            sheet,
            "",
            f"找不到表头「{KEY_HEADER}」和「{VALUE_HEADER}」，本文件未计分",
            "请不要删除或改动填报表的表头行",
        )
        return
    header_index, key_col, value_col, remark_col = header
    covering = _merges_over(merged or [], value_col)
    seen: dict[str, str] = {}
    unknown = 0
    fields = scheme.fields
    value_letter = column_letter(value_col + 1)  # this runs for every field of every return
    parsed_cells = _PARSED.setdefault(scheme.fingerprint, {})
    plain = PLAIN if percent_rows is not None else UNKNOWN_FORMAT
    percent_rows = percent_rows or frozenset()
    for index in range(header_index + 1, len(rows)):
        cells = rows[index]
        row = index + 1
        cell = cells[key_col] if key_col < len(cells) else ""
        if cell == "" or cell is None:
            continue
        # An id exactly as the template wrote it needs no folding (the common case, on every row).
        key = cell if isinstance(cell, str) and cell in fields else normalise_text(cell)
        if not key:
            continue
        fdef = fields.get(key)
        address = f"{value_letter}{row}"
        if fdef is None:
            if _looks_like_field_id(key):
                unknown += 1
                if unknown <= MAX_UNKNOWN_REPORTED:
                    data.problem(
                        sheet,
                        cell_name(row, key_col + 1),
                        f"字段编号「{_clip(key)}」不在考评表中，已忽略",
                        "请不要改动字段编号；多出的行可以删除",
                        WARNING,
                    )
            continue
        if key in seen:
            data.problem(
                sheet,
                address,
                f"字段「{key}」出现了两次（另一处在 {seen[key]}），两处都不采用",
                "删除重复的一行",
            )
            data.values.pop(key, None)
            continue
        seen[key] = address
        raw = cells[value_col] if value_col < len(cells) else ""
        data.cells[key] = address
        if remark_col is not None and remark_col < len(cells) and cells[remark_col] not in ("", None):
            remark = normalise_text(cells[remark_col])
            if remark:
                data.remarks[key] = remark
        merge = covering.get(index)
        if merge is not None:
            label = _label(fdef)
            (top, left), (bottom, right) = merge
            span = f"{cell_name(top + 1, left + 1)}:{cell_name(bottom + 1, right + 1)}"
            if (top, left) != (index, value_col):
                data.problem(
                    sheet,
                    address,
                    f"{label}：单元格 {address} 被合并到 {cell_name(top + 1, left + 1)}（合并区域 {span}），"
                    "读不到本项的值，本项暂不计分",
                    "请取消合并单元格，在每一项的「填报值」中分别填写",
                    ERROR if fdef.required else WARNING,
                )
                continue
            if _holds_other_fields(rows, scheme, key_col, top, bottom, index):
                data.problem(
                    sheet,
                    address,
                    f"{label}：单元格 {address} 与下方的填报值合并了（合并区域 {span}），其中的值只算作本项",
                    "请取消合并单元格，在每一项的「填报值」中分别填写",
                    WARNING,
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
            data.raw[key] = "" if raw is None else normalise_text(raw)
        if parsed.value is not None and not parsed.warning:
            data.values[key] = parsed.value  # the usual case, on every field of every return
            continue
        label = _label(fdef)
        if parsed.error:
            data.problem(sheet, address, f"{label}：{parsed.error}，本项暂不计分", parsed.fix)
            continue
        if parsed.warning:
            data.problem(
                sheet, address, f"{label}：{parsed.warning}", "请核对；如有误请改正后重新计分", WARNING
            )
        if parsed.value is None:
            found = formulas.get(address) if formulas is not None else None
            if found is not None:
                what, text = found
                if what == "error":
                    message = f"{label}：单元格是错误值「{text}」（公式算不出结果），本项暂不计分"
                    fix = "请改正公式，或直接填写数值"
                else:
                    formula = f"公式「={_clip(text)}」" if text else "公式"
                    message = f"{label}：单元格是{formula}，但文件里没有保存它的计算结果，本项暂不计分"
                    fix = "请用 Excel 或 WPS 打开这份表，确认公式算出结果后保存再发回，或直接填写数值"
                data.problem(sheet, address, message, fix)
            elif fdef.required:
                fix = "请补填后重新计分"
                if (
                    formulas is None
                ):  # .xls/.ods: a formula error also reads as blank, and cannot be told apart
                    fix += "（如果单元格里是公式或显示错误值，请改为直接填写数值）"
                data.problem(sheet, address, f"{label}是必填项，但没有填写，本项暂不计分", fix)
            continue
        data.values[key] = parsed.value
    if unknown > MAX_UNKNOWN_REPORTED:
        data.problem(
            sheet,
            "",
            f"另有 {unknown - MAX_UNKNOWN_REPORTED} 行的字段编号也不在考评表中，已忽略",
            "请用最新的填报表重新填写",
            WARNING,
        )
    for fid, fdef in scheme.fields.items():
        if fid not in seen and fdef.required:
            data.problem(
                sheet,
                "",
                f"填报表中没有字段「{fdef.label or fid}」（{fid}）这一行，本项暂不计分",
                "请用最新的填报表重新填写，不要删除行",
            )


# Cells parsed before, by field id and the cell as read: parse_value is pure, and across a batch most
# cells hold one of a few values (0 incidents, 是, the same level). Per scheme, as ids mean its fields.
_PARSED: dict[str, dict[tuple, tuple[Parsed, bool]]] = {}
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
    typed, printed = normalise_text(raw), shown(value)
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
        if other != index and key_col < len(cells) and normalise_text(cells[key_col]) in scheme.fields:
            return True
    return False


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
            part = _sheet_part(archive, sheet)
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


_SHEET_TAG = re.compile(_TAG + rb"sheet\s[^>]*>")
_NAME = re.compile(rb'\sname\s*=\s*"([^"]*)"')
_RID = re.compile(rb':id\s*=\s*"([^"]*)"')
_RELATIONSHIP = re.compile(_TAG + rb"Relationship\s[^>]*>")
_ID = re.compile(rb'\sId\s*=\s*"([^"]*)"')
_TARGET = re.compile(rb'\sTarget\s*=\s*"([^"]*)"')


def _sheet_part(archive: Any, sheet: str) -> str | None:
    """The worksheet part of `sheet`: regexes over workbook.xml and its relationships, as for a
    percentage-formatted return this runs per file; anything unusual goes to sheet_members."""
    try:
        book = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
        rid = next(
            found.group(1)
            for tag in _SHEET_TAG.findall(book)
            if (name := _NAME.search(tag))
            and html.unescape(name.group(1).decode()) == sheet
            and (found := _RID.search(tag))
        )
        target = next(
            found.group(1).decode()
            for tag in _RELATIONSHIP.findall(rels)
            if (ident := _ID.search(tag)) and ident.group(1) == rid and (found := _TARGET.search(tag))
        )
    except Exception:  # no match, or a part too odd for a regex: ask the parser
        return next((p for p, name in sheet_members(archive).items() if name == sheet), None)
    return target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


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


def read_folder(
    folder: Path,
    scheme: Scheme,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    spool: bool = False,
) -> tuple[list[ReturnData], list[Problem]]:
    """Read every return in `folder` in worker processes; `progress(done, total)` after each file.

    With `spool`, workers keep each return's details (values, explanations) in a temporary file and
    send back only its scores; the ReturnData then carry `spool` instead of `values`, and the units
    scored from them load their details when an output asks (for batches of tens of thousands).
    """
    from famscore.workers import default_workers, read_and_score, read_in_workers

    files, notes = list_returns(folder)
    jobs = [(path, path.relative_to(folder).as_posix()) for path in files]
    count = workers if workers is not None else default_workers(len(jobs))
    # Scoring where the file is read spreads it over the cores along with the reading.
    return read_in_workers(jobs, scheme, count, progress, reader=read_and_score, spool=spool), notes
