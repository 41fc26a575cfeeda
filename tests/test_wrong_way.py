"""A command given the wrong kind of file, or a scheme that cannot score, says so and what to do."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import famscore.cli as cli
from famscore.cli import app
from famscore.errors import Problem
from famscore.messages import Msg
from famscore.scheme.loader import check_scheme
from famscore.scheme.model import Scheme

ROOT = Path(__file__).resolve().parent.parent
CHANGNING = ROOT / "examples" / "changning-2023"
SCHEME = CHANGNING / "考评表.xlsx"
BLANK_TEMPLATE = ROOT / "templates" / "考评表模板.xlsx"


@pytest.fixture(autouse=True)
def wide_consoles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wide consoles so that long Chinese messages are not wrapped mid-phrase in assertions."""
    monkeypatch.setattr(cli, "out", Console(width=400, force_terminal=False))
    monkeypatch.setattr(cli, "err", Console(width=400, stderr=True, force_terminal=False))


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def says(output: str, message: Msg, **fields: object) -> bool:
    return all(part in output for part in message.render(**fields))


@pytest.fixture
def a_return(tmp_path: Path) -> Path:
    """One unit's return as the unit sent it back (填报 and _meta sheets)."""
    source = sorted((CHANGNING / "returns").glob("*.xlsx"))[0]
    return Path(shutil.copy(source, tmp_path / "新华街道.xlsx"))


def test_check_given_a_return_says_it_is_a_return_and_how_to_score(a_return: Path) -> None:
    code, output = run("check", a_return)
    assert code == 2
    assert says(output, Msg.CLI_GIVEN_RETURN, path=a_return)
    assert "SCHEME_SHEET_MISSING" not in output and "请添加名为" not in output


def test_check_given_a_summary_says_to_use_show(tmp_path: Path) -> None:
    returns = Path(shutil.copytree(CHANGNING / "returns", tmp_path / "回表"))
    summary = tmp_path / "汇总.xlsx"
    assert run("score", SCHEME, returns, "-o", summary, "-q")[0] == 0
    code, output = run("check", summary)
    assert code == 2
    assert says(output, Msg.CLI_GIVEN_SUMMARY, path=summary)
    assert "请添加名为" not in output


def test_explain_from_a_scheme_without_the_returns_folder_asks_for_the_folder() -> None:
    code, output = run("explain", SCHEME, "--unit", "新华街道")
    assert code == 2
    assert says(output, Msg.CLI_EXPLAIN_NEEDS_RETURNS, path=SCHEME, unit="新华街道")
    assert "不是 famscore 生成的汇总表" not in output


def test_explain_given_a_return_says_it_is_a_return(a_return: Path) -> None:
    code, output = run("explain", a_return, "--unit", "新华街道")
    assert code == 2
    assert says(output, Msg.CLI_GIVEN_RETURN, path=a_return)


def test_check_still_lists_the_problems_of_a_workbook_that_is_nothing_famscore_wrote(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    assert book.active is not None
    book.active.title = "Sheet1"
    path = tmp_path / "别的表.xlsx"
    book.save(path)
    code, output = run("check", path)
    assert code == 2
    assert "缺少工作表「设置」" in output


def test_the_untouched_blank_template_is_an_error_at_the_indicator_sheet() -> None:
    scheme, problems = check_scheme(BLANK_TEMPLATE)
    assert scheme is None
    assert [(p.sheet, p.row, p.column, p.code) for p in problems] == [("指标", 2, 1, "SCHEME_NO_ITEMS")]
    code, output = run("check", BLANK_TEMPLATE)
    assert code == 2
    assert "考评表可以使用" not in output


def test_an_indicator_sheet_whose_rows_were_refused_does_not_also_say_it_has_no_items(
    check_md: Callable[[str], tuple[Scheme | None, list[Problem]]],
) -> None:
    _, problems = check_md(
        """
        ## 设置
        | 项目 | 内容 |
        |---|---|
        | 标题 | 测试 |
        | 版本 | 1 |
        | 主要指标满分 | 10 |

        ## 指标
        | 编号 | 一级指标 | 二级指标 | 分值 | 评分标准 |
        |---|---|---|---|---|
        |  | 组织管理 |  | 10 |  |
        """
    )
    codes = [p.code for p in problems]
    assert "SCHEME_INDICATOR_ID_EMPTY" in codes
    assert "SCHEME_NO_ITEMS" not in codes


# Every number written with its unit, as a clerk copies it from the paper table.
WITH_UNITS = """
## 设置
| 项目 | 内容 |
|---|---|
| 标题 | 带单位的数值 |
| 版本 | 1 |
| 主要指标满分 | 10分 |

## 等级
| 等级 | 最低分 |
|---|---|
| 优秀 | 9分 |
| 良好 | 8.5 分 |
| 合格 | |

## 指标
| 编号 | 一级指标 | 二级指标 | 分值 | 最低分 |
|---|---|---|---|---|
| A | 基础工作 | | 10分 | |
| A1 | | 免费药具 | 6.5分 | 0分 |
| A2 | | 人口家庭发展调研 | 3.5分 | |

## 字段
| 字段编号 | 指标编号 | 填报项目 | 类型 | 单位 | 最小值 | 最大值 | 选项 |
|---|---|---|---|---|---|---|---|
| A1_完成率 | A1 | 发放完成率 | 百分比 | % | 0% | 98% | |
| A2_评定 | A2 | 调研评定分 | 评分 | 分 | 0分 | 3.5分 | |

## 规则
| 指标编号 | 规则类型 | 字段 | 参数 |
|---|---|---|---|
| A1 | 分档 | A1_完成率 | ≥95:6.5；≥90:4；其他:0 |
| A2 | 评分 | A2_评定 | |
"""


def test_numbers_written_with_points_or_percent_are_read_as_numbers(
    check_md: Callable[[str], tuple[Scheme | None, list[Problem]]],
) -> None:
    scheme, problems = check_md(WITH_UNITS)
    assert [(p.sheet, p.row, p.column, p.code) for p in problems] == []
    assert scheme is not None
    assert scheme.settings.main_points == Decimal(10)
    assert [(b.name, b.lower) for b in scheme.bands] == [
        ("优秀", Decimal(9)),
        ("良好", Decimal("8.5")),
        ("合格", None),
    ]
    items = {i.id: i for c in scheme.categories for i in c.items}
    assert (items["A1"].points, items["A2"].points) == (Decimal("6.5"), Decimal("3.5"))
    assert items["A1"].floor == Decimal(0)
    rate, judged = scheme.fields["A1_完成率"], scheme.fields["A2_评定"]
    assert (rate.minimum, rate.maximum) == (Decimal(0), Decimal(98))
    assert (judged.minimum, judged.maximum) == (Decimal(0), Decimal("3.5"))


@pytest.mark.parametrize(
    ("old", "new", "place"),
    [
        # A percent sign is a percent field's bound only: on points it is a mistake, not a number.
        (
            "| A1 | | 免费药具 | 6.5分 | 0分 |",
            "| A1 | | 免费药具 | 6.5% | 0分 |",
            ("指标", 3, 4, "SCHEME_POINTS_INVALID"),
        ),
        (
            "| A2_评定 | A2 | 调研评定分 | 评分 | 分 | 0分 | 3.5分 | |",
            "| A2_评定 | A2 | 调研评定分 | 评分 | 分 | 0分 | 98% | |",
            ("字段", 3, 7, "SCHEME_FIELD_BOUND_INVALID"),
        ),
        # Only a number before the unit: 分 alone is still refused.
        ("| 主要指标满分 | 10分 |", "| 主要指标满分 | 分 |", ("设置", 4, 2, "SCHEME_MAIN_POINTS_INVALID")),
    ],
)
def test_a_unit_that_does_not_fit_the_value_is_still_refused(
    check_md: Callable[[str], tuple[Scheme | None, list[Problem]]],
    old: str,
    new: str,
    place: tuple[str, int, int, str],
) -> None:
    assert WITH_UNITS.count(old) == 1
    _, problems = check_md(WITH_UNITS.replace(old, new))
    assert place in [(p.sheet, p.row, p.column, p.code) for p in problems]


@pytest.mark.parametrize("command", ["score", "template"])
def test_score_and_template_given_a_return_for_the_scheme_say_it_is_a_return(
    a_return: Path, tmp_path: Path, command: str
) -> None:
    folder = tmp_path / "回表"
    folder.mkdir()
    args = [a_return, folder] if command == "score" else [a_return, "-o", tmp_path / "填报表"]
    code, output = run(command, *args)
    assert code == 2
    assert says(output, Msg.CLI_GIVEN_RETURN, path=a_return)
    assert "请添加名为" not in output
