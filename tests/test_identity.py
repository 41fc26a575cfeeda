"""Whose return is it: _meta, file name, roster and scheme title agree, or the unit is 待定 everywhere.

Issue 10, items 3, 4, 5 and 16. Every return is written by `famscore template` and filled by
fill_template, then read through the real reader (read_folder) and scored by score_batch.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from conftest import Worded as Problem
from conftest import write_markdown_scheme
from rich.console import Console
from test_hostile import GOOD, SCHEME

from famscore.batch import read_folder
from famscore.errors import ERROR, UsageError
from famscore.names import KnownUnits, file_stem_key, name_key, other_unit_named
from famscore.outputs.jsonout import batch_to_json
from famscore.outputs.readback import read_summary
from famscore.outputs.summary import write_summary
from famscore.outputs.terminal import ranking_table
from famscore.scheme.loader import load_scheme
from famscore.scheme.model import Scheme
from famscore.scoring import PENDING, BatchResult, score_batch
from famscore.templates import build_template, fill_template, template_filename
from famscore.units import read_units_file

UNITS = ["新华街道", "江苏街道", "华阳街道"]


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("identity")


def scheme_titled(work: Path, title: str = "测试考评", version: str = "1") -> Scheme:
    text = SCHEME.replace("| 标题 | 测试考评 |", f"| 标题 | {title} |").replace(
        "| 版本 | 1 |", f"| 版本 | {version} |"
    )
    return load_scheme(write_markdown_scheme(text, work / f"考评表_{name_key(title)}_{version}.xlsx"))


@pytest.fixture(scope="module")
def scheme(work: Path) -> Scheme:
    return scheme_titled(work)


@pytest.fixture(scope="module")
def blank(scheme: Scheme, work: Path) -> Path:
    return build_template(scheme, None, work / "空白.xlsx", generated="2024-01-15 09:00:00")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "returns"
    path.mkdir()
    return path


@pytest.fixture
def put(blank: Path, folder: Path, scheme: Scheme) -> Callable[..., Path]:
    """put(unit, name=None) -> the unit's filled return saved in the returns folder as `name`
    (default: the template's own file name for the unit)."""

    def write(unit: str, name: str | None = None) -> Path:
        return fill_template(blank, GOOD, folder / (name or template_filename(scheme, unit)), unit=unit)

    return write


def roster(tmp_path: Path, names: list[str]) -> list[str]:
    path = tmp_path / "units.txt"
    path.write_text("\n".join(names) + "\n", encoding="utf-8")
    return read_units_file(path)


def score(folder: Path, scheme: Scheme, units: list[str] | None = None) -> BatchResult:
    data, notes = read_folder(folder, scheme, workers=1)
    return score_batch(scheme, data, units, notes)


def errors(batch: BatchResult) -> list[Problem]:
    return [p for p in batch.problems if p.is_error]


def unit(batch: BatchResult, name: str):
    return next(u for u in batch.units if u.unit == name)


def assert_held_everywhere(batch: BatchResult, name: str, reason: str, tmp_path: Path) -> None:
    """`name` is 待定 with `reason` and outside the ranking and the notice in every output."""
    held = unit(batch, name)
    assert held.rank is None and held.grade == PENDING and reason in held.pending_reason()
    assert all(u.rank is not None for u in batch.units if u.unit != name)
    assert batch.units[-1] is held  # after every ranked unit
    console = Console(width=300, record=True)
    console.print(ranking_table(batch))
    line = next(line for line in console.export_text().splitlines() if name in line)
    assert "—" in line and PENDING in line and reason[:6] in line
    data = batch_to_json(batch)
    row = next(u for u in data["units"] if u["unit"] == name)
    assert row["rank"] is None and row["grade"] == PENDING and row["status"] == PENDING
    assert reason in row["reason"]
    assert all(u["status"] == "已排名" and u["reason"] is None for u in data["units"] if u["unit"] != name)
    path = write_summary(batch, tmp_path / "汇总.xlsx", generated_at="2024-02-01 09:00", famscore_version="t")
    book = openpyxl.load_workbook(path)
    notice = "\n".join(str(c.value) for row in book["结果通报"].iter_rows() for c in row if c.value)
    assert name not in notice and "另有 1 个单位" in notice
    matrix = [[c.value for c in row] for row in book["得分明细"].iter_rows()]
    state = matrix[1].index("说明")  # under the row of categories
    assert next(r[state] for r in matrix if r[0] == name).startswith(f"{PENDING}：")
    assert all(r[state] is None for r in matrix[3:] if r[0] != name)
    shown = read_summary(path).units
    back = next(u for u in shown if u.unit == name)
    assert (back.rank, back.grade, back.status, back.complete) == (None, PENDING, PENDING, True)
    assert reason in back.held and reason in back.reason
    problems = [[c.value for c in row] for row in book["问题"].iter_rows()]
    assert any(reason[:6] in (r[5] or "") or "暂不参加定级和排名" in (r[5] or "") for r in problems)


# ---------------------------------------------------------------- item 3: file name against _meta


def test_a_return_saved_under_another_units_name_is_held_naming_both(
    put: Callable[..., Path], folder: Path, scheme: Scheme, tmp_path: Path
) -> None:
    put("华阳街道")
    wrong = put("新华街道", template_filename(scheme, "江苏街道"))  # 新华街道's workbook, 江苏街道's name
    batch = score(folder, scheme, roster(tmp_path, UNITS))
    assert errors(batch) == [
        Problem(
            wrong.name,
            "_meta",
            "B5",
            ERROR,
            "_meta 中的单位是「新华街道」，文件名却是「江苏街道」的，无法确定这份回表属于哪个单位，暂不参加定级和排名",
            "如果这是「新华街道」的回表，请把文件改名为该单位的名称；如果是「江苏街道」的，请让它用自己的填报表重新填写",
        ),
        Problem(
            "",
            "",
            "",
            ERROR,
            f"单位「江苏街道」没有交回填报表（文件「{wrong.name}」的文件名是它的，但 _meta 中的单位是「新华街道」）",
            "请催交后重新计分",
            code="UNIT_NOT_RETURNED",
        ),
    ]
    assert [(p.file, p.sheet, p.row, p.column, p.code) for p in errors(batch)] == [
        (wrong.name, "_meta", 5, 2, "RETURN_NAMES_OTHER_UNIT"),
        ("", "", None, None, "UNIT_NOT_RETURNED"),
    ]
    assert_held_everywhere(batch, "新华街道", "文件名是「江苏街道」的", tmp_path)


def test_without_a_roster_the_template_name_of_another_unit_is_still_a_mismatch(
    put: Callable[..., Path], folder: Path, scheme: Scheme, tmp_path: Path
) -> None:
    put("华阳街道")
    put("新华街道", "新华街道(1).xlsx")
    wrong = put("新华街道", template_filename(scheme, "江苏街道"))
    batch = score(folder, scheme)
    assert sorted((p.file, p.code) for p in errors(batch)) == [
        ("新华街道(1).xlsx", "UNIT_RETURNED_TWICE"),
        (wrong.name, "RETURN_NAMES_OTHER_UNIT"),
    ]
    assert_held_everywhere(batch, "新华街道", "文件名是「江苏街道」的", tmp_path)


def test_without_a_roster_a_unit_seen_in_the_batch_is_recognised_in_a_free_file_name(
    put: Callable[..., Path], folder: Path, scheme: Scheme
) -> None:
    put("江苏街道", "交回/江苏街道 自评.xlsx")  # 江苏街道's own, in a subfolder
    put("新华街道", "江苏街道（1）.xlsx")  # 新华街道's workbook under 江苏街道's name
    batch = score(folder, scheme)
    assert [(p.file, p.sheet, p.cell) for p in errors(batch)] == [("江苏街道（1）.xlsx", "_meta", "B5")]
    assert unit(batch, "新华街道").rank is None and unit(batch, "江苏街道").rank == 1


LEGIT_NAMES = [
    "考评表_2023_新华街道(1).xlsx",
    "新华街道.xlsx",
    "新华街道 自评.xlsx",
    "新华街道(1).xlsx",
    "新华街道（2）.xlsx",
    "新华街道 - 副本.xlsx",
    "新华 街道.xlsx",
    "２０２３新华街道考评表（定稿）.xlsx",
    "自评.xlsx",  # names no unit: says nothing about who
    "回表3.xlsx",
    "长宁区.xlsx",  # a district, not a street: not another unit of the batch's level
    "测试考评_2023_空白.xlsx",  # the blank template, filled in and _meta completed
]


@pytest.mark.parametrize("with_roster", [True, False], ids=["roster", "no-roster"])
@pytest.mark.parametrize("name", LEGIT_NAMES)
def test_file_names_that_name_the_unit_or_no_unit_pass(
    put: Callable[..., Path], folder: Path, scheme: Scheme, tmp_path: Path, name: str, with_roster: bool
) -> None:
    put("新华街道", name)
    put("江苏街道")
    put("华阳街道", "华阳街道.xlsx")
    batch = score(folder, scheme, roster(tmp_path, UNITS) if with_roster else None)
    assert batch.problems == []
    assert all(u.rank is not None and not u.held for u in batch.units)
    assert unit(batch, "新华街道").file == name


@pytest.mark.parametrize(
    ("own", "file_name", "other"),
    [
        ("城东区", "城西区(1).xlsx", "城西区"),  # one character apart, still another unit
        ("城东区", "测试考评_2023_城南区.xlsx", "城南区"),  # a template's name
        ("新华街道", "新泾镇 自评.xlsx", "新泾镇"),  # streets and towns are one level
        ("新华街道", "长宁区 新华.xlsx", None),  # another level, and no unit of the batch
        ("新泾镇（虹桥）", "新泾镇.xlsx", None),  # a shortened own name
        ("新华街道", "测试考评_2023_空白.xlsx", None),
        ("新华街道", "江苏街道上报.xlsx", None),  # not between separators: only a roster would know
    ],
)
def test_without_a_roster_a_clearly_different_unit_name_is_a_mismatch(
    own: str, file_name: str, other: str | None, scheme: Scheme
) -> None:
    blank = file_stem_key(template_filename(scheme, None))
    assert (
        other_unit_named(
            file_name,
            own,
            KnownUnits([own]),
            scheme.title,
            template_prefix=blank.removesuffix("空白"),
            roster=False,
            not_units=("空白",),
        )
        == other
    )


def test_the_template_names_pass(
    put: Callable[..., Path], folder: Path, scheme: Scheme, tmp_path: Path
) -> None:
    for name in UNITS:
        put(name)
    assert score(folder, scheme, roster(tmp_path, UNITS)).problems == []


def test_a_unit_whose_name_is_inside_another_is_told_apart(
    put: Callable[..., Path], folder: Path, scheme: Scheme, tmp_path: Path
) -> None:
    units = roster(tmp_path, ["新泾镇", "北新泾镇"])
    put("北新泾镇", "北新泾镇.xlsx")
    put("新泾镇", "新泾镇 自评.xlsx")
    assert score(folder, scheme, units).problems == []
    (folder / "新泾镇 自评.xlsx").rename(folder / "北新泾镇(1).xlsx")
    batch = score(folder, scheme, units)
    assert (
        errors(batch)[0].file,
        errors(batch)[0].message.split("，无法")[0],
    ) == ("北新泾镇(1).xlsx", "_meta 中的单位是「新泾镇」，文件名却是「北新泾镇」的")
    assert unit(batch, "新泾镇").held and unit(batch, "北新泾镇").rank == 1


def test_a_return_without_a_unit_in_meta_takes_the_roster_unit_its_file_name_names(
    blank: Path, folder: Path, scheme: Scheme, tmp_path: Path
) -> None:
    fill_template(blank, GOOD, folder / "华阳街道 自评.xlsx")  # the blank template: _meta names no unit
    batch = score(folder, scheme, roster(tmp_path, ["华阳街道"]))
    assert [u.unit for u in batch.units] == ["华阳街道"] and batch.units[0].rank == 1
    assert [p.message for p in batch.problems] == ["_meta 工作表中没有单位名称，按文件名认定为「华阳街道」"]


# ---------------------------------------------------------------- item 4: identity errors are never ranked


def test_a_return_from_another_scheme_title_is_held(
    put: Callable[..., Path], folder: Path, scheme: Scheme, work: Path, tmp_path: Path
) -> None:
    put("江苏街道")
    old = scheme_titled(work, "测试考评2022")
    old_blank = build_template(old, None, work / "旧空白.xlsx", generated="2023-01-15 09:00:00")
    fill_template(old_blank, GOOD, folder / template_filename(old, "新华街道"), unit="新华街道")
    batch = score(folder, scheme, roster(tmp_path, ["新华街道", "江苏街道"]))
    assert [(p.sheet, p.message) for p in errors(batch)] == [
        ("_meta", "这份回表来自另一份考评表「测试考评2022」，不是「测试考评」，暂不参加定级和排名")
    ]
    assert_held_everywhere(batch, "新华街道", "来自另一份考评表「测试考评2022」", tmp_path)


def test_a_return_from_another_version_is_held(
    put: Callable[..., Path], folder: Path, scheme: Scheme, work: Path, tmp_path: Path
) -> None:
    put("江苏街道")
    old = scheme_titled(work, version="0.9")
    old_blank = build_template(old, None, work / "旧版空白.xlsx", generated="2023-01-15 09:00:00")
    fill_template(old_blank, GOOD, folder / "新华街道.xlsx", unit="新华街道")
    batch = score(folder, scheme)
    assert [p.message for p in errors(batch)] == [
        "这份回表来自考评表版本 0.9，当前考评表是版本 1，暂不参加定级和排名"
    ]
    assert_held_everywhere(batch, "新华街道", "来自考评表版本 0.9", tmp_path)


def test_last_years_return_of_a_scheme_with_the_same_title_is_held(
    put: Callable[..., Path], folder: Path, scheme: Scheme, work: Path, tmp_path: Path
) -> None:
    put("江苏街道")
    old = load_scheme(
        write_markdown_scheme(SCHEME.replace("| 年度 | 2023 |", "| 年度 | 2022 |"), work / "去年.xlsx")
    )
    old_blank = build_template(old, None, work / "去年空白.xlsx", generated="2022-01-15 09:00:00")
    fill_template(old_blank, GOOD, folder / "新华街道.xlsx", unit="新华街道")
    batch = score(folder, scheme)
    assert [(p.file, p.sheet, p.message) for p in errors(batch)] == [
        (
            "新华街道.xlsx",
            "_meta",
            "这份回表来自 2022 年度的考评表，当前考评表是 2023 年度，暂不参加定级和排名",
        )
    ]
    assert_held_everywhere(batch, "新华街道", "来自 2022 年度的考评表", tmp_path)


def test_a_unit_not_on_the_roster_is_held(
    put: Callable[..., Path], folder: Path, scheme: Scheme, tmp_path: Path
) -> None:
    put("江苏街道")
    put("新华街道")
    batch = score(folder, scheme, roster(tmp_path, ["江苏街道"]))
    assert [(p.message, p.code) for p in errors(batch)] == [
        ("单位「新华街道」不在单位名单中，暂不参加定级和排名", "UNIT_NOT_ON_ROSTER")
    ]
    assert_held_everywhere(batch, "新华街道", "不在单位名单中", tmp_path)


def test_two_returns_for_one_unit_are_held(
    put: Callable[..., Path], folder: Path, scheme: Scheme, tmp_path: Path
) -> None:
    put("江苏街道")
    put("新华街道")
    put("新华街道", "新华街道(1).xlsx")
    batch = score(folder, scheme)
    assert_held_everywhere(batch, "新华街道", "有 2 份回表，无法确定采用哪一份", tmp_path)


# ---------------------------------------------------------------- item 16: one problem per group


def test_hundreds_of_copies_of_one_return_give_one_problem_naming_a_few_and_the_count(
    put: Callable[..., Path], folder: Path, scheme: Scheme
) -> None:
    first = put("新华街道", "新华街道_000.xlsx")
    for n in range(1, 300):
        shutil.copyfile(first, folder / f"新华街道_{n:03}.xlsx")
    batch = score(folder, scheme)
    assert batch.files == 300 and len(batch.units) == 1
    assert batch.problems == [
        Problem(
            "新华街道_000.xlsx",
            "",
            "",
            ERROR,
            "单位「新华街道」有 300 份回表（新华街道_000.xlsx、新华街道_001.xlsx、新华街道_002.xlsx 等 300 个文件），"
            "无法确定采用哪一份，暂不参加定级和排名",
            "请只保留该单位的一份回表，删除或移走其余的文件后重新计分",
        )
    ]
    assert [p.code for p in batch.problems] == ["UNIT_RETURNED_TWICE"]
    assert batch.units[0].rank is None and batch.units[0].held == ["有 300 份回表，无法确定采用哪一份"]


# ---------------------------------------------------------------- item 5: one name whatever its width


def test_a_full_width_unit_name_on_the_roster_matches_its_own_template_and_prints_as_written(
    put: Callable[..., Path], folder: Path, scheme: Scheme, tmp_path: Path
) -> None:
    put("新泾镇（虹桥）")
    put("江苏街道")
    batch = score(folder, scheme, roster(tmp_path, ["新泾镇（虹桥）", "江苏街道"]))
    assert batch.problems == []
    assert sorted(u.unit for u in batch.units) == ["新泾镇（虹桥）", "江苏街道"]
    assert all(u.rank is not None for u in batch.units)


def test_a_roster_writing_a_name_half_width_matches_a_full_width_return_and_wins_for_printing(
    put: Callable[..., Path], folder: Path, scheme: Scheme, tmp_path: Path
) -> None:
    put("新泾镇（虹桥）", "新泾镇 ( 虹桥 ).xlsx")
    batch = score(folder, scheme, roster(tmp_path, ["新泾镇(虹桥)"]))
    assert batch.problems == []
    assert [u.unit for u in batch.units] == ["新泾镇(虹桥)"]


def test_a_unit_written_two_ways_is_one_unit_with_two_returns(
    put: Callable[..., Path], folder: Path, scheme: Scheme
) -> None:
    put("新泾镇（虹桥）", "a.xlsx")
    put("新泾镇(虹桥)", "b.xlsx")
    batch = score(folder, scheme)
    assert [u.unit for u in batch.units] == ["新泾镇（虹桥）"]  # as the first return's _meta writes it
    assert len(batch.problems) == 1
    assert batch.problems[0].message.startswith("单位「新泾镇（虹桥）」有 2 份回表（a.xlsx、b.xlsx）")


def test_a_scheme_title_with_full_width_brackets_is_the_schemes_own(work: Path, tmp_path: Path) -> None:
    trial = scheme_titled(work, "测试考评（试行）")
    blank = build_template(trial, None, work / "试行空白.xlsx", generated="2024-01-15 09:00:00")
    folder = tmp_path / "returns"
    path = fill_template(blank, GOOD, folder / template_filename(trial, "新华街道"), unit="新华街道")
    fill_template(blank, GOOD, folder / "江苏街道.xlsx", unit="江苏街道")
    book = openpyxl.load_workbook(path)  # a clerk's office retyped the title half-width
    meta = book["_meta"]
    assert meta["A1"].value == "标题" and meta["B1"].value == "测试考评（试行）"
    meta["B1"] = " 测试考评 (试行)"
    book.save(path)
    batch = score(folder, trial)
    assert batch.problems == [] and all(u.rank is not None for u in batch.units)


def test_the_roster_refuses_one_name_written_in_two_widths(tmp_path: Path) -> None:
    path = tmp_path / "units.txt"
    path.write_text("新泾镇（虹桥）\n江苏街道\n新泾镇(虹桥)\n", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        read_units_file(path)
    assert caught.value.message == (
        "单位名单 units.txt 第 3 行：单位「新泾镇(虹桥)」重复（第 1 行已有（写作「新泾镇（虹桥）」））；请删除重复的一行"
    )


def test_name_key_folds_width_spaces_brackets_and_invisible_characters() -> None:
    same = ["新泾镇（虹桥）", "新泾镇(虹桥)", " 新泾镇 ( 虹桥 ) ", "新泾镇【虹桥】", "新泾镇\u200b（虹桥）"]
    assert {name_key(s) for s in same} == {"新泾镇(虹桥)"}
    assert name_key("ＡＢＣ街道") == name_key("abc街道") and name_key("新泾镇") != name_key("新泾镇(虹桥)")


# ---------------------------------------------------------------- the command line


def test_score_shows_a_held_unit_as_pending_in_the_table_the_json_and_show(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    import famscore.cli as cli

    monkeypatch.setattr(cli, "out", Console(width=400, force_terminal=False))
    monkeypatch.setattr(cli, "err", Console(width=400, stderr=True, force_terminal=False))
    example = Path(__file__).resolve().parent.parent / "examples" / "changning-2023"
    folder = tmp_path / "回表"
    shutil.copytree(example / "returns", folder)
    prefix = "长宁区2023年度人口与计划生育工作任务情况考评表_2023_"
    shutil.copyfile(folder / f"{prefix}天山街道.xlsx", folder / f"{prefix}程桥街道.xlsx")
    summary, result = tmp_path / "汇总.xlsx", tmp_path / "结果.json"
    args = ["score", example / "考评表.xlsx", folder, "-o", summary, "--json", result]
    outcome = CliRunner().invoke(cli.app, [str(a) for a in [*args, "--units-file", example / "units.txt"]])
    assert outcome.exit_code == 1
    row = next(line for line in outcome.output.splitlines() if "│ 天山街道" in line)
    assert "│    — │" in row and "待定：回表文件名是「程桥街道」的，与 _meta 中的单位不符；有 2 份回表" in row
    assert "单位「程桥街道」没有交回填报表（文件「" in outcome.output
    units = {u["unit"]: u for u in json.loads(result.read_text(encoding="utf-8"))["units"]}
    assert units["天山街道"]["status"] == "待定" and units["天山街道"]["rank"] is None
    assert "程桥街道" not in units and len(units) == 9
    assert all(u["rank"] is not None and u["status"] == "已排名" for n, u in units.items() if n != "天山街道")
    shown = CliRunner().invoke(cli.app, ["show", str(summary)])
    assert shown.exit_code == 0
    assert "待定" in next(line for line in shown.output.splitlines() if "天山街道" in line)
