"""Writing outputs safely: input text stays text, saves are atomic, outputs never overwrite inputs."""

# Every string copied from input (unit names, remarks, raw values, file names, and for simplicity every
# other string the summary writes) goes through `clean_text`, then `write_text` (xlsxwriter):
#
# - characters XML 1.0 forbids (C0 controls except tab/LF/CR, U+FFFE/U+FFFF, lone surrogates) are
#   removed, and so are the ``_x0007_``-style escapes that decode to them (openpyxl returns those
#   escapes literally; calamine returns the real control character). Other ``_xHHHH_`` text is kept:
#   xlsxwriter escapes it so Excel shows it as typed;
# - text longer than Excel's cell limit (32,767 UTF-16 units) is cut, with a visible marker;
# - the cell is written as a string (``write_string``), so '=1+1' or '=HYPERLINK(...)' never becomes a
#   formula and '#N/A' never becomes an error value.
#
# `atomic_write` saves to a temporary file in the target folder, verifies it, then `os.replace`s it;
# `OutputSet` does the same for all outputs of a run at once, replacing them together;
# `plan_outputs` stops an output path from pointing at (or into) the inputs or at another output.

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import stat
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from famscore import interrupt
from famscore.errors import OutputError, UsageError
from famscore.messages import Msg
from famscore.text import xml_safe

EXCEL_CELL_LIMIT = 32_767
# OOXML escapes of the characters XML 1.0 does not allow (text.xml_safe removes the characters
# themselves), as openpyxl and hand-edited files leave them in text.
_ILLEGAL_ESCAPE = re.compile(
    r"_x(000[0-8bBcCeEfF]|001[0-9a-fA-F]|[dD][89a-fA-F][0-9a-fA-F]{2}"
    r"|[fF]{3}[eEfF])_"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")


def say(message: Msg, **fields: object) -> str:
    """A catalogue message as one sentence, its fix following its text (for exceptions and notes)."""
    text, fix = message.render(**fields)
    return text + fix


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
            parts.append(say(Msg.OUTPUT_NOTE_CHARS_REMOVED, count=self.removed))
        if self.cut_from:
            parts.append(say(Msg.OUTPUT_NOTE_TEXT_CUT, length=self.cut_from, limit=EXCEL_CELL_LIMIT))
        return "；".join(parts)


def clean_text(value: object, limit: int = EXCEL_CELL_LIMIT) -> CleanText:
    """`value` as text a cell can hold: illegal characters removed, cut to `limit` if longer."""
    text = "" if value is None else str(value)
    escapes = 0
    if "_x" in text:
        text, escapes = _ILLEGAL_ESCAPE.subn("", text)
    kept = xml_safe(text)
    chars, text = len(text) - len(kept), kept  # each illegal character is one str character
    cut_from = 0
    if len(text) * 2 > limit and _utf16_len(text) > limit:
        cut_from = len(text)
        marker = f"……（已截断，原文共 {cut_from} 字）"
        text = _cut_utf16(text, limit - len(marker)) + marker
    return CleanText(text, escapes + chars, cut_from)


def _utf16_len(text: str) -> int:
    # Excel's cell limit counts UTF-16 code units: a character outside the BMP (emoji, rare CJK) counts
    # twice. A storage measure, not text.width's display one (a CJK character is 1 here, 2 there).
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
        raise OutputError(
            say(Msg.OUTPUT_VERIFY_FAILED, name=path.name, why=type(exc).__name__), path
        ) from exc
    if missing or bad:
        what = f"缺少 {'、'.join(missing)}" if missing else f"{bad} 已损坏"
        raise OutputError(say(Msg.OUTPUT_VERIFY_FAILED, name=path.name, why=what), path)


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
        raise OutputError(
            say(Msg.OUTPUT_VERIFY_FAILED, name=path.name, why=type(exc).__name__), path
        ) from exc


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
    with OutputSet() as outputs:
        outputs.write(target, writer_fn, verify)
        outputs.commit()
    return target


def output_mode() -> int:
    """The permissions a file created now gets (0o666 less the umask), as `open()` would give it."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


class OutputSet:
    """The outputs of one run, written as one batch: every file goes to a temporary file beside its
    target first, and the targets are replaced only when all are written and verified.

    If a replace fails (a file open in Excel), the files already replaced are put back, so the
    previous outputs stay one batch too. Temporary files are removed on every way out, including
    KeyboardInterrupt and SystemExit (use it as a context manager).
    """

    def __init__(self) -> None:
        self._temps: dict[Path, Path] = {}  # target -> its temporary file
        self._mode = output_mode()

    def __enter__(self) -> OutputSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    def reserve(self, target: Path | str) -> Path:
        """Create (empty) and return the temporary file for `target`, in `target`'s folder."""
        target = Path(target)
        if target.is_dir():
            raise OutputError(
                say(Msg.OUTPUT_TARGET_IS_FOLDER, target=target, example=target / "汇总.xlsx"), target
            )
        if target in self._temps:
            return self._temps[target]
        folder = target.parent if str(target.parent) else Path(".")
        try:
            # A short prefix: the target's own name may already be near the 255-byte limit.
            handle, name = tempfile.mkstemp(prefix=f".{target.name[:40]}.", suffix=".tmp", dir=folder)
            os.close(handle)
        except OSError as exc:
            raise OutputError(self._failed(target, exc), target) from exc
        self._temps[target] = Path(name)
        return self._temps[target]

    def write(
        self,
        target: Path | str,
        writer_fn: Callable[[Path], object],
        verify: Callable[[Path], None] | None = None,
    ) -> Path:
        """Write and verify `target`'s temporary file; nothing is replaced until `commit`."""
        target = Path(target)
        temp = self.reserve(target)
        try:
            writer_fn(temp)
            self.finish(target, verify)
        except OutputError as exc:
            raise OutputError(exc.message + self.nothing_written(), exc.path or target) from exc
        except Exception as exc:
            message = failure_message(target, exc)
            if message is None:
                raise
            raise OutputError(message + self.nothing_written(), target) from exc
        return temp

    def finish(self, target: Path, verify: Callable[[Path], None] | None = None) -> None:
        """Verify `target`'s temporary file (written by someone else, e.g. a worker process)."""
        temp = self._temps[target]
        (verify or (lambda p: _default_verify(p, target)))(temp)
        try:
            # mkstemp creates files as 0600; an output is shared like any file the user saves.
            os.chmod(temp, self._mode)
        except OSError as exc:
            raise OutputError(_os_message(target, exc), target) from exc

    def nothing_written(self) -> str:
        kept = say(Msg.OUTPUT_PREVIOUS_KEPT) if any(t.exists() for t in self._temps) else ""
        return say(Msg.OUTPUT_NOTHING_WRITTEN, kept=kept)

    def commit(self) -> list[Path]:
        """Replace every target with its temporary file, all or (as far as the system allows) none."""
        # target, whether it existed, a second name for its previous file (None: none could be made)
        done: list[tuple[Path, bool, Path | None]] = []
        current = None
        try:
            for current, temp in self._temps.items():
                existed = current.exists()
                backup = _backup(current) if existed else None
                try:
                    _replace(temp, current)
                    interrupt.wrote(current)  # for the message if the run is interrupted after this
                except BaseException:
                    if backup is not None:
                        with contextlib.suppress(OSError):
                            backup.unlink()
                    raise
                done.append((current, existed, backup))
        except BaseException as exc:
            stuck = _roll_back(done)
            os_error = _os_error_in(exc) if isinstance(exc, Exception) else None
            if os_error is None or current is None:
                raise
            if stuck:
                what = "、".join(f"「{t}」" for t in stuck)
                tail = say(Msg.OUTPUT_PARTLY_REPLACED, replaced=what)
            else:
                tail = self.nothing_written()
            raise OutputError(_os_message(current, os_error) + tail, current) from exc
        finally:
            for _, _, backup in done:
                if backup is not None:
                    with contextlib.suppress(OSError):
                        backup.unlink()
        targets = list(self._temps)
        self._temps.clear()
        return targets

    def discard(self) -> None:
        """Remove every temporary file not yet swapped in."""
        for temp in self._temps.values():
            with contextlib.suppress(OSError):
                temp.unlink()
        self._temps.clear()

    def _failed(self, target: Path, exc: OSError) -> str:
        return _os_message(target, exc) + self.nothing_written()


def failure_message(target: Path, exc: BaseException) -> str | None:
    """The Chinese message for an OSError behind `exc` while writing `target`, or None if there is none."""
    os_error = _os_error_in(exc)
    return None if os_error is None else _os_message(target, os_error)


def _backup(target: Path) -> Path | None:
    """A second name for the file at `target` (a hard link: no copy), so a later failure can put it back."""
    for _ in range(20):
        backup = target.with_name(f".{target.name[:40]}.{os.urandom(4).hex()}.old.tmp")
        try:
            os.link(target, backup)
            return backup
        except FileExistsError:
            continue
        except OSError:
            return None  # no hard links here (FAT, some network shares): replaced without a way back
    return None


def _roll_back(done: list[tuple[Path, bool, Path | None]]) -> list[Path]:
    """Put back the previous files of the targets in `done`; the targets that could not be put back."""
    stuck = []
    for target, existed, backup in reversed(done):
        try:
            if backup is not None:
                os.replace(backup, target)
            elif not existed:  # there was no previous file: remove the new one
                target.unlink()
            else:
                stuck.append(target)
        except OSError:
            stuck.append(target)
    return stuck


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
    if isinstance(error, PermissionError) or error.errno in (errno.EACCES, errno.EPERM):
        return say(Msg.OUTPUT_FILE_BUSY, target=target)
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return say(Msg.OUTPUT_DISK_FULL, target=target)
    if isinstance(error, FileNotFoundError) and not target.parent.exists():
        return say(Msg.OUTPUT_FOLDER_GONE, target=target, folder=target.parent)
    return say(Msg.OUTPUT_NOT_WRITABLE, target=target, reason=error.strerror or type(error).__name__)


# ---------------------------------------------------------------- outputs vs inputs


def _key(path: Path) -> str:
    return os.path.normcase(str(path.resolve()))


def _identity(path: Path | str) -> tuple[int, int] | None:
    """(device, inode) of what `path` names after links, or None if it cannot be looked at."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    # Windows filesystems without file ids report 0; those are compared by path only.
    return (st.st_dev, st.st_ino) if st.st_ino else None


@dataclass
class _Folder:
    """An input folder: every folder and file that reading it may open, by identity."""

    label: str
    path: Path
    key: str
    folders: set[tuple[int, int]]
    files: dict[tuple[int, int], str]


def _walk(label: str, root: Path) -> _Folder:
    # Links to folders are followed (a return may be read through one), each folder once. A plain
    # file's identity comes from the folder listing; only links cost a stat (40,000 returns: ~0.1 s).
    # (Where a filesystem lists other inode numbers than stat gives, a hard link may pass; a path never.)
    folder = _Folder(label, root, _key(root), set(), {})
    stack = [str(root)]
    while stack:
        current = stack.pop()
        ident = _identity(current)
        if ident is None or ident in folder.folders:
            continue
        folder.folders.add(ident)
        device = ident[0]
        try:
            with os.scandir(current) as listing:
                entries = list(listing)
        except OSError:
            continue  # reported by the reader; nothing there can be overwritten through this walk
        for entry in entries:
            try:
                if entry.is_symlink():
                    st = entry.stat()
                    if stat.S_ISDIR(st.st_mode):
                        stack.append(entry.path)
                    elif st.st_ino:
                        folder.files.setdefault((st.st_dev, st.st_ino), entry.path)
                elif entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.inode():
                    folder.files.setdefault((device, entry.inode()), entry.path)
            except OSError:
                continue
    return folder


def plan_outputs(
    outputs: Sequence[tuple[str, Path | str]],
    inputs: Sequence[tuple[str, Path | str | None]],
    *,
    folders_exist: bool = True,
) -> None:
    """Refuse, before any work starts, a set of outputs of which any would land on an input.

    `outputs` and `inputs` are (what it is, path) pairs, e.g. ("JSON 结果", path), ("单位名单", path);
    an input may be a folder (the returns folder), which stands for every file under it. Refused with
    a UsageError (exit 2): an output that is an input file (same path, or the same file through a
    link, a hard link or another spelling of the path), an output inside an input folder (it would
    be read as a return next time, or overwrite one), an output that is a folder, two outputs that
    are one file, and (with `folders_exist`) an output whose folder does not exist.
    """
    files: list[tuple[str, Path, str, tuple[int, int] | None]] = []
    walked: list[_Folder] = []
    for label, item in inputs:
        if item is None:
            continue
        source = Path(item)
        if source.is_dir():
            walked.append(_walk(label, source))
        else:
            files.append((label, source, _key(source), _identity(source)))
    seen: list[tuple[str, Path, str, tuple[int, int] | None]] = []
    for label, item in outputs:
        out = Path(item)
        key, ident = _key(out), _identity(out)
        if out.is_dir():
            raise UsageError(say(Msg.OUTPUT_IS_FOLDER, label=label, out=out, example=out / "汇总.xlsx"), out)
        for in_label, source, in_key, in_ident in files:
            if key == in_key or (ident is not None and ident == in_ident):
                what = "" if in_label == "输入文件" else f"（{in_label}）"
                raise UsageError(
                    say(Msg.OUTPUT_IS_INPUT, label=label, out=out, source=source, what=what), out
                )
        parent = out.parent if str(out.parent) else Path(".")
        parent_ident = _identity(parent)
        for folder in walked:
            inside = key == folder.key or key.startswith(folder.key.rstrip(os.sep) + os.sep)
            hit = folder.files.get(ident) if ident is not None else None
            if inside or hit is not None or (parent_ident is not None and parent_ident in folder.folders):
                message = Msg.OUTPUT_OVERWRITES_RETURN if hit is not None else Msg.OUTPUT_AMONG_RETURNS
                fields = {"folder_label": folder.label, "folder": folder.path}
                example = folder.path.resolve().parent / out.name
                raise UsageError(say(message, label=label, out=out, hit=hit, example=example, **fields), out)
        for other_label, other, other_key, other_ident in seen:
            # Names differing only in case are one file on Windows and macOS: refused everywhere.
            if key.casefold() == other_key.casefold() or (ident is not None and ident == other_ident):
                raise UsageError(
                    say(Msg.OUTPUT_SAME_FILE, label=label, out=out, other_label=other_label, other=other), out
                )
        if folders_exist and parent_ident is None:
            raise UsageError(say(Msg.OUTPUT_FOLDER_MISSING, label=label, out=out, folder=parent), out)
        seen.append((label, out, key, ident))


def refuse_inputs(output: Path | str, inputs: Iterable[Path | str]) -> None:
    """Raise UsageError if `output` would overwrite an input or land among the returns (see plan_outputs).

    `inputs` holds input files (the scheme, each return) and input folders (the returns folder).
    Decision: any output *inside* an input folder is refused, whatever its extension, because the
    returns folder is read recursively and every non-hidden file in it is taken as a return — a
    summary saved there would be reported (or read) as a bad return on the next run.
    """
    labels = [("回表文件夹" if Path(i).is_dir() else "输入文件", i) for i in inputs]
    plan_outputs([("输出文件", output)], labels, folders_exist=False)
