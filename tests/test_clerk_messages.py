"""Messages that point the right way: a roster typo said once, one problem count, one range wording, 分 in rules."""

from __future__ import annotations

import datetime as dt
import json
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
from famscore.messages import Msg, Say
from famscore.names import roster_typos
from famscore.numbers import range_text
from famscore.outputs.terminal import problem_tally
from famscore.rules.engine import score_item
from famscore.scheme.model import Scheme
from famscore.values import parse_value

ROOT = Path(__file__).resolve().parent.parent
CHANGNING = ROOT / "examples" / "changning-2023"
SCHEME = CHANGNING / "考评表.xlsx"


@pytest.fixture(autouse=True)
def wide_consoles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "out", Console(width=400, force_terminal=False))
    monkeypatch.setattr(cli, "err", Console(width=400, stderr=True, force_terminal=False))


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def problems_of(json_file: Path) -> list[dict[str, object]]:
    return list(json.loads(json_file.read_text(encoding="utf-8"))["problems"])


# ---------------------------------------------------------------- a roster typo is one problem


def test_a_roster_typo_is_one_problem_naming_both_spellings(tmp_path: Path) -> None:
    roster = tmp_path / "单位名单.txt"
    names = (CHANGNING / "units.txt").read_text(encoding="utf-8").splitlines()
    assert names[0] == "新华街道"
    roster.write_text("\n".join(["新华街", *names[1:]]) + "\n", encoding="utf-8")
    result = tmp_path / "结果.json"
    code, output = run(
        "score",
        SCHEME,
        CHANGNING / "returns",
        "--units-file",
        roster,
        "-o",
        tmp_path / "汇总.xlsx",
        "--json",
        result,
    )
    assert code == 1, output
    problems = problems_of(result)
    assert [p["code"] for p in problems] == ["UNIT_ROSTER_TYPO"]
    assert problems[0]["message"] == (
        "单位名单中的「新华街」可能是「新华街道」的笔误：名单上的「新华街」没有交回填报表，"
        "回表中的「新华街道」不在名单中，暂不参加定级和排名。"
        "如果是同一个单位，请把单位名单中的「新华街」改为「新华街道」后重新计分；如果不是，请催交「新华街」的填报表"
    )
    # Still held: which spelling is right is the clerk's call.
    units = {u["unit"]: u for u in json.loads(result.read_text(encoding="utf-8"))["units"]}
    assert units["新华街道"]["grade"] == "待定"


def test_unrelated_names_stay_two_problems(tmp_path: Path) -> None:
    roster = tmp_path / "单位名单.txt"
    names = (CHANGNING / "units.txt").read_text(encoding="utf-8").splitlines()
    roster.write_text("\n".join(["虹口镇", *names[1:]]) + "\n", encoding="utf-8")
    result = tmp_path / "结果.json"
    code, _ = run(
        "score",
        SCHEME,
        CHANGNING / "returns",
        "--units-file",
        roster,
        "-o",
        tmp_path / "汇总.xlsx",
        "--json",
        result,
    )
    assert code == 1
    assert sorted(str(p["code"]) for p in problems_of(result)) == ["UNIT_NOT_ON_ROSTER", "UNIT_NOT_RETURNED"]


def test_roster_typos_pair_each_name_once() -> None:
    assert roster_typos(["新华街", "江苏街道"], ["新华街道"]) == {"新华街道": "新华街"}
    assert roster_typos(["新华街"], ["新华街道", "新华街道办"]) == {"新华街道": "新华街"}
    assert roster_typos(["程家桥街道"], ["天山街道"]) == {}
    assert roster_typos([], ["新华街道"]) == {}


# ---------------------------------------------------------------- one problem count


def problem(severity: str) -> Problem:
    return Problem("a.xlsx", "", "", severity, "问题", "")


def test_the_problem_table_and_the_last_line_give_the_same_count(tmp_path: Path) -> None:
    folder = tmp_path / "回表"
    shutil.copytree(CHANGNING / "returns", folder)
    (folder / "Thumbs.db").write_bytes(b"\0" * 64)  # a warning: skipped with a note
    (folder / "坏文件.xlsx").write_bytes(b"PK\x03\x04 truncated")  # an error
    code, output = run("score", SCHEME, folder, "-o", tmp_path / "汇总.xlsx")
    assert code == 1, output
    tally = "2 处（错误 1 处，警告 1 处）"
    titles = [line.strip() for line in output.splitlines() if line.startswith("问题：")]
    assert titles == [f"问题：{tally}", "".join(Say.PROBLEMS_TO_FIX.render(tally=tally))]


def test_problem_tally_counts_errors_and_warnings() -> None:
    assert problem_tally([problem("错误")] * 7 + [problem("警告")]) == "8 处（错误 7 处，警告 1 处）"
    assert problem_tally([problem("错误")] * 3) == "3 处错误"
    assert problem_tally([problem("警告")]) == "1 处警告"


# ---------------------------------------------------------------- one range wording


def test_range_text() -> None:
    assert range_text(Decimal(0), None) == "不小于 0"
    assert range_text(None, Decimal("5.5"), "分") == "不大于 5.5分"
    assert range_text(Decimal(0), Decimal(100)) == "0～100"
    assert range_text(None, None) == ""


RANGES = """
## 设置
| 项目 | 内容 |
|---|---|
| 标题 | 范围 |
| 版本 | 1 |
| 主要指标满分 | 10 |

## 等级
| 等级 | 最低分 |
|---|---|
| 合格 | |

## 指标
| 编号 | 一级指标 | 二级指标 | 分值 | 最低分 |
|---|---|---|---|---|
| A | 基础工作 | | 10 | |
| A1 | | 宣传活动 | 5 | |
| A2 | | 培训 | 5 | |

## 字段
| 字段编号 | 指标编号 | 填报项目 | 类型 | 单位 | 最小值 | 最大值 | 选项 |
|---|---|---|---|---|---|---|---|
| A1_次数 | A1 | 宣传次数 | 整数 | 次 | 0 | | |
| A2_次数 | A2 | 培训次数 | 整数 | 次 | 0 | 12 | |

## 规则
| 指标编号 | 规则类型 | 字段 | 参数 |
|---|---|---|---|
| A1 | 计次加分 | A1_次数 | 每次=1；上限=5 |
| A2 | 计次加分 | A2_次数 | 每次=1；上限=5 |
"""


def test_a_value_error_states_the_range_as_the_form_does(load_md: Callable[[str], Scheme]) -> None:
    scheme = load_md(RANGES)
    open_ended = parse_value(scheme.fields["A1_次数"], -1)
    assert open_ended.msg is Msg.VALUE_BELOW_MINIMUM
    assert open_ended.fields["range"] == "，不小于 0"
    bounded = parse_value(scheme.fields["A2_次数"], 13)
    assert bounded.msg is Msg.VALUE_ABOVE_MAXIMUM
    assert bounded.fields["range"] == "，范围 0～12"
    fix = Msg.VALUE_BELOW_MINIMUM.problem("a.xlsx", label="宣传次数", **open_ended.fields).fix
    assert fix == "请填写整数，不小于 0"


# ---------------------------------------------------------------- 分 written in rule parameters

POINTS = """
## 设置
| 项目 | 内容 |
|---|---|
| 标题 | 带分的参数 |
| 版本 | 1 |
| 主要指标满分 | 15 |

## 等级
| 等级 | 最低分 |
|---|---|
| 合格 | |

## 指标
| 编号 | 一级指标 | 二级指标 | 分值 | 最低分 |
|---|---|---|---|---|
| A | 基础工作 | | 15 | |
| A1 | | 免费药具 | 8分 | |
| A2 | | 信息核实 | 2分 | |
| B2 | | 资金下达 | 5分 | |

## 字段
| 字段编号 | 指标编号 | 填报项目 | 类型 | 单位 | 最小值 | 最大值 | 选项 |
|---|---|---|---|---|---|---|---|
| A1_完成率 | A1 | 药具发放完成率 | 百分比 | % | 0 | 100 | |
| A2_完成率 | A2 | 核实完成率 | 百分比 | % | 0 | 100 | |
| B2_日期 | B2 | 资金下达日期 | 日期 | | | | |

## 规则
| 指标编号 | 规则类型 | 字段 | 参数 |
|---|---|---|---|
| A1 | 分档 | A1_完成率 | ≥95:8分；≥90:6分；≥85:4 分；其他:0分 |
| A2 | 满分 | | |
| A2 | 低于标准扣分 | A2_完成率 | 标准=98；每=1；扣=0.2分；方式=按比例 |
| B2 | 满分 | | 分值=5分 |
| B2 | 期限扣分 | B2_日期 | 2023-04-30:1.5分；2023-07-31:1.5分；2023-09-30:2分 |
"""


def test_points_in_rule_parameters_may_carry_fen(
    check_md: Callable[[str], tuple[Scheme | None, list[Problem]]],
) -> None:
    scheme, problems = check_md(POINTS)
    assert problems == []
    assert scheme is not None
    items = {i.id: i for c in scheme.categories for i in c.items}
    assert score_item(items["A1"], {"A1_完成率": Decimal(91)}).score == Decimal(6)
    assert score_item(items["A1"], {"A1_完成率": Decimal(86)}).score == Decimal(4)
    assert score_item(items["A2"], {"A2_完成率": Decimal("96.5")}).score == Decimal("1.7")
    # Aug 15: two deadlines missed, 5 − 1.5 − 1.5 = 2
    assert score_item(items["B2"], {"B2_日期": dt.date(2023, 8, 15)}).score == Decimal(2)
