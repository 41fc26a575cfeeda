"""The Windows paths tested on Linux: a GBK console, frozen-build start-up and the spawn start method."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from famscore.batch.pool import START_METHOD_ENV, start_method
from famscore.scheme.loader import load_scheme
from famscore.templates import build_template

ROOT = Path(__file__).resolve().parent.parent
CITY = ROOT / "examples" / "city-2023"
CHANGNING = ROOT / "examples" / "changning-2023"


def famscore(
    *args: object, encoding: str = "gbk", cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    """The real entry point, its output redirected to a file as `famscore … > 单位.txt` does on Windows."""
    env = {**os.environ, "PYTHONIOENCODING": encoding, "COLUMNS": "100"}
    return subprocess.run(
        [sys.executable, "-m", "famscore", *map(str, args)],
        capture_output=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_a_flagged_unit_explained_to_a_gbk_file_degrades_instead_of_crashing() -> None:
    done = famscore("explain", CITY / "考评表.xlsx", CITY / "returns", "--unit", "滨江区")
    assert done.returncode == 0, done.stderr.decode("gbk", "replace")
    text = done.stdout.decode("gbk")  # the whole output is valid GBK
    assert "取消评优（发生较大生产安全事故）" in text
    assert "? 取消评优" in text  # '⚠' is outside GBK: shown as '?', not a UnicodeEncodeError
    assert b"Traceback" not in done.stderr


def test_a_unit_name_outside_gbk_prints_after_scoring(tmp_path: Path) -> None:
    scheme = load_scheme(CHANGNING / "考评表.xlsx")
    returns = tmp_path / "回表"
    returns.mkdir()
    build_template(scheme, "㙟镇", returns / "㙟镇.xlsx")
    done = famscore("score", CHANGNING / "考评表.xlsx", returns, "-o", tmp_path / "汇总.xlsx")
    assert done.returncode == 1  # the blank form has unfilled required fields
    assert (tmp_path / "汇总.xlsx").exists()
    assert b"Traceback" not in done.stderr
    assert "?镇" in done.stdout.decode("gbk") + done.stderr.decode("gbk")


def test_the_entry_point_supports_frozen_builds() -> None:
    source = (ROOT / "famscore" / "cli.py").read_text(encoding="utf-8")
    main = source[source.index("def main()") :]
    assert "multiprocessing.freeze_support()" in main.split("app()")[0]


def test_the_start_method_can_be_forced_for_the_windows_path(monkeypatch) -> None:
    monkeypatch.setenv(START_METHOD_ENV, "spawn")
    assert start_method() == "spawn"
    monkeypatch.setenv(START_METHOD_ENV, "nonsense")
    assert start_method() == ("fork" if sys.platform.startswith("linux") else "spawn")
