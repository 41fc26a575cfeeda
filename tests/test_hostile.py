"""Hostile and messy returns: the batch finishes, good returns score, each bad one is reported by place.

Every hostile file is built here in a temporary folder from a real filled 填报表 (made by
famscore.templates), by editing its XML, its zip container or its bytes; a real .xls (BIFF8) is
written from it with xlwt. Each test asserts the exact problem a user would read: file, sheet, cell,
severity and message.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import struct
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import python_calamine as calamine
import xlwt
from conftest import Worded as Problem
from conftest import write_markdown_scheme
from openpyxl.styles.numbers import is_date_format

from famscore.batch import read_folder
from famscore.batch.pool import read_in_workers
from famscore.errors import ERROR, WARNING, FamscoreError
from famscore.returns import ReturnData, read_return
from famscore.safety import (
    MAX_GRID_CELLS,
    MAX_SHEET_CELLS,
    OLE_MAGIC,
    cell_limit,
    open_return,
    require_defused_openpyxl,
    sheet_members,
)
from famscore.scheme.loader import load_scheme
from famscore.scheme.model import Scheme
from famscore.scoring import BatchResult, score_batch
from famscore.templates import build_template, fill_template
from famscore.values import DATE_FIX, PERCENT_RULE, UNKNOWN_FORMAT, parse_value

SCHEME = """
## 设置
| 项目 | 内容 |
|---|---|
| 标题 | 测试考评 |
| 年度 | 2023 |
| 版本 | 1 |
| 主要指标满分 | 17 |
| 附加分满分 | 10 |

## 等级
| 等级 | 最低分 |
|---|---|
| 优秀 | 15 |
| 合格 | |

## 指标
| 编号 | 一级指标 | 二级指标 | 分值 | 计分类别 |
|---|---|---|---|---|
| A | 甲 | | 10 | |
| A1 | | 免费药具 | 8 | |
| A2 | | 核实 | 2 | |
| B | 乙 | | 7 | |
| B1 | | 技术服务 | 2 | |
| B2 | | 资金下达 | 5 | |
| C | 创新 | | 10 | 附加 |
| C1 | | 创新 | 10 | |

## 字段
| 字段编号 | 指标编号 | 填报项目 | 类型 | 单位 | 最小值 | 最大值 | 选项 | 必填 | 填报说明 |
|---|---|---|---|---|---|---|---|---|---|
| A1_完成率 | A1 | 药具发放完成率 | 百分比 | % | 0 | 100 | | | |
| A2_核实率 | A2 | 核实完成率 | 百分比 | % | 0 | 100 | | | |
| B1_协议 | B1 | 落实服务协议 | 是否 | | | | | | |
| B1_监管 | B1 | 加强质量监管 | 是否 | | | | | | |
| B2_日期 | B2 | 资金下达日期 | 日期 | | | | | | |
| C1_项目数 | C1 | 创新项目数 | 整数 | 项 | 0 | 50 | | 否 | |

## 规则
| 指标编号 | 规则类型 | 字段 | 参数 |
|---|---|---|---|
| A1 | 分档 | A1_完成率 | ≥95:8；≥90:6；≥85:4；≥80:2；其他:0 |
| A2 | 满分 | | |
| A2 | 低于标准扣分 | A2_核实率 | 标准=98；每=1；扣=0.2；方式=按比例 |
| B1 | 满分 | | |
| B1 | 逐项扣分 | B1_协议,B1_监管 | 每项=1 |
| B2 | 满分 | | |
| B2 | 期限扣分 | B2_日期 | 2023-04-30:1.5；2023-07-31:1.5；2023-09-30:2 |
| C1 | 计次加分 | C1_项目数 | 每次=5；上限=10 |
"""

# 96 → 8; 96 → 2 − 0.2×2 = 1.6; 是/是 → 2; Aug 15 → 5 − 1.5 − 1.5 = 2; 3 items → 10 (bonus)
GOOD: dict[str, object] = {
    "A1_完成率": 96,
    "A2_核实率": 96,
    "B1_协议": True,
    "B1_监管": True,
    "B2_日期": dt.date(2023, 8, 15),
    "C1_项目数": 3,
}
GOOD_VALUES = {
    "A1_完成率": Decimal(96),
    "A2_核实率": Decimal(96),
    "B1_协议": True,
    "B1_监管": True,
    "B2_日期": dt.date(2023, 8, 15),
    "C1_项目数": Decimal(3),
}
GOOD_UNITS = ("新华街道", "江苏街道", "华阳街道")
# What each field's 填报值 cell is in the template: the reader finds it by 字段编号, these pin the layout.
CELL = {"A1_完成率": "D6", "A2_核实率": "D8", "B1_协议": "D11", "B1_监管": "D12", "B2_日期": "D14"}


# ---------------------------------------------------------------- fixtures and builders


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.fixture(scope="module")
def scheme(work: Path) -> Scheme:
    return load_scheme(write_markdown_scheme(SCHEME, work / "考评表.xlsx"))


@pytest.fixture(scope="module")
def template(scheme: Scheme, work: Path) -> Path:
    return build_template(scheme, None, work / "空白.xlsx", generated="2024-01-15 09:00:00")


@pytest.fixture(scope="module")
def good(template: Path, work: Path) -> Path:
    """A correctly filled return for 新华街道."""
    return fill_template(template, GOOD, work / "good" / "测试考评_2023_新华街道.xlsx", unit="新华街道")


@pytest.fixture
def make(template: Path, tmp_path: Path) -> Callable[..., Path]:
    """make(name, **changes) -> a return filled with GOOD updated by `changes`, for unit 新华街道."""

    def build(name: str, unit: str = "新华街道", **changes: object) -> Path:
        return fill_template(template, {**GOOD, **changes}, tmp_path / name, unit=unit)

    return build


def read(path: Path, scheme: Scheme, name: str | None = None) -> ReturnData:
    return read_return(path, scheme, name or path.name)


def only(data: ReturnData) -> Problem:
    assert len(data.problems) == 1, [p.text() for p in data.problems]
    return data.problems[0]


def entry_part(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return next(part for part, name in sheet_members(archive).items() if name == "填报")


def rezip(
    src: Path, dst: Path, edit: Callable[[str, bytes], bytes], extra: dict[str, bytes] | None = None
) -> Path:
    """Copy the package at `src` to `dst`, passing every part through `edit(name, data)`."""
    with zipfile.ZipFile(src) as source, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, edit(info.filename, source.read(info.filename)))
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return dst


def edit_part(src: Path, dst: Path, part: str, change: Callable[[str], str]) -> Path:
    with zipfile.ZipFile(src) as archive:
        assert part in archive.namelist(), f"{src.name} has no part {part}"

    def edit(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        changed = change(data.decode("utf-8"))
        assert changed != data.decode("utf-8"), f"{part}: the edit changed nothing"
        return changed.encode("utf-8")

    return rezip(src, dst, edit)


def with_prolog(text: str, prolog: str) -> str:
    """The XML part with `prolog` in place of its XML declaration (openpyxl writes none for sheets)."""
    return prolog + re.sub(r"^<\?xml[^>]*\?>\s*", "", text)


def with_formula(path: Path, address: str, formula: str) -> Path:
    """The return with a formula in the 填报 cell, saved (by openpyxl) without a calculated result."""
    book = openpyxl.load_workbook(path)
    book["填报"][address] = formula
    book.save(path)
    return path


def replace_cell(src: Path, dst: Path, address: str, xml: str) -> Path:
    """Replace the <c r="address"> element of the 填报 sheet with `xml`."""
    pattern = re.compile(rf'<c r="{address}"[^>]*?(?:/>|>.*?</c>)', re.S)
    return edit_part(src, dst, entry_part(src), lambda text: pattern.sub(xml, text, count=1))


def ole_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (512-byte sectors, every stream padded past the 4096-byte mini cutoff)."""
    end, free, fat_sector, none = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    names = sorted(streams, key=lambda n: (len(n), n.upper()))  # the order CFB keeps siblings in
    datas = [streams[n].ljust(4096, b"\0") for n in names]
    dir_sectors = (1 + len(names) + 3) // 4
    fat = [fat_sector] + [s + 1 for s in range(1, dir_sectors)] + [end]
    starts, sector = [], 1 + dir_sectors
    for data in datas:
        count = -(-len(data) // 512)
        starts.append(sector)
        fat += [sector + i + 1 for i in range(count - 1)] + [end]
        sector += count
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(raw), kind, 1, none, right, child)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", start, size)
        )

    entries = [entry("Root Entry", 5, 1 if names else none, none, end, 0)]
    for i, (name, data) in enumerate(zip(names, datas, strict=True)):
        right = i + 2 if i + 1 < len(names) else none
        entries.append(entry(name, 2, none, right, starts[i], len(data)))
    directory = b"".join(entries).ljust(dir_sectors * 512, b"\0")
    header = (
        OLE_MAGIC
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<9I", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", 0, *[free] * 108)
    )
    return header + struct.pack("<128I", *fat) + directory + b"".join(datas)


def scores(batch: BatchResult) -> dict[str, tuple[object, ...]]:
    return {
        u.unit: (u.main, u.bonus, u.total, u.grade, tuple((s.item.id, s.score) for s in u.items))
        for u in batch.units
    }


# ---------------------------------------------------------------- the control


def test_the_good_return_scores_cleanly_and_the_layout_is_as_pinned(good: Path, scheme: Scheme) -> None:
    data = read(good, scheme)
    assert data.problems == []
    assert data.unit == "新华街道" and data.values == GOOD_VALUES
    assert {k: data.cells[k] for k in CELL} == CELL
    unit = score_batch(scheme, [data]).units[0]
    assert (unit.main, unit.bonus, unit.total, unit.grade) == (Decimal("13.6"), 10, Decimal("23.6"), "合格")


# ---------------------------------------------------------------- files that are not returns


def test_an_empty_file_is_reported(tmp_path: Path, scheme: Scheme) -> None:
    path = tmp_path / "新华街道.xlsx"
    path.write_bytes(b"")
    data = read(path, scheme)
    assert not data.readable
    assert only(data) == Problem(
        "新华街道.xlsx", "", "", ERROR, "文件是空的（0 字节），本文件未计分", "请让该单位重新发送"
    )


def test_a_truncated_download_is_reported(good: Path, tmp_path: Path, scheme: Scheme) -> None:
    path = tmp_path / "新华街道.xlsx"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    data = read(path, scheme)
    assert not data.readable
    assert only(data) == Problem(
        "新华街道.xlsx",
        "",
        "",
        ERROR,
        "文件已损坏或不完整（可能下载中断），本文件未计分",
        "请让该单位重新发送原文件",
    )


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"%PDF-1.7\n1 0 obj\n", " PDF 文件"),
        ("单位,完成率\n新华街道,96\n".encode("gb18030"), "文本文件（如 CSV、TXT）"),
        (b"<html><body><table><tr><td>96</td></tr></table></body></html>", "网页（HTML）文件"),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "图片"),
    ],
)
def test_a_non_spreadsheet_renamed_to_xlsx_is_an_error_saying_what_it_is(
    tmp_path: Path, scheme: Scheme, content: bytes, what: str
) -> None:
    path = tmp_path / "新华街道.xlsx"
    path.write_bytes(content)
    problem = only(read(path, scheme))
    assert problem == Problem(
        "新华街道.xlsx",
        "",
        "",
        ERROR,
        f"这不是 Excel/WPS 表格文件：内容是{what}，可能是改了扩展名，本文件未计分",
        "请用 Excel 或 WPS 打开后另存为 .xlsx 再发回",
    )


def test_a_word_document_named_xls_is_an_error(tmp_path: Path, scheme: Scheme) -> None:
    path = tmp_path / "新华街道.xls"
    path.write_bytes(ole_file({"WordDocument": b"\xec\xa5" + bytes(600)}))
    assert only(read(path, scheme)) == Problem(
        "新华街道.xls",
        "",
        "",
        ERROR,
        "这不是 Excel/WPS 表格文件：内容是 Word 文档，本文件未计分",
        "请用 Excel 或 WPS 打开后另存为 .xlsx 再发回",
    )


def test_letters_and_scans_beside_the_returns_are_skipped_with_a_warning(
    good: Path, tmp_path: Path, scheme: Scheme
) -> None:
    letter = tmp_path / "报送说明.docx"
    with zipfile.ZipFile(letter, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    scan = tmp_path / "盖章页.pdf"
    scan.write_bytes(b"%PDF-1.4\n")
    note = tmp_path / "备注.txt"
    note.write_bytes(b"")
    assert only(read(letter, scheme)) == Problem(
        "报送说明.docx", "", "", WARNING, "不是表格文件（Word 文档），已跳过"
    )
    assert only(read(scan, scheme)) == Problem(
        "盖章页.pdf", "", "", WARNING, "不是表格文件（PDF 文件），已跳过"
    )
    assert only(read(note, scheme)) == Problem("备注.txt", "", "", WARNING, "不是表格文件（空文件），已跳过")


def test_a_workbook_without_extension_is_read_by_content_with_a_warning(
    good: Path, tmp_path: Path, scheme: Scheme
) -> None:
    path = tmp_path / "新华街道"
    shutil.copy(good, path)
    data = read(path, scheme)
    assert data.values == GOOD_VALUES
    assert only(data) == Problem(
        "新华街道",
        "",
        "",
        WARNING,
        "文件扩展名「（无）」不是表格文件的扩展名，已按内容作为 .xlsx 文件读取",
        "请把文件名的扩展名改为 .xlsx",
    )


def test_a_password_protected_workbook_says_so_plainly(tmp_path: Path, scheme: Scheme) -> None:
    # What Excel and WPS save for a workbook with an open password: an OLE file holding the
    # encrypted package (openpyxl calls this a BadZipFile, which would mislead the user).
    path = tmp_path / "新华街道.xlsx"
    path.write_bytes(
        ole_file({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00<?xml", "EncryptedPackage": b"x"})
    )
    data = read(path, scheme)
    assert not data.readable
    problem = only(data)
    assert problem.message == "文件设置了打开密码，无法读取，本文件未计分"
    assert (problem.file, problem.sheet, problem.cell, problem.severity) == ("新华街道.xlsx", "", "", ERROR)
    assert "去掉打开密码" in problem.fix


def test_an_old_xls_with_a_password_says_so_plainly(
    good: Path, tmp_path: Path, scheme: Scheme, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Excel 97-2003 encrypts inside the BIFF stream; python-calamine then raises PasswordError
    # (checked by hand with a LibreOffice-encrypted .xls). Here the reader is made to say so.
    import famscore.safety

    def locked(path: Path, data: bytes, kind: str) -> None:
        raise calamine.PasswordError("Workbook is password protected")

    monkeypatch.setattr(famscore.safety, "_calamine_open", locked)
    path = tmp_path / "新华街道.xls"
    path.write_bytes(ole_file({"Workbook": b"\x09\x08"}))
    problem = only(read(path, scheme))
    assert (problem.sheet, problem.cell, problem.severity) == ("", "", ERROR)
    assert problem.message == "文件设置了打开密码，无法读取，本文件未计分"


def test_office_lock_files_are_skipped_with_a_note(good: Path, tmp_path: Path, scheme: Scheme) -> None:
    folder = tmp_path / "returns"
    folder.mkdir()
    shutil.copy(good, folder / "新华街道.xlsx")
    (folder / "~$新华街道.xlsx").write_bytes(b"\x0bwang xiaoming".ljust(165, b" "))
    (folder / ".~lock.新华街道.xlsx#").write_bytes(b"wang,host,/tmp,2024;")
    results, notes = read_folder(folder, scheme, workers=1)
    data = [r.data for r in results]
    assert [d.file for d in data] == ["新华街道.xlsx"] and data[0].problems == []
    lock = "这是 Office/WPS 打开文件时留下的临时锁文件，已跳过"
    assert notes == [
        Problem(".~lock.新华街道.xlsx#", "", "", WARNING, lock),
        Problem("~$新华街道.xlsx", "", "", WARNING, lock),
    ]


def test_a_whole_workbook_named_like_a_lock_file_is_still_read(
    good: Path, tmp_path: Path, scheme: Scheme
) -> None:
    folder = tmp_path / "returns"
    folder.mkdir()
    shutil.copy(good, folder / "~$新华街道.xlsx")
    results, notes = read_folder(folder, scheme, workers=1)
    data = [r.data for r in results]
    assert notes == [] and data[0].values == GOOD_VALUES


# ---------------------------------------------------------------- .xls and .xlsx, renamed either way


# Real BIFF8 without LibreOffice, so that the .xls tests run everywhere, CI included: xlwt writes the
# same OLE compound file with a BIFF8 Workbook stream that Excel 97-2003 and WPS save.
def xlsx_to_xls(src: Path, dst: Path) -> Path:
    """Save the .xlsx `src` as a real .xls `dst`, the way "Save as Excel 97-2003" would.

    Every sheet keeps its name, place and visibility (the hidden _meta stays hidden), every cell its
    value (the cached result of a formula), type and number format at the same row and column, and
    merged ranges stay merged. Dates and times become Excel date numbers with a date format.
    """
    book = openpyxl.load_workbook(src, data_only=True)
    out = xlwt.Workbook(encoding="utf-8")
    styles: dict[str, xlwt.XFStyle] = {}

    def style(value: object, number_format: str) -> xlwt.XFStyle:
        if isinstance(value, dt.date | dt.time) and not is_date_format(number_format):
            number_format = "YYYY-MM-DD"
        if number_format not in styles:
            styles[number_format] = xlwt.easyxf(num_format_str=number_format)
        return styles[number_format]

    for ws in book.worksheets:
        sheet = out.add_sheet(ws.title)
        sheet.visibility = {"visible": 0, "hidden": 1, "veryHidden": 2}[ws.sheet_state]
        covered: set[tuple[int, int]] = set()
        for merged in ws.merged_cells.ranges:
            top = ws.cell(merged.min_row, merged.min_col)
            rows, cols = (merged.min_row - 1, merged.max_row - 1), (merged.min_col - 1, merged.max_col - 1)
            sheet.write_merge(*rows, *cols, top.value, style(top.value, top.number_format))
            covered.update(merged.cells)
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None and (cell.row, cell.column) not in covered:
                    value = cell.value
                    sheet.write(cell.row - 1, cell.column - 1, value, style(value, cell.number_format))
    out.active_sheet = book.index(book.active)
    out.save(str(dst))
    return dst


@pytest.fixture(scope="module")
def xls(good: Path, template: Path, work: Path) -> dict[str, Path]:
    """Real BIFF8 .xls files written by xlwt: 'good' (新华街道), 'blank' (完成率 left empty), 'other'."""
    sources = work / "xls-sources"
    sources.mkdir()
    shutil.copy(good, sources / "good.xlsx")
    fill_template(template, {**GOOD, "A1_完成率": None}, sources / "blank.xlsx", unit="新华街道")
    fill_template(template, GOOD, sources / "other.xlsx", unit="旧版街道")
    out = work / "xls"
    out.mkdir()
    made = {
        key: xlsx_to_xls(sources / f"{key}.xlsx", out / f"{key}.xls") for key in ("good", "blank", "other")
    }
    assert all(path.read_bytes()[:8] == OLE_MAGIC for path in made.values())
    return made


@pytest.mark.parametrize(
    ("source", "name"),
    [("xls", "新华街道.xls"), ("xls", "新华街道.xlsx"), ("xlsx", "新华街道.xls"), ("xlsx", "新华街道.xlsm")],
)
def test_xls_and_xlsx_are_read_by_content_whatever_the_extension(
    good: Path, xls: dict[str, Path], tmp_path: Path, scheme: Scheme, source: str, name: str
) -> None:
    path = tmp_path / name
    shutil.copy(xls["good"] if source == "xls" else good, path)
    # python-calamine's from_path goes by the extension and fails on the renamed files
    if path.suffix == ".xlsx" and source == "xls":
        with pytest.raises(calamine.ZipError):
            calamine.CalamineWorkbook.from_path(str(path))
    data = read(path, scheme)
    assert data.problems == [] and data.unit == "新华街道"
    assert data.values == GOOD_VALUES
    assert open_return(path).kind == source


def test_a_blank_required_cell_in_an_xls_mentions_formulas(
    xls: dict[str, Path], tmp_path: Path, scheme: Scheme
) -> None:
    # calamine reads an error or a formula without result as '' in .xls too, and the sheet's
    # records are not looked into: the message says what to do in either case.
    shutil.copy(xls["blank"], tmp_path / "新华街道.xls")
    problem = only(read(tmp_path / "新华街道.xls", scheme))
    assert problem == Problem(
        "新华街道.xls",
        "填报",
        "D6",
        ERROR,
        "「药具发放完成率」（A1_完成率）是必填项，但没有填写，本项暂不计分",
        "请补填后重新计分（如果单元格里是公式或显示错误值，请改为直接填写数值）",
    )
    assert (problem.row, problem.column, problem.code) == (6, 4, "RETURN_REQUIRED_BLANK_NO_FORMULAS")


# ---------------------------------------------------------------- the 填报 sheet


def test_a_missing_entry_sheet_is_reported_with_the_sheets_there_are(
    good: Path, tmp_path: Path, scheme: Scheme
) -> None:
    book = openpyxl.load_workbook(good)
    del book["填报"]
    book.save(tmp_path / "新华街道.xlsx")
    data = read(tmp_path / "新华街道.xlsx", scheme)
    assert not data.readable
    assert only(data) == Problem(
        "新华街道.xlsx",
        "填报",
        "",
        ERROR,
        "找不到工作表「填报」，本文件未计分",
        "现有工作表：说明、_meta；请添加名为「填报」的工作表",
        code="RETURN_ENTRY_SHEET_MISSING",
    )


def test_a_renamed_entry_sheet_with_the_header_is_used_with_a_warning(
    good: Path, tmp_path: Path, scheme: Scheme
) -> None:
    book = openpyxl.load_workbook(good)
    book["填报"].title = "Sheet1"
    book.save(tmp_path / "新华街道.xlsx")
    data = read(tmp_path / "新华街道.xlsx", scheme)
    assert data.readable and data.values == GOOD_VALUES
    problem = only(data)
    assert (problem.file, problem.sheet, problem.cell, problem.severity) == (
        "新华街道.xlsx",
        "Sheet1",
        "",
        WARNING,
    )
    assert problem.message == "找不到工作表「填报」，已改用有这两个表头的工作表「Sheet1」"
    assert problem.code == "RETURN_ENTRY_SHEET_RENAMED"
    assert "不要改动工作表名称" in problem.fix


def test_two_candidate_sheets_and_no_entry_sheet_is_an_error(
    good: Path, tmp_path: Path, scheme: Scheme
) -> None:
    book = openpyxl.load_workbook(good)
    book["填报"].title = "Sheet1"
    book.copy_worksheet(book["Sheet1"]).title = "Sheet2"
    book.save(tmp_path / "新华街道.xlsx")
    problem = only(read(tmp_path / "新华街道.xlsx", scheme))
    assert (problem.sheet, problem.cell, problem.severity) == ("填报", "", ERROR)
    assert problem.code == "RETURN_ENTRY_SHEET_AMBIGUOUS"
    assert problem.message == (
        "找不到有表头「字段编号」和「填报值」的工作表「填报」，而工作表 「Sheet1」、「Sheet2」 都有这样的表头，"
        "无法确定用哪一张，本文件未计分"
    )


def test_stray_spaces_in_the_sheet_name_are_forgiven(good: Path, tmp_path: Path, scheme: Scheme) -> None:
    book = openpyxl.load_workbook(good)
    book["填报"].title = " 填报 "
    book.save(tmp_path / "新华街道.xlsx")
    data = read(tmp_path / "新华街道.xlsx", scheme)
    assert data.problems == [] and data.values == GOOD_VALUES


def test_rows_and_columns_reordered_with_extra_rows_read_the_same(
    good: Path, tmp_path: Path, scheme: Scheme
) -> None:
    source = openpyxl.load_workbook(good)
    fields = [
        (row[0].value, row[3].value)
        for row in source["填报"].iter_rows(min_row=4)
        if row[0].value in scheme.fields
    ]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "填报"
    sheet.append(["新华街道填报（自制表格）"])
    sheet.append([])
    sheet.append(["填报值", " 字段 编号 ", "备注"])  # other columns, other order, loose header text
    sheet.append([None, None, "说明：以下顺序已调整"])
    for key, value in reversed(fields):
        sheet.append([value, key])
        sheet.append(["多余的说明行"])
    sheet.append([5, "A9_新增指标"])
    meta = book.create_sheet("_meta")
    for key, value in source["_meta"].iter_rows(values_only=True):
        meta.append([key, value])
    book.save(tmp_path / "新华街道.xlsx")
    data = read(tmp_path / "新华街道.xlsx", scheme)
    assert data.values == GOOD_VALUES
    last = 3 + 1 + 2 * len(fields) + 1
    assert only(data) == Problem(
        "新华街道.xlsx",
        "填报",
        f"B{last}",
        WARNING,
        "字段编号「A9_新增指标」不在考评表中，已忽略",
        "请不要改动字段编号；多出的行可以删除",
    )


def test_thousands_of_unknown_rows_give_twenty_warnings_and_a_count(scheme: Scheme, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "填报"
    sheet.append(["字段编号", "填报值"])
    for n in range(3000):
        sheet.append([f"X{n}", 1])
    book.save(tmp_path / "新华街道.xlsx")
    data = read(tmp_path / "新华街道.xlsx", scheme)
    unknown = [p for p in data.problems if "不在考评表中" in p.message]
    assert len(unknown) == 21
    assert unknown[-1].message == "另有 2980 行的字段编号也不在考评表中，已忽略"


# ---------------------------------------------------------------- formulas, errors, merged cells


def test_a_formula_without_a_saved_result_is_flagged_not_scored_as_zero(
    make: Callable[..., Path], scheme: Scheme
) -> None:
    # openpyxl writes formulas without results, as many programs that generate workbooks do
    data = read(with_formula(make("新华街道.xlsx"), "D6", "=B6*2"), scheme)
    assert "A1_完成率" not in data.values
    assert only(data) == Problem(
        "新华街道.xlsx",
        "填报",
        "D6",
        ERROR,
        "「药具发放完成率」（A1_完成率）：单元格是公式「=B6*2」，但文件里没有保存它的计算结果，本项暂不计分",
        "请用 Excel 或 WPS 打开这份表，确认公式算出结果后保存再发回，或直接填写数值",
    )
    unit = score_batch(scheme, [data]).units[0]
    assert [(p.sheet, p.row, p.column, p.code) for p in data.problems] == [
        ("填报", 6, 4, "RETURN_FORMULA_NO_RESULT")
    ]
    assert unit.item("A1").score is None and not unit.complete


def test_an_error_cell_is_flagged_with_its_error(good: Path, tmp_path: Path, scheme: Scheme) -> None:
    path = replace_cell(
        good, tmp_path / "新华街道.xlsx", "D8", '<c r="D8" t="e"><f>A8/0</f><v>#DIV/0!</v></c>'
    )
    data = read(path, scheme)
    assert "A2_核实率" not in data.values
    assert only(data) == Problem(
        "新华街道.xlsx",
        "填报",
        "D8",
        ERROR,
        "「核实完成率」（A2_核实率）：单元格是错误值「#DIV/0!」（公式算不出结果），本项暂不计分",
        "请改正公式，或直接填写数值",
    )
    assert score_batch(scheme, [data]).units[0].item("A2").score is None
    assert [(p.sheet, p.row, p.column, p.code) for p in data.problems] == [
        ("填报", 8, 4, "RETURN_FORMULA_ERROR")
    ]


def test_an_error_in_an_optional_cell_is_flagged_too(good: Path, tmp_path: Path, scheme: Scheme) -> None:
    address = read(good, scheme).cells["C1_项目数"]
    path = replace_cell(good, tmp_path / "新华街道.xlsx", address, f'<c r="{address}" t="e"><v>#N/A</v></c>')
    problem = only(read(path, scheme))
    assert (problem.cell, problem.severity) == (address, ERROR)
    assert (
        problem.message
        == "「创新项目数」（C1_项目数）：单元格是错误值「#N/A」（公式算不出结果），本项暂不计分"
    )


def test_a_formula_with_a_saved_result_is_used(good: Path, tmp_path: Path, scheme: Scheme) -> None:
    path = replace_cell(good, tmp_path / "新华街道.xlsx", "D6", '<c r="D6"><f>90+6</f><v>96</v></c>')
    data = read(path, scheme)
    assert data.problems == [] and data.values["A1_完成率"] == 96


def test_merged_value_cells_are_reported_on_both_rows(good: Path, tmp_path: Path, scheme: Scheme) -> None:
    book = openpyxl.load_workbook(good)
    book["填报"].merge_cells("D11:D12")  # 落实服务协议 and 加强质量监管 share one cell
    book.save(tmp_path / "新华街道.xlsx")
    data = read(tmp_path / "新华街道.xlsx", scheme)
    assert data.values["B1_协议"] is True and "B1_监管" not in data.values
    fix = "请取消合并单元格，在每一项的「填报值」中分别填写"
    assert data.problems == [
        Problem(
            "新华街道.xlsx",
            "填报",
            "D11",
            WARNING,
            "「落实服务协议」（B1_协议）：单元格 D11 与下方的填报值合并了（合并区域 D11:D12），其中的值只算作本项",
            fix,
        ),
        Problem(
            "新华街道.xlsx",
            "填报",
            "D12",
            ERROR,
            "「加强质量监管」（B1_监管）：单元格 D12 被合并到 D11（合并区域 D11:D12），读不到本项的值，本项暂不计分",
            fix,
        ),
    ]
    assert [(p.sheet, p.row, p.column, p.level, p.code) for p in data.problems] == [
        ("填报", 11, 4, "warning", "RETURN_VALUE_MERGED_DOWN"),
        ("填报", 12, 4, "error", "RETURN_VALUE_MERGED_AWAY"),
    ]


def test_a_value_merged_with_its_remark_cell_is_fine(good: Path, tmp_path: Path, scheme: Scheme) -> None:
    book = openpyxl.load_workbook(good)
    book["填报"].merge_cells("D6:E6")
    book.save(tmp_path / "新华街道.xlsx")
    data = read(tmp_path / "新华街道.xlsx", scheme)
    assert data.problems == [] and data.values == GOOD_VALUES


# ---------------------------------------------------------------- how people type values


def test_messy_but_clear_values_read_as_the_clean_ones(make: Callable[..., Path], scheme: Scheme) -> None:
    path = make(
        "新华街道.xlsx",
        A1_完成率="９６％",
        A2_核实率=" 96 ",
        B1_协议="√",
        B1_监管="有",
        B2_日期="2023年8月15日",
        C1_项目数="3项",
    )
    data = read(path, scheme)
    assert data.problems == [] and data.values == GOOD_VALUES


@pytest.mark.parametrize(
    ("field", "typed", "value"),
    [
        ("A1_完成率", "96%", Decimal(96)),
        ("A1_完成率", "96 %", Decimal(96)),
        ("A1_完成率", "９６", Decimal(96)),
        ("A1_完成率", "96.5", Decimal("96.5")),
        ("A1_完成率", 96.0, Decimal(96)),
        ("A1_完成率", "0.5%", Decimal("0.5")),
        ("C1_项目数", "3", Decimal(3)),
        ("C1_项目数", "３", Decimal(3)),
        ("C1_项目数", 3.0, Decimal(3)),
        ("B1_协议", "是", True),
        ("B1_协议", " 是 ", True),
        ("B1_协议", "有", True),
        ("B1_协议", "√", True),
        ("B1_协议", "✔️", True),
        ("B1_协议", "Y", True),
        ("B1_协议", "ｙｅｓ", True),
        ("B1_协议", 1, True),
        ("B1_协议", "否", False),
        ("B1_协议", "无", False),
        ("B1_协议", "×", False),
        ("B1_协议", "N", False),
        ("B1_协议", 0, False),
        ("B2_日期", "2023-08-15", dt.date(2023, 8, 15)),
        ("B2_日期", "2023/8/15", dt.date(2023, 8, 15)),
        ("B2_日期", "2023.8.15", dt.date(2023, 8, 15)),
        ("B2_日期", "2023年8月15日", dt.date(2023, 8, 15)),
        ("B2_日期", "２０２３－０８－１５", dt.date(2023, 8, 15)),
        ("B2_日期", "2023-08-15 00:00:00", dt.date(2023, 8, 15)),
        ("B2_日期", "20230815", dt.date(2023, 8, 15)),
        ("B2_日期", 45153, dt.date(2023, 8, 15)),
        ("B2_日期", 45153.0, dt.date(2023, 8, 15)),
        ("B2_日期", "45153", dt.date(2023, 8, 15)),
        ("B2_日期", dt.datetime(2023, 8, 15, 0, 0), dt.date(2023, 8, 15)),
    ],
)
def test_parse_value_accepts_the_ways_people_type(
    scheme: Scheme, field: str, typed: object, value: object
) -> None:
    parsed = parse_value(scheme.fields[field], typed)
    assert (parsed.value, parsed.error, parsed.warning) == (value, "", "")


@pytest.mark.parametrize(
    ("field", "typed", "error"),
    [
        ("A1_完成率", "九十六", "「九十六」不是数值"),
        ("A1_完成率", "96‰", "填写的「96‰」单位是 ‰，本项的单位是 %"),
        ("A1_完成率", 101, "101 超过最大值 100"),
        ("C1_项目数", "2.5", "「2.5」不是整数"),
        ("B1_协议", "可能", "「可能」不是“是/否”"),
        ("B2_日期", "8月15日", "「8月15日」不是日期"),
        ("B2_日期", "2023-02-30", "「2023-02-30」不是日期"),
        ("A1_完成率", "#DIV/0!", "单元格是错误值「#DIV/0!」"),
    ],
)
def test_parse_value_refuses_what_it_cannot_be_sure_of(
    scheme: Scheme, field: str, typed: object, error: str
) -> None:
    parsed = parse_value(scheme.fields[field], typed)
    assert (parsed.value, parsed.error) == (None, error)


def with_formats(path: Path, formats: dict[str, str]) -> Path:
    """The return with number formats on 填报 cells, as Excel sets them when a clerk types 100% or a date."""
    book = openpyxl.load_workbook(path)
    for address, code in formats.items():
        book["填报"][address].number_format = code
    book.save(path)
    return path


def value_error(cell: str, message: str, fix: str) -> Problem:
    return Problem("新华街道.xlsx", "填报", cell, ERROR, f"{message}，本项暂不计分", fix)


# The old rule read 0 < x < 1 in a per-cent field as a fraction and 1 as 1 %, each with only a
# warning: 100 % typed into a 0% cell (stored as 1) lost the item's points. The cell's number
# format now decides, and a number it cannot decide is an error at the cell.
def test_a_percent_formatted_cell_holds_a_fraction(make: Callable[..., Path], scheme: Scheme) -> None:
    path = with_formats(make("新华街道.xlsx", A1_完成率=1, A2_核实率=0.955), {"D6": "0%", "D8": "0.00%"})
    data = read(path, scheme)
    assert data.problems == []
    assert (data.values["A1_完成率"], data.values["A2_核实率"]) == (Decimal(100), Decimal("95.5"))
    unit = score_batch(scheme, [data]).units[0]
    assert unit.item("A1").score == 8  # 100 %: the top band, not 1 %


def test_the_parse_memo_tells_a_percent_cell_from_a_plain_one(
    make: Callable[..., Path], scheme: Scheme
) -> None:
    # the same cell value, 1.0, read from both kinds of cell in one process: the memo must not mix them
    percent = read(with_formats(make("百分比.xlsx", A1_完成率=1), {"D6": "0%"}), scheme)
    plain = read(make("常规.xlsx", A1_完成率=1), scheme)
    assert percent.values["A1_完成率"] == Decimal(100) and percent.problems == []
    assert "A1_完成率" not in plain.values and only(plain).cell == "D6"


def test_the_format_is_found_however_the_cell_tag_is_written(
    make: Callable[..., Path], scheme: Scheme, tmp_path: Path
) -> None:
    # attributes in another order and quoting, and a custom percentage format with text in quotes
    path = with_formats(make("原.xlsx", A1_完成率=1, A2_核实率=0.9), {"D6": '0.0"分"%', "D8": "0%"})

    def reorder(text: str) -> str:
        return re.sub(r'<c r="(D[68])" s="(\d+)"', r"<c s='\2' r='\1'", text)

    data = read(edit_part(path, tmp_path / "新华街道.xlsx", entry_part(path), reorder), scheme)
    assert data.problems == []
    assert (data.values["A1_完成率"], data.values["A2_核实率"]) == (Decimal(100), Decimal(90))


def test_a_number_in_a_plain_percent_cell_is_the_percent_typed(
    make: Callable[..., Path], scheme: Scheme
) -> None:
    data = read(make("新华街道.xlsx", A1_完成率=95, A2_核实率="95.5%"), scheme)
    assert data.problems == []
    assert (data.values["A1_完成率"], data.values["A2_核实率"]) == (Decimal(95), Decimal("95.5"))


@pytest.mark.parametrize(
    ("typed", "message", "fix"),
    [
        (0.8, "填写的 0.8 可以读作 0.8% 也可以读作 80%，无法确定", "填 80 表示 80%，或填 0.8% 表示 0.8%"),
        (1, "填写的 1 可以读作 1% 也可以读作 100%，无法确定", "填 100 表示 100%，或填 1% 表示 1%"),
        ("0.5", "填写的 0.5 可以读作 0.5% 也可以读作 50%，无法确定", "填 50 表示 50%，或填 0.5% 表示 0.5%"),
    ],
)
def test_a_number_with_two_readings_in_a_plain_cell_is_an_error_at_the_cell(
    make: Callable[..., Path], scheme: Scheme, typed: object, message: str, fix: str
) -> None:
    data = read(make("新华街道.xlsx", A1_完成率=typed), scheme)
    assert "A1_完成率" not in data.values
    assert only(data) == value_error("D6", f"「药具发放完成率」（A1_完成率）：{message}", fix)
    assert score_batch(scheme, [data]).units[0].item("A1").score is None


@pytest.mark.parametrize(("typed", "value"), [("95%", "95"), ("０.８％", "0.8"), ("0.8 %", "0.8"), (0, "0")])
def test_a_percent_sign_or_zero_leaves_no_doubt(scheme: Scheme, typed: object, value: str) -> None:
    parsed = parse_value(scheme.fields["A1_完成率"], typed)
    assert (parsed.value, parsed.error) == (Decimal(value), "")


def test_a_range_that_allows_one_reading_decides(load_md: Callable[[str], Scheme]) -> None:
    scheme = load_md(SCHEME.replace("| 百分比 | % | 0 | 100 |", "| 百分比 | % | 50 | 100 |", 1))
    assert parse_value(scheme.fields["A1_完成率"], 0.96).value == Decimal(96)  # 0.96 % is below 50


def test_xls_formats_are_not_read_so_a_doubt_is_an_error(
    make: Callable[..., Path], scheme: Scheme, tmp_path: Path
) -> None:
    path = xlsx_to_xls(make("新华街道.xlsx", A1_完成率=0.8, A2_核实率=95), tmp_path / "新华街道.xls")
    data = read(path, scheme, "新华街道.xlsx")
    assert data.values["A2_核实率"] == Decimal(95)
    assert only(data) == value_error(
        "D6",
        "「药具发放完成率」（A1_完成率）：填写的 0.8 可以读作 0.8% 也可以读作 80%，无法确定",
        "请把文件另存为 .xlsx 后发回（.xls/.ods 文件读不出单元格的百分比格式），或填 80 表示 80%",
    )
    # a scheme's stated reading cannot tell a plain cell from a 0% one where formats are unknown
    stated = replace(scheme.fields["A1_完成率"], reading="百分数")
    assert parse_value(stated, 0.8, UNKNOWN_FORMAT).value is None
    assert parse_value(stated, 0.8).value == Decimal("0.8")


def test_the_template_states_the_percent_rule_where_the_value_is_typed(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    sheet = book["填报"]
    prompts = {str(dv.sqref): dv.prompt for dv in sheet.data_validations.dataValidation}
    assert PERCENT_RULE in prompts[CELL["A1_完成率"]]
    assert "95% 填 95" in PERCENT_RULE and "0.8%" in PERCENT_RULE
    assert PERCENT_RULE not in prompts[CELL["B2_日期"]]


def with_reading(reading: str) -> str:
    """SCHEME with a 读法 column on the 字段 sheet, stating `reading` for A1_完成率."""
    lines = []
    for line in SCHEME.splitlines():
        if line.startswith("| 字段编号 |"):
            line += " 读法 |"
        elif line.startswith("|---|") and lines[-1].endswith("读法 |"):
            line += "---|"
        elif re.match(r"\| [A-C]\d_", line):
            line += f" {reading if line.startswith('| A1_') else ''} |"
        lines.append(line)
    return "\n".join(lines)


def test_the_scheme_may_state_that_a_number_is_the_percent_typed(
    load_md: Callable[[str], Scheme], make: Callable[..., Path], tmp_path: Path
) -> None:
    scheme = load_md(with_reading("百分数"))
    assert scheme.fields["A1_完成率"].reading == "百分数"
    template = build_template(scheme, None, tmp_path / "空白.xlsx", generated="2024-01-15 09:00:00")
    plain = fill_template(template, {**GOOD, "A1_完成率": 0.8}, tmp_path / "新华街道.xlsx", unit="新华街道")
    data = read(plain, scheme)
    assert data.problems == [] and data.values["A1_完成率"] == Decimal("0.8")
    # a percent-formatted cell still holds a fraction: 0.8% typed in Excel is kept as 0.008
    data = read(
        with_formats(
            fill_template(template, {**GOOD, "A1_完成率": 0.008}, plain, unit="新华街道"), {"D6": "0.0%"}
        ),
        scheme,
    )
    assert data.problems == [] and data.values["A1_完成率"] == Decimal("0.8")
    prompts = {
        str(dv.sqref): dv.prompt
        for dv in openpyxl.load_workbook(template)["填报"].data_validations.dataValidation
    }
    assert "0.8% 填 0.8" in prompts[CELL["A1_完成率"]] and "0 到 1 之间" not in prompts[CELL["A1_完成率"]]
    scheme = load_md(with_reading("小数"))
    assert parse_value(scheme.fields["A1_完成率"], 0.8).value == Decimal(80)
    template = build_template(scheme, None, tmp_path / "空白2.xlsx", generated="2024-01-15 09:00:00")
    sheet = openpyxl.load_workbook(template)["填报"]
    prompts = {str(dv.sqref): dv.prompt for dv in sheet.data_validations.dataValidation}
    assert "95% 填 0.95" in prompts[CELL["A1_完成率"]]
    assert any("填 0.95 表示 95%" in str(cell.value) for row in sheet.iter_rows() for cell in row)


def test_a_reading_the_loader_does_not_know_is_a_located_error(
    check_md: Callable[[str], tuple[Scheme | None, list[Problem]]],
) -> None:
    scheme, problems = check_md(with_reading("分数"))
    assert scheme is None
    assert [(p.sheet, p.cell, p.message) for p in problems if p.is_error] == [
        ("字段", "K2", "读法「分数」无法识别")
    ]


def test_a_percent_formatted_cell_in_a_count_field_is_an_error(
    make: Callable[..., Path], scheme: Scheme
) -> None:
    data = read(with_formats(make("新华街道.xlsx", C1_项目数=0.03), {"D17": "0%"}), scheme)
    assert only(data) == value_error(
        "D17",
        "「创新项目数」（C1_项目数）：单元格是百分比格式（显示为 3%），本项单位是 项",
        "请把单元格格式改为“常规”，再填写数值（单位 项）",
    )


def test_one_typed_into_a_date_cell_is_not_a_date_in_1900(make: Callable[..., Path], scheme: Scheme) -> None:
    # the template formats 资金下达日期 as yyyy-mm-dd: 1 typed there is stored as day 1, 1900-01-01
    data = read(make("新华街道.xlsx", B2_日期=1), scheme)
    assert only(data) == value_error(
        "D14",
        "「资金下达日期」（B2_日期）：日期 1900-01-01 不在合理范围（2013～2033 年）内",
        "日期格式的单元格里填数字（如 1）会显示成 1900 年前后的日期；" + DATE_FIX,
    )
    assert score_batch(scheme, [data]).units[0].item("B2").score is None  # not "未逾期, full marks"


def test_without_a_scheme_year_dates_are_plausible_from_2000_to_2100(
    load_md: Callable[[str], Scheme],
) -> None:
    field = load_md(SCHEME.replace("| 年度 | 2023 |\n", "")).fields["B2_日期"]
    assert field.years == (2000, 2100)
    assert parse_value(field, "1999-12-31").error == "日期 1999-12-31 不在合理范围（2000～2100 年）内"
    assert parse_value(field, 45000.0).value == dt.date(2023, 3, 15)  # an Excel day serial
    assert parse_value(field, 1000.0).error == "「1000」不是日期"  # 1902-09-26 as a serial: not plausible


def test_a_date_cell_in_a_number_field_and_a_number_in_a_date_field_are_errors(
    make: Callable[..., Path], scheme: Scheme
) -> None:
    path = with_formats(make("新华街道.xlsx", A1_完成率=95), {"D6": "yyyy-mm-dd", "D14": "General"})
    data = read(fill_template(path, {"B2_日期": 7}, path), scheme)
    assert data.problems == [
        value_error(
            "D6",
            "「药具发放完成率」（A1_完成率）：单元格是日期/时间格式（显示为 1900-04-04），本项应填数值",
            "请把单元格格式改为“常规”，再重新填写数值",
        ),
        value_error("D14", "「资金下达日期」（B2_日期）：「7」不是日期", DATE_FIX),
    ]


# ---------------------------------------------------------------- separators and the numeric range


@pytest.mark.parametrize(
    ("field", "typed", "message", "fix"),
    [
        (
            "C1_项目数",
            "0,5",
            "「0,5」不是数值：小数点请用“.”，千位分隔符只能每三位一个",
            "小数点请用“.”，如 0.5；千位分隔符只能每三位一个，如 1,000，也可不写",
        ),
        (
            "A1_完成率",
            "95，5",
            "「95,5」不是数值：小数点请用“.”，千位分隔符只能每三位一个",
            "小数点请用“.”，如 95.5；千位分隔符只能每三位一个，如 1,000，也可不写",
        ),
        (
            "A1_完成率",
            "9、5",
            "「9、5」不是数值：小数点请用“.”，千位分隔符只能每三位一个",
            "小数点请用“.”，如 9.5；千位分隔符只能每三位一个，如 1,000，也可不写",
        ),
        (
            "C1_项目数",
            "1,0000",
            "「1,0000」不是数值：逗号、顿号只能作千位分隔符（如 12,345）",
            "小数点请用“.”，如 1.0000；千位分隔符只能每三位一个，如 1,000，也可不写",
        ),
        ("C1_项目数", "1_0", "「1_0」不是数值", ""),
    ],
)
def test_a_comma_is_a_thousands_separator_only_in_well_formed_groups(
    make: Callable[..., Path], scheme: Scheme, field: str, typed: str, message: str, fix: str
) -> None:
    data = read(make("新华街道.xlsx", **{field: typed}), scheme)
    label = scheme.fields[field].label
    fix = fix or parse_value(scheme.fields[field], "x").fix  # the field's range hint
    assert only(data) == value_error(CELL.get(field, "D17"), f"「{label}」（{field}）：{message}", fix)


@pytest.mark.parametrize(
    ("typed", "value"), [("1,000", "1000"), ("12,345", "12345"), ("1,234,567.5", "1234567.5")]
)
def test_well_formed_thousands_are_numbers(scheme: Scheme, typed: str, value: str) -> None:
    field = replace(scheme.fields["C1_项目数"], type="数值", maximum=None)
    assert parse_value(field, typed).value == Decimal(value)


def test_a_huge_number_is_an_error_at_its_cell_and_the_rest_is_read(
    make: Callable[..., Path], scheme: Scheme
) -> None:
    data = read(make("新华街道.xlsx", A1_完成率=1e308, C1_项目数=0.1234567), scheme)
    assert data.readable and data.values["A2_核实率"] == Decimal(96)
    hint = parse_value(scheme.fields["A1_完成率"], "x").fix
    assert data.problems == [
        value_error(
            "D6",
            "「药具发放完成率」（A1_完成率）：「1e+308」超出可接受的数值范围（绝对值小于 1 万亿（10^12），最多 6 位小数）",
            hint,
        ),
        value_error(
            "D17",
            "「创新项目数」（C1_项目数）：「0.1234567」超出可接受的数值范围（绝对值小于 1 万亿（10^12），最多 6 位小数）",
            parse_value(scheme.fields["C1_项目数"], "x").fix,
        ),
    ]


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        (
            "| 主要指标满分 | 17 |",
            "| 主要指标满分 | 1e30 |",
            ("设置", "B5"),
            "主要指标满分「1e30」超出可接受的数值范围（绝对值小于 1 万亿（10^12），最多 6 位小数）",
        ),
        (
            "标准=98；",
            "标准=1e999999；",
            ("规则", "D4"),
            "参数「标准=1e999999」超出可接受的数值范围（绝对值小于 1 万亿（10^12），最多 6 位小数）",
        ),
        (
            "| 0 | 100 | | | |\n| A2_",
            "| 0 | 1e999999 | | | |\n| A2_",
            ("字段", "G2"),
            "最大值「1e999999」超出可接受的数值范围（绝对值小于 1 万亿（10^12），最多 6 位小数）",
        ),
        (
            "| 0 | 100 | | | |\n| A2_",
            "| 0 | 95,5 | | | |\n| A2_",
            ("字段", "G2"),
            "最大值「95,5」不是数值：小数点请用“.”，千位分隔符只能每三位一个",
        ),
        (
            "| A1 | 分档 | A1_完成率 |",
            "| A1 | 分档 | " + "-" * 5000 + "A1_完成率 |",
            ("规则", "C2"),
            "算式「" + "-" * 39 + "…」过长（5006 个字符，最多 500 个）",
        ),
        (
            "| A1 | 分档 | A1_完成率 |",
            "| A1 | 分档 | " + "-" * 400 + "A1_完成率 |",
            ("规则", "C2"),
            "算式「" + "-" * 39 + "…」嵌套过深（超过 30 层）",
        ),
    ],
)
def test_extreme_numbers_in_a_scheme_are_located_errors(
    check_md: Callable[[str], tuple[Scheme | None, list[Problem]]],
    old: str,
    new: str,
    where: tuple[str, str],
    message: str,
) -> None:
    assert old in SCHEME
    loaded, problems = check_md(SCHEME.replace(old, new, 1))
    assert loaded is None
    errors = [p for p in problems if p.is_error]
    assert [(p.sheet, p.cell) for p in errors][:1] == [where], [p.text() for p in errors]
    assert message in errors[0].message


RATIO = """
## 设置
| 项目 | 内容 |
|---|---|
| 标题 | 托位考评 |
| 年度 | 2023 |
| 版本 | 1 |
| 主要指标满分 | 6 |

## 指标
| 编号 | 一级指标 | 二级指标 | 分值 |
|---|---|---|---|
| X | 托育 | | 6 |
| X1 | | 千人口托位数 | 6 |

## 字段
| 字段编号 | 指标编号 | 填报项目 | 类型 | 单位 | 最小值 | 最大值 | 必填 |
|---|---|---|---|---|---|---|---|
| 托位数 | X1 | 托位总数 | 整数 | 个 | 0 | | |
| 总人口 | X1 | 总人口数 | 整数 | 人 | 0 | | |
| 备用人口 | X1 | 备用人口数 | 整数 | 人 | 0 | | 否 |

## 规则
| 指标编号 | 规则类型 | 字段 | 参数 |
|---|---|---|---|
| X1 | 分档 | 托位数/(总人口+备用人口)*1000 | ≥3.5:6；其他:0 |
"""


@pytest.mark.parametrize("workers", [None, 1])  # read in this process, and in a worker
def test_a_division_by_zero_is_named_at_the_divisor(
    load_md: Callable[[str], Scheme], tmp_path: Path, workers: int | None
) -> None:
    scheme = load_md(RATIO)
    template = build_template(scheme, None, tmp_path / "空白.xlsx", generated="2024-01-15 09:00:00")
    folder = tmp_path / "returns"
    values = {"托位数": 1800, "总人口": 0, "备用人口": 0}
    fill_template(template, values, folder / "新华街道.xlsx", unit="新华街道")
    if workers is None:
        batch = score_batch(scheme, [read(folder / "新华街道.xlsx", scheme)])
    else:
        data, notes = read_folder(folder, scheme, workers=workers)
        batch = score_batch(scheme, data, None, notes)
    assert next(p for p in batch.problems if p.is_error) == Problem(
        "新华街道.xlsx",
        "填报",
        "D7",  # 总人口, the divisor's first field
        ERROR,
        "「千人口托位数」（X1）无法计分：算式「托位数/(总人口+备用人口)*1000」的除数「总人口 + 备用人口」为 0："
        "总人口数 = 0、备用人口数 = 0",
        "请核对这些填报值（除数不能为 0）；确为 0 时，请与考评表制定部门确认本项如何计分",
    )
    assert batch.units[0].item("X1").score is None and batch.units[0].rank is None


def test_an_optional_field_left_blank_that_a_calculation_needs_is_named(
    load_md: Callable[[str], Scheme], tmp_path: Path
) -> None:
    scheme = load_md(RATIO)
    template = build_template(scheme, None, tmp_path / "空白.xlsx", generated="2024-01-15 09:00:00")
    path = fill_template(
        template, {"托位数": 1800, "总人口": 5000}, tmp_path / "新华街道.xlsx", unit="新华街道"
    )
    batch = score_batch(scheme, [read(path, scheme)])
    assert next((p.cell, p.message, p.fix) for p in batch.problems if p.is_error) == (
        "D8",
        "「千人口托位数」（X1）无法计分：缺少或无效的填报值（备用人口）：备用人口数（未填）",
        "请补填备用人口数后重新计分",
    )


# ---------------------------------------------------------------- hostile files


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + "]>\n"
)
EXTERNAL = '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
HIDDEN = '<?xml version="1.0"?>\n<!-- <worksheet> -->' + " " * 9000 + '<!DOCTYPE x [<!ENTITY e "e">]>\n'


@pytest.mark.parametrize("prolog", [BILLION_LAUGHS, EXTERNAL, HIDDEN], ids=["bomb", "external", "hidden"])
@pytest.mark.parametrize(
    "part", ["entry", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"]
)
def test_xml_with_a_dtd_is_refused_before_any_parser(
    good: Path, tmp_path: Path, scheme: Scheme, prolog: str, part: str
) -> None:
    part = entry_part(good) if part == "entry" else part
    path = edit_part(good, tmp_path / "新华街道.xlsx", part, lambda text: with_prolog(text, prolog))
    data = read(path, scheme)
    assert not data.readable
    assert only(data) == Problem(
        "新华街道.xlsx",
        "",
        "",
        ERROR,
        "文件中含有不安全的 XML 声明（DTD/实体），已拒绝读取，本文件未计分",
        "请用 Excel 或 WPS 打开后另存为 .xlsx 再发回",
    )


def test_openpyxl_reads_xml_through_defusedxml(
    good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert openpyxl.DEFUSEDXML is True
    require_defused_openpyxl()
    path = edit_part(
        good,
        tmp_path / "bomb.xlsx",
        entry_part(good),
        lambda text: with_prolog(text, BILLION_LAUGHS).replace("新华街道", "&lol9;", 1),
    )
    with pytest.raises(Exception, match="invalid XML") as raised:
        openpyxl.load_workbook(path)
    cause = raised.value.__cause__ or raised.value.__context__
    assert type(cause).__module__.startswith("defusedxml")  # EntitiesForbidden: nothing was expanded
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    with pytest.raises(FamscoreError, match="defusedxml"):
        require_defused_openpyxl()


def test_a_zip_bomb_is_refused_before_parsing(good: Path, tmp_path: Path, scheme: Scheme) -> None:
    bomb = b"<x>" + b" " * 12_000_000 + b"</x>"  # 12 MB that deflates to a few KB
    path = rezip(
        good, tmp_path / "新华街道.xlsx", lambda _name, data: data, extra={"docProps/custom.xml": bomb}
    )
    assert path.stat().st_size < 200_000
    started = time.monotonic()
    data = read(path, scheme)
    assert time.monotonic() - started < 2
    problem = only(data)
    assert problem.message == "文件解压后异常巨大（疑似“压缩炸弹”），已拒绝读取，本文件未计分"
    assert (problem.sheet, problem.cell, problem.severity) == ("", "", ERROR)


def test_a_member_declaring_an_absurd_size_is_refused(good: Path, tmp_path: Path, scheme: Scheme) -> None:
    raw = bytearray(good.read_bytes())
    # central directory entries: signature PK\1\2, uncompressed size at offset 24
    for found in re.finditer(rb"PK\x01\x02", raw):
        raw[found.start() + 24 : found.start() + 28] = struct.pack("<I", 3_000_000_000)
        break
    path = tmp_path / "新华街道.xlsx"
    path.write_bytes(bytes(raw))
    assert (
        only(read(path, scheme)).message == "文件解压后异常巨大（疑似“压缩炸弹”），已拒绝读取，本文件未计分"
    )


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        (
            lambda t: re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD1048576"/>', t),
            "A1:XFD1048576",
        ),
        (
            lambda t: t.replace(
                "</sheetData>", '<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>'
            ),
            "A1:XFD1048576",
        ),
        (
            lambda t: t.replace(
                "</sheetData>",
                '<row r="400000"><c t="n"><v>1</v></c><c t="n"><v>1</v></c><c t="n"><v>1</v></c></row></sheetData>',
            ),
            "A1:G400000",  # the rectangle spans the template's columns A to G
        ),
    ],
    ids=["declared", "far-cell", "cells-without-address"],
)
def test_a_tiny_sheet_with_a_huge_used_range_is_refused_before_calamine(
    good: Path, tmp_path: Path, scheme: Scheme, change: Callable[[str], str], shown: str
) -> None:
    path = edit_part(good, tmp_path / "新华街道.xlsx", entry_part(good), change)
    assert path.stat().st_size < 100_000
    data = read(path, scheme)
    assert not data.readable
    assert only(data) == Problem(
        "新华街道.xlsx",
        "填报",
        "",
        ERROR,
        f"这张工作表的使用范围异常巨大（{shown}），不像是填报表，已拒绝读取，本文件未计分",
        "请删除表格中多余的行和列（或多余的内容）后另存，或让该单位重新发送原填报表",
    )


def test_styled_empty_cells_far_away_are_not_a_huge_range(good: Path, tmp_path: Path, scheme: Scheme) -> None:
    # Excel keeps a formatted empty cell; calamine allocates nothing for it, so the return is read.
    far = '<row r="1048576" ht="20" customHeight="1"><c r="XFD1048576" s="1"/></row></sheetData>'
    path = edit_part(
        good, tmp_path / "新华街道.xlsx", entry_part(good), lambda t: t.replace("</sheetData>", far)
    )
    data = read(path, scheme)
    assert data.problems == [] and data.values == GOOD_VALUES


FAR_CELL = '<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>'
# 26 columns × 200,000 rows: 5.2 million cells, over the limit but small enough for calamine to parse.
MIDDLING = '<row r="200000"><c r="Z200000" t="n"><v>1</v></c></row></sheetData>'


@pytest.mark.parametrize(
    ("tail", "shown"), [(FAR_CELL, "A1:XFD1048576"), (MIDDLING, "A1:Z200000")], ids=["abort", "parsed"]
)
@pytest.mark.parametrize("workers", [1, 2])
def test_workers_skip_the_range_scan_and_still_refuse_a_huge_range_exactly(
    template: Path, tmp_path: Path, scheme: Scheme, tail: str, shown: str, workers: int
) -> None:
    # In a worker the whole-sheet scan is skipped: a far cell makes calamine abort, and the file is read
    # once more with the scan; a range calamine can parse is refused from the range it reports. Either
    # way the message is the one read_return gives in process, and the files queued behind it are read.
    folder = tmp_path / "returns"
    folder.mkdir()
    for unit in GOOD_UNITS:
        fill_template(template, GOOD, folder / f"{unit}.xlsx", unit=unit)
    bad = fill_template(template, GOOD, tmp_path / "范围街道.xlsx", unit="范围街道")
    edit_part(bad, folder / "范围街道.xlsx", entry_part(bad), lambda t: t.replace("</sheetData>", tail))
    expected = Problem(
        "范围街道.xlsx",
        "填报",
        "",
        ERROR,
        f"这张工作表的使用范围异常巨大（{shown}），不像是填报表，已拒绝读取，本文件未计分",
        "请删除表格中多余的行和列（或多余的内容）后另存，或让该单位重新发送原填报表",
    )
    assert read(folder / "范围街道.xlsx", scheme).problems == [expected]
    results, notes = read_folder(folder, scheme, workers=workers)
    data = [r.data for r in results]
    assert notes == []
    by_file = {d.file: d for d in data}
    assert by_file["范围街道.xlsx"].problems == [expected]
    assert not by_file["范围街道.xlsx"].readable
    for unit in GOOD_UNITS:
        assert by_file[f"{unit}.xlsx"].problems == [] and by_file[f"{unit}.xlsx"].values == GOOD_VALUES


def test_far_cells_on_a_sheet_famscore_does_not_read_do_not_stop_the_return(
    good: Path, tmp_path: Path, scheme: Scheme
) -> None:
    # The 说明 sheet is never parsed, so calamine never allocates its range: nothing to refuse.
    with zipfile.ZipFile(good) as archive:
        notes = next(part for part, name in sheet_members(archive).items() if name == "说明")
    path = edit_part(good, tmp_path / "新华街道.xlsx", notes, lambda t: t.replace("</sheetData>", FAR_CELL))
    assert read(path, scheme).problems == []
    results, _ = read_folder(path.parent, scheme, workers=1)
    data = [r.data for r in results]
    assert data[0].problems == [] and data[0].values == GOOD_VALUES


@pytest.mark.parametrize(("ref", "refused"), [("A1:J100000", False), ("A1:J100001", True), ("B2:B2", False)])
def test_the_range_limit_is_a_million_cells(
    good: Path, tmp_path: Path, scheme: Scheme, ref: str, refused: bool
) -> None:
    assert MAX_SHEET_CELLS == 1_000_000
    path = edit_part(
        good,
        tmp_path / "新华街道.xlsx",
        entry_part(good),
        lambda t: re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', t),
    )
    assert read(path, scheme).readable is not refused


@pytest.mark.parametrize(
    ("ref", "sheet", "refused"),
    [
        ("A1:AH40005", "评分表", False),  # a department's grid for 40,000 units
        ("A1:CV40000", "评分表", False),  # the same with --returns columns: 4,000,000 cells
        ("A1:CV40001", "评分表", True),
        ("A1:AH40005", "说明", True),  # any other sheet: its declared range is over the million
    ],
)
@pytest.mark.parametrize("contained", [False, True])
def test_a_department_grid_may_hold_a_row_for_every_unit_of_a_nation(
    tmp_path: Path, ref: str, sheet: str, refused: bool, contained: bool
) -> None:
    # A 评分表 has a row per unit, so its sheet gets MAX_GRID_CELLS; every other sheet keeps the million.
    from famscore.reviews import read_review

    assert MAX_GRID_CELLS == 4_000_000 and cell_limit(" 评分表 ") == MAX_GRID_CELLS
    assert cell_limit("填报") == cell_limit("Sheet1") == MAX_SHEET_CELLS
    example = Path(__file__).resolve().parent.parent / "examples" / "changning-2023"
    scheme = load_scheme(example / "考评表.xlsx")
    grid = example / "returns" / "评分表_公共卫生科.xlsx"
    with zipfile.ZipFile(grid) as archive:
        part = next(p for p, name in sheet_members(archive).items() if name == sheet)
    path = edit_part(
        grid,
        tmp_path / grid.name,
        part,
        lambda t: re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', t),
    )
    data = read_review(path, scheme, path.name, contained=contained)
    assert (data.units == {}) is refused, [p.text() for p in data.problems]
    assert any(ref in p.message for p in data.problems) is refused
    if refused and sheet == "评分表":  # said as a 评分表, not as a return that is "not like a return"
        [problem] = data.problems
        assert problem.code == "REVIEW_GRID_TOO_LARGE" and "超过 400 万格" in problem.message, problem.text()


# ---------------------------------------------------------------- worker processes


def crash_on_bad(path: Path, scheme: Scheme, name: str, contained: bool = False) -> ReturnData:
    if "崩溃" in name:
        os._exit(3)  # what a reader dying in native code looks like from Python
    return read_return(path, scheme, name, contained=contained)


def hang_on_bad(path: Path, scheme: Scheme, name: str, contained: bool = False) -> ReturnData:
    if "卡住" in name:
        time.sleep(60)
    return read_return(path, scheme, name, contained=contained)


def grab_memory_on_bad(path: Path, scheme: Scheme, name: str, contained: bool = False) -> ReturnData:
    if "吃内存" in name:
        from famscore.batch.pool import MEMORY_LIMIT

        hog = bytearray(MEMORY_LIMIT + 512 * 1024**2)  # MemoryError under the worker's RLIMIT_AS
        data = ReturnData(name, str(path))
        data.problem("", "", f"no memory limit: got {len(hog)} bytes")
        return data
    return read_return(path, scheme, name, contained=contained)


def calamine_straight(path: Path, scheme: Scheme, name: str, contained: bool = False) -> ReturnData:
    """No pre-parse checks: a far cell makes calamine ask for 550 GB and abort the process."""
    book = calamine.CalamineWorkbook.from_path(str(path))
    book.get_sheet_by_name("填报").to_python()
    return read_return(path, scheme, name, contained=contained)


@pytest.fixture
def three(good: Path, template: Path, tmp_path: Path) -> list[tuple[Path, str]]:
    jobs = []
    for unit, bad in zip(GOOD_UNITS, ("", "坏", ""), strict=True):
        name = f"{unit}{bad}.xlsx"
        jobs.append((fill_template(template, GOOD, tmp_path / name, unit=unit), name))
    return jobs


@pytest.mark.parametrize(
    ("reader", "tag", "code"),
    [
        (crash_on_bad, "崩溃", "RETURN_READER_CRASHED"),
        (hang_on_bad, "卡住", "RETURN_READ_TIMED_OUT"),
        pytest.param(
            grab_memory_on_bad,
            "吃内存",
            "RETURN_READER_CRASHED",
            marks=pytest.mark.skipif(
                not sys.platform.startswith("linux"), reason="RLIMIT_AS is set on Linux"
            ),
        ),
    ],
    ids=["crash", "timeout", "memory"],
)
@pytest.mark.parametrize("workers", [1, 2])
def test_a_reader_that_dies_hangs_or_bloats_costs_only_its_own_file(
    three: list[tuple[Path, str]],
    scheme: Scheme,
    reader: Callable[[Path, Scheme, str], ReturnData],
    tag: str,
    code: str,
    workers: int,
) -> None:
    jobs = [(path, name.replace("坏", tag)) for path, name in three]
    seen: list[tuple[int, int]] = []
    started = time.monotonic()
    results = read_in_workers(
        jobs, scheme, workers, lambda d, t: seen.append((d, t)), timeout=1, reader=reader
    )
    assert time.monotonic() - started < 10
    assert [r.file for r in results] == [name for _, name in jobs]  # job order, whatever happened
    assert seen[-1] == (3, 3)
    bad = results[1]
    assert not bad.readable
    assert [(p.file, p.sheet, p.row, p.column, p.severity, p.code) for p in bad.problems] == [
        (f"江苏街道{tag}.xlsx", "", None, None, ERROR, code)
    ]
    assert bad.problems[0].fix == "请用 Excel 或 WPS 打开后另存为 .xlsx 再发回"
    if code == "RETURN_READ_TIMED_OUT":  # the limit as it was set, not the default
        assert bad.problems[0].message == "读取该文件超过 1 秒仍未完成，已停止，本文件未计分"
    for data in (results[0], results[2]):
        assert data.problems == [] and data.values == GOOD_VALUES


def crash_when_contained(path: Path, scheme: Scheme, name: str, contained: bool = False) -> ReturnData:
    """Dies on '坏' files when read contained; says in its meta how each file was read."""
    if "坏" in name and contained:
        os._exit(3)
    data = read_return(path, scheme, name, contained=contained)
    data.meta["读法"] = "contained" if contained else "careful"
    return data


@pytest.mark.parametrize("workers", [1, 2])
def test_a_file_whose_worker_dies_is_read_once_more_with_every_check(
    three: list[tuple[Path, str]], scheme: Scheme, workers: int
) -> None:
    results = read_in_workers(three, scheme, workers, reader=crash_when_contained, timeout=20)
    assert [d.problems for d in results] == [[], [], []]
    assert [d.meta["读法"] for d in results] == ["contained", "careful", "contained"]
    assert all(d.values == GOOD_VALUES for d in results)


def test_a_real_calamine_abort_is_contained(good: Path, tmp_path: Path, scheme: Scheme) -> None:
    far = '<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>'
    bomb = edit_part(good, tmp_path / "bomb.xlsx", entry_part(good), lambda t: t.replace("</sheetData>", far))
    jobs = [(good, "新华街道.xlsx"), (bomb, "bomb.xlsx")]
    results = read_in_workers(jobs, scheme, 1, timeout=20, reader=calamine_straight)
    assert results[0].problems == [] and results[0].values == GOOD_VALUES
    assert [p.code for p in results[1].problems] == ["RETURN_READER_CRASHED"]


# ---------------------------------------------------------------- the whole batch


def test_good_returns_score_the_same_alone_and_among_every_kind_of_bad_file(
    template: Path, good: Path, xls: dict[str, Path], tmp_path: Path, scheme: Scheme
) -> None:
    alone = tmp_path / "alone"
    alone.mkdir()
    for n, unit in enumerate(GOOD_UNITS):
        values = {**GOOD, "A1_完成率": 96 - 3 * n, "C1_项目数": n}
        fill_template(template, values, alone / f"测试考评_2023_{unit}.xlsx", unit=unit)
    mixed = tmp_path / "mixed"
    shutil.copytree(alone, mixed)
    spare = tmp_path / "spare"
    spare.mkdir()

    def variant(unit: str, **changes: object) -> Path:
        return fill_template(template, {**GOOD, **changes}, spare / f"{unit}.xlsx", unit=unit)

    def dimension(text: str) -> str:
        return re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD1048576"/>', text)

    entry = entry_part(good)
    (mixed / "空文件.xlsx").write_bytes(b"")
    (mixed / "截断.xlsx").write_bytes(good.read_bytes()[:3000])
    (mixed / "改名的PDF.xlsx").write_bytes(b"%PDF-1.7\n")
    (mixed / "网页.xls").write_bytes(b"<html><table><tr><td>1</td></tr></table></html>")
    (mixed / "盖章页.pdf").write_bytes(b"%PDF-1.7\n")
    (mixed / "加密.xlsx").write_bytes(
        ole_file({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"x"})
    )
    (mixed / "~$测试考评_2023_新华街道.xlsx").write_bytes(b"\x0bwang".ljust(165, b" "))
    shutil.copy(xls["other"], mixed / "旧版街道.xlsx")  # .xls content under an .xlsx name: read fine
    shutil.copy(variant("无扩展名街道"), mixed / "无扩展名街道")
    shutil.copy(with_formula(variant("公式街道"), "D6", "=1/0"), mixed / "公式.xlsx")
    replace_cell(variant("错误街道"), mixed / "错误值.xlsx", "D8", '<c r="D8" t="e"><v>#DIV/0!</v></c>')
    (mixed / "子文件夹").mkdir()
    edit_part(variant("范围街道"), mixed / "子文件夹" / "范围.xlsx", entry, dimension)
    edit_part(
        variant("实体街道"),
        mixed / "实体.xlsx",
        "xl/workbook.xml",
        lambda t: with_prolog(t, BILLION_LAUGHS),
    )
    bomb = b"<x>" + b" " * 12_000_000 + b"</x>"
    rezip(variant("炸弹街道"), mixed / "炸弹.xlsx", lambda _n, d: d, extra={"docProps/custom.xml": bomb})
    shutil.copy(variant("小数街道", A1_完成率=0.96), mixed / "小数.xlsx")
    shutil.copy(
        variant("乱填街道", A1_完成率="９６％", B1_协议="√", B2_日期="2023/8/15"), mixed / "乱填.xlsx"
    )
    for unit, name in (("改名街道", "改了表名.xlsx"), ("合并街道", "合并.xlsx")):
        book = openpyxl.load_workbook(variant(unit))
        if unit == "改名街道":
            book["填报"].title = "Sheet1"
        else:
            book["填报"].merge_cells("D11:D12")
        book.save(mixed / name)
    (mixed / "崩溃.xlsx").write_bytes(b"PK\x03\x04" + bytes(100))

    def batch(folder: Path) -> BatchResult:
        data, notes = read_folder(folder, scheme, workers=2)
        return score_batch(scheme, data, list(GOOD_UNITS), notes)

    clean, messy = batch(alone), batch(mixed)
    assert clean.problems == [] and len(clean.units) == 3
    expected, got = scores(clean), scores(messy)
    assert {unit: got[unit] for unit in GOOD_UNITS} == expected
    good_names = {f"测试考评_2023_{unit}.xlsx" for unit in GOOD_UNITS}
    files = {p.relative_to(mixed).as_posix() for p in mixed.rglob("*") if p.is_file()}
    reported = {p.file for p in messy.problems}
    assert not reported & good_names, [p.text() for p in messy.problems if p.file in good_names]
    assert reported == files - good_names  # every other file is accounted for, by name
    assert messy.files == len(files) - 1  # all but the lock file were read
    readable_units = {
        "旧版街道",
        "无扩展名街道",
        "公式街道",
        "错误街道",
        "小数街道",
        "乱填街道",
        "改名街道",
        "合并街道",
    }
    assert {u.unit for u in messy.units} == set(GOOD_UNITS) | readable_units


# ---------------------------------------------------------------- nothing under the folder skipped silently


def test_everything_the_listing_leaves_out_is_reported(
    good: Path, tmp_path: Path, scheme: Scheme, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "returns"
    (folder / "锁住").mkdir(parents=True)
    shutil.copy(good, folder / "新华街道.xlsx")
    shutil.copy(good, folder / "锁住" / "江苏路街道.xlsx")
    shutil.copy(good, folder / ".新华街道.xlsx")
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    with zipfile.ZipFile(folder / "回表.zip", "w") as archive:
        archive.write(good, "新华街道.xlsx")
    shutil.copy(folder / "回表.zip", folder / "打包.xlsx")  # an archive whatever its name says
    (folder / "回表.rar").write_bytes(b"Rar!\x1a\x07\x00" + bytes(50))
    (folder / "回表.7z").write_bytes(b"7z\xbc\xaf\x27\x1c" + bytes(50))
    (folder / "断链.xlsx").symlink_to(tmp_path / "不存在.xlsx")
    (folder / "环甲.xlsx").symlink_to(folder / "环乙.xlsx")
    (folder / "环乙.xlsx").symlink_to(folder / "环甲.xlsx")
    (folder / "上级").symlink_to(folder, target_is_directory=True)
    outside = shutil.copy(good, tmp_path / "别处.xlsx")
    (folder / "链接到别处.xlsx").symlink_to(outside)  # a link to a file is read, wherever it leads
    (folder / "快捷方式.lnk").write_bytes(b"L\x00\x00\x00" + bytes(72))
    for name in ("Thumbs.db", "desktop.ini", ".DS_Store", "ehthumbs.db", "._新华街道.xlsx"):
        (folder / name).write_bytes(b"\x00" * 64)
    for name in ("~WRL0001.tmp", "A1B2C3D4"):
        shutil.copy(good, folder / name)  # Excel's half-saved copy of a workbook
    shutil.copy(good, folder / "20231231")  # eight digits: a date, not one of Excel's names
    real_scandir = os.scandir

    def scandir(path: str) -> object:  # tests run as root, where chmod 000 does not stop reading
        if Path(path).name == "锁住":
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    results, notes = read_folder(folder, scheme, workers=1)
    data = [r.data for r in results]
    monkeypatch.undo()
    assert [d.file for d in data] == ["20231231", "打包.xlsx", "新华街道.xlsx", "链接到别处.xlsx"]
    assert data[0].values == GOOD_VALUES and data[3].values == GOOD_VALUES and data[3].problems == []
    archive = Problem("打包.xlsx", "", "", ERROR, "这是压缩包，其中的文件没有读取", "解压后再放入回表文件夹")
    assert data[1].problems == [archive] and not data[1].readable
    relink = "请把链接指向的回表文件本身复制到这里，替换这个链接"
    system = "这是 Windows/macOS 自动生成的系统文件，已跳过"
    temp = "这是 Excel/WPS 保存时留下的临时文件，已跳过"
    temp_fix = "如果这其实是某个单位的回表，请改成正常的文件名（如 单位名称.xlsx）"
    hidden_fix = "如果是回表，请取消隐藏（去掉文件名开头的「.」）后重新运行；如果不是，请把它移出回表文件夹"
    folder_fix = (
        "如果其中有回表，请取消隐藏（去掉文件夹名开头的「.」）后重新运行；如果没有，请把它移出回表文件夹"
    )
    assert notes == [
        Problem(".DS_Store", "", "", WARNING, system),
        Problem("._新华街道.xlsx", "", "", WARNING, system),
        Problem(".git", "", "", ERROR, "这是隐藏文件夹，其中的文件都没有读取", folder_fix),
        Problem(".新华街道.xlsx", "", "", ERROR, "这是隐藏文件，没有读取", hidden_fix),
        Problem("A1B2C3D4", "", "", WARNING, temp, temp_fix),
        Problem("Thumbs.db", "", "", WARNING, system),
        Problem("desktop.ini", "", "", WARNING, system),
        Problem("ehthumbs.db", "", "", WARNING, system),
        Problem("~WRL0001.tmp", "", "", WARNING, temp, temp_fix),
        Problem(
            "上级",
            "",
            "",
            ERROR,
            "这个文件夹链接指回它的上级文件夹，形成循环，没有读取",
            "请删除这个链接",
        ),
        Problem("回表.7z", "", "", ERROR, "这是压缩包，其中的文件没有读取", "解压后再放入回表文件夹"),
        Problem("回表.rar", "", "", ERROR, "这是压缩包，其中的文件没有读取", "解压后再放入回表文件夹"),
        Problem("回表.zip", "", "", ERROR, "这是压缩包，其中的文件没有读取", "解压后再放入回表文件夹"),
        Problem(
            "快捷方式.lnk",
            "",
            "",
            ERROR,
            "这是 Windows 快捷方式，famscore 不会打开它指向的文件",
            "请把快捷方式指向的回表文件本身复制到这里",
        ),
        Problem("断链.xlsx", "", "", ERROR, "这是一个链接，但它指向的文件或文件夹不存在，没有读取", relink),
        Problem("环乙.xlsx", "", "", ERROR, "这是一个循环链接（最终指回它自己），无法读取", relink),
        Problem("环甲.xlsx", "", "", ERROR, "这是一个循环链接（最终指回它自己），无法读取", relink),
        Problem(
            "锁住",
            "",
            "",
            ERROR,
            "无法打开这个文件夹（没有访问权限），其中的回表都没有读取",
            "请检查文件夹的访问权限，或把其中的文件复制到可以打开的文件夹后重新运行",
        ),
    ]
    assert data[1].problems[0].code == "ARCHIVE_NOT_READ"
    assert [(p.file, p.row, p.column, p.level, p.code) for p in notes] == [
        (".DS_Store", None, None, "warning", "FOLDER_SYSTEM_FILE"),
        ("._新华街道.xlsx", None, None, "warning", "FOLDER_SYSTEM_FILE"),
        (".git", None, None, "error", "FOLDER_HIDDEN_FOLDER"),
        (".新华街道.xlsx", None, None, "error", "FOLDER_HIDDEN_FILE"),
        ("A1B2C3D4", None, None, "warning", "FOLDER_OFFICE_TEMP_FILE"),
        ("Thumbs.db", None, None, "warning", "FOLDER_SYSTEM_FILE"),
        ("desktop.ini", None, None, "warning", "FOLDER_SYSTEM_FILE"),
        ("ehthumbs.db", None, None, "warning", "FOLDER_SYSTEM_FILE"),
        ("~WRL0001.tmp", None, None, "warning", "FOLDER_OFFICE_TEMP_FILE"),
        ("上级", None, None, "error", "FOLDER_LINK_TO_ANCESTOR"),
        ("回表.7z", None, None, "error", "ARCHIVE_NOT_READ"),
        ("回表.rar", None, None, "error", "ARCHIVE_NOT_READ"),
        ("回表.zip", None, None, "error", "ARCHIVE_NOT_READ"),
        ("快捷方式.lnk", None, None, "error", "FOLDER_SHORTCUT"),
        ("断链.xlsx", None, None, "error", "FOLDER_LINK_BROKEN"),
        ("环乙.xlsx", None, None, "error", "FOLDER_LINK_LOOP"),
        ("环甲.xlsx", None, None, "error", "FOLDER_LINK_LOOP"),
        ("锁住", None, None, "error", "FOLDER_UNREADABLE"),
    ]


def test_a_linked_folder_is_read_once(good: Path, tmp_path: Path, scheme: Scheme) -> None:
    elsewhere = tmp_path / "别处"
    elsewhere.mkdir()
    shutil.copy(good, elsewhere / "新华街道.xlsx")
    folder = tmp_path / "returns"
    folder.mkdir()
    (folder / "甲").symlink_to(elsewhere, target_is_directory=True)
    (folder / "乙").symlink_to(elsewhere, target_is_directory=True)
    results, notes = read_folder(folder, scheme, workers=1)
    data = [r.data for r in results]
    assert [d.file for d in data] == ["甲/新华街道.xlsx"] and data[0].values == GOOD_VALUES
    assert notes == [Problem("乙", "", "", WARNING, "这个文件夹链接指向已经读过的文件夹，没有重复读取")]
