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
