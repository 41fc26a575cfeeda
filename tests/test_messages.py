"""The message catalogue: one member per kind of problem, codes on problems, the generated docs page."""

from __future__ import annotations

from pathlib import Path

from famscore.errors import ERROR, Problem
from famscore.messages import Msg, catalogue_markdown

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "problem-codes.md"


def test_no_two_messages_collapse_into_one_code() -> None:
    # Enum members with equal values become aliases: the second code would silently vanish.
    assert len(list(Msg)) == len(Msg.__members__)


def test_every_code_is_upper_snake_case_and_every_template_fills() -> None:
    for member in Msg:
        assert member.name.replace("_", "").isalnum() and member.name.isupper(), member.name
        text, fix = member.detail.text, member.detail.fix
        assert text and "{}" not in text + fix, member.name


def test_a_problem_from_the_catalogue_carries_its_code_and_place_as_data() -> None:
    problem = Msg.UNIT_NOT_RETURNED.problem("回表.xlsx", "填报", 7, 3, unit="新华街道", note="")
    assert (problem.code, problem.file, problem.sheet, problem.row, problem.column) == (
        "UNIT_NOT_RETURNED",
        "回表.xlsx",
        "填报",
        7,
        3,
    )
    assert problem.cell == "C7" and problem.severity == ERROR and problem.level == "error"
    assert problem.message == "单位「新华街道」没有交回填报表" and problem.fix == "请催交后重新计分"
    assert problem.as_dict()["code"] == "UNIT_NOT_RETURNED"


def test_a_cell_written_by_hand_still_gives_row_and_column() -> None:
    assert (Problem("f", "s", "AB12").row, Problem("f", "s", "AB12").column) == (12, 28)
    assert (Problem("f", "s", "第 4 行").row, Problem("f", "s", "第 4 行").column) == (4, None)
    assert Problem("f", "s", "A1:B3").row is None  # a range is for people; no single place


def test_the_docs_page_lists_every_code_and_is_current() -> None:
    assert DOCS.read_text(encoding="utf-8") == catalogue_markdown(), (
        "docs/problem-codes.md is out of date: run  python -m famscore.messages > docs/problem-codes.md"
    )
    for member in Msg:
        assert f"| {member.name} |" in catalogue_markdown()
