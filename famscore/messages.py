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

_RESAVE = "请用 Excel 或 WPS 打开后另存为 .xlsx 再发回"
_RELINK = "请把链接指向的回表文件本身复制到这里，替换这个链接"


class Detail(NamedTuple):
    """One message: what is wrong, what to do about it, and how bad it is."""

    text: str
    fix: str = ""
    severity: Severity = ERROR


class Msg(Enum):
    """The catalogue. Placeholders in braces are filled by `problem(...)` / `render(...)`."""

    # --- the returns folder (famscore.batch.folder) ----------------------------------------------------
    FOLDER_UNREADABLE = Detail(
        "无法打开这个文件夹（{reason}），其中的回表都没有读取",
        "请检查文件夹的访问权限，或把其中的文件复制到可以打开的文件夹后重新运行",
    )
    FOLDER_ENTRY_UNREADABLE = Detail("无法读取（{reason}），没有计分", "请检查文件的访问权限")
    FOLDER_LINK_BROKEN = Detail("这是一个链接，但它指向的文件或文件夹不存在，没有读取", _RELINK)
    FOLDER_LINK_LOOP = Detail("这是一个循环链接（最终指回它自己），无法读取", _RELINK)
    FOLDER_LINK_UNREADABLE = Detail("这是一个无法打开的链接（{reason}），没有读取", _RELINK)
    FOLDER_NOT_A_FILE = Detail(
        "这不是普通文件（可能是设备、管道或套接字），没有读取", "请把回表文件本身放进来"
    )
    FOLDER_LOCK_FILE = Detail("这是 Office/WPS 打开文件时留下的临时锁文件，已跳过", "", WARNING)
    FOLDER_SYSTEM_FILE = Detail("这是 Windows/macOS 自动生成的系统文件，已跳过", "", WARNING)
    FOLDER_OFFICE_TEMP_FILE = Detail(
        "这是 Excel/WPS 保存时留下的临时文件，已跳过",
        "如果这其实是某个单位的回表，请改成正常的文件名（如 单位名称.xlsx）",
        WARNING,
    )
    FOLDER_HIDDEN_FILE = Detail(
        "这是隐藏文件，没有读取",
        "如果是回表，请取消隐藏（去掉文件名开头的「.」）后重新运行；如果不是，请把它移出回表文件夹",
    )
    ARCHIVE_NOT_READ = Detail("这是压缩包，其中的文件没有读取", "解压后再放入回表文件夹")
    FOLDER_SHORTCUT = Detail(
        "这是 Windows 快捷方式，famscore 不会打开它指向的文件", "请把快捷方式指向的回表文件本身复制到这里"
    )
    FOLDER_SYSTEM_FOLDER = Detail("这是 Windows/macOS 自动生成的系统文件夹，已跳过", "", WARNING)
    FOLDER_HIDDEN_FOLDER = Detail(
        "这是隐藏文件夹，其中的文件都没有读取",
        "如果其中有回表，请取消隐藏（去掉文件夹名开头的「.」）后重新运行；如果没有，请把它移出回表文件夹",
    )
    FOLDER_LINK_TO_ANCESTOR = Detail("这个文件夹链接指回它的上级文件夹，形成循环，没有读取", "请删除这个链接")
    FOLDER_SEEN_BEFORE = Detail("这个文件夹链接指向已经读过的文件夹，没有重复读取", "", WARNING)

    # --- return files (famscore.returns, famscore.safety) -------------------------------------------
    RETURN_REFUSED = Detail("{reason}，本文件未计分", "{fix}")
    RETURN_OUT_OF_MEMORY = Detail("读取时内存不足（文件内容异常庞大），本文件未计分", _RESAVE)
    RETURN_READ_FAILED = Detail("读取时出错（{error}），本文件未计分", _RESAVE)
    RETURN_READER_CRASHED = Detail(
        "读取该文件时读取程序异常退出（文件可能已损坏或含有恶意内容），本文件未计分", _RESAVE
    )
    RETURN_READ_TIMED_OUT = Detail("读取该文件超过 {seconds} 秒仍未完成，已停止，本文件未计分", _RESAVE)
    RETURN_NOT_SPREADSHEET = Detail("不是表格文件{what}，已跳过", "", WARNING)
    RETURN_WRONG_SUFFIX = Detail(
        "文件扩展名「{suffix}」不是表格文件的扩展名，已按内容作为 .{kind} 文件读取",
        "请把文件名的扩展名改为 .{kind}",
        WARNING,
    )
    RETURN_UNIT_FROM_FILE_NAME = Detail(
        "{where}，按文件名认定为「{unit}」",
        "请确认单位名称正确；以后请用 famscore template 生成的填报表填写",
        WARNING,
    )
    RETURN_OTHER_SCHEME = Detail(
        "这份回表来自另一份考评表「{title}」，不是「{scheme}」，暂不参加定级和排名",
        "请确认发错了文件，或用正确的考评表计分",
    )
    RETURN_OTHER_YEAR = Detail(
        "这份回表来自 {year} 年度的考评表，当前考评表是 {current} 年度，暂不参加定级和排名",
        "请确认发错了文件（例如去年的回表），或让该单位用今年的填报表重新填写",
    )
    RETURN_OTHER_VERSION = Detail(
        "这份回表来自考评表版本 {version}，当前考评表是版本 {current}，暂不参加定级和排名",
        "请让该单位用新版填报表重新填写，或核对两版的差别",
    )
    RETURN_SCHEME_CHANGED = Detail(
        "考评表的标题和版本相同，但内容有改动（指纹不同）",
        "如改动了字段或规则，请核对这份回表的填报内容",
        WARNING,
    )
    RETURN_UNKNOWN_FIELD = Detail(
        "字段编号「{key}」不在考评表中，已忽略", "请不要改动字段编号；多出的行可以删除", WARNING
    )
    RETURN_MORE_UNKNOWN_FIELDS = Detail(
        "另有 {count} 行的字段编号也不在考评表中，已忽略", "请用最新的填报表重新填写", WARNING
    )
    RETURN_FIELD_TWICE = Detail("字段「{key}」出现了两次（另一处在 {other}），两处都不采用", "删除重复的一行")
    RETURN_FIELD_ROW_MISSING = Detail(
        "填报表中没有字段「{label}」（{id}）这一行，本项暂不计分", "请用最新的填报表重新填写，不要删除行"
    )
    RETURN_VALUE_MERGED_AWAY = Detail(
        "{label}：单元格 {address} 被合并到 {into}（合并区域 {span}），读不到本项的值，本项暂不计分",
        "请取消合并单元格，在每一项的「填报值」中分别填写",
    )
    RETURN_VALUE_MERGED_DOWN = Detail(
        "{label}：单元格 {address} 与下方的填报值合并了（合并区域 {span}），其中的值只算作本项",
        "请取消合并单元格，在每一项的「填报值」中分别填写",
        WARNING,
    )
    RETURN_VALUE_REFUSED = Detail("{label}：{reason}，本项暂不计分", "{fix}")
    RETURN_VALUE_DOUBTFUL = Detail("{label}：{reason}", "请核对；如有误请改正后重新计分", WARNING)
    RETURN_FORMULA_ERROR = Detail(
        "{label}：单元格是错误值「{error}」（公式算不出结果），本项暂不计分", "请改正公式，或直接填写数值"
    )
    RETURN_FORMULA_NO_RESULT = Detail(
        "{label}：单元格是{formula}，但文件里没有保存它的计算结果，本项暂不计分",
        "请用 Excel 或 WPS 打开这份表，确认公式算出结果后保存再发回，或直接填写数值",
    )
    RETURN_REQUIRED_BLANK = Detail("{label}是必填项，但没有填写，本项暂不计分", "请补填后重新计分")
    RETURN_REQUIRED_BLANK_NO_FORMULAS = Detail(
        "{label}是必填项，但没有填写，本项暂不计分",
        "请补填后重新计分（如果单元格里是公式或显示错误值，请改为直接填写数值）",
    )

    # --- values in returns (famscore.values) --------------------------------------------------------

    # --- the batch: identity, duplicates, roster (famscore.scoring, famscore.batch) -----------------
    UNIT_NOT_RETURNED = Detail("单位「{unit}」没有交回填报表{note}", "请催交后重新计分")
    UNIT_RETURNED_TWICE = Detail(
        "单位「{unit}」有 {count} 份回表（{files}），无法确定采用哪一份，暂不参加定级和排名",
        "请只保留该单位的一份回表，删除或移走其余的文件后重新计分",
    )
    UNIT_NOT_ON_ROSTER = Detail(
        "单位「{unit}」不在单位名单中，暂不参加定级和排名", "请核对单位名称，或把它加入单位名单"
    )
    UNIT_INCOMPLETE = Detail(
        "「{unit}」有 {count} 项无法计分（{items}{more}），不参加定级和排名",
        "改正上面列出的填报问题后重新计分",
    )
    RETURN_NAMES_OTHER_UNIT = Detail(
        "_meta 中的单位是「{unit}」，文件名却是「{name}」的，无法确定这份回表属于哪个单位，暂不参加定级和排名",
        "如果这是「{unit}」的回表，请把文件改名为该单位的名称；如果是「{name}」的，请让它用自己的填报表重新填写",
    )
    ITEM_NOT_SCORED_BLANK = Detail("「{item}」（{id}）{explanation}{named}", "请补填{blank}后重新计分")
    ITEM_NOT_SCORED = Detail(
        "「{item}」（{id}）{explanation}{named}",
        "请核对这些填报值（除数不能为 0）；确为 0 时，请与考评表制定部门确认本项如何计分",
    )

    # --- the scheme workbook (famscore.scheme, famscore.rules) --------------------------------------

    # --- outputs (famscore.outputs) ----------------------------------------------------------------
    OUTPUT_TEXT_CLEANED = Detail("文字「{text}」{note}{more}", "", WARNING)

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
