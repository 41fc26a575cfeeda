"""The program's entry point: a signal is answered in Chinese from the first instant, before the CLI loads."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from types import FrameType


def _early(signum: int, _frame: FrameType | None) -> None:
    # The command line is still being imported: nothing has started, nothing is written, nothing to clean.
    from famscore.interrupt import Interrupted

    with contextlib.suppress(Exception):
        sys.stderr.write(Interrupted(signum).message() + "\n")
        sys.stderr.flush()
    os._exit(128 + signum)


def install_early() -> None:
    """Answer Ctrl-C and kill with one line and the shell's exit code until the CLI installs its own."""
    for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"):
        signum = getattr(signal, name, None)
        # A signal the caller chose to ignore (`nohup`, a background job) stays ignored.
        if signum is not None and signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _early)


def main() -> None:
    install_early()
    from famscore.cli import main as run  # typer and rich take a few tenths of a second to import

    run()
