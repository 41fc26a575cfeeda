"""Shared test helpers: schemes written as markdown tables, run through the real workbook path."""

from __future__ import annotations

import dataclasses
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from famscore.errors import Problem
from famscore.scheme.loader import check_scheme, load_scheme
from famscore.scheme.markdown import parse_markdown_sheets
from famscore.scheme.model import Scheme
from famscore.scheme.writer import write_scheme


def write_markdown_scheme(text: str, path: Path) -> Path:
    """Markdown tables (one `## 工作表` each) -> a scheme workbook at `path`, as an author would save it."""
    return write_scheme(parse_markdown_sheets(textwrap.dedent(text)), path)


@pytest.fixture
def scheme_file(tmp_path: Path) -> Callable[[str], Path]:
    """Write a markdown scheme to a fresh .xlsx in tmp_path and return its path."""
    counter = iter(range(1_000_000))

    def write(text: str) -> Path:
        return write_markdown_scheme(text, tmp_path / f"考评表{next(counter)}.xlsx")

    return write


@pytest.fixture
def load_md(scheme_file: Callable[[str], Path]) -> Callable[[str], Scheme]:
    """markdown -> .xlsx -> load_scheme: the Scheme a user's workbook would give (raises SchemeError)."""

    def load(text: str) -> Scheme:
        return load_scheme(scheme_file(text))

    return load


@pytest.fixture
def check_md(scheme_file: Callable[[str], Path]) -> Callable[[str], tuple[Scheme | None, list[Problem]]]:
    """markdown -> .xlsx -> check_scheme: the scheme if usable, and every problem found."""

    def check(text: str) -> tuple[Scheme | None, list[Problem]]:
        return check_scheme(scheme_file(text))

    return check


class Worded(Problem):
    """A problem as a test words it, without its code: equal to a reported problem with the same place,
    severity, message and fix whatever its code (tests that care about the kind assert `code`)."""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return dataclasses.replace(other, code=self.code) == Problem(
            **{f.name: getattr(self, f.name) for f in dataclasses.fields(Problem)}
        )

    __hash__ = Problem.__hash__
