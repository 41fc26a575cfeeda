"""The returns folder: which files are candidate returns, and a located problem for everything else."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
from pathlib import Path
from typing import Any

from famscore.errors import Problem
from famscore.messages import Msg

LOCK_FILE_BYTES = 4096  # Office lock files hold a user name: 162 or 165 bytes
# Files the operating system writes into any folder it shows: never anyone's return.
SYSTEM_FILES = {"thumbs.db", "ehthumbs.db", "ehthumbs_vista.db", "desktop.ini", ".ds_store"}
SYSTEM_FOLDERS = {"__macosx", "$recycle.bin", "system volume information", ".trashes", ".spotlight-v100"}
# What Excel and WPS leave while saving: '~WRL0001.tmp', or eight hex digits and no extension
# ('A1B2C3D4'; eight decimal digits are more likely a date someone named a return by).
_OFFICE_TEMP = re.compile(r"~.*\.tmp|(?=.*[A-F])[0-9A-F]{8}", re.IGNORECASE)
ARCHIVE_SUFFIXES = {".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".cab"}
_FILE_ATTRIBUTE_HIDDEN = 2  # Windows


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


class _Lister:
    """One walk of the returns folder with os.scandir, where every failure becomes a Problem."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: list[Path] = []
        self.problems: list[Problem] = []
        self.seen: set[tuple[int, int]] = set()

    def problem(self, path: str, message: Msg, **fields: Any) -> None:
        try:
            name = Path(path).relative_to(self.folder).as_posix()
        except ValueError:
            name = path
        self.problems.append(message.problem(name if name != "." else str(self.folder), **fields))

    @staticmethod
    def key(path: str) -> tuple[int, int]:
        st = os.stat(path)  # not DirEntry.stat(): on Windows that has no inode number
        return st.st_dev, st.st_ino

    def walk(self, directory: str, ancestors: set[tuple[int, int]]) -> None:
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError as exc:
            self.problem(directory, Msg.FOLDER_UNREADABLE, reason=_os_reason(exc))
            return
        for entry in entries:
            try:
                self.entry(entry, ancestors)
            except OSError as exc:  # stat failing on one entry costs only that entry, and is said
                self.problem(entry.path, Msg.FOLDER_ENTRY_UNREADABLE, reason=_os_reason(exc))

    def entry(self, entry: os.DirEntry[str], ancestors: set[tuple[int, int]]) -> None:
        name, path = entry.name, entry.path
        if entry.is_symlink():
            try:
                mode = os.stat(path).st_mode  # follows the link, wherever it leads
            except FileNotFoundError:
                self.problem(path, Msg.FOLDER_LINK_BROKEN)
                return
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    self.problem(path, Msg.FOLDER_LINK_LOOP)
                else:
                    self.problem(path, Msg.FOLDER_LINK_UNREADABLE, reason=_os_reason(exc))
                return
            is_dir, is_file = stat.S_ISDIR(mode), stat.S_ISREG(mode)
        else:
            is_dir, is_file = entry.is_dir(follow_symlinks=False), entry.is_file(follow_symlinks=False)
        lowered = name.lower()
        if is_dir:
            self.folder_entry(entry, ancestors, lowered)
        elif not is_file:
            self.problem(path, Msg.FOLDER_NOT_A_FILE)
        elif _is_lock_file(Path(path)):
            self.problem(path, Msg.FOLDER_LOCK_FILE)
        elif lowered in SYSTEM_FILES or name.startswith("._"):
            self.problem(path, Msg.FOLDER_SYSTEM_FILE)
        elif _OFFICE_TEMP.fullmatch(name):
            self.problem(path, Msg.FOLDER_OFFICE_TEMP_FILE)
        elif name.startswith(".") or _hidden(entry):
            self.problem(path, Msg.FOLDER_HIDDEN_FILE)
        elif os.path.splitext(lowered)[1] in ARCHIVE_SUFFIXES:
            self.problem(path, Msg.ARCHIVE_NOT_READ)
        elif lowered.endswith(".lnk"):
            self.problem(path, Msg.FOLDER_SHORTCUT)
        else:
            self.files.append(Path(path))

    def folder_entry(self, entry: os.DirEntry[str], ancestors: set[tuple[int, int]], lowered: str) -> None:
        path = entry.path
        if lowered in SYSTEM_FOLDERS:
            self.problem(path, Msg.FOLDER_SYSTEM_FOLDER)
            return
        if entry.name.startswith(".") or _hidden(entry):
            self.problem(path, Msg.FOLDER_HIDDEN_FOLDER)
            return
        key = self.key(path)
        if key in ancestors:
            self.problem(path, Msg.FOLDER_LINK_TO_ANCESTOR)
            return
        if key in self.seen:
            self.problem(path, Msg.FOLDER_SEEN_BEFORE)
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
