"""Every sentence famscore says to a user about a problem, once: a code, the text, the fix and how bad.

A member's name is its stable code (in the JSON, the 问题 sheet and docs/problem-codes.md); its text and
fix are templates filled with the problem's particulars::

    problems.append(Msg.RETURN_NOT_SPREADSHEET.problem(file, kind="PDF"))

Members are grouped by the stage that reports them; add new ones to the end of their group. Two members
must never have the same text, fix and severity (an Enum would make the second an alias of the first):
tests/test_messages.py checks that, and that docs/problem-codes.md is current.
"""

from __future__ import annotations

from enum import Enum
from string import Formatter
from typing import Any, NamedTuple

from famscore.errors import ERROR, SCHEME_UNUSABLE, WARNING, Problem, Severity
from famscore.numbers import (
    POINT_FIX,
    WHY_DECIMAL_COMMA,
    WHY_INVALID,
    WHY_NOT_A_NUMBER,
    WHY_OUT_OF_RANGE,
    WHY_SEPARATOR,
)

# Fixes several messages share.
RESAVE = "请用 Excel 或 WPS 打开后另存为 .xlsx 再发回"
RESEND = "请让该单位重新发送原文件"
# What the reader says about a file it refuses, and about a value it cannot score.
NOT_SCORED = "，本文件未计分"
VALUE_NOT_SCORED = "，本项暂不计分"
_BOMB_FIX = "请确认文件来源；正常的填报表只有几百 KB"
_RANGE_FIX = "请删除表格中多余的行和列（或多余的内容）后另存，或让该单位重新发送原填报表"
_PASSWORD_FIX = "请让该单位去掉打开密码（Excel：文件→信息→保护工作簿→用密码进行加密，清空密码；WPS：文件→文档加密）后重新发送"
_NOT_EXCEL = "这不是 Excel/WPS 表格文件"
# A number refused for its field: what to type, with the field's range and percent rule (famscore.values).
_RANGE_HINT = "请填写{kind}{range}{rule}"
_DATE_FIX = "请填写日期，如 2024-08-15；从未完成的填「{never}」"
_REFORMAT = "请把单元格格式改为“常规”，再填写数值"


def _value(text: str) -> str:
    """A value's message as the reader reports it: the field first, then that it is not scored."""
    return "{label}：" + text + VALUE_NOT_SCORED


class Detail(NamedTuple):
    """One message: what is wrong, what to do about it, and how bad it is."""

    text: str
    fix: str = ""
    severity: Severity = ERROR


class Msg(Enum):
    """The catalogue. Placeholders in braces are filled by `problem(...)` / `render(...)`."""

    # --- the returns folder (famscore.returns: listing) ---------------------------------------------

    # --- return files (famscore.returns, famscore.safety) -------------------------------------------
    RETURN_NO_PERMISSION = Detail("无法读取文件" + NOT_SCORED, "请检查文件权限")
    RETURN_CANNOT_READ = Detail("无法读取文件" + NOT_SCORED, "请检查文件权限，或关闭正在使用它的程序")
    RETURN_EMPTY = Detail("文件是空的（0 字节）" + NOT_SCORED, "请让该单位重新发送")
    RETURN_TOO_LARGE = Detail("文件过大（{megabytes} MB），不像是填报表" + NOT_SCORED, "请确认文件来源")
    RETURN_EXCEL_2003_XML = Detail("这是 Excel 2003 XML 格式的表格，无法直接读取" + NOT_SCORED, RESAVE)
    RETURN_RENAMED = Detail(_NOT_EXCEL + "：内容是{what}，可能是改了扩展名" + NOT_SCORED, RESAVE)
    RETURN_UNKNOWN_CONTENT = Detail(_NOT_EXCEL + "（可能是改了扩展名的其他文件）" + NOT_SCORED, RESAVE)
    RETURN_OTHER_DOCUMENT = Detail(_NOT_EXCEL + "：内容是{what}" + NOT_SCORED, RESAVE)
    RETURN_PASSWORD = Detail("文件设置了打开密码，无法读取" + NOT_SCORED, _PASSWORD_FIX)
    RETURN_TOO_MANY_PARTS = Detail(
        "文件包含 {count} 个内部部件，不像是填报表，已拒绝读取" + NOT_SCORED, _BOMB_FIX
    )
    RETURN_ZIP_BOMB = Detail("文件解压后异常巨大（疑似“压缩炸弹”），已拒绝读取" + NOT_SCORED, _BOMB_FIX)
    RETURN_DTD = Detail("文件中含有不安全的 XML 声明（DTD/实体），已拒绝读取" + NOT_SCORED, RESAVE)
    RETURN_SHEET_TOO_LARGE = Detail(
        "这张工作表的使用范围异常巨大（{used}），不像是填报表，已拒绝读取" + NOT_SCORED, _RANGE_FIX
    )
    RETURN_PART_TOO_LARGE = Detail(
        "表格部件 {part} 的使用范围异常巨大（{used}），不像是填报表，已拒绝读取" + NOT_SCORED, _RANGE_FIX
    )
    RETURN_CELL_LIMIT = Detail("表格的使用范围异常巨大，不像是填报表，已拒绝读取" + NOT_SCORED, _RANGE_FIX)
    RETURN_DAMAGED = Detail("文件已损坏或不完整（可能下载中断）" + NOT_SCORED, RESEND)
    RETURN_DAMAGED_OR_OLD = Detail(
        "文件已损坏，或设置了打开密码，或是无法识别的旧版格式（{error}）" + NOT_SCORED,
        "请去掉打开密码，用 Excel 或 WPS 另存为 .xlsx 后发回；打不开时" + RESEND,
    )
    RETURN_UNPARSABLE = Detail("文件已损坏，无法读取（{error}）" + NOT_SCORED, RESEND)

    # --- values in returns (famscore.values) --------------------------------------------------------
    VALUE_NO_RESULT = Detail(_value("单元格是错误值或没有计算结果的公式"), "请填写数值本身，不要用公式")
    VALUE_ERROR_CELL = Detail(_value("单元格是错误值「{text}」"), "请改正公式或直接填写数值")
    VALUE_UNKNOWN_TYPE = Detail(_value("未知字段类型「{type}」"))
    VALUE_LOGICAL = Detail(_value("应填数值，却是逻辑值"), "请填写数值")
    VALUE_DATE_CELL = Detail(
        _value("单元格是日期/时间格式（显示为 {shown}），本项应填数值"),
        "请把单元格格式改为“常规”，再重新填写数值",
    )
    VALUE_NOT_A_NUMBER = Detail(_value("「{typed}」" + WHY_NOT_A_NUMBER), _RANGE_HINT)
    VALUE_INVALID_NUMBER = Detail(_value("「{typed}」" + WHY_INVALID), _RANGE_HINT)
    VALUE_BEYOND_FORMAT = Detail(_value("「{typed}」" + WHY_OUT_OF_RANGE), _RANGE_HINT)
    VALUE_DECIMAL_COMMA = Detail(_value("「{typed}」" + WHY_DECIMAL_COMMA), POINT_FIX)
    VALUE_SEPARATOR = Detail(_value("「{typed}」" + WHY_SEPARATOR), _RANGE_HINT)
    VALUE_SEPARATOR_OR_POINT = Detail(_value("「{typed}」" + WHY_SEPARATOR), POINT_FIX)
    VALUE_WRONG_UNIT = Detail(
        _value("填写的「{typed}」单位是 {typed_unit}，本项的单位是 {unit}"), "请换算成 {unit} 后只填写数值"
    )
    VALUE_PERCENT_CELL_IN_UNIT = Detail(
        _value("单元格是百分比格式（显示为 {shown}%），本项单位是 {unit}"), _REFORMAT + "（单位 {unit}）"
    )
    VALUE_PERCENT_CELL_NOT_PERCENT = Detail(
        _value("单元格是百分比格式（显示为 {shown}%），本项不是百分比"), _REFORMAT
    )
    VALUE_SCALED_BEYOND_FORMAT = Detail(_value("{number} " + WHY_OUT_OF_RANGE), _RANGE_HINT)
    VALUE_NOT_INTEGER = Detail(_value("「{number}」不是整数"), "人次、件数、名次等请填写整数")
    VALUE_BELOW_MINIMUM = Detail(_value("{number} 小于最小值 {minimum}"), _RANGE_HINT)
    VALUE_ABOVE_MAXIMUM = Detail(_value("{number} 超过最大值 {maximum}"), _RANGE_HINT)
    VALUE_PERCENT_CELL_BELOW_MINIMUM = Detail(
        _value("单元格是百分比格式，显示为 {number}%，小于最小值 {minimum}"), _RANGE_HINT
    )
    VALUE_PERCENT_CELL_ABOVE_MAXIMUM = Detail(
        _value("单元格是百分比格式，显示为 {number}%，超过最大值 {maximum}"), _RANGE_HINT
    )
    VALUE_PERCENT_AMBIGUOUS = Detail(
        _value("填写的 {typed} 可以读作 {typed}% 也可以读作 {scaled}%，无法确定"),
        "填 {scaled} 表示 {scaled}%，或填 {typed}% 表示 {typed}%",
    )
    VALUE_PERCENT_AMBIGUOUS_OLD_FORMAT = Detail(
        _value("填写的 {typed} 可以读作 {typed}% 也可以读作 {scaled}%，无法确定"),
        "请把文件另存为 .xlsx 后发回（.xls/.ods 文件读不出单元格的百分比格式），或填 {scaled} 表示 {scaled}%",
    )
    VALUE_NOT_YES_NO = Detail(_value("「{typed}」不是“是/否”"), "请填写 是 或 否（也可填 有/无、√/×、Y/N）")
    VALUE_NOT_A_CHOICE = Detail(_value("「{typed}」不是可选项"), "请从下拉列表中选择：{choices}")
    VALUE_DATE_OUT_OF_RANGE = Detail(
        _value("日期 {day} 不在合理范围（{low}～{high} 年）内"),
        "日期格式的单元格里填数字（如 1）会显示成 1900 年前后的日期；" + _DATE_FIX,
    )
    VALUE_TIME_NOT_DATE = Detail(_value("单元格是时间格式（显示为 {shown}），不是日期"), _DATE_FIX)
    VALUE_NOT_A_DATE = Detail(_value("「{typed}」不是日期"), _DATE_FIX)

    # --- the batch: identity, duplicates, roster (famscore.scoring, famscore.batch) -----------------
    UNIT_NOT_RETURNED = Detail("单位「{unit}」没有交回填报表{note}", "请催交后重新计分")

    # --- the scheme workbook (famscore.scheme, famscore.rules) --------------------------------------

    # --- outputs (famscore.outputs) ----------------------------------------------------------------
    OUTPUT_TEXT_CLEANED = Detail("文字「{text}」{note}{more}", "", WARNING)

    # --- the command line (famscore.cli) -----------------------------------------------------------
    # Errors the commands print and exit on; not problems at a place, so rendered, not `problem()`d.
    SCHEME_UNUSABLE = Detail(SCHEME_UNUSABLE)  # SchemeError's text (famscore.errors)
    CLI_NO_DEFUSEDXML = Detail(
        "缺少 defusedxml，不能安全地读取表格文件", "请运行 pip install defusedxml 后重试"
    )
    CLI_SCHEME_HAS_ERRORS = Detail("考评表有 {errors} 处错误、{warnings} 处警告，无法使用。")
    CLI_UNIT_AND_UNITS_FILE = Detail("--unit 和 --units-file 只能用一个。")
    CLI_DUPLICATE_UNITS = Detail("单位名称有重复。")
    CLI_NO_UNIT = Detail("请用 --unit 指定单位名称。")
    CLI_UNIT_NOT_IN_SUMMARY = Detail("汇总表中没有单位「{unit}」的计分过程。{guess}", "其中的单位：{names}")
    CLI_UNIT_NOT_SCORED = Detail("没有找到单位「{unit}」。{guess}", "已计分的单位：{names}")
    CLI_INTERRUPTED = Detail("已中断（{why}），没有写出任何文件，原有的输出文件没有改动。", "", WARNING)
    CLI_INTERRUPTED_AFTER_WRITING = Detail(
        "已中断（{why}）。中断前已写出：{paths}{more}；其他输出文件没有改动。", "", WARNING
    )

    @property
    def code(self) -> str:
        return self.name

    @property
    def detail(self) -> Detail:
        detail: Detail = self.value
        return detail

    def render(self, **fields: Any) -> tuple[str, str]:
        """The message and fix with `fields` filled in."""
        detail = self.detail
        return detail.text.format(**fields), detail.fix.format(**fields)

    def problem(
        self,
        file: str = "",
        sheet: str = "",
        row: int | None = None,
        column: int | None = None,
        *,
        cell: str = "",
        severity: Severity | None = None,
        **fields: Any,
    ) -> Problem:
        """A located Problem of this kind. `cell` only where the place is not one cell ('A1:B3')."""
        text, fix = self.render(**fields)
        return Problem(
            file,
            sheet,
            cell,
            severity or self.detail.severity,
            text,
            fix,
            code=self.name,
            row=row,
            column=column,
        )


# What each placeholder stands for, for docs/problem-codes.md (tests/test_messages.py: every one is here).
PLACEHOLDERS = {
    "label": "填报项目的名称和字段编号，如「药具发放完成率」（A1_完成率）",
    "typed": "单位填写的内容",
    "text": "单元格中或要写出的文字",
    "shown": "单元格在 Excel 中显示的样子",
    "number": "读出的数值",
    "minimum": "本项的最小值",
    "maximum": "本项的最大值",
    "kind": "数值或整数",
    "range": "本项的取值范围（没有时为空）",
    "rule": "百分比项的填法（其他项为空）",
    "point": "把逗号换成小数点后的写法",
    "scaled": "按小数读时的百分数",
    "unit": "本项的单位；或单位名称",
    "typed_unit": "填写时带的单位",
    "choices": "本项的可选项",
    "type": "字段类型",
    "day": "读出的日期",
    "low": "合理年份的下限",
    "high": "合理年份的上限",
    "never": "从未完成时填写的词",
    "what": "文件内容的种类，如 PDF 文件",
    "megabytes": "文件大小（MB）",
    "count": "个数",
    "used": "工作表的使用范围，如 A1:XFD1048576",
    "part": "文件内部的部件名",
    "error": "读取时出错的类型",
    "note": "补充说明",
    "more": "其余的补充说明",
    "errors": "错误的处数",
    "warnings": "警告的处数",
    "guess": "最接近的名称（“是不是……？”）",
    "names": "可选的名称",
    "why": "中断的原因",
    "paths": "已写出的文件",
}


def placeholders(member: Msg) -> set[str]:
    """The names in braces in `member`'s text and fix."""
    return {name for text in member.detail[:2] for _, name, _, _ in Formatter().parse(text) if name}


def catalogue_markdown() -> str:
    """docs/problem-codes.md: every code with its severity, message and fix."""
    lines = [
        "# 问题代码",
        "",
        "famscore 报告的每一种问题都有一个固定的代码（JSON 的 `problems[].code`、汇总表「问题」页）。",
        "本页由 `python -m famscore.messages` 生成，请勿手改。花括号中的内容在报告时换成具体的值。",
        "",
        "| 代码 | 级别 | 问题 | 改法 |",
        "|---|---|---|---|",
    ]
    for member in Msg:
        detail = member.detail
        lines.append(_row(member.name, str(detail.severity), detail.text, detail.fix or "—"))
    used = sorted({name for member in Msg for name in placeholders(member)})
    lines += ["", "## 花括号中的内容", "", "| 名称 | 含义 |", "|---|---|"]
    lines += [_row("{" + name + "}", PLACEHOLDERS.get(name, "")) for name in used]
    # Typer and Click word usage errors and help themselves; famscore.cli_zh translates them by key.
    # Not problems with a fix, and keyed by what Click raises, so listed here rather than made members.
    from famscore.cli_zh import ZH  # a leaf module (no famscore imports); only for this page

    lines += [
        "",
        "## 命令行的用法错误和帮助文字",
        "",
        "命令写错（缺少参数、没有这个选项、路径不存在等）时的提示，以及帮助中的标签，由 famscore.cli_zh 翻译。",
        "",
        "| 键 | 文字 |",
        "|---|---|",
    ]
    lines += [_row(key, text) for key, text in ZH.items()]
    return "\n".join(lines) + "\n"


def _row(*cells: str) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


if __name__ == "__main__":
    print(catalogue_markdown(), end="")
