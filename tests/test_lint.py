"""The code style checks CI relies on, run as tests so the README's one test command covers them."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("ruff") or f"{sys.executable} -m ruff"
    return subprocess.run([*exe.split(), *args], cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("args", [("check", "."), ("format", "--check", ".")], ids=["check", "format"])
def test_ruff_clean(args: tuple[str, ...]) -> None:
    result = _ruff(*args)
    assert result.returncode == 0, result.stdout + result.stderr


# Modules that are mypy-clean under pyproject's [tool.mypy]; the rest of the package is not yet.
MYPY_CLEAN = (
    "famscore/rules",
    "famscore/scheme",
    "famscore/templates.py",
    "famscore/workbook.py",
    "famscore/names.py",
    "famscore/cli_zh.py",
    "famscore/text.py",
    "famscore/entry_sheet.py",
    "famscore/units.py",
)


def test_mypy_clean_where_typed() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", *MYPY_CLEAN], cwd=ROOT, capture_output=True, text=True, check=False
    )
    # mypy follows imports and reports their errors too; only the listed modules are held to it here.
    errors = [
        line for line in result.stdout.splitlines() if line.startswith(MYPY_CLEAN) and ": error:" in line
    ]
    summary = result.stdout.rstrip().rpartition("\n")[2]
    assert summary.startswith(("Success", "Found")), result.stdout + result.stderr  # mypy ran
    assert errors == []
