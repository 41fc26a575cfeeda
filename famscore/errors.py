"""One exception tree and the problem record every stage reports with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ERROR = "错误"
WARNING = "警告"


@dataclass(frozen=True)
class Problem:
    """A located problem: where it is, how bad, what is wrong and how to fix it."""

    file: str
    sheet: str
    cell: str
    severity: str
    message: str
    fix: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def location(self) -> str:
        parts = [p for p in (self.file, self.sheet and f"工作表「{self.sheet}」", self.cell) if p]
        return "，".join(parts)

    def text(self) -> str:
        """The message as a user reads it: place, problem, fix."""
        place = self.location()
        head = f"[{self.severity}] {place}：{self.message}" if place else f"[{self.severity}] {self.message}"
        return f"{head}。{self.fix}" if self.fix else head

    def as_dict(self) -> dict[str, str]:
        message = f"{self.message}。{self.fix}" if self.fix else self.message
        return {
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "severity": self.severity,
            "message": message,
        }


def cell_name(row: int | None, column: int | None = None) -> str:
    """Excel-style address as users see it: 'C7', or '第 7 行' without a column."""
    if row is None:
        return ""
    if column is None:
        return f"第 {row} 行"
    return f"{column_letter(column)}{row}"


def column_letter(column: int) -> str:
    letters = ""
    while column > 0:
        column, rem = divmod(column - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class FamscoreError(Exception):
    """Base of every error famscore raises on purpose; the CLI turns it into a message."""

    exit_code = 2

    def __init__(self, message: str, path: Path | str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else ""


class SchemeError(FamscoreError):
    """The scheme workbook cannot be used: carries every problem found in one pass."""

    def __init__(self, path: Path | str, problems: list[Problem]) -> None:
        errors = [p for p in problems if p.is_error]
        super().__init__(f"考评表有 {len(errors)} 处错误，无法使用", path)
        self.problems = problems


class UsageError(FamscoreError):
    """The command was misused (bad option combination, output over an input, ...)."""


class OutputError(FamscoreError):
    """An output could not be written; the previous output, if any, is intact."""
