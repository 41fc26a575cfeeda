"""Every word the CLI prints itself is Chinese: usage errors (exit 2), --help at 80 columns, near misses."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import pytest
import typer
from rich.cells import cell_len
from rich.console import Console
from typer import rich_utils
from typer.testing import CliRunner

import famscore.cli as cli
from famscore import cli_zh
from famscore.cli import app

ROOT = Path(__file__).resolve().parent.parent
CHANGNING = ROOT / "examples" / "changning-2023"
COMMANDS = ("check", "template", "score", "explain", "show")
# Words of Typer's and Click's own English that a clerk must never see.
ENGLISH = re.compile(
    r"\b(Usage|Options?|Arguments?|Commands?|required|default|Error|Try|Invalid|Missing|No such|"
    r"Got unexpected|does not exist|is a (file|directory)|requires|Did you mean|Possible)\b"
)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Short relative names (考评表.xlsx, 回表) in a fresh folder, so messages fit 80 columns unwrapped."""
    shutil.copy(CHANGNING / "考评表.xlsx", tmp_path / "考评表.xlsx")
    shutil.copytree(CHANGNING / "returns", tmp_path / "回表")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "80"})
    return result.exit_code, result.output


def usage_error(*args: str) -> str:
    """Run a command line with a usage mistake: exit code 2, all Chinese, the usage line and the help pointer."""
    code, output = run(*args)
    assert code == 2, output
    assert not ENGLISH.search(output), output
    assert "Traceback" not in output
    command = (
        "famscore " + args[0] if args and not args[0].startswith("-") and args[0] in COMMANDS else "famscore"
    )
    assert f"用法：{command} [选项]" in output, output
    assert f"运行 {command} -h 查看帮助。" in output, output
    return output


def test_missing_argument(here: Path) -> None:
    output = usage_error("score")
    assert "用法：famscore score [选项] 考评表 回表文件夹\n" in output
    assert "错误：缺少参数「考评表」。" in output


def test_missing_second_argument(here: Path) -> None:
    assert "错误：缺少参数「回表文件夹」。" in usage_error("score", "考评表.xlsx")


def test_no_such_option_suggests_the_near_one(here: Path) -> None:
    output = usage_error("explain", "考评表.xlsx", "回表", "--unti", "新华街道")
    assert "错误：没有选项 --unti。是不是 --unit？" in output


def test_no_such_option_without_anything_close(here: Path) -> None:
    output = usage_error("check", "考评表.xlsx", "--xyz")
    assert "错误：没有选项 --xyz。\n" in output


def test_folder_that_does_not_exist(here: Path) -> None:
    output = usage_error("score", "考评表.xlsx", "回表2023")
    assert "错误：「回表文件夹」：文件夹「回表2023」不存在。" in output


def test_scheme_that_does_not_exist(here: Path) -> None:
    assert "错误：「考评表」：文件「考评.xlsx」不存在。" in usage_error("check", "考评.xlsx")


def test_option_file_that_does_not_exist(here: Path) -> None:
    output = usage_error("template", "考评表.xlsx", "--units-file", "名单.txt")
    assert "错误：「--units-file」：文件「名单.txt」不存在。" in output


def test_file_where_a_folder_is_expected(here: Path) -> None:
    output = usage_error("score", "考评表.xlsx", "考评表.xlsx")
    assert "错误：「回表文件夹」：「考评表.xlsx」是文件，这里要的是文件夹。" in output


def test_folder_where_a_file_is_expected(here: Path) -> None:
    output = usage_error("check", "回表")
    assert "错误：「考评表」：「回表」是文件夹，这里要的是文件。" in output


def test_option_missing_its_value(here: Path) -> None:
    output = usage_error("template", "考评表.xlsx", "-o")
    assert "用法：famscore template [选项] 考评表\n" in output
    assert "错误：选项 -o 后面要写一个值。" in output


def test_flag_given_a_value(here: Path) -> None:
    assert "错误：选项 --quiet 后面不能写值。" in usage_error("score", "--quiet=是", "考评表.xlsx", "回表")


def test_extra_argument(here: Path) -> None:
    output = usage_error("check", "考评表.xlsx", "多余")
    assert "错误：多余的参数：多余。" in output


def test_no_such_command_suggests_the_near_one() -> None:
    output = usage_error("scor")
    assert "用法：famscore [选项] 命令 [参数]\n" in output
    assert "错误：没有命令「scor」。是不是 score？" in output


def test_no_such_option_before_the_command() -> None:
    assert "错误：没有选项 --unit。" in usage_error("--unit", "新华街道")


def test_conversions_famscore_has_no_option_for_yet_are_chinese_too() -> None:
    """Integers, numbers, choices and required options: a tiny app on famscore's own classes and patches."""
    small = typer.Typer(cls=cli._Group, add_completion=False, context_settings={"help_option_names": ["-h"]})

    @small.command(cls=cli._Command)
    def go(
        count: Annotated[int, typer.Option("--count")] = 1,
        ratio: Annotated[float, typer.Option("--ratio")] = 1.0,
        name: Annotated[str, typer.Option("--name")] = ...,  # type: ignore[assignment]
    ) -> None:
        """Run."""

    @small.command(cls=cli._Command)
    def other() -> None:
        """Other."""

    def err(*args: str) -> str:
        result = CliRunner().invoke(small, list(args), env={"COLUMNS": "80"})
        assert result.exit_code == 2, result.output
        assert not ENGLISH.search(result.output), result.output
        return result.output

    assert "错误：「--count」：「三」不是整数。" in err("go", "--name", "x", "--count", "三")
    assert "错误：「--ratio」：「一半」不是数字。" in err("go", "--name", "x", "--ratio", "一半")
    assert "错误：缺少选项 --name。" in err("go")


def test_an_unknown_english_message_keeps_its_detail_in_a_chinese_sentence() -> None:
    from typer._click.exceptions import BadParameter, ClickException, UsageError

    assert cli_zh.error_message(UsageError("Something new.")) == "用法有误（Something new.）。"
    assert cli_zh.error_message(BadParameter("odd", param_hint="'x'")) == "「x」：取值无效（odd）。"
    assert cli_zh.error_message(ClickException("boom")) == "出错了（boom）。"


HELP_SCREENS = [(), *((command,) for command in COMMANDS)]


@pytest.mark.parametrize("command", HELP_SCREENS, ids=lambda c: " ".join(c) or "famscore")
def test_help_is_chinese_at_80_columns(command: tuple[str, ...]) -> None:
    code, output = run(*command, "-h")
    assert code == 0
    assert not ENGLISH.search(output), output
    assert "…" not in output  # help text wraps; nothing is cut off
    assert not re.search(r"(^|\s)[。，、；：？！）」』]", output, re.MULTILINE), (
        output
    )  # no line starts with 「。」
    assert "用法：famscore " in output
    assert "选项" in output and "<开关>" in output and "显示本帮助后退出" in output
    assert max(cell_len(line) for line in output.splitlines()) <= 80
    if command:
        assert "参数" in output and "[必填]" in output
        assert "<文件>" in output
    else:
        assert "命令" in output
        for name in COMMANDS:
            assert f" {name} " in output


@pytest.mark.parametrize("command", HELP_SCREENS, ids=lambda c: " ".join(c) or "famscore")
def test_help_without_rich_is_chinese_too(command: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    """TYPER_USE_RICH=0 makes typer print help through click's plain formatter."""
    monkeypatch.setattr(typer.core, "HAS_RICH", False)
    code, output = run(*command, "-h")
    assert code == 0
    assert "╭" not in output  # really the plain formatter
    assert not ENGLISH.search(output), output
    assert "用法：famscore " in output and "选项:" in output and "<开关>" not in output
    if command == ("template",):
        assert "[默认：填报表]" in output and "<文字，可多个>" in output


def test_no_arguments_without_rich_shows_the_chinese_help(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(typer.core, "HAS_RICH", False)
    code, output = run()
    assert code == 2
    assert "用法：famscore [选项] 命令 [参数]" in output and "命令:" in output
    assert not ENGLISH.search(output)


def test_help_shows_defaults_lists_and_folders_in_chinese() -> None:
    output = run("template", "-h")[1]
    assert "[默认：填报表]" in output
    assert "<文字，可多个>" in output
    assert "<文件夹>" in output
    # The long help of --units-file is wrapped onto a second line, whole.
    flat = re.sub(r"[\s│]+", "", output)
    assert "单位名单（每行一个单位，.txt/.csv/.xlsx）；用来发现未交回的单位" in flat


def wrapped(text: str, width: int) -> list[str]:
    starts = [0, *cli_zh.line_breaks(text, width)]
    return [text[a:b] for a, b in zip(starts, [*starts[1:], None], strict=True)]


def test_chinese_lines_break_between_characters_but_never_before_closing_punctuation() -> None:
    text = "检查考评表：列出全部问题（工作表、行、列和改法）。"
    # 23 characters fit; breaking before 「）」 is not allowed, so 「法」 goes down with it.
    assert wrapped(text, 46) == ["检查考评表：列出全部问题（工作表、行、列和改", "法）。"]
    assert wrapped("famscore score 写出的汇总工作簿", 12) == ["famscore ", "score 写出的", "汇总工作簿"]
    assert wrapped("units.xlsx", 4) == ["unit", "s.xl", "sx"]  # a word longer than a line is folded


def test_no_arguments_shows_the_chinese_help() -> None:
    code, output = run()
    assert code == 2
    assert "用法：famscore [选项] 命令 [参数]" in output
    assert not ENGLISH.search(output)


def test_explain_suggests_the_unit_meant(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "err", Console(width=400, stderr=True, force_terminal=False))
    code, output = run("explain", "考评表.xlsx", "回表", "--unit", "新华街")
    assert code == 2
    assert "没有找到单位「新华街」。是不是「新华街道」？已计分的单位：" in output


def test_explain_from_a_summary_suggests_the_unit_meant(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "out", Console(width=400, force_terminal=False))
    monkeypatch.setattr(cli, "err", Console(width=400, stderr=True, force_terminal=False))
    assert run("score", "考评表.xlsx", "回表", "-o", "汇总.xlsx")[0] == 0
    code, output = run("explain", "汇总.xlsx", "--unit", "周桥")
    assert code == 2
    assert "汇总表中没有单位「周桥」的计分过程。是不是「周桥街道」？" in output


def test_near_miss_names_one_unit_or_none() -> None:
    units = ["新华街道", "天山街道", "北新泾街道", "新泾镇"]
    assert cli_zh.near_miss("新华街", units) == "是不是「新华街道」？"
    assert cli_zh.near_miss("北新泾", units) == "是不是「北新泾街道」？"
    assert cli_zh.near_miss("长宁区", units) == ""


def test_the_typer_internals_famscore_patches_are_there() -> None:
    """Typer is pinned in pyproject.toml because these are internals; a new typer must be checked here first."""
    assert cli_zh.missing_internals() == []
    assert rich_utils.OPTIONS_PANEL_TITLE == "选项"
    assert rich_utils.REQUIRED_LONG_STRING == "[必填]"


def test_the_internals_check_notices_a_renamed_internal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_zh, "_missing_before_install", None)
    monkeypatch.delattr(rich_utils, "OPTIONS_PANEL_TITLE")
    monkeypatch.delattr(typer.core._TyperParameter, "display_type")
    assert cli_zh.missing_internals() == [
        "rich_utils.OPTIONS_PANEL_TITLE",
        "core._TyperParameter.display_type",
    ]


def test_python_m_famscore_goes_the_same_way_on_a_gbk_console(here: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "gbk", "COLUMNS": "80"}
    done = subprocess.run(
        [sys.executable, "-m", "famscore", "score", "考评表.xlsx", "回表2023"],
        capture_output=True,
        env=env,
        cwd=here,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    text = done.stderr.decode("gbk")
    assert "错误：「回表文件夹」：文件夹「回表2023」不存在。" in text
    assert "运行 python -m famscore score -h 查看帮助。" in text
    assert not ENGLISH.search(text), text
