"""The roster reader: the unit column found by its header, and a column of numbers refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from famscore.errors import UsageError
from famscore.units import read_units_file

NUMBERED = [
    ["序号", "单位名称", "联系人"],
    [1, "新华街道", "张三"],
    [2, "江苏路街道", "李四"],
    [3, "新泾镇", None],
]


def _book(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_xlsx_roster_with_a_number_column_reads_the_column_headed_unit_name(tmp_path: Path) -> None:
    path = _book(tmp_path / "名单.xlsx", NUMBERED)
    assert read_units_file(path) == ["新华街道", "江苏路街道", "新泾镇"]


def test_xlsx_roster_under_a_title_row_finds_the_header_below_it(tmp_path: Path) -> None:
    path = _book(tmp_path / "名单.xlsx", [["长宁区考核单位名单"], [None], *NUMBERED])
    assert read_units_file(path) == ["新华街道", "江苏路街道", "新泾镇"]


def test_csv_roster_with_a_number_column_reads_the_column_headed_unit_name(tmp_path: Path) -> None:
    path = tmp_path / "名单.csv"
    path.write_text("序号,单位名称,联系人\n1,新华街道,张三\n2,江苏路街道,\n", encoding="utf-8")
    assert read_units_file(path) == ["新华街道", "江苏路街道"]


@pytest.mark.parametrize("header", ["单位", " 单位 名称 ", "名称", "街道", "街镇"])
def test_any_unit_header_is_recognised_loosely(tmp_path: Path, header: str) -> None:
    path = tmp_path / "名单.csv"
    path.write_text(f"序号,{header}\n１,新华街道\n２,新泾镇\n", encoding="gbk")
    assert read_units_file(path) == ["新华街道", "新泾镇"]


def test_xlsx_roster_of_numbers_is_refused_at_the_first_number(tmp_path: Path) -> None:
    # No unit header: the first column is taken, and it holds the 序号.
    path = _book(tmp_path / "名单.xlsx", [["序号", "街道名"], [1, "新华街道"], [2, "新泾镇"]])
    with pytest.raises(UsageError) as caught:
        read_units_file(path)
    error = caught.value
    assert (error.code, error.fields["line"], error.fields["name"], error.path) == (
        "UNITS_NAME_IS_A_NUMBER",
        2,
        "1",
        str(path),
    )
    assert "单位名单 名单.xlsx 第 2 行" in error.message and "表头「单位名称」" in error.message


def test_text_roster_of_numbers_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "units.txt"
    path.write_text("新华街道\n01\n", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        read_units_file(path)
    assert (caught.value.code, caught.value.fields["line"]) == ("UNITS_NAME_IS_A_NUMBER", 2)


def test_plain_one_column_txt_keeps_every_line(tmp_path: Path) -> None:
    path = tmp_path / "units.txt"
    path.write_text("新华街道\n\n江苏路街道\n单位\n", encoding="utf-8")
    # A header word below the first name is a name, as before: only a leading header is skipped.
    assert read_units_file(path) == ["新华街道", "江苏路街道", "单位"]
    path.write_text("单位名称\n新华街道\n江苏路街道\n", encoding="utf-8")
    assert read_units_file(path) == ["新华街道", "江苏路街道"]


def test_roster_errors_carry_their_code(tmp_path: Path) -> None:
    path = tmp_path / "units.txt"
    path.write_text("新华街道\n新华街道\n", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        read_units_file(path)
    assert (caught.value.code, caught.value.fields["line"], caught.value.fields["first_line"]) == (
        "UNITS_DUPLICATE",
        2,
        1,
    )
