"""famscore new-scheme: a starter workbook a clerk can fill, with dropdowns, notes, a guide and a checked example."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

import famscore.cli as cli
from famscore.cli import app
from famscore.messages import Msg, Say
from famscore.proof import prove
from famscore.rules import primary_kinds
from famscore.scheme.format import (
    BANDS,
    CHOICES,
    COLUMNS,
    EXAMPLES,
    FIELD_TYPES,
    FIELDS,
    INDICATORS,
    RULES,
    SETTINGS,
)
from famscore.scheme.loader import check_scheme
from famscore.scheme.starter import EXAMPLE_SHEET, GUIDE_SHEET, HEADER_NOTES, KIND_GUIDE, write_starter
from famscore.scheme.writer import write_scheme

ENGLISH = re.compile(r"\b(Usage|Options?|Arguments?|Commands?|required|default|Error|Try|Invalid|Missing)\b")


@pytest.fixture(autouse=True)
def wide_consoles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "out", Console(width=400, force_terminal=False))
    monkeypatch.setattr(cli, "err", Console(width=400, stderr=True, force_terminal=False))


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def starter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_starter(tmp_path_factory.mktemp("starter") / "考评表.xlsx", primary_kinds())


@pytest.fixture(scope="module")
def book(starter: Path) -> Any:
    return openpyxl.load_workbook(starter)


# ---------------------------------------------------------------- the command


def test_new_scheme_writes_a_workbook_that_checks_as_no_items_yet(tmp_path: Path) -> None:
    target = tmp_path / "考评表.xlsx"
    code, output = run("new-scheme", "-o", target)
    assert code == 0, output
    assert "".join(Say.NEW_SCHEME_WRITTEN.render(path=target)) in output.replace("\n", "")
    assert [p.name for p in tmp_path.iterdir()] == ["考评表.xlsx"]  # no temporary file left
    scheme, problems = check_scheme(target)
    # Unfilled, it is not a usable scheme: one error, at the 指标 sheet, saying there are no items yet.
    assert scheme is None
    assert [(p.code, p.sheet) for p in problems] == [("SCHEME_NO_ITEMS", "指标")]
    code, output = run("check", target)
    assert code == 2
    assert "这份考评表还不能计分" in output


def test_new_scheme_never_overwrites_a_file(tmp_path: Path) -> None:
    target = tmp_path / "考评表.xlsx"
    target.write_bytes(b"the scheme a clerk has been filling in")
    code, output = run("new-scheme", "-o", target)
    assert code == 2
    assert "".join(Msg.CLI_NEW_SCHEME_EXISTS.render(path=target)) in output.replace("\n", "")
    assert target.read_bytes() == b"the scheme a clerk has been filling in"


@pytest.mark.parametrize("name", ["考评表", "考评表.xls", "考评表.txt"])
def test_new_scheme_writes_xlsx_only(tmp_path: Path, name: str) -> None:
    code, output = run("new-scheme", "-o", tmp_path / name)
    assert code == 2
    assert "要保存为 .xlsx 文件" in output
    assert list(tmp_path.iterdir()) == []


def test_new_scheme_into_a_missing_folder_is_refused_before_writing(tmp_path: Path) -> None:
    code, output = run("new-scheme", "-o", tmp_path / "没有这个文件夹" / "考评表.xlsx")
    assert code == 2
    assert "没有这个文件夹" in output
    assert list(tmp_path.iterdir()) == []


def test_new_scheme_help_is_chinese_at_80_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, output = run("new-scheme", "-h")
    assert code == 0
    assert not ENGLISH.search(output), output
    assert "用法：famscore new-scheme" in output and "示例：famscore new-scheme -o" in output
    assert max(cell_len(line) for line in output.splitlines()) <= 80
    code, output = run("-h")
    assert " new-scheme " in output


# ---------------------------------------------------------------- the workbook


def test_sheets_in_order_the_guide_first(book: Any) -> None:
    assert book.sheetnames == [
        GUIDE_SHEET,
        SETTINGS,
        BANDS,
        INDICATORS,
        FIELDS,
        CHOICES,
        RULES,
        EXAMPLES,
        EXAMPLE_SHEET,
    ]
    assert book.active.title == GUIDE_SHEET


def test_every_header_has_a_chinese_note(book: Any) -> None:
    for name, columns in COLUMNS.items():
        sheet = book[name]
        headers = [c.value for c in sheet[1]]
        assert headers == [h for h, _ in columns], name  # the optional 读法 and 填报方 too
        for cell in sheet[1]:
            assert cell.comment is not None, (name, cell.value)
            assert cell.comment.text.startswith(f"{cell.value}：")
            assert cell.comment.text == f"{cell.value}：{HEADER_NOTES[name][cell.value]}"


def dropdowns(sheet: Any) -> Iterator[tuple[str, str, bool]]:
    """(header of the column, list source, whether other values are refused) per list validation."""
    headers = {c.column_letter: c.value for c in sheet[1]}
    for check in sheet.data_validations.dataValidation:
        assert check.type == "list"
        first = str(check.sqref).split(":")[0]
        column = re.match(r"[A-Z]+", first)
        assert column is not None
        where = headers.get(column.group(0)) if first.endswith("2") and sheet.title != SETTINGS else first
        yield str(where), check.formula1, bool(check.showErrorMessage)


def quoted(words: list[str] | tuple[str, ...]) -> str:
    return '"' + ",".join(words) + '"'


def test_dropdowns_on_every_column_with_fixed_words(book: Any) -> None:
    assert set(dropdowns(book[INDICATORS])) == {("计分类别", '"主要,附加"', True)}
    fields = {where: (source, strict) for where, source, strict in dropdowns(book[FIELDS])}
    assert fields["类型"] == (quoted(FIELD_TYPES), True)
    assert fields["必填"] == ('"是,否"', True)
    assert fields["读法"] == ('"百分数,小数"', True)
    assert fields["填报方"] == ('"单位"', False)  # or a department's name, typed
    assert fields["指标编号"] == ("=指标!$A$2:$A$500", False)
    rules = {where: (source, strict) for where, source, strict in dropdowns(book[RULES])}
    assert rules["规则类型"] == (quoted(primary_kinds()), True)
    assert rules["指标编号"] == ("=指标!$A$2:$A$500", False)
    settings = {where: source for where, source, _ in dropdowns(book[SETTINGS])}
    rows = {c.value: c.row for c in book[SETTINGS]["A"]}
    assert settings == {
        f"B{rows['定级依据']}": '"主要指标得分,总分"',
        f"B{rows['排名依据']}": '"总分,主要指标得分"',
        f"B{rows['自评']}": '"是,否"',
    }


def test_the_guide_lists_every_rule_kind_of_the_registry(book: Any) -> None:
    assert set(KIND_GUIDE) == set(primary_kinds())  # a new kind needs its line in the guide
    guide = book[GUIDE_SHEET]
    rows = [[c.value for c in row] for row in guide.iter_rows()]
    listed = {row[0]: row[1:3] for row in rows if row[0] in KIND_GUIDE}
    assert list(listed) == primary_kinds()
    for kind, (what, params) in listed.items():
        assert (what, params) == KIND_GUIDE[kind]
    assert any(str(row[0]).startswith("7. 检查") for row in rows if row[0])


def example_blocks(sheet: Any) -> dict[str, list[dict[str, object]]]:
    """The 示例 sheet read back as a scheme: 【表名】, its header row, its rows up to a blank row."""
    blocks: dict[str, list[dict[str, object]]] = {}
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    i = 0
    while i < len(rows):
        first = rows[i][0]
        found = re.fullmatch(r"【(.+)】", str(first or ""))
        if not found:
            i += 1
            continue
        headers = [h for h in rows[i + 1] if h]
        records = []
        i += 2
        while i < len(rows) and any(v not in (None, "") for v in rows[i]):
            records.append(dict(zip(headers, rows[i], strict=False)))
            i += 1
        blocks[found.group(1)] = records
    return blocks


def test_the_example_is_a_complete_scheme_that_checks_clean(book: Any, tmp_path: Path) -> None:
    blocks = example_blocks(book[EXAMPLE_SHEET])
    assert list(blocks) == [SETTINGS, BANDS, INDICATORS, FIELDS, CHOICES, RULES, EXAMPLES]
    scheme, problems = check_scheme(write_scheme(blocks, tmp_path / "示例.xlsx"))
    assert [p.text() for p in problems] == []
    assert scheme is not None
    # Its 算例 hold, and show a veto too.
    proof = prove(scheme)
    assert (proof.count, proof.passed, proof.problems) == (len(blocks[EXAMPLES]), len(blocks[EXAMPLES]), ())
    assert any(row.get("否决") for row in blocks[EXAMPLES])
    # Every rule kind the registry knows is shown at least once.
    assert {str(r["规则类型"]) for r in blocks[RULES]} == set(primary_kinds())
