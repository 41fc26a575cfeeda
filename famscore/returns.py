"""Reading returned data-entry workbooks into checked, typed values: the only place that knows readers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from famscore.errors import ERROR, WARNING, Problem, cell_name
from famscore.scheme.model import Scheme
from famscore.values import normalise_text, parse_value
from famscore.workbook import clean_header, find_sheet, suggest_sheet

ENTRY_SHEET = "填报"
META_SHEET = "_meta"
KEY_HEADER = "字段编号"
VALUE_HEADER = "填报值"
REMARK_HEADER = "备注"
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".et", ".xltx"}


@dataclass
class ReturnData:
    """One return as read: who sent it, the typed values, and every problem found in it."""

    file: str
    path: str
    unit: str = ""
    unit_from: str = ""  # "_meta" or "文件名"
    meta: dict[str, str] = field(default_factory=dict)
    values: dict[str, object] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)  # field id -> cell address of its value
    raw: dict[str, str] = field(default_factory=dict)  # field id -> the value as typed (for audit)
    remarks: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    readable: bool = True  # False: nothing could be read; the unit is not scored

    def problem(self, sheet: str, cell: str, message: str, fix: str = "", severity: str = ERROR) -> None:
        self.problems.append(Problem(self.file, sheet, cell, severity, message, fix))

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


def list_returns(folder: Path) -> tuple[list[Path], list[Problem]]:
    """Candidate return files in `folder` (recursively), and notes on what was skipped."""
    files: list[Path] = []
    skipped: list[Problem] = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        name = path.name
        if name.startswith("~$") or name.startswith(".~lock"):
            skipped.append(
                Problem(name, "", "", WARNING, "这是 Office/WPS 打开文件时留下的临时锁文件，已跳过")
            )
            continue
        if name.startswith("."):
            continue
        files.append(path)
    return files, skipped


def read_return(path: Path, scheme: Scheme, display_name: str | None = None) -> ReturnData:
    """Read and check one return. Never raises for anything the file contains."""
    data = ReturnData(display_name or path.name, str(path))
    try:
        _read(path, scheme, data)
    except Exception as exc:  # a reader failing in a way we did not foresee must not stop the batch
        data.readable = False
        data.problem(
            "",
            "",
            f"读取时出错（{type(exc).__name__}），本文件未计分",
            "请用 Excel 或 WPS 打开后另存为 .xlsx 再发回",
        )
    return data


def _read(path: Path, scheme: Scheme, data: ReturnData) -> None:
    from famscore.safety import open_spreadsheet, sniff

    book, reason = open_spreadsheet(path)
    if book is None:
        data.readable = False
        message, fix = reason
        if path.suffix.lower() not in SPREADSHEET_SUFFIXES and sniff(path) == "other":
            # A covering letter or scan saved beside the returns is not a broken return.
            data.problem("", "", "不是表格文件，已跳过", "", WARNING)
            return
        data.problem("", "", message + "，本文件未计分", fix)
        return
    names = list(book.sheet_names)
    meta_name = find_sheet(names, META_SHEET)
    if meta_name is not None:
        data.meta = _read_meta(book, meta_name)
    _identify(scheme, data, path)
    sheet = find_sheet(names, ENTRY_SHEET)
    if sheet is None:
        data.readable = False
        data.problem(
            ENTRY_SHEET, "", f"找不到工作表「{ENTRY_SHEET}」，本文件未计分", suggest_sheet(names, ENTRY_SHEET)
        )
        return
    rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    _read_entries(rows, scheme, data, sheet)


def _read_meta(book: object, sheet: str) -> dict[str, str]:
    meta: dict[str, str] = {}
    for cells in book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)[:200]:  # type: ignore[attr-defined]
        if len(cells) >= 2 and normalise_text(cells[0]):
            meta[clean_header(cells[0])] = normalise_text(cells[1])
    return meta


def _identify(scheme: Scheme, data: ReturnData, path: Path) -> None:
    meta = data.meta
    unit = meta.get("单位", "")
    if unit:
        data.unit, data.unit_from = unit, "_meta"
    else:
        data.unit, data.unit_from = unit_from_filename(path, scheme), "文件名"
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
    if title and title != scheme.title:
        data.problem(
            META_SHEET,
            "",
            f"这份回表来自另一份考评表「{title}」，不是「{scheme.title}」",
            "请确认发错了文件，或用正确的考评表计分",
        )
    elif version and version != scheme.version:
        data.problem(
            META_SHEET,
            "",
            f"这份回表来自考评表版本 {version}，当前考评表是版本 {scheme.version}",
            "请让该单位用新版填报表重新填写，或核对两版的差别",
        )
    elif fingerprint and fingerprint != scheme.fingerprint:
        data.problem(
            META_SHEET,
            "",
            "考评表的标题和版本相同，但内容有改动（指纹不同）",
            "如改动了字段或规则，请核对这份回表的填报内容",
            WARNING,
        )


def unit_from_filename(path: Path, scheme: Scheme) -> str:
    """Best guess of the unit from names like '考评表_2023_新华街道(1).xlsx'."""
    stem = unicodedata.normalize("NFKC", path.stem)
    stem = re.sub(r"[\(（]\d+[\)）]$", "", stem).strip()
    parts = [p for p in re.split(r"[_\-\s]+", stem) if p]
    for part in reversed(parts):
        if part not in scheme.title and not part.isdigit() and part != "空白":
            return part
    return stem


def _read_entries(rows: list[list[object]], scheme: Scheme, data: ReturnData, sheet: str) -> None:
    header_index = None
    for index, cells in enumerate(rows[:30]):
        headers = [clean_header(c) for c in cells]
        if KEY_HEADER in headers and VALUE_HEADER in headers:
            header_index = index
            key_col, value_col = headers.index(KEY_HEADER), headers.index(VALUE_HEADER)
            remark_col = headers.index(REMARK_HEADER) if REMARK_HEADER in headers else None
            break
    if header_index is None:
        data.readable = False
        data.problem(
            sheet,
            "",
            f"找不到表头「{KEY_HEADER}」和「{VALUE_HEADER}」，本文件未计分",
            "请不要删除或改动填报表的表头行",
        )
        return
    seen: dict[str, str] = {}
    for offset, cells in enumerate(rows[header_index + 1 :]):
        row = header_index + 2 + offset
        key = normalise_text(cells[key_col]) if key_col < len(cells) else ""
        if not key:
            continue
        fdef = scheme.fields.get(key)
        address = cell_name(row, value_col + 1)
        if fdef is None:
            if _looks_like_field_id(key):
                data.problem(
                    sheet,
                    cell_name(row, key_col + 1),
                    f"字段编号「{key}」不在考评表中，已忽略",
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
        data.raw[key] = "" if raw is None else normalise_text(raw)
        if remark_col is not None and remark_col < len(cells) and normalise_text(cells[remark_col]):
            data.remarks[key] = normalise_text(cells[remark_col])
        parsed = parse_value(fdef, raw)
        label = fdef.label or key
        if parsed.error:
            data.problem(sheet, address, f"「{label}」（{key}）：{parsed.error}，本项暂不计分", parsed.fix)
            continue
        if parsed.warning:
            data.problem(sheet, address, f"「{label}」（{key}）：{parsed.warning}", "", WARNING)
        if parsed.value is None:
            if fdef.required:
                data.problem(
                    sheet,
                    address,
                    f"「{label}」（{key}）是必填项，但没有填写，本项暂不计分",
                    "请补填后重新计分",
                )
            continue
        data.values[key] = parsed.value
    for fid, fdef in scheme.fields.items():
        if fid not in seen and fdef.required:
            data.problem(
                sheet,
                "",
                f"填报表中没有字段「{fdef.label or fid}」（{fid}）这一行，本项暂不计分",
                "请用最新的填报表重新填写，不要删除行",
            )


def _looks_like_field_id(key: str) -> bool:
    return bool(re.match(r"^[^\W\d]\w*$", key))


def read_folder(
    folder: Path,
    scheme: Scheme,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> tuple[list[ReturnData], list[Problem]]:
    """Read every return in `folder` in worker processes; `progress(done, total)` after each file."""
    from famscore.workers import default_workers, read_in_workers

    files, notes = list_returns(folder)
    jobs = [(path, path.relative_to(folder).as_posix()) for path in files]
    count = workers if workers is not None else default_workers(len(jobs))
    return read_in_workers(jobs, scheme, count, progress), notes
