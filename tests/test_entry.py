"""Ctrl-C or a kill while the command line is still loading: one Chinese line, no traceback."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest


def default_signals() -> None:
    for signum in (signal.SIGHUP, signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)


@pytest.mark.parametrize(("signum", "words"), [(signal.SIGINT, "Ctrl-C"), (signal.SIGTERM, "SIGTERM")])
def test_a_signal_before_the_cli_is_loaded_is_answered_in_chinese(signum: int, words: str) -> None:
    code = (
        "import os, time\n"
        "from famscore.entry import install_early\n"
        "install_early()\n"
        f"os.kill(os.getpid(), {int(signum)})\n"
        "time.sleep(10)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        preexec_fn=default_signals,  # a background shell's runner ignores SIGINT; a terminal does not
    )
    assert done.returncode == 128 + signum
    assert words in done.stderr and "没有写出任何文件" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_console_script_and_python_m_use_the_early_entry_point() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    assert 'famscore = "famscore.entry:main"' in (root / "pyproject.toml").read_text(encoding="utf-8")
    assert "from famscore.entry import main" in (root / "famscore" / "__main__.py").read_text(
        encoding="utf-8"
    )


def test_a_signal_the_caller_ignores_stays_ignored() -> None:
    # `nohup famscore score …` ignores SIGHUP: neither the early nor the run's handlers take it back.
    code = (
        "import signal\n"
        "signal.signal(signal.SIGHUP, signal.SIG_IGN)\n"
        "from famscore.entry import install_early\n"
        "from famscore import interrupt\n"
        "install_early()\n"
        "interrupt.install()\n"
        "print(signal.getsignal(signal.SIGHUP) is signal.SIG_IGN, signal.getsignal(signal.SIGTERM) is interrupt._raise)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True
    )
    assert done.stdout.split() == ["True", "True"]
