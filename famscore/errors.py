"""One exception tree and the problem record every stage reports with."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol, Self


class Severity(StrEnum):
    """How bad a problem is; the value is what users read."""

    ERROR = "错误"
    WARNING = "警告"


ERROR = Severity.ERROR
WARNING = Severity.WARNING
_ADDRESS = re.compile(r"^([A-Z]{1,3})([1-9][0-9]*)$")
_ROW_ONLY = re.compile(r"^第 ([1-9][0-9]*) 行$")
# SchemeError's text; catalogued as Msg.SCHEME_UNUSABLE (messages imports this module, not the reverse).
SCHEME_UNUSABLE = "考评表有 {errors} 处错误，无法使用"


@dataclass(frozen=True)
class Problem:
    """A located problem: where it is (as data), how bad, what is wrong and how to fix it.

    `code` names the kind of problem (famscore.messages); `row` and `column` are 1-based and None where
    the problem is about a whole sheet or file. `cell` is the place as people read it ('C7', '第 7 行'):
    given either way, the other is filled in, so every problem carries both.
    """

    file: str
    sheet: str
    cell: str = ""
    severity: str = ERROR
    message: str = ""
    fix: str = ""
    code: str = ""
    row: int | None = None
    column: int | None = None

    def __post_init__(self) -> None:
        if self.cell and self.row is None:
            address = _ADDRESS.match(self.cell)
            if address:
                object.__setattr__(self, "column", column_number(address.group(1)))
                object.__setattr__(self, "row", int(address.group(2)))
            elif only_row := _ROW_ONLY.match(self.cell):
                object.__setattr__(self, "row", int(only_row.group(1)))
        elif not self.cell and self.row is not None:
            object.__setattr__(self, "cell", cell_name(self.row, self.column))

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def level(self) -> str:
        """'error' or 'warning': the severity for programs."""
        return "error" if self.is_error else "warning"

    def location(self) -> str:
        parts = [p for p in (self.file, self.sheet and f"工作表「{self.sheet}」", self.cell) if p]
        return "，".join(parts)

    def text(self) -> str:
        """The message as a user reads it: place, problem, fix."""
        place = self.location()
        head = f"[{self.severity}] {place}：{self.message}" if place else f"[{self.severity}] {self.message}"
        return joined(head, self.fix)

    def as_dict(self) -> dict[str, str | int | None]:
        message = joined(self.message, self.fix)
        return {
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "severity": str(self.severity),
            "message": message,
            "code": self.code,
            "row": self.row,
            "column": self.column,
            "level": self.level,
        }


def joined(message: str, fix: str) -> str:
    """A message and its fix as one text: 'what is wrong。what to do'."""
    return f"{message}。{fix}" if fix else message


def cell_name(row: int | None, column: int | None = None) -> str:
    """Excel-style address as users see it: 'C7', or '第 7 行' without a column."""
    if row is None:
        return ""
    if column is None:
        return f"第 {row} 行"
    return f"{column_letter(column)}{row}"


def column_number(letters: str) -> int:
    """'C' -> 3, 'AA' -> 27."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def column_letter(column: int) -> str:
    letters = ""
    while column > 0:
        column, rem = divmod(column - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class Template(Protocol):
    """A catalogue member (famscore.messages.Msg), as the exceptions here need it: no import upwards."""

    @property
    def code(self) -> str: ...

    def render(self, **fields: Any) -> tuple[str, str]: ...


class FamscoreError(Exception):
    """Base of every error famscore raises on purpose; the CLI turns it into a message.

    Raised with `from_msg(Msg.X, path, **fields)`, it carries the catalogue's `code` and `fields`;
    `message` is the text and fix as one sentence, as the CLI prints it.
    """

    exit_code = 2
    code = ""
    fields: dict[str, Any] = {}  # noqa: RUF012 - replaced, never mutated

    def __init__(self, message: str, path: Path | str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else ""

    @classmethod
    def from_msg(cls, msg: Template, path: Path | str | None = None, **fields: Any) -> Self:
        """The error with the catalogue's sentence for `msg`, its particulars filled in."""
        error = cls(joined(*msg.render(**fields)), path)
        error.code, error.fields = msg.code, fields
        return error


class SchemeError(FamscoreError):
    """The scheme workbook cannot be used: carries every problem found in one pass."""

    code = "SCHEME_UNUSABLE"

    def __init__(self, path: Path | str, problems: list[Problem]) -> None:
        errors = sum(p.is_error for p in problems)
        super().__init__(SCHEME_UNUSABLE.format(errors=errors), path)
        self.fields = {"errors": errors}
        self.problems = problems


class UsageError(FamscoreError):
    """The command was misused (bad option combination, output over an input, ...)."""


class OutputError(FamscoreError):
    """An output could not be written; the previous output, if any, is intact."""
