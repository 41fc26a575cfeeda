"""Opening untrusted spreadsheets: sniff by content, refuse bombs and encrypted files before parsing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import python_calamine as calamine

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_FILE_BYTES = 50 * 1024 * 1024
# A filled return is a few hundred KB unpacked; anything near these limits is not a return.
MAX_MEMBER_BYTES = 100 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200
RESAVE = "请用 Excel 或 WPS 打开后另存为 .xlsx 再发回"

Reason = tuple[str, str]


def sniff(path: Path) -> str:
    """'zip', 'ole', 'empty' or 'other', from the first bytes, whatever the extension says."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if not head:
        return "empty"
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head == OLE_MAGIC:
        return "ole"
    return "other"


def check_zip(path: Path) -> Reason | None:
    """Declared sizes and compression ratios, DTDs: refuse before any XML parser sees the file."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            total = 0
            for info in infos:
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > MAX_MEMBER_BYTES or (info.file_size > 10_000_000 and ratio > MAX_RATIO):
                    return (
                        "文件解压后异常巨大（疑似“压缩炸弹”），已拒绝读取",
                        "请确认文件来源；正常的填报表只有几百 KB",
                    )
            if total > MAX_TOTAL_BYTES:
                return (
                    "文件解压后异常巨大（疑似“压缩炸弹”），已拒绝读取",
                    "请确认文件来源；正常的填报表只有几百 KB",
                )
            names = {i.filename for i in infos}
            if "EncryptedPackage" in names:
                return ("文件设置了打开密码，无法读取", "请去掉密码（文件→信息→保护工作簿）后另存再发回")
            for info in infos:
                if info.filename.endswith(".xml") and info.file_size < MAX_MEMBER_BYTES:
                    with archive.open(info) as member:
                        head = member.read(4096)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        return ("文件中含有不安全的 XML 声明（DTD/实体），已拒绝读取", RESAVE)
    except zipfile.BadZipFile:
        return ("文件已损坏或不完整（可能下载中断）", "请让该单位重新发送原文件")
    return None


def open_spreadsheet(path: Path) -> tuple[calamine.CalamineWorkbook | None, Reason]:
    """The workbook, or None with a (message, fix) the user can act on."""
    try:
        size = path.stat().st_size
    except OSError:
        return None, ("无法读取文件", "请检查文件权限")
    if size == 0:
        return None, ("文件是空的（0 字节）", "请让该单位重新发送")
    if size > MAX_FILE_BYTES:
        return None, (f"文件过大（{size // 1024 // 1024} MB），不像是填报表", "请确认文件来源")
    kind = sniff(path)
    if kind == "other":
        return None, ("这不是 Excel/WPS 表格文件（可能是改了扩展名的其他文件）", RESAVE)
    if kind == "zip":
        reason = check_zip(path)
        if reason is not None:
            return None, reason
    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError:
        return None, ("文件设置了打开密码，无法读取", "请去掉密码（文件→信息→保护工作簿）后另存再发回")
    except Exception as exc:  # calamine raises several error types for damaged files
        if kind == "ole":
            return None, (
                f"文件已损坏，或设置了打开密码（{type(exc).__name__}）",
                "请去掉密码，或用 Excel/WPS 另存为 .xlsx 后发回",
            )
        return None, (f"文件已损坏，无法读取（{type(exc).__name__}）", "请让该单位重新发送原文件")
    return book, ("", "")
