"""No output lands on an input, one run's outputs are one batch, and input text never becomes terminal markup."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest
from conftest import write_markdown_scheme
from rich.console import Console
from typer.testing import CliRunner

import famscore.cli as cli
import famscore.outputs.writeall as writeall
from famscore.cli import app
from famscore.entry_sheet import REVIEW_SHEET
from famscore.outputs.audit import audit_csv_path
from famscore.returns import read_return, unit_from_filename
from famscore.reviews import is_review
from famscore.scheme.loader import load_scheme
from famscore.templates import MAX_NAME_BYTES, MAX_NAME_CHARS, fill_template, template_filename

ROOT = Path(__file__).resolve().parent.parent
CHANGNING = ROOT / "examples" / "changning-2023"
SCHEME = CHANGNING / "考评表.xlsx"
MARKUP_NAMES = ("[/]", "[bold]x", "[link=http://e]y[/link]")


@pytest.fixture(autouse=True)
def wide_consoles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "out", Console(width=400, force_terminal=False))
    monkeypatch.setattr(cli, "err", Console(width=400, stderr=True, force_terminal=False))


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """TMPDIR for this test alone, so that anything left in it is this run's leftover."""
    folder = tmp_path / "TMPDIR"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def work(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    shutil.copytree(CHANGNING / "returns", folder / "回表")
    shutil.copy(CHANGNING / "units.txt", folder / "units.txt")
    return folder


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


# ---------------------------------------------------------------- item 6: no output is an input


@pytest.mark.parametrize("option", ["--json", "-o"])
def test_an_output_naming_the_roster_is_refused_before_any_work(work: Path, option: str) -> None:
    before = snapshot(work)
    code, output = run(
        "score", SCHEME, work / "回表", "--units-file", work / "units.txt", option, work / "units.txt"
    )
    assert code == 2
    assert "就是输入文件" in output and "单位名单" in output
    assert snapshot(work) == before  # the roster intact and nothing written beside it


def test_a_roster_named_like_the_audit_csv_of_the_summary_is_refused(work: Path) -> None:
    roster = audit_csv_path(work / "汇总.xlsx")
    shutil.copy(work / "units.txt", roster)
    before = snapshot(work)
    code, output = run("score", SCHEME, work / "回表", "--units-file", roster, "-o", work / "汇总.xlsx")
    assert code == 2 and "计分过程 CSV" in output and "就是输入文件" in output
    assert snapshot(work) == before


def test_the_roster_through_another_spelling_or_a_hard_link_is_refused(work: Path) -> None:
    roster = work / "units.txt"
    code, output = run(
        "score", SCHEME, work / "回表", "--units-file", roster, "--json", work / "回表" / ".." / "units.txt"
    )
    assert code == 2 and "就是输入文件" in output
    link = work / "名单链接.json"
    os.link(roster, link)
    code, output = run("score", SCHEME, work / "回表", "--units-file", roster, "--json", link)
    assert code == 2 and "就是输入文件" in output
    assert roster.read_bytes() == (CHANGNING / "units.txt").read_bytes()


def test_the_scheme_as_an_output_is_refused(work: Path, tmp_path: Path) -> None:
    scheme = shutil.copy(SCHEME, tmp_path / "考评表.xlsx")
    before = Path(scheme).read_bytes()
    code, output = run("score", scheme, work / "回表", "-o", scheme)
    assert code == 2 and "考评表" in output
    assert Path(scheme).read_bytes() == before


def test_a_file_reached_through_a_link_in_the_returns_folder_is_an_input(work: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    first = sorted((work / "回表").glob("*.xlsx"))[0]
    target = outside / first.name
    shutil.move(first, target)
    (work / "回表" / first.name).symlink_to(target)
    before = target.read_bytes()
    code, output = run("score", SCHEME, work / "回表", "--json", target)
    assert code == 2 and "回表文件夹" in output and "会覆盖它" in output
    assert target.read_bytes() == before
    linked = work / "回表" / "子文件夹"
    linked.symlink_to(outside, target_is_directory=True)
    code, output = run("score", SCHEME, work / "回表", "-o", outside / "汇总.xlsx")
    assert code == 2 and "回表文件夹" in output
    assert not (outside / "汇总.xlsx").exists()


def test_two_outputs_of_one_run_may_not_be_one_file(work: Path) -> None:
    summary = work / "汇总.xlsx"
    for json_file in (summary, audit_csv_path(summary), work / "汇总.XLSX"):
        code, output = run("score", SCHEME, work / "回表", "-o", summary, "--json", json_file)
        assert code == 2 and "同一次运行的输出不能互相覆盖" in output
        assert not summary.exists() and not json_file.exists()


def test_an_output_in_a_missing_folder_is_refused_before_scoring(work: Path) -> None:
    code, output = run("score", SCHEME, work / "回表", "--json", work / "没有" / "结果.json")
    assert code == 2 and "不存在" in output
    assert not (work / "回表_计分汇总.xlsx").exists()


def test_template_never_writes_over_the_scheme_or_the_roster(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    folder.mkdir()
    scheme = load_scheme(SCHEME)
    blank = Path(shutil.copy(SCHEME, folder / template_filename(scheme, None)))
    before = blank.read_bytes()
    code, output = run("template", blank, "-o", folder)
    assert code == 2 and "就是输入文件" in output and "考评表" in output
    assert blank.read_bytes() == before

    import openpyxl

    roster = folder / template_filename(scheme, "新华街道")
    book = openpyxl.Workbook()
    book.active.append(["新华街道"])
    book.save(roster)
    before = roster.read_bytes()
    code, output = run("template", SCHEME, "--units-file", roster, "-o", folder)
    assert code == 2 and "单位名单" in output
    assert roster.read_bytes() == before


# ---------------------------------------------------------------- item 8: one batch or nothing


def _leftovers(folder: Path, outputs: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in outputs)


def _writing_leftovers(tmpdir: Path) -> list[str]:
    """What writing left in TMPDIR: xlsxwriter's parts (tmpXXXX files) or its private folder. The
    readers' spool folder (famscore-XXXX) belongs to reading and is removed when the process exits."""
    return sorted(p.name for p in tmpdir.iterdir() if not p.is_dir() or p.name.startswith("famscore-xlsx-"))


@pytest.fixture
def previous(work: Path) -> Callable[[], dict[str, bytes]]:
    """A first run's summary and JSON, and a way to read them back."""
    code, output = run("score", SCHEME, work / "回表", "-o", work / "汇总.xlsx", "--json", work / "结果.json")
    assert code == 0, output

    def read() -> dict[str, bytes]:
        return {name: (work / name).read_bytes() for name in ("汇总.xlsx", "结果.json")}

    return read


def _disk_full_json(monkeypatch: pytest.MonkeyPatch) -> None:
    def writer(batch: object) -> Callable[[Path], None]:
        def write(temp: Path) -> None:
            temp.write_text('{"half', encoding="utf-8")
            raise OSError(errno.ENOSPC, "No space left on device")

        return write

    monkeypatch.setattr(writeall, "json_writer", writer)


@pytest.mark.parametrize("parallel", [False, True], ids=["one-process", "forked"])
def test_a_full_disk_at_the_second_output_replaces_nothing(
    work: Path,
    previous: Callable[[], dict[str, bytes]],
    private_tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
    parallel: bool,
) -> None:
    before = previous()
    files = set(os.listdir(work))
    _disk_full_json(monkeypatch)
    if parallel:
        monkeypatch.setattr(writeall, "PARALLEL_UNITS", 1)
    code, output = run("score", SCHEME, work / "回表", "-o", work / "汇总.xlsx", "--json", work / "结果.json")
    assert code == 2
    assert "磁盘空间不足" in output and "本次没有写出任何文件，原来的文件没有改动" in output
    assert "Traceback" not in output
    assert previous() == before
    assert _leftovers(work, files) == []
    assert _writing_leftovers(private_tmp) == []


def test_a_full_disk_while_the_workbook_is_zipped_leaves_no_parts_in_tmpdir(
    work: Path, previous: Callable[[], dict[str, bytes]], private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = previous()
    files = set(os.listdir(work))
    real = zipfile.ZipFile.write
    calls = iter(range(1000))

    def write(self: zipfile.ZipFile, *args: object, **kwargs: object) -> None:
        if next(calls) == 3:  # a few parts in: the rest of xlsxwriter's parts are still on disk
            raise OSError(errno.ENOSPC, "No space left on device")
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "write", write)
    code, output = run("score", SCHEME, work / "回表", "-o", work / "汇总.xlsx", "--json", work / "结果.json")
    assert code == 2 and "磁盘空间不足" in output and "没有写出任何文件" in output
    assert previous() == before
    assert _leftovers(work, files) == []
    assert _writing_leftovers(private_tmp) == []


def test_a_replace_that_fails_half_way_puts_the_first_output_back(
    work: Path, previous: Callable[[], dict[str, bytes]], private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = previous()
    files = set(os.listdir(work))
    real = os.replace

    def replace(src: str | Path, dst: str | Path) -> None:
        if Path(dst).name == "结果.json" and ".tmp" in Path(src).name and ".old." not in Path(src).name:
            raise PermissionError(errno.EACCES, "The process cannot access the file")
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    code, output = run("score", SCHEME, work / "回表", "-o", work / "汇总.xlsx", "--json", work / "结果.json")
    assert code == 2
    assert "结果.json" in output and "关闭" in output and "本次没有写出任何文件" in output
    assert previous() == before
    assert _leftovers(work, files) == []


# ---------------------------------------------------------------- item 9: the user's umask


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    old = os.umask(0o022)

    def set_mask(mask: int) -> None:
        os.umask(mask)

    yield set_mask
    os.umask(old)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_outputs_and_templates_get_the_users_umask(
    work: Path, umask: Callable[[int], None], mask: int, mode: int
) -> None:
    umask(mask)
    summary, result = work / "汇总.xlsx", work / "结果.json"
    code, output = run("score", SCHEME, work / "回表", "-o", summary, "--json", result)
    assert code == 0, output
    assert stat.S_IMODE(summary.stat().st_mode) == mode
    assert stat.S_IMODE(result.stat().st_mode) == mode
    code, output = run("template", SCHEME, "--unit", "新华街道", "-o", work / "填报表")
    assert code == 0, output
    made = list((work / "填报表").glob("*.xlsx"))  # the unit's form and each department's 评分表
    assert len(made) > 1 and all(stat.S_IMODE(m.stat().st_mode) == mode for m in made)


# ---------------------------------------------------------------- item 10: an empty returns folder


def test_an_empty_returns_folder_is_an_error_and_keeps_last_runs_summary(
    work: Path, previous: Callable[[], dict[str, bytes]]
) -> None:
    before = previous()
    empty = work / "空文件夹"
    empty.mkdir()
    (empty / ".DS_Store").write_bytes(b"x")
    code, output = run("score", SCHEME, empty, "-o", work / "汇总.xlsx", "--json", work / "结果.json")
    assert code == 2
    assert "没有可读取的回表文件" in output and "没有写出任何文件" in output
    assert previous() == before


# ---------------------------------------------------------------- item 12: input text is not markup


@pytest.fixture
def markup_returns(work: Path) -> Path:
    folder = work / "标记回表"
    folder.mkdir()
    scheme = load_scheme(SCHEME)
    everything = sorted((work / "回表").glob("*.xlsx"))
    sources = [path for path in everything if not is_review(path)]  # units' returns, not 评分表
    renamed = {}
    for name, source in zip(MARKUP_NAMES, sources, strict=False):
        renamed[read_return(source, scheme).unit] = name
        fill_template(source, {}, folder / template_filename(scheme, name), unit=name)
    for review in (path for path in everything if is_review(path)):  # the departments' rows follow
        book = openpyxl.load_workbook(review)
        for row in book[REVIEW_SHEET].iter_rows():
            for cell in row:
                if cell.value in renamed:
                    cell.value = renamed[cell.value]
        book.save(folder / review.name)
    for source in sources[len(MARKUP_NAMES) :]:
        shutil.copy(source, folder / source.name)
    (folder / "[bold]坏文件.xlsx").write_bytes(b"PK\x03\x04 truncated")
    (folder / "坏\x1b[31m红\x1b]8;;http:e\x1b\\链.xlsx").write_bytes(b"PK\x03\x04 truncated")
    return folder


def test_unit_and_file_names_that_look_like_markup_print_as_written(markup_returns: Path, work: Path) -> None:
    summary = work / "[bold]汇总.xlsx"
    code, output = run("score", SCHEME, markup_returns, "-o", summary)
    assert code == 1, output  # the broken file; everything else scored
    for name in (*MARKUP_NAMES, "[bold]坏文件.xlsx", "[bold]汇总.xlsx"):
        assert name in output
    # An escape sequence in a file name would colour the terminal or make a link: shown, not sent.
    assert "\x1b" not in output and "坏\ufffd[31m红\ufffd]8;;http:e\ufffd\\链.xlsx" in output

    code, output = run("show", summary)
    assert code == 0, output
    assert all(name in output for name in MARKUP_NAMES)

    for name in MARKUP_NAMES:
        code, output = run("explain", SCHEME, markup_returns, "--unit", name)
        assert code == 0, output
        assert name in output
        code, output = run("explain", summary, "--unit", name)
        assert code == 0, output
        assert name in output
    code, output = run("explain", summary, "--unit", "[/]不存在")
    assert code == 2 and "[/]不存在" in output and "[link=http://e]y[/link]" in output


def test_scheme_text_that_looks_like_markup_prints_as_written(tmp_path: Path) -> None:
    text = (CHANGNING / "scheme.md").read_text(encoding="utf-8")
    assert "计生信访稳定" in text and "优秀" in text
    text = text.replace("计生信访稳定", "[/]计生信访稳定[link=http://e]y[/link]")
    scheme = write_markdown_scheme(text, tmp_path / "[bold]考评表.xlsx")
    code, output = run("check", scheme)
    assert code == 0, output
    assert "[/]计生信访稳定[link=http://e]y[/link]" in output


def test_an_error_message_quoting_a_path_prints_it_as_written(tmp_path: Path) -> None:
    folder = tmp_path / "[bold]回表"
    folder.mkdir()
    code, output = run("score", SCHEME, folder, "-o", folder / "[/]汇总.xlsx")
    assert code == 2
    assert "[bold]回表" in output and "[/]汇总.xlsx" in output


# ---------------------------------------------------------------- item 15: long names


def test_long_titles_and_unit_names_give_short_unique_file_names(tmp_path: Path) -> None:
    text = (CHANGNING / "scheme.md").read_text(encoding="utf-8")
    title = load_scheme(SCHEME).title
    scheme_path = write_markdown_scheme(text.replace(title, title * 8), tmp_path / "考评表.xlsx")
    scheme = load_scheme(scheme_path)
    stem = "很长的单位名称" * 20
    units = [stem + "甲", stem + "乙", "新华街道"]
    code, output = run(
        "template",
        scheme_path,
        *(a for u in units for a in ("--unit", u)),
        "-o",
        tmp_path / "填报表",
        "--only",
        "单位表",
    )
    assert code == 0, output
    made = sorted((tmp_path / "填报表").glob("*.xlsx"))
    assert len(made) == 3
    for path in made:
        assert len(path.name) <= MAX_NAME_CHARS and len(path.name.encode()) <= MAX_NAME_BYTES
    assert len({p.name for p in made}) == 3
    for unit, path in zip(
        units, (tmp_path / "填报表" / template_filename(scheme, u) for u in units), strict=True
    ):
        assert path.exists()
        guess = unit_from_filename(path.name, scheme.title)
        assert "~" not in guess and unit.startswith(guess)

    returns = tmp_path / "回表"
    returns.mkdir()
    for path in made:
        shutil.copy(path, returns / path.name)
    code, output = run(
        "score", scheme_path, returns, "-o", tmp_path / "汇总.xlsx", "--json", tmp_path / "r.json"
    )
    import json

    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert sorted(u["unit"] for u in data["units"]) == sorted(units)


# ---------------------------------------------------------------- item 16: a capped problem table


def test_the_terminal_problem_table_is_capped_and_points_to_the_workbook(work: Path) -> None:
    for n in range(60):
        (work / "回表" / f"坏文件{n:02d}.xlsx").write_bytes(b"PK\x03\x04 truncated")
    code, output = run("score", SCHEME, work / "回表", "-o", work / "汇总.xlsx")
    assert code == 1
    assert "只显示前 50 处；共 60 处问题，全部问题见汇总工作簿「汇总.xlsx」的「问题」工作表" in output
    assert "坏文件49.xlsx" in output and "坏文件50.xlsx" not in output


# ---------------------------------------------------------------- the same, as a user runs it

INJECT = """
import errno
import os

import famscore.outputs.writeall as writeall

def json_writer(batch):
    def write(temp):
        temp.write_text('{"half', encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device")
    return write

writeall.json_writer = json_writer
if os.environ.get("FAMSCORE_TEST_PARALLEL"):
    writeall.PARALLEL_UNITS = 1
"""


@pytest.mark.parametrize("parallel", ["", "1"], ids=["one-process", "forked"])
def test_a_full_disk_in_a_real_process_prints_one_chinese_message_and_leaves_nothing(
    work: Path, previous: Callable[[], dict[str, bytes]], tmp_path: Path, parallel: str
) -> None:
    import subprocess
    import sys

    before = previous()
    files = set(os.listdir(work))
    inject = tmp_path / "inject"
    inject.mkdir()
    (inject / "sitecustomize.py").write_text(INJECT, encoding="utf-8")
    private = tmp_path / "TMP"
    private.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(inject),
        "TMPDIR": str(private),
        "FAMSCORE_TEST_PARALLEL": parallel,
        "COLUMNS": "400",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "famscore",
            "score",
            SCHEME,
            work / "回表",
            *("-o", work / "汇总.xlsx"),
            "--json",
            work / "结果.json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr
    assert "磁盘空间不足" in done.stderr and "本次没有写出任何文件" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert previous() == before
    assert _leftovers(work, files) == []
    assert list(private.iterdir()) == []


# ---------------------------------------------------------------- OutputSet itself


def _failing_replace(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    real = os.replace

    def replace(src: str | Path, dst: str | Path) -> None:
        if Path(dst).name == name and ".old." not in Path(src).name:
            raise PermissionError(errno.EACCES, "locked")
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)


def test_a_failed_commit_removes_the_outputs_that_did_not_exist_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from famscore.errors import OutputError
    from famscore.outputs.safe import OutputSet

    _failing_replace(monkeypatch, "b.json")
    with pytest.raises(OutputError) as info, OutputSet() as outputs:
        outputs.write(tmp_path / "a.json", lambda t: t.write_text("{}"))
        outputs.write(tmp_path / "b.json", lambda t: t.write_text("{}"))
        outputs.commit()
    assert "本次没有写出任何文件" in info.value.message
    assert list(tmp_path.iterdir()) == []


def test_without_hard_links_a_failed_commit_says_exactly_what_was_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from famscore.errors import OutputError
    from famscore.outputs.safe import OutputSet

    for name in ("a.json", "b.json"):
        (tmp_path / name).write_text('"old"')

    def no_links(src: object, dst: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    _failing_replace(monkeypatch, "b.json")
    with pytest.raises(OutputError) as info, OutputSet() as outputs:
        outputs.write(tmp_path / "a.json", lambda t: t.write_text('"new"'))
        outputs.write(tmp_path / "b.json", lambda t: t.write_text('"new"'))
        outputs.commit()
    assert f"已经换成本次结果的只有 「{tmp_path / 'a.json'}」" in info.value.message
    assert (tmp_path / "a.json").read_text() == '"new"' and (tmp_path / "b.json").read_text() == '"old"'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]
