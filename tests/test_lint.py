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


def test_mypy_clean() -> None:
    """The whole package type-checks under pyproject's [tool.mypy] (files = famscore)."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success"), result.stdout


def test_every_module_opens_with_a_one_line_docstring() -> None:
    import ast

    bad = []
    for path in sorted((ROOT / "famscore").rglob("*.py")):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")), clean=False)
        if not doc or "\n" in doc.strip():
            bad.append(str(path.relative_to(ROOT)))
    assert bad == [], "each module says what it owns in one line"
