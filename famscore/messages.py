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
from typing import Any, NamedTuple

from famscore.errors import ERROR, WARNING, Problem, Severity


class Detail(NamedTuple):
    """One message: what is wrong, what to do about it, and how bad it is."""

    text: str
    fix: str = ""
    severity: Severity = ERROR


class Msg(Enum):
    """The catalogue. Placeholders in braces are filled by `problem(...)` / `render(...)`."""

    # --- the returns folder (famscore.returns: listing) ---------------------------------------------

    # --- return files (famscore.returns, famscore.safety) -------------------------------------------

    # --- values in returns (famscore.values) --------------------------------------------------------

    # --- the batch: identity, duplicates, roster (famscore.scoring, famscore.batch) -----------------
    UNIT_NOT_RETURNED = Detail("单位「{unit}」没有交回填报表{note}", "请催交后重新计分")

    # --- the scheme workbook (famscore.scheme, famscore.rules) --------------------------------------

    # --- outputs (famscore.outputs) ----------------------------------------------------------------
    OUTPUT_TEXT_CLEANED = Detail("文字「{text}」{note}{more}", "", WARNING)
    # The parts of OUTPUT_TEXT_CLEANED's {note} and {more}, and the sentences of OutputError/UsageError
    # raised while planning and writing outputs (famscore.outputs.safe, writeall, jsonout, readback).
    OUTPUT_NOTE_CHARS_REMOVED = Detail("含有 {count} 个表格文件不允许的控制字符，已删除", "", WARNING)
    OUTPUT_NOTE_TEXT_CUT = Detail("文字长 {length} 字，超过 Excel 单元格上限 {limit} 字，已截断", "", WARNING)
    OUTPUT_NOTE_MORE = Detail("（共 {count} 处，这是第一处）", "", WARNING)
    OUTPUT_VERIFY_FAILED = Detail("写出的文件「{name}」校验失败（{why}）")
    OUTPUT_TARGET_IS_FOLDER = Detail(
        "输出路径「{target}」是一个文件夹。", "请在后面加上文件名，例如 {example}"
    )
    OUTPUT_NOTHING_WRITTEN = Detail("本次没有写出任何文件{kept}。")
    OUTPUT_PREVIOUS_KEPT = Detail("，原来的文件没有改动")
    OUTPUT_PARTLY_REPLACED = Detail("已经换成本次结果的只有 {replaced}，其余输出仍是原来的文件。")
    OUTPUT_FILE_BUSY = Detail(
        "无法写入「{target}」：文件正被占用（可能已在 Excel/WPS 中打开）或没有写入权限。",
        "请先在 Excel/WPS 中关闭该文件后重新运行，或换一个输出文件名。",
    )
    OUTPUT_DISK_FULL = Detail(
        "无法写入「{target}」：磁盘空间不足。", "请清理磁盘空间或换一个磁盘后重新运行。"
    )
    OUTPUT_FOLDER_GONE = Detail(
        "无法写入「{target}」：文件夹「{folder}」不存在。", "请先建立该文件夹，或换一个输出位置。"
    )
    OUTPUT_NOT_WRITABLE = Detail(
        "无法写入「{target}」（{reason}）。", "请检查该位置是否可写，或换一个输出位置后重新运行。"
    )
    OUTPUT_IS_FOLDER = Detail(
        "{label}「{out}」是一个文件夹，不能作为输出文件。", "请写出文件名，例如 {example}"
    )
    OUTPUT_IS_INPUT = Detail(
        "{label}「{out}」就是输入文件「{source}」{what}，不能覆盖输入。", "请换一个输出文件名"
    )
    OUTPUT_OVERWRITES_RETURN = Detail(
        "{label}「{out}」就是其中的文件「{hit}」，会覆盖它（{folder_label}「{folder}」）。",
        "请把输出放在{folder_label}之外，例如 {example}",
    )
    OUTPUT_AMONG_RETURNS = Detail(
        "{label}「{out}」在它里面，下次计分时会被当作回表读取（{folder_label}「{folder}」）。",
        "请把输出放在{folder_label}之外，例如 {example}",
    )
    OUTPUT_SAME_FILE = Detail(
        "{label}「{out}」和{other_label}「{other}」是同一个文件；同一次运行的输出不能互相覆盖，",
        "请换一个文件名",
    )
    OUTPUT_FOLDER_MISSING = Detail(
        "{label}「{out}」所在的文件夹「{folder}」不存在。", "请先建立该文件夹，或换一个输出位置"
    )
    OUTPUT_HELPER_DIED = Detail("写出 {targets} 时程序异常退出。")
    OUTPUT_WRITE_FAILED = Detail("写出「{target}」时出错（{kind}：{error}）。")
    OUTPUT_JSON_INEXACT = Detail("数值 {value} 位数过多，无法在 JSON 中精确表示")
    SUMMARY_NOT_FOUND = Detail("找不到汇总表「{path}」，", "请检查路径")
    SUMMARY_NOT_XLSX = Detail("「{name}」不是 .xlsx 汇总表，", "请指定 famscore score 生成的汇总表")
    SUMMARY_NOT_FAMSCORE = Detail("「{name}」不是 famscore 生成的汇总表（缺少工作表「{sheet}」）")
    SUMMARY_UNREADABLE = Detail("无法读取汇总表「{name}」（{kind}），", "请重新生成")
    SUMMARY_SHEET_EMPTY = Detail("「{name}」的「{sheet}」工作表是空的，", "请重新生成汇总表")
    SUMMARY_NO_HEADERS = Detail(
        "「{name}」的「{sheet}」工作表缺少表头（单位/主要指标得分/总分），",
        "请用 famscore score 重新生成汇总表",
    )

    # --- the command line (famscore.cli) -----------------------------------------------------------

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
        cells = (member.name, str(detail.severity), detail.text, detail.fix or "—")
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(catalogue_markdown(), end="")
