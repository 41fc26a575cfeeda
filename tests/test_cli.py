"""Every command through typer's CliRunner: exit codes, the messages users read, and the files written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer.main
from rich.console import Console
from typer.testing import CliRunner

import famscore.cli as cli
import famscore.outputs.audit as audit
from famscore import cli_zh
from famscore.batch import NoReturns, score_folder
from famscore.cli import app
from famscore.messages import Msg, Say
from famscore.scheme.loader import check_scheme, load_scheme

ROOT = Path(__file__).resolve().parent.parent
CHANGNING = ROOT / "examples" / "changning-2023"
SCHEME = CHANGNING / "考评表.xlsx"
# Every command the CLI has, so a new one cannot skip its Chinese help, example or README line.
COMMANDS = tuple(sorted(typer.main.get_command(app).commands))  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def wide_consoles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wide consoles so that long Chinese messages are not wrapped mid-phrase in assertions."""
    monkeypatch.setattr(cli, "out", Console(width=400, force_terminal=False))
    monkeypatch.setattr(cli, "err", Console(width=400, stderr=True, force_terminal=False))


@pytest.fixture
def returns(tmp_path: Path) -> Path:
    folder = tmp_path / "回表"
    shutil.copytree(CHANGNING / "returns", folder)
    return folder


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def says(output: str, message: Msg | Say, **fields: object) -> bool:
    """Whether the command printed the catalogue's sentence for `message`, with these particulars."""
    return all(part in output for part in message.render(**fields))


def codes(json_file: Path) -> list[tuple[str, str]]:
    """The (file, code) of every problem in a JSON result."""
    problems = json.loads(json_file.read_text(encoding="utf-8"))["problems"]
    return sorted((p["file"], p["code"]) for p in problems)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_chinese_help_with_an_example(command: str) -> None:
    code, output = run(command, "--help")
    assert code == 0
    assert "示例：famscore " + command in output
    assert "显示本帮助后退出" in output


def test_the_commands_are_the_ones_users_know() -> None:
    assert len(COMMANDS) == 12 and {"score", "template", "feedback", "notice", "compare"} <= set(COMMANDS)


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert f"famscore {command} " in readme


def test_version() -> None:
    code, output = run("--version")
    assert code == 0 and "famscore 0." in output


def test_check_prints_the_tree_and_exits_0() -> None:
    code, output = run("check", SCHEME)
    assert code == 0
    assert "计生信访稳定 5 分" in output
    assert "考评表可以使用" in output  # the line a user looks for
    assert says(output, Say.SCHEME_USABLE, fingerprint=load_scheme(SCHEME).fingerprint)


def test_check_reports_seed_001_inconsistency_as_a_warning() -> None:
    path = ROOT / "examples" / "qingpu-2020" / "考评表.xlsx"
    code, output = run("check", path)
    assert code == 0
    assert "人口家庭发展调研" in output and "最多可得 6 分" in output and "警告" in output
    loaded, problems = check_scheme(path)
    assert loaded is not None and len(problems) == 1 and not problems[0].is_error
    assert says(output, Say.SCHEME_USABLE_WITH_WARNINGS, fingerprint=loaded.fingerprint, warnings=1)


def test_check_on_a_file_that_is_not_a_workbook_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "考评表.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    code, output = run("check", bad)
    assert code == 2
    problems = check_scheme(bad)[1]
    assert [(p.sheet, p.row, p.code) for p in problems] == [("", None, "SCHEME_UNREADABLE")]
    assert problems[0].message in output
    assert says(output, Msg.CLI_SCHEME_HAS_ERRORS, errors=1, warnings=0)


def test_template_for_units_and_blank(tmp_path: Path) -> None:
    code, output = run("template", SCHEME, "--unit", "新华街道", "--unit", "江苏街道", "-o", tmp_path / "t")
    assert code == 0, output
    names = sorted(p.name for p in (tmp_path / "t").glob("长宁区*.xlsx"))  # and one 评分表 per department
    assert names == [
        "长宁区2023年度人口与计划生育工作任务情况考评表_2023_新华街道.xlsx",
        "长宁区2023年度人口与计划生育工作任务情况考评表_2023_江苏街道.xlsx",
    ]
    assert says(output, Say.TEMPLATES_MADE, count=2, folder=tmp_path / "t")
    code, output = run("template", SCHEME, "-o", tmp_path / "blank")
    assert code == 0 and "1 份空白填报表" in output
    assert says(output, Say.BLANK_TEMPLATE_MADE, folder=tmp_path / "blank")
    assert [p.name for p in (tmp_path / "blank").glob("长宁区*.xlsx")] == [
        "长宁区2023年度人口与计划生育工作任务情况考评表_2023_空白.xlsx"
    ]


def test_template_with_units_file(tmp_path: Path) -> None:
    code, output = run("template", SCHEME, "--units-file", CHANGNING / "units.txt", "-o", tmp_path)
    assert code == 0, output
    assert len(list(tmp_path.glob("长宁区*.xlsx"))) == 10


def test_template_refuses_unit_and_units_file_together(tmp_path: Path) -> None:
    code, output = run(
        "template", SCHEME, "--unit", "甲", "--units-file", CHANGNING / "units.txt", "-o", tmp_path
    )
    assert code == 2 and says(output, Msg.CLI_UNIT_AND_UNITS_FILE)


def test_score_clean_batch_exits_0_and_writes_summary_and_json(returns: Path, tmp_path: Path) -> None:
    summary, result = tmp_path / "汇总.xlsx", tmp_path / "结果.json"
    code, output = run("score", SCHEME, returns, "-o", summary, "--json", result)
    assert code == 0, output
    assert summary.exists() and result.exists()
    assert "等级分布：优秀 3  良好 4  一般 2  不合格 1" in output
    data = json.loads(result.read_text(encoding="utf-8"))
    assert set(data) >= {"scheme", "units", "problems"}
    assert data["problems"] == []
    first = data["units"][0]
    assert {"unit", "file", "rank", "main", "bonus", "total", "grade", "flags", "categories", "items"} <= set(
        first
    )
    assert {"id", "name", "max", "score", "explanation"} <= set(first["items"][0])


def test_score_default_output_is_beside_the_returns_folder(returns: Path) -> None:
    code, output = run("score", SCHEME, returns)
    assert code == 0, output
    assert (returns.parent / "回表_计分汇总.xlsx").exists()


def test_score_with_a_bad_return_exits_1_and_still_writes(returns: Path, tmp_path: Path) -> None:
    (returns / "坏文件.xlsx").write_bytes(b"PK\x03\x04 truncated")
    summary, result = tmp_path / "汇总.xlsx", tmp_path / "结果.json"
    code, output = run("score", SCHEME, returns, "-o", summary, "--json", result)
    assert code == 1
    assert summary.exists()
    assert codes(result) == [("坏文件.xlsx", "RETURN_DAMAGED")]
    assert "坏文件.xlsx" in output and "本文件未计分" in output
    assert "已读取 11 份回表和 5 份评分表，10 个单位完整计分。" in output
    assert says(output, Say.PROBLEMS_TO_FIX, tally="1 处错误")


def test_score_exits_1_when_part_of_the_returns_folder_was_not_read(returns: Path, tmp_path: Path) -> None:
    # A zip of more returns, and a hidden copy: neither is scored, so the batch is not clean.
    shutil.make_archive(str(tmp_path / "补交"), "zip", returns)
    shutil.move(tmp_path / "补交.zip", returns / "补交.zip")
    shutil.copy(next(returns.glob("*.xlsx")), returns / ".隐藏.xlsx")
    (returns / "Thumbs.db").write_bytes(bytes(64))
    result = tmp_path / "结果.json"
    code, output = run("score", SCHEME, returns, "-o", tmp_path / "汇总.xlsx", "--json", result)
    assert code == 1, output
    assert codes(result) == [
        (".隐藏.xlsx", "FOLDER_HIDDEN_FILE"),
        ("Thumbs.db", "FOLDER_SYSTEM_FILE"),
        ("补交.zip", "ARCHIVE_NOT_READ"),
    ]
    assert "补交.zip" in output and ".隐藏.xlsx" in output
    assert "已读取 10 份回表和 5 份评分表，10 个单位完整计分。" in output


def test_score_reports_units_that_sent_nothing(returns: Path, tmp_path: Path) -> None:
    units = tmp_path / "units.txt"
    units.write_text(
        (CHANGNING / "units.txt").read_text(encoding="utf-8") + "\n长宁新增街道\n", encoding="utf-8"
    )
    result = tmp_path / "结果.json"
    code, output = run(
        "score", SCHEME, returns, "--units-file", units, "-o", tmp_path / "s.xlsx", "--json", result
    )
    assert code == 1
    assert codes(result) == [("", "UNIT_NOT_RETURNED")]
    assert "单位「长宁新增街道」没有交回填报表" in output


def test_score_refuses_output_over_an_input(returns: Path) -> None:
    one = next(returns.glob("*.xlsx"))
    before = one.read_bytes()
    code, output = run("score", SCHEME, returns, "-o", one)
    assert code == 2
    assert "错误" in output
    assert one.read_bytes() == before


def test_score_with_an_invalid_scheme_exits_2(tmp_path: Path, returns: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"")
    code, output = run("score", bad, returns)
    assert code == 2
    assert says(output, Msg.CLI_SCHEME_CANNOT_SCORE, path=bad)
    assert not (returns.parent / "回表_计分汇总.xlsx").exists()


def test_show_prints_the_table_from_a_summary(returns: Path, tmp_path: Path) -> None:
    summary = tmp_path / "汇总.xlsx"
    assert run("score", SCHEME, returns, "-o", summary)[0] == 0
    code, output = run("show", summary)
    assert code == 0
    assert "新华街道" in output and "118.88" in output and "等级分布：优秀 3" in output
    assert "排名末位" in output


def test_show_on_a_file_that_is_not_a_summary_exits_2() -> None:
    code, output = run("show", SCHEME)
    assert code == 2
    assert "汇总" in output


def test_explain_prints_every_item_with_its_reason(returns: Path) -> None:
    code, output = run("explain", SCHEME, returns, "--unit", "周桥街道")
    assert code == 0, output
    assert "排名末位" in output.split("\n")[1] or "排名末位" in output[:400]
    assert "计生信访稳定" in output and "可为负分" in output


def test_explain_unknown_unit_exits_2_and_lists_units(returns: Path) -> None:
    code, output = run("explain", SCHEME, returns, "--unit", "不存在街道")
    assert code == 2
    assert "没有找到单位「不存在街道」" in output and "新华街道" in output
    names = [u.unit for u in score_folder(load_scheme(SCHEME), returns, workers=1).units]
    guess = cli_zh.near_miss("不存在街道", names)
    assert says(output, Msg.CLI_UNIT_NOT_SCORED, unit="不存在街道", guess=guess, names="、".join(names))


def test_explain_from_a_summary_workbook(returns: Path, tmp_path: Path) -> None:
    summary = tmp_path / "汇总.xlsx"
    assert run("score", SCHEME, returns, "-o", summary)[0] == 0
    code, output = run("explain", summary, "--unit", "周桥街道")
    assert code == 0, output
    assert "排名末位" in output and "计生信访稳定" in output and "-1.50" in output
    code, output = run("explain", summary, "--unit", "不存在街道")
    assert code == 2 and "没有单位「不存在街道」" in output


def test_score_counts_the_units_held_back_as_pending(returns: Path, tmp_path: Path) -> None:
    # Two returns from one unit: neither can be chosen, so the unit is scored but 待定, not ranked.
    shutil.copy(next(returns.glob("*仙霞街道.xlsx")), returns / "副本.xlsx")
    result = tmp_path / "结果.json"
    code, output = run("score", SCHEME, returns, "-o", tmp_path / "汇总.xlsx", "--json", result)
    assert code == 1, output
    assert codes(result) == [("副本.xlsx", "UNIT_RETURNED_TWICE")]
    assert "已读取 11 份回表和 5 份评分表，10 个单位完整计分，1 个单位待定（见排名表）。" in output
    pending = [
        u["unit"] for u in json.loads(result.read_text(encoding="utf-8"))["units"] if u["rank"] is None
    ]
    assert pending == ["仙霞街道"]


def test_score_names_the_audit_csv_when_the_audit_leaves_the_workbook(
    returns: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit, "AUDIT_ROWS_IN_WORKBOOK", 0)
    summary = tmp_path / "汇总.xlsx"
    code, output = run("score", SCHEME, returns, "-o", summary)
    assert code == 0, output
    csv_path = audit.audit_csv_path(summary)
    assert csv_path.is_file() and says(output, Say.AUDIT_CSV_WRITTEN, path=csv_path)
    monkeypatch.undo()
    code, output = run("score", SCHEME, returns, "-o", summary)
    assert code == 0 and "计分过程" not in output  # in the workbook: nothing to point to


def test_score_on_a_folder_without_returns_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "回表"
    empty.mkdir()
    (empty / ".DS_Store").write_bytes(b"x")
    code, output = run("score", SCHEME, empty, "-o", tmp_path / "汇总.xlsx")
    assert code == 2
    assert says(output, Msg.CLI_NO_RETURNS, folder=empty)
    assert not (tmp_path / "汇总.xlsx").exists()
    with pytest.raises(NoReturns) as raised:
        score_folder(load_scheme(SCHEME), empty, workers=1)
    assert (raised.value.code, [p.code for p in raised.value.notes]) == (
        "CLI_NO_RETURNS",
        ["FOLDER_SYSTEM_FILE"],
    )


def test_no_two_status_lines_collapse_into_one() -> None:
    # Equal Enum values become aliases: the second line would silently print the first one's words.
    assert len(list(Say)) == len(Say.__members__)
    assert all(line.line.text and "{}" not in line.line.text + line.line.more for line in Say)


def test_a_folder_holding_only_a_letter_and_an_archive_has_no_returns(tmp_path: Path) -> None:
    folder = tmp_path / "回表"
    folder.mkdir()
    (folder / "说明.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    (folder / "回表.zip").write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    code, output = run("score", SCHEME, folder, "-o", tmp_path / "汇总.xlsx")
    assert code == 2 and says(output, Msg.CLI_NO_RETURNS, folder=folder)
    assert not (tmp_path / "汇总.xlsx").exists()  # no empty summary over last run's
    with pytest.raises(NoReturns) as raised:
        score_folder(load_scheme(SCHEME), folder, workers=1)
    assert sorted(p.code for p in raised.value.notes) == ["ARCHIVE_NOT_READ", "RETURN_NOT_SPREADSHEET"]
