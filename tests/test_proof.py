"""算例: the worked examples a scheme carries are run by famscore check; a wrong one is a located problem."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console
from test_clerk_patterns import CASES, CITY, CN, QP
from typer.testing import CliRunner

import famscore.cli as cli
from famscore.cli import app
from famscore.errors import ERROR, WARNING
from famscore.proof import prove
from famscore.scheme.format import EXAMPLES as EXAMPLES_SHEET
from famscore.scheme.loader import check_scheme, load_scheme
from famscore.scheme.markdown import read_markdown_sheets
from famscore.scheme.model import Scheme
from famscore.scheme.writer import write_scheme

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SLUGS = (CN, QP, CITY)


@pytest.fixture(autouse=True)
def wide_consoles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "out", Console(width=400, force_terminal=False))
    monkeypatch.setattr(cli, "err", Console(width=400, stderr=True, force_terminal=False))


def rows_of(slug: str) -> dict[str, list[dict[str, object]]]:
    return read_markdown_sheets(EXAMPLES / slug / "scheme.md")


def with_examples(tmp_path: Path, examples: list[dict[str, object]], slug: str = CN) -> Path:
    """The example scheme `slug` with its 算例 sheet replaced by `examples`."""
    rows = rows_of(slug)
    rows[EXAMPLES_SHEET] = examples
    return write_scheme(rows, tmp_path / "考评表.xlsx")


def loaded(path: Path) -> Scheme:
    scheme, problems = check_scheme(path)
    assert scheme is not None, [p.text() for p in problems]
    return scheme


# ---------------------------------------------------------------- the three examples prove themselves


@pytest.mark.parametrize("slug", SLUGS)
def test_check_passes_on_each_example_and_counts_its_examples(slug: str) -> None:
    count = len(rows_of(slug)[EXAMPLES_SHEET])
    assert count >= 4
    result = CliRunner().invoke(app, ["check", str(EXAMPLES / slug / "考评表.xlsx")])
    assert result.exit_code == 0, result.output
    assert f"{count} 个算例全部成立" in result.output
    proof = prove(load_scheme(EXAMPLES / slug / "考评表.xlsx"))
    assert (proof.count, proof.passed, proof.problems) == (count, count, ())


@pytest.mark.parametrize(("pattern", "slug", "item", "cells", "expected"), CASES, ids=[c[0] for c in CASES])
def test_every_worked_number_of_the_brief_is_a_worked_example_of_its_scheme(
    pattern: str, slug: str, item: str, cells: dict[str, object], expected: str
) -> None:
    # The 算例 sheet carries the brief's table: this item with this score, the same figures typed.
    scheme = load_scheme(EXAMPLES / slug / "考评表.xlsx")
    written = [e for e in scheme.examples if e.item_id == item and Decimal(e.expected) == Decimal(expected)]
    assert written, (pattern, item, expected)
    typed = {k: str(v).removesuffix(".0") for k, v in cells.items()}
    for example in written:
        entries = dict(entry.split("=", 1) for entry in example.inputs.split("；"))
        if {k: v.rstrip("%").replace(",", "") for k, v in entries.items()} == typed:
            return
    raise AssertionError(f"{pattern}: no 算例 of {item} types {typed}")


@pytest.mark.parametrize(
    ("slug", "item", "expected", "veto"),
    [
        (CITY, "G2", "6", "取消评优"),  # veto: 较大生产安全事故
        (CN, "G3", "5", "排名末位"),  # veto: 重大负面舆论
        (CITY, "D1", "2", ""),  # step deductions, whole steps: 97.5% takes 4 of 6
        (CITY, "D2", "3", ""),  # deadlines: issued Aug 15 → −3
        (CITY, "D2", "1", ""),  # never issued → −5
        (QP, "B2", "5", ""),  # the scheme inconsistency: the rule's 6 capped at the item's 5
    ],
)
def test_the_patterns_beyond_the_table_are_worked_examples_too(
    slug: str, item: str, expected: str, veto: str
) -> None:
    scheme = load_scheme(EXAMPLES / slug / "考评表.xlsx")
    assert any(
        e.item_id == item and Decimal(e.expected) == Decimal(expected) and e.veto == veto
        for e in scheme.examples
    )


# ---------------------------------------------------------------- a wrong 应得分


def test_a_wrong_expected_score_is_one_located_mismatch(tmp_path: Path) -> None:
    path = with_examples(
        tmp_path,
        [
            {"指标编号": "D4", "输入": "D4_评估得分=96", "应得分": 8},
            {"指标编号": "F3", "输入": "F3_完成率=96.5%", "应得分": 1.8, "说明": "算错了"},
        ],
    )
    proof = prove(loaded(path))
    assert (proof.count, proof.passed, proof.failed) == (2, 1, 1)
    [problem] = proof.problems
    assert (problem.code, problem.sheet, problem.cell, problem.severity) == (
        "PROOF_MISMATCH",
        "算例",
        "C3",
        ERROR,
    )
    assert problem.file == "考评表.xlsx"
    assert "「出生个案信息核实」（F3）输入 F3_完成率=96.5%，应得 1.8 分，按规则算得 1.7 分" in problem.message
    assert "→ 1.7 分" in problem.fix  # the scorer's own explanation of its 1.7


def test_check_refuses_a_scheme_whose_examples_do_not_hold(tmp_path: Path) -> None:
    path = with_examples(tmp_path, [{"指标编号": "D4", "输入": "D4_评估得分=94.5", "应得分": 8}])
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 2, result.output
    assert "1 个算例不成立" in result.output and "0 个成立（共 1 个）" in result.output
    assert "PROOF_MISMATCH" not in result.output  # the clerk reads words, not codes
    assert "应得 8 分，按规则算得 6 分" in result.output


def test_a_veto_is_part_of_what_an_example_claims(tmp_path: Path) -> None:
    veto = "G3_去京非正常上访=0；G3_去京正常访=0；G3_市委市政府集体访=0；G3_市卫健委集体访=0；G3_未积极处置=0；G3_交办未解决=0；G3_重大舆论扣分=0；G3_排名末位=是"
    path = with_examples(tmp_path, [{"指标编号": "G3", "输入": veto, "应得分": 5}])
    [problem] = prove(loaded(path)).problems
    assert "应得 5 分，按规则算得 5 分（排名末位）" in problem.message


def test_inputs_left_out_are_not_filled(tmp_path: Path) -> None:
    # C1 needs both its fields: with one written it cannot be scored, and the example says so.
    path = with_examples(tmp_path, [{"指标编号": "C1", "输入": "C1_评定分=6", "应得分": 6}])
    [problem] = prove(loaded(path)).problems
    assert "按规则算得 无法计分" in problem.message and "C1_未掌握人次" in problem.fix


# ---------------------------------------------------------------- bad 算例 rows


def test_bad_example_rows_are_located_problems(tmp_path: Path) -> None:
    path = with_examples(
        tmp_path,
        [
            {"指标编号": "D44", "输入": "D4_评估得分=96", "应得分": 8},  # row 2: no such item
            {"指标编号": "D4", "输入": "D4_评估分=96", "应得分": 8},  # 3: a typo'd field
            {"指标编号": "D4", "输入": "A3_名次=2", "应得分": 8},  # 4: another item's field
            {"指标编号": "D4", "输入": "D4_评估得分 96", "应得分": 8},  # 5: no =
            {"指标编号": "D4", "输入": "D4_评估得分=九十六", "应得分": 8},  # 6: not a number
            {"指标编号": "D4", "输入": "D4_评估得分=96；D4_评估得分=97", "应得分": 8},  # 7: twice
            {"指标编号": "D4", "输入": "D4_评估得分=96", "应得分": "八分"},  # 8: not a score
            {"指标编号": "D4", "输入": "D4_评估得分=96", "应得分": 8, "否决": "一票否决"},  # 9
            {"指标编号": "D4", "输入": "D4_评估得分＝96", "应得分": "8分"},  # 10: full-width =, 8分: fine
        ],
    )
    proof = prove(loaded(path))
    assert [(p.code, p.cell) for p in proof.problems] == [
        ("PROOF_ITEM_UNKNOWN_NEAR", "A2"),
        ("PROOF_FIELD_UNKNOWN_NEAR", "B3"),
        ("PROOF_FIELD_NOT_READ", "B4"),
        ("PROOF_INPUT_NO_EQUALS", "B5"),
        ("PROOF_VALUE_INVALID", "B6"),
        ("PROOF_FIELD_TWICE", "B7"),
        ("PROOF_EXPECTED_INVALID", "C8"),
        ("PROOF_VETO_UNKNOWN", "D9"),
    ]
    assert (proof.count, proof.passed) == (9, 1)
    assert all(p.sheet == "算例" and p.is_error for p in proof.problems)
    texts = [p.message + " " + p.fix for p in proof.problems]
    assert "是否想写「D4」" in texts[0]
    assert "是否想写「D4_评估得分」" in texts[1]
    assert (
        "不参与「免费提供基本避孕药具服务管理」（D4）的计分" in texts[2]
        and "本项读取的字段：D4_评估得分" in texts[2]
    )
    assert "「D4_评估得分=九十六」" in texts[4]
    assert "「一票否决」" in texts[7] and "取消评优" in texts[7]


# ---------------------------------------------------------------- 算例 never change a score


def test_examples_are_not_part_of_the_fingerprint(tmp_path: Path) -> None:
    # Adding worked examples after the forms went out keeps the returns this scheme's returns.
    bare = with_examples(tmp_path, [])
    assert loaded(bare).fingerprint == load_scheme(EXAMPLES / CN / "考评表.xlsx").fingerprint


def test_score_warns_about_a_failing_example_and_scores_as_before(tmp_path: Path) -> None:
    folder = EXAMPLES / CN
    wrong = with_examples(tmp_path, [{"指标编号": "D4", "输入": "D4_评估得分=94.5", "应得分": 8}])
    payloads = []
    for n, scheme in enumerate((folder / "考评表.xlsx", wrong)):
        out_json = tmp_path / f"{n}.json"
        args = ["score", str(scheme), str(folder / "returns"), "-o", str(tmp_path / f"{n}.xlsx")]
        result = CliRunner().invoke(app, [*args, "--json", str(out_json), "--quiet"])
        assert result.exit_code == 0, result.output
        payloads.append(json.loads(out_json.read_text(encoding="utf-8")))
        warned = "1 个算例不成立" in result.output
        assert warned == (n == 1), result.output
    assert payloads[0]["units"] == payloads[1]["units"]


def test_prove_gives_warnings_when_asked(tmp_path: Path) -> None:
    path = with_examples(tmp_path, [{"指标编号": "D4", "输入": "D4_评估得分=94.5", "应得分": 8}])
    [problem] = prove(loaded(path), WARNING).problems
    assert problem.severity == WARNING and not problem.is_error
