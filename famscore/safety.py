"""Opening untrusted spreadsheets: identify by content, refuse bombs, DTDs and encrypted files before parsing."""

# Nothing here hands a byte of a returned file to an XML parser or to python-calamine until the checks
# have passed: declared sizes and ratios of every zip member (both readers enforce the declared sizes),
# no DTD in any XML member, and a bounded used range on every worksheet (calamine allocates the whole
# rectangle up to the farthest cell and aborts the process when it cannot).

from __future__ import annotations

import io
import posixpath
import re
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

import python_calamine as calamine

from famscore.errors import FamscoreError, column_letter, column_number
from famscore.messages import NOT_SCORED, Msg
from famscore.text import header_key

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_FILE_BYTES = 50 * 1024 * 1024
# A filled return is a few hundred KB unpacked; anything near these limits is not a return.
MAX_MEMBER_BYTES = 100 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 5_000  # an .xlsx holds a dozen or two parts
# Rows x columns of one worksheet's used range. calamine keeps 32 bytes a cell for the whole rectangle
# up to the farthest cell, and to_python adds a list slot per cell: 1,000,000 cells is ~100 MB and
# 0.2 s, 500 times the largest 填报 sheet a scheme makes; A1:XFD1048576 would be 550 GB.
MAX_SHEET_CELLS = 1_000_000
# A department's 评分表 (famscore template) has a row per unit: 40,000 units with the department's
# fields and, with `--returns`, what each unit reported beside them. Only a sheet of that name gets
# this limit: ~400 MB and under a second, within a worker's memory cap (famscore.batch.pool).
GRID_SHEET = "评分表"
MAX_GRID_CELLS = 4_000_000
MAX_PROLOG_BYTES = 64 * 1024  # XML declaration, comments and (refused) DTD before the root element


class Refusal(tuple[str, str]):
    """Why a file or sheet is refused: a catalogue member and its particulars (`msg`, `fields`).

    As a pair it is (message, fix) without the reader's 本文件未计分, as callers unpacked it before the
    catalogue; the reader reports `msg.problem(file, sheet, **fields)`.
    """

    msg: Msg
    fields: dict[str, Any]

    def __new__(cls, msg: Msg, **fields: object) -> Refusal:
        text, fix = msg.render(**fields)
        refusal = super().__new__(cls, (text.removesuffix(NOT_SCORED), fix))
        refusal.msg, refusal.fields = msg, fields
        return refusal

    @property
    def message(self) -> str:
        return self[0]

    @property
    def fix(self) -> str:
        return self[1]

    def __reduce__(self) -> tuple[object, ...]:
        return _refusal, (self.msg, self.fields)  # tuple's own pickling would call __new__ with the pair


def _refusal(msg: Msg, fields: dict[str, object]) -> Refusal:
    return Refusal(msg, **fields)


# Extensions python-calamine's from_path maps to each kind of content.
_SUFFIXES = {
    "xlsx": (".xlsx", ".xlsm", ".xltx", ".xltm"),
    "xls": (".xls",),
    "xlsb": (".xlsb",),
    "ods": (".ods",),
}

_SHEET_MEMBER = re.compile(r"^xl/worksheets/[^/]+\.xml$")
# Start tags of rows, cells and the declared range; attribute values may hold '>' when quoted.
_SHEET_TAG = re.compile(
    rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c|dimension)(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"
)
_DIMENSION = re.compile(rb"<dimension\s[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_CELL_ROW = re.compile(rb'<c r="[A-Z]{1,3}(\d{1,10})"')
_CELL_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})\d')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_TARGET = re.compile(rb'Target\s*=\s*["\']([^"\']+)["\']')
_ATTR_R = re.compile(rb"(?:^|\s)r\s*=\s*[\"']([A-Za-z]{0,3})(\d+)[\"']")
_ATTR_REF = re.compile(rb"(?:^|\s)ref\s*=\s*[\"']([^\"']*)[\"']")
_RANGE_END = re.compile(r"([A-Za-z]{1,3})(\d{1,9})$")


@dataclass
class Opened:
    """A workbook ready to read, or why not (`refusal`), with the `sheet` it is about if one.

    `kind` is what the content is (xlsx, xls, ods, xlsb, or a description such as 'PDF 文件');
    `spreadsheet` is False when the content is not a spreadsheet at all (a letter, a scan, an empty
    file), so a caller can skip such a file when its name does not claim to be a spreadsheet either.
    """

    book: calamine.CalamineWorkbook | None
    kind: str = ""
    refusal: Refusal | None = None
    sheet: str = ""
    spreadsheet: bool = True
    data: bytes = field(default=b"", repr=False)

    @property
    def msg(self) -> Msg | None:
        return self.refusal.msg if self.refusal is not None else None

    @property
    def fields(self) -> dict[str, Any]:
        return self.refusal.fields if self.refusal is not None else {}

    @property
    def message(self) -> str:
        return self.refusal.message if self.refusal is not None else ""

    @property
    def fix(self) -> str:
        return self.refusal.fix if self.refusal is not None else ""

    @property
    def reason(self) -> tuple[str, str]:
        return self.message, self.fix


def sniff(path: Path) -> str:
    """'zip', 'ole', 'empty' or 'other', from the first bytes, whatever the extension says."""
    with path.open("rb") as handle:
        head = handle.read(8)
    return _sniff_bytes(head)


def _sniff_bytes(head: bytes) -> str:
    if not head:
        return "empty"
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    return "other"


def describe_other(head: bytes) -> str:
    """What a file that is neither zip nor OLE looks like, in words a user knows ('' when unknown)."""
    if head.startswith(b"%PDF"):
        return "PDF 文件"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")):
        return "图片"
    if head.startswith((b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")):
        return "压缩包"
    text = _decode_head(head)
    if text is None:
        return ""
    lowered = text.lstrip().lower()
    if "urn:schemas-microsoft-com:office:spreadsheet" in lowered:
        return "Excel 2003 XML 表格"
    if (
        lowered.startswith(("<!doctype html", "<html", "<table", "<meta", "<head"))
        or "<html" in lowered[:2048]
    ):
        return "网页（HTML）文件"
    if lowered.startswith("<"):
        return "XML 文件"
    return "文本文件（如 CSV、TXT）"


def _spaced(what: str) -> str:
    """'PDF 文件' after Chinese text reads better with a space before the Latin letters."""
    return f" {what}" if what[:1].isascii() else what


def _decode_head(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "ignore")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            # the head may end in the middle of a character
            try:
                text = head[:-3].decode(encoding)
            except UnicodeDecodeError:
                continue
        if all(ch.isprintable() or ch in "\r\n\t" for ch in text):
            return text
    return None


def require_defused_openpyxl() -> None:
    """openpyxl parses XML safely only with defusedxml installed; refuse to read untrusted files without it."""
    import openpyxl

    if not getattr(openpyxl, "DEFUSEDXML", False):
        raise FamscoreError.from_msg(Msg.CLI_NO_DEFUSEDXML)


# ---------------------------------------------------------------- zip packages (.xlsx, .ods, ...)


_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, then the name and extra-field lengths
_HEAD_BYTES = 4096  # of each part: the prolog (DTD check) and a worksheet's <dimension> are in here


class _Members:
    """Inflates zip members straight from the file's bytes.

    zipfile.ZipFile.open builds a buffered reader with CRC checks per member: that is most of the cost
    of looking at the first few KB of a dozen parts, for every return. The central directory still
    comes from zipfile, and a member in a format other than stored or deflated goes through it.
    """

    def __init__(self, data: bytes, archive: zipfile.ZipFile) -> None:
        self.view = memoryview(data)
        self.archive = archive

    def span(self, info: zipfile.ZipInfo) -> memoryview:
        """The member's compressed bytes."""
        if info.flag_bits & 1:
            raise RuntimeError("encrypted member")
        offset = info.header_offset
        signature, name_length, extra_length = _LOCAL_HEADER.unpack_from(self.view, offset)
        if signature != ZIP_MAGIC:
            raise zipfile.BadZipFile(f"bad local header for {info.filename}")
        start = offset + _LOCAL_HEADER.size + name_length + extra_length
        return self.view[start : start + info.compress_size]

    def open(self, info: zipfile.ZipInfo) -> _Inflating:
        return _Inflating(self, info)

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """The whole member, never more than it declares (its declared size is bounded already)."""
        return self.open(info).read(info.file_size)


class _Inflating:
    """A member read from its start, inflating only as far as asked; `head` is what the first read gave."""

    def __init__(self, members: _Members, info: zipfile.ZipInfo) -> None:
        self.head = b""
        self._left = info.file_size  # never inflate past the declared size
        self._inflate: zlib._Decompress | None = None
        self._fallback: IO[bytes] | None = None
        if info.compress_type == zipfile.ZIP_DEFLATED:
            self._inflate = zlib.decompressobj(-15)
            self._tail: bytes | memoryview = members.span(info)
        elif info.compress_type == zipfile.ZIP_STORED:
            self._tail = members.span(info)
        else:
            self._fallback = members.archive.open(info)

    def read(self, size: int) -> bytes:
        size = min(size, self._left)
        if size <= 0:
            return b""
        if self._fallback is not None:
            block = self._fallback.read(size)
        elif self._inflate is not None:
            block = self._inflate.decompress(self._tail, size)
            self._tail = self._inflate.unconsumed_tail
        else:
            block, self._tail = bytes(self._tail[:size]), self._tail[size:]
        self._left -= len(block)
        if not self.head:
            self.head = block
        return block

    def __enter__(self) -> _Inflating:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._fallback is not None:
            self._fallback.close()


def _inspect_zip(data: bytes) -> tuple[Refusal | None, str, str]:
    """(refusal or None, kind of package, sheet the refusal is about).

    Reads only the central directory and the first few KB of each part: this runs for every return.
    Far-away cells need the whole worksheet and are looked for only in the sheets that are parsed
    (see scan_sheet and oversized_sheet).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            if len(infos) > MAX_MEMBERS:
                return Refusal(Msg.RETURN_TOO_MANY_PARTS, count=len(infos)), "", ""
            total = 0
            for info in infos:
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > MAX_MEMBER_BYTES or (info.file_size > 10_000_000 and ratio > MAX_RATIO):
                    return Refusal(Msg.RETURN_ZIP_BOMB), "", ""
            if total > MAX_TOTAL_BYTES:
                return Refusal(Msg.RETURN_ZIP_BOMB), "", ""
            names = {i.filename for i in infos}
            kind = _package_kind(names)
            members = _Members(data, archive)
            parts = _worksheet_parts(archive, members) if kind == "xlsx" else set()
            declared: dict[str, str] = {}
            for info in infos:
                with members.open(info) as member:
                    # A worksheet's first read also holds its <dimension>, after the root's namespaces.
                    if _has_dtd(member, _HEAD_BYTES if info.filename in parts else 512):
                        return Refusal(Msg.RETURN_DTD), kind, ""
                    if info.filename in parts:
                        found = _DIMENSION.search(member.head, 0, _HEAD_BYTES)
                        if found:
                            declared[info.filename] = found.group(1).decode("ascii", "replace")
            for part in sorted(parts):
                too_big = declared.get(part, "")
                cells = _range_cells(too_big)
                if cells > MAX_SHEET_CELLS:
                    sheet = sheet_members(archive).get(part, "")
                    if cells > cell_limit(sheet):
                        return _range_refusal(too_big, sheet, part), kind, sheet
            return None, kind, ""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, ValueError, zlib.error):
        return Refusal(Msg.RETURN_DAMAGED), "", ""
    except struct.error:  # a local header past the end of the file
        return Refusal(Msg.RETURN_DAMAGED), "", ""
    except (OSError, RuntimeError) as exc:  # unsupported compression, a zip-level password, ...
        if "encrypt" in str(exc).lower() or "password" in str(exc).lower():
            return Refusal(Msg.RETURN_PASSWORD), "", ""
        return Refusal(Msg.RETURN_DAMAGED), "", ""


def _is_grid(sheet: str) -> bool:
    return header_key(sheet) == header_key(GRID_SHEET)


def cell_limit(sheet: str) -> int:
    """The largest used range (rows x columns) a sheet of this name may have."""
    return MAX_GRID_CELLS if _is_grid(sheet) else MAX_SHEET_CELLS


def _range_refusal(used: str, sheet: str, part: str = "") -> Refusal:
    if _is_grid(sheet):  # a department's grid: "not like a return" would mislead
        return Refusal(Msg.REVIEW_GRID_TOO_LARGE, used=used, limit=f"{MAX_GRID_CELLS // 10_000} 万")
    if sheet or not part:
        return Refusal(Msg.RETURN_SHEET_TOO_LARGE, used=used)
    return Refusal(Msg.RETURN_PART_TOO_LARGE, used=used, part=part)


def scan_sheet(data: bytes, sheet: str) -> Refusal | None:
    """Before calamine parses `sheet` of the .xlsx in `data`: refuse a used range over its cell_limit.

    calamine allocates the whole rectangle up to the farthest cell and aborts the process when it
    cannot, so a reader without a worker around it must look first. This inflates and scans the
    whole worksheet; a reader in a worker skips it and checks oversized_sheet after parsing instead.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = _Members(data, archive)
            parts = [part for part, name in sheet_members(archive).items() if name == sheet]
            # Without a readable sheet list, which part calamine will take is not known: scan them all.
            for part in [p for p in parts if p in archive.NameToInfo] or sorted(
                _worksheet_parts(archive, members)
            ):
                too_big = _oversized_range(io.BytesIO(members.read(archive.getinfo(part))), cell_limit(sheet))
                if too_big:
                    return _range_refusal(too_big, sheet)
    except (zipfile.BadZipFile, ValueError, RuntimeError, OSError, zlib.error, struct.error):
        return Refusal(Msg.RETURN_DAMAGED)
    return None


def _worksheet_parts(archive: zipfile.ZipFile, members: _Members) -> set[str]:
    """Every part of an .xlsx that calamine may parse as a worksheet."""
    names = set(archive.NameToInfo)
    # calamine finds sheets through the relationships, wherever they point
    named = {name for name in names if _SHEET_MEMBER.match(name)}
    return named | (_relationship_targets(archive, members) & names)


def _package_kind(names: set[str]) -> str:
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "content.xml" in names and "mimetype" in names:
        return "ods"
    if "word/document.xml" in names:
        return "Word 文档"
    if "ppt/presentation.xml" in names:
        return "PowerPoint 文档"
    return "压缩包"


class _Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


def _has_dtd(member: _Readable, first_read: int = 512) -> bool:
    """True when the part is XML with a DTD (where entities live) before its root element.

    The prolog is walked token by token (declaration, comments, processing instructions), so a DTD
    cannot hide behind a comment or padding; a prolog longer than MAX_PROLOG_BYTES counts as a DTD.
    A prolog is usually one line: `first_read` bytes are read first, more only as needed.
    """
    first = member.read(first_read)
    wide = first.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in first[:64]

    def narrow(block: bytes) -> bytes:
        return block.replace(b"\x00", b"") if wide else block

    text = narrow(first.removeprefix(b"\xff\xfe").removeprefix(b"\xfe\xff")).removeprefix(b"\xef\xbb\xbf")
    pos = 0
    while True:
        while pos < len(text) and text[pos] in b" \t\r\n":
            pos += 1
        end = -1
        if pos + 4 <= len(text):
            if text[pos] != ord("<"):
                return False  # not XML (an image, a binary part)
            if text.startswith(b"<?", pos):
                end, closing = text.find(b"?>", pos + 2), 2
            elif text.startswith(b"<!--", pos):
                end, closing = text.find(b"-->", pos + 4), 3
            else:
                # <!DOCTYPE ...> (or anything else declared before the root); else the root
                # element itself, after which no DTD can follow
                return text.startswith(b"<!", pos)
            if end >= 0:
                pos = end + closing
                continue
        if len(text) > MAX_PROLOG_BYTES:
            return True
        more = member.read(4096)
        if not more:
            return text.startswith(b"<!", pos) and not text.startswith(b"<!--", pos)
        text += narrow(more)


def _chunks(member: IO[bytes], size: int = 1 << 20) -> Iterator[bytes]:
    """The part in pieces that each end just before a '<', so no tag is split between two pieces.

    ('<' cannot occur inside an attribute value or text, so it always starts markup.)
    """
    carry = b""
    while True:
        block = member.read(size)
        if not block:
            if carry:
                yield carry
            return
        block = carry + block
        cut = block.rfind(b"<")
        if cut <= 0:
            carry = block
            continue
        carry = block[cut:]
        yield block[:cut]


def _oversized_range(member: IO[bytes], limit: int = MAX_SHEET_CELLS) -> str:
    """The used range (as 'A1:XFD1048576') when it is over `limit` cells, declared or real; else ''.

    Follows calamine: a cell counts when it has content (styled empty cells `<c r=".." s="1"/>` and
    empty rows allocate nothing). One regex pass over the part (its size is already bounded): this
    runs for every return, so it must cost a fraction of what reading the file costs.
    """

    data = member.read(MAX_MEMBER_BYTES + 1)
    declared = _DIMENSION.search(data, 0, 4096)
    if declared:
        ref = declared.group(1).decode("ascii", "replace")
        if _range_cells(ref) > limit:
            return ref
    # Fast bound first: every cell addressed as <c r="B12" ...> (as Excel, WPS and openpyxl write),
    # styled empty cells included, so it can only overestimate. Anything unusual, or a bound over
    # the limit, gets the exact walk that counts only cells with content, as calamine does.
    rows = _CELL_ROW.findall(data)
    if len(rows) != data.count(b"<c ") + data.count(b"<c>"):
        return _oversized_range_exact(io.BytesIO(data), limit)
    if not rows:
        return ""
    max_row = max(map(int, rows))
    max_col = max(column_number(letters.decode("ascii")) for letters in set(_CELL_COLUMN.findall(data)))
    if max_row * max_col <= limit:
        return ""
    return _oversized_range_exact(io.BytesIO(data), limit)


def _oversized_range_exact(member: IO[bytes], limit: int = MAX_SHEET_CELLS) -> str:
    """The used range (as 'A1:XFD1048576') when it is over `limit` cells, declared or real; else ''.

    Follows calamine: a cell counts when it has content (styled empty cells `<c r=".." s="1"/>` and
    empty rows allocate nothing); a cell without `r` takes the next column of the current row.
    """
    row = col = max_row = max_col = 0
    for chunk in _chunks(member):
        for closing, name, attrs in _SHEET_TAG.findall(chunk):
            if closing:
                continue
            if name == b"dimension":
                found = _ATTR_REF.search(attrs)
                declared = found.group(1).decode("ascii", "replace") if found else ""
                if _range_cells(declared) > limit:
                    return declared
                continue
            found = _ATTR_R.search(attrs)
            if name == b"row":
                row = _int(found.group(2)) if found else row + 1
                col = 0
                continue
            if found and found.group(1):
                col, cell_row = column_number(found.group(1).decode("ascii")), _int(found.group(2))
            else:
                col, cell_row = col + 1, row
            if not attrs.rstrip().endswith(b"/"):
                max_row, max_col = max(max_row, cell_row), max(max_col, col)
                if max_row * max_col > limit:
                    return f"A1:{column_letter(max_col)}{max_row}"
    return ""


def _int(digits: bytes) -> int:
    return int(digits) if len(digits) <= 9 else 10**9


def _range_cells(ref: str) -> int:
    """Cells in a range such as 'A1:XFD1048576' (counted from A1: calamine starts there too)."""
    found = _RANGE_END.search(ref.strip())
    if not found:
        return 0
    return column_number(found.group(1)) * int(found.group(2))


def _relationship_targets(archive: zipfile.ZipFile, members: _Members) -> set[str]:
    """Every part the workbook's relationships point at (a regex: this runs for every return)."""
    try:
        info = archive.getinfo("xl/_rels/workbook.xml.rels")
    except KeyError:
        return set()
    if info.file_size > 10_000_000:
        return set()
    targets = set()
    for element in _RELATIONSHIP.findall(members.read(info)):
        found = _TARGET.search(element)
        if found is None or b"worksheet" not in element.lower():
            continue  # styles, theme, shared strings: not sheets, no cell ranges
        target = found.group(1).decode("utf-8", "replace")
        targets.add(
            target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        )
    return targets


def sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part -> sheet name, from xl/workbook.xml and its relationships ({} when unreadable).

    Only call on a package that passed the DTD check; the parser also forbids DTDs itself.
    """
    from defusedxml import ElementTree

    try:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
            return {}
        for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            if archive.getinfo(part).file_size > 10_000_000:
                return {}
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"), forbid_dtd=True)
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"), forbid_dtd=True)
    except Exception:  # a damaged part: the caller falls back to part names
        return {}
    targets: dict[str, str] = {}
    for rel in rels.iter():
        if rel.tag.endswith("Relationship") and rel.get("Id") and rel.get("Target"):
            target = rel.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[rel.get("Id", "")] = path
    members: dict[str, str] = {}
    for element in book.iter():
        if element.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), "")
        if rid in targets:
            members[targets[rid]] = element.get("name", "")
    return members


# ---------------------------------------------------------------- OLE compound files (.xls, encrypted)


def ole_stream_names(data: bytes) -> set[str]:
    """Names in an OLE compound file's directory (an encrypted .xlsx holds 'EncryptedPackage').

    Reads only the header, the FAT sectors it lists and the directory chain; {} when malformed.
    """
    if len(data) < 512 or not data.startswith(OLE_MAGIC):
        return set()

    def u32(offset: int) -> int:
        return int.from_bytes(data[offset : offset + 4], "little")

    shift = int.from_bytes(data[30:32], "little")
    if shift not in (9, 12):
        return set()
    size = 1 << shift

    def sector(number: int) -> bytes:
        start = (number + 1) * size
        return data[start : start + size]

    fat: list[int] = []
    for i in range(min(u32(44), 109)):
        number = u32(76 + 4 * i)
        if number >= 0xFFFFFFFA:
            break
        block = sector(number)
        fat.extend(int.from_bytes(block[j : j + 4], "little") for j in range(0, len(block) - 3, 4))
    names: set[str] = set()
    current, seen = u32(48), set[int]()
    while current < 0xFFFFFFFA and current not in seen and len(seen) < 10_000:
        seen.add(current)
        block = sector(current)
        for start in range(0, len(block) - 127, 128):
            entry = block[start : start + 128]
            length = int.from_bytes(entry[64:66], "little")
            if 2 <= length <= 64 and entry[66] in (1, 2, 5):
                names.add(entry[: length - 2].decode("utf-16-le", "replace"))
        current = fat[current] if current < len(fat) else 0xFFFFFFFE
    return names


# ---------------------------------------------------------------- opening


def open_return(path: Path) -> Opened:
    """The workbook chosen by content (an .xls renamed .xlsx reads as .xls), or why it cannot be read.

    `data` keeps the file's bytes for scan_sheet. Before parsing a sheet, call scan_sheet where a
    calamine abort would take the process down; check oversized_sheet after parsing in any case.
    """
    try:
        size = path.stat().st_size
    except OSError:
        return Opened(None, refusal=Refusal(Msg.RETURN_NO_PERMISSION))
    if size == 0:
        return Opened(None, "空文件", Refusal(Msg.RETURN_EMPTY), spreadsheet=False)
    if size > MAX_FILE_BYTES:
        return Opened(None, "", Refusal(Msg.RETURN_TOO_LARGE, megabytes=size // 1024 // 1024))
    try:
        data = path.read_bytes()
    except OSError:
        return Opened(None, refusal=Refusal(Msg.RETURN_CANNOT_READ))
    kind = _sniff_bytes(data[:8])
    if kind == "other":
        what = describe_other(data[:4096])
        if what == "Excel 2003 XML 表格":
            return Opened(None, what, Refusal(Msg.RETURN_EXCEL_2003_XML))
        refusal = (
            Refusal(Msg.RETURN_RENAMED, what=_spaced(what)) if what else Refusal(Msg.RETURN_UNKNOWN_CONTENT)
        )
        return Opened(None, what or "未知格式", refusal, spreadsheet=False)
    if kind == "zip":
        refused, kind, sheet = _inspect_zip(data)
        if refused is not None:
            return Opened(None, kind, refused, sheet)
        if kind in ("Word 文档", "PowerPoint 文档", "压缩包"):
            return Opened(
                None, kind, Refusal(Msg.RETURN_OTHER_DOCUMENT, what=_spaced(kind)), spreadsheet=False
            )
    else:
        streams = ole_stream_names(data)
        if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
            return Opened(None, "加密的 Excel 文件", Refusal(Msg.RETURN_PASSWORD))
        if "WordDocument" in streams or "PowerPoint Document" in streams:
            what = "Word 文档" if "WordDocument" in streams else "PowerPoint 文档"
            return Opened(
                None, what, Refusal(Msg.RETURN_OTHER_DOCUMENT, what=_spaced(what)), spreadsheet=False
            )
        kind = "xls"
    try:
        book = _calamine_open(path, data, kind)
    except calamine.PasswordError:
        return Opened(None, kind, Refusal(Msg.RETURN_PASSWORD))
    except Exception as exc:  # calamine raises several error types for damaged files
        if "cell limit" in str(exc).lower():
            return Opened(None, kind, Refusal(Msg.RETURN_CELL_LIMIT))
        error = type(exc).__name__
        if kind == "xls":
            return Opened(None, kind, Refusal(Msg.RETURN_DAMAGED_OR_OLD, error=error))
        return Opened(None, kind, Refusal(Msg.RETURN_UNPARSABLE, error=error))
    return Opened(book, kind, data=data)


def oversized_sheet(sheet: calamine.CalamineSheet) -> Refusal | None:
    """Refuse a parsed sheet whose used range (counted from A1) is over its cell_limit.

    Checked before to_python, which would add a Python object per cell of the whole rectangle.
    """
    end = sheet.end
    if end is None:
        return None
    rows, columns = end[0] + 1, end[1] + 1
    if rows * columns <= cell_limit(sheet.name):
        return None
    return _range_refusal(f"A1:{column_letter(columns)}{rows}", sheet.name)


def _calamine_open(path: Path, data: bytes, kind: str) -> calamine.CalamineWorkbook:
    """calamine's reader for what the content is, not what the extension says.

    from_path goes by the extension (an .xls renamed .xlsx fails with ZipError, an .xlsx renamed .xls
    with a CFB error); from_filelike tries every format but reports any failure, a password included,
    only as 'Cannot detect file format'. So: from_path when the extension is right, else from_filelike.
    """
    if path.suffix.lower() in _SUFFIXES.get(kind, ()):
        return calamine.CalamineWorkbook.from_path(str(path))
    try:
        return calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.CalamineError as exc:
        if kind not in _SUFFIXES or "detect" not in str(exc).lower():
            raise
        # Only the reason is wanted now: ask the right reader through a correctly named copy.
        with tempfile.TemporaryDirectory(prefix="famscore-") as folder:
            copy = Path(folder) / f"book{_SUFFIXES[kind][0]}"
            copy.write_bytes(data)
            calamine.CalamineWorkbook.from_path(str(copy)).close()
        raise


def open_spreadsheet(path: Path) -> tuple[calamine.CalamineWorkbook | None, tuple[str, str]]:
    """The workbook, or None with a (message, fix) the user can act on."""
    opened = open_return(path)
    return opened.book, opened.reason
