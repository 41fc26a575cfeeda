"""Writing outputs safely: input text stays text, saves are atomic, outputs never overwrite inputs.

Every string copied from input (unit names, remarks, raw values, file names, and for simplicity every
other string the summary writes) goes through `clean_text`, then `write_text` (xlsxwriter) or
`set_text` (openpyxl):

- characters XML 1.0 forbids (C0 controls except tab/LF/CR, U+FFFE/U+FFFF, lone surrogates) are
  removed, and so are the ``_x0007_``-style escapes that decode to them (openpyxl returns those
  escapes literally; calamine returns the real control character). Other ``_xHHHH_`` text is kept:
  xlsxwriter escapes it so Excel shows it as typed;
- text longer than Excel's cell limit (32,767 UTF-16 units) is cut, with a visible marker;
- the cell is written as a string (``write_string``), so '=1+1' or '=HYPERLINK(...)' never becomes a
  formula and '#N/A' never becomes an error value.

`atomic_write` saves to a temporary file in the target folder, verifies it, then `os.replace`s it;
`refuse_inputs` stops an output path from pointing at (or into) the inputs.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from famscore import interrupt
from famscore.errors import OutputError, UsageError

EXCEL_CELL_LIMIT = 32_767
# Characters XML 1.0 does not allow, and lone surrogates (which cannot be encoded as UTF-8).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# OOXML escapes of those characters, as openpyxl and hand-edited files leave them in text.
_ILLEGAL_ESCAPE = re.compile(
    r"_x(000[0-8bBcCeEfF]|001[0-9a-fA-F]|[dD][89a-fA-F][0-9a-fA-F]{2}"
    r"|[fF]{3}[eEfF])_"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")


@dataclass(frozen=True)
class CleanText:
    """Text ready for a cell, and what had to be changed to make it so."""

    text: str
    removed: int = 0  # illegal characters (or escapes of them) removed
    cut_from: int = 0  # original length when the text was truncated, else 0

    def note(self) -> str:
        """A Chinese sentence saying what changed, or '' when the text is unchanged."""
        parts = []
        if self.removed:
            parts.append(f"含有 {self.removed} 个表格文件不允许的控制字符，已删除")
        if self.cut_from:
            parts.append(f"文字长 {self.cut_from} 字，超过 Excel 单元格上限 {EXCEL_CELL_LIMIT} 字，已截断")
        return "；".join(parts)


def clean_text(value: object, limit: int = EXCEL_CELL_LIMIT) -> CleanText:
    """`value` as text a cell can hold: illegal characters removed, cut to `limit` if longer."""
    text = "" if value is None else str(value)
    escapes = 0
    if "_x" in text:
        text, escapes = _ILLEGAL_ESCAPE.subn("", text)
    text, chars = _ILLEGAL.subn("", text)
    cut_from = 0
    if len(text) * 2 > limit and _utf16_len(text) > limit:
        cut_from = len(text)
        marker = f"……（已截断，原文共 {cut_from} 字）"
        text = _cut_utf16(text, limit - len(marker)) + marker
    return CleanText(text, escapes + chars, cut_from)


def _utf16_len(text: str) -> int:
    # Excel counts UTF-16 code units: a character outside the BMP (emoji, rare CJK) counts twice.
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _cut_utf16(text: str, units: int) -> str:
    count = 0
    for index, ch in enumerate(text):
        count += 2 if ord(ch) > 0xFFFF else 1
        if count > units:
            return text[:index]
    return text


def json_text(value: str) -> str:
    """JSON keeps input text as it was (control characters are escaped by json), except lone
    surrogates, which UTF-8 cannot encode: they become U+FFFD."""
    return _SURROGATE.sub("\ufffd", value)


def write_text(sheet: object, row: int, col: int, value: object, cell_format: object = None) -> CleanText:
    """Write `value` to an xlsxwriter worksheet cell as text (never a formula, number or error).

    Returns what was written; its `note()` says what had to change (for the 问题 sheet).
    """
    clean = clean_text(value)
    if clean.text:
        sheet.write_string(row, col, clean.text, cell_format)  # type: ignore[attr-defined]
    else:  # an empty string cell would count as filled in COUNTA and filters
        sheet.write_blank(row, col, None, cell_format)  # type: ignore[attr-defined]
    return clean


def set_text(cell: object, value: object) -> CleanText:
    """The same for an openpyxl cell: cleaned value, stored with data_type 's'."""
    clean = clean_text(value)
    cell.value = clean.text  # type: ignore[attr-defined]
    cell.data_type = "s"  # type: ignore[attr-defined]
    return clean


# ---------------------------------------------------------------- atomic saves


FULL_CHECK_BYTES = 5 * 1024 * 1024  # outputs up to this size are read back in full after writing


def verify_xlsx(path: Path, parts: Iterable[str] = ()) -> None:
    """Raise OutputError unless `path` is a complete zip holding the workbook parts and `parts`."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            missing = [p for p in (*XLSX_PARTS, *parts) if p not in names]
            # A cut-off file loses its central directory, which opening already checked; re-reading
            # every part for its CRC is kept for files small enough that it costs nothing.
            bad = archive.testzip() if path.stat().st_size <= FULL_CHECK_BYTES else None
    except (zipfile.BadZipFile, OSError) as exc:
        raise OutputError(f"写出的文件「{path.name}」校验失败（{type(exc).__name__}）", path) from exc
    if missing or bad:
        what = f"缺少 {'、'.join(missing)}" if missing else f"{bad} 已损坏"
        raise OutputError(f"写出的文件「{path.name}」校验失败（{what}）", path)


def verify_json(path: Path) -> None:
    try:
        if path.stat().st_size <= FULL_CHECK_BYTES:
            with path.open(encoding="utf-8") as handle:
                json.load(handle)
        else:
            # Parsing 100 MB back takes longer than writing it; a cut-off file lacks its closing brace.
            with path.open("rb") as handle:
                start = handle.read(1)
                handle.seek(-2, os.SEEK_END)
                end = handle.read()
            if start != b"{" or end.rstrip() != b"}":
                raise ValueError("incomplete")
    except (OSError, ValueError) as exc:
        raise OutputError(f"写出的文件「{path.name}」校验失败（{type(exc).__name__}）", path) from exc


def _default_verify(path: Path, target: Path) -> None:
    suffix = target.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        verify_xlsx(path)
    elif suffix == ".json":
        verify_json(path)


def atomic_write(
    path: Path | str, writer_fn: Callable[[Path], object], verify: Callable[[Path], None] | None = None
) -> Path:
    """Write `path` through `writer_fn(temp_path)`, check the result, then swap it in.

    The temporary file lives in the target folder (so `os.replace` is atomic) and is removed on
    any failure; the previous file at `path`, if any, is untouched until the final replace.
    `verify` defaults to a zip/part check for .xlsx and a parse for .json. Every OSError (file open in
    Excel/WPS, no permission, disk full, missing folder ...) becomes an OutputError in Chinese that
    names the path and says what to do. Other exceptions from `writer_fn` propagate unchanged.
    """
    target = Path(path)
    if target.is_dir():
        raise OutputError(
            f"输出路径「{target}」是一个文件夹。请在后面加上文件名，例如 {target / '汇总.xlsx'}", target
        )
    folder = target.parent if str(target.parent) else Path(".")
    temp: Path | None = None
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        os.close(handle)
        temp = Path(name)
        writer_fn(temp)
        (verify or (lambda p: _default_verify(p, target)))(temp)
        _replace(temp, target)
        temp = None
        interrupt.wrote(target)  # for the message if the run is interrupted after this
    except OutputError:
        raise
    except Exception as exc:
        os_error = _os_error_in(exc)
        if os_error is None:
            raise
        raise OutputError(_os_message(target, os_error), target) from exc
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                temp.unlink()
    return target


def _replace(temp: Path, target: Path) -> None:
    # On Windows a virus scanner or the search indexer may hold the new file for a moment.
    attempts = 5 if os.name == "nt" else 1
    for attempt in range(attempts):
        try:
            os.replace(temp, target)
            return
        except PermissionError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.2)


def _os_error_in(exc: BaseException) -> OSError | None:
    """The OSError behind `exc` (xlsxwriter wraps them in FileCreateError), if any."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError):
            return current
        stack.extend(a for a in current.args if isinstance(a, BaseException))
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                stack.append(linked)
    return None


def _os_message(target: Path, error: OSError) -> str:
    kept = "原来的文件没有改动。" if target.exists() else ""
    if isinstance(error, PermissionError) or error.errno in (errno.EACCES, errno.EPERM):
        return (
            f"无法写入「{target}」：文件正被占用（可能已在 Excel/WPS 中打开）或没有写入权限。"
            f"请先在 Excel/WPS 中关闭该文件后重新运行，或换一个输出文件名。{kept}"
        )
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return f"无法写入「{target}」：磁盘空间不足。请清理磁盘空间或换一个磁盘后重新运行。{kept}"
    if isinstance(error, FileNotFoundError) and not target.parent.exists():
        return f"无法写入「{target}」：文件夹「{target.parent}」不存在。请先建立该文件夹，或换一个输出位置。"
    reason = error.strerror or type(error).__name__
    return f"无法写入「{target}」（{reason}）。请检查该位置是否可写，或换一个输出位置后重新运行。{kept}"


# ---------------------------------------------------------------- outputs vs inputs


def _key(path: Path) -> str:
    return os.path.normcase(str(path.resolve()))


def refuse_inputs(output: Path | str, inputs: Iterable[Path | str]) -> None:
    """Raise UsageError if `output` would overwrite an input or land among the returns.

    `inputs` holds input files (the scheme, each return) and input folders (the returns folder).
    Decision: any output *inside* an input folder is refused, whatever its extension, because the
    returns folder is read recursively and every non-hidden file in it is taken as a return — a
    summary saved there would be reported (or read) as a bad return on the next run.
    """
    out = Path(output)
    out_key = _key(out)
    for item in inputs:
        source = Path(item)
        if source.is_dir():
            folder = _key(source)
            if out_key == folder or out_key.startswith(folder.rstrip(os.sep) + os.sep):
                suggestion = source.resolve().parent / out.name
                raise UsageError(
                    f"输出文件「{out}」在回表文件夹「{source}」里面，下次计分时会被当作回表读取。"
                    f"请把输出放在回表文件夹之外，例如 {suggestion}",
                    out,
                )
            continue
        same = out_key == _key(source)
        if not same and out.exists() and source.exists():
            with contextlib.suppress(OSError):
                same = os.path.samefile(out, source)
        if same:
            raise UsageError(
                f"输出文件「{out}」就是输入文件「{source}」，不能覆盖输入。请换一个输出文件名", out
            )
