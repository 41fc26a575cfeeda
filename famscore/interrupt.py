"""How a run ends early: a signal unwinds the main process, its children and temporary files go with it."""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from famscore.messages import Msg

# The signals that end a run: Ctrl-C, `kill`, and the terminal or session going away.
# (SIGBREAK: Ctrl-Break in a Windows console.)
SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK") if hasattr(signal, name)
)
NAMES = {
    "SIGINT": "按下了 Ctrl-C",
    "SIGTERM": "收到终止信号 SIGTERM",
    "SIGHUP": "收到挂断信号 SIGHUP",
    "SIGBREAK": "按下了 Ctrl-Break",
}
LISTED = 5  # written files named one by one in the message; the rest are counted


class Interrupted(BaseException):
    """A signal in the main process. Not an Exception: no `except Exception` swallows it, every
    `finally` runs, and Click does not turn it into its English "Aborted!" as it does KeyboardInterrupt."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum  # what a shell reports for a process ended by this signal

    def message(self) -> str:
        """One Chinese line: what stopped the run and which outputs, if any, were already replaced."""
        name = NAMES.get(signal.Signals(self.signum).name, f"收到信号 {self.signum}")
        if not _WRITTEN:
            return Msg.CLI_INTERRUPTED.render(why=name)[0]
        names = "、".join(str(p) for p in _WRITTEN[:LISTED])
        more = f"等 {len(_WRITTEN)} 个文件" if len(_WRITTEN) > LISTED else ""
        return Msg.CLI_INTERRUPTED_AFTER_WRITING.render(why=name, paths=names, more=more)[0]


_WRITTEN: list[Path] = []
_FIRED = False
_HELD: list[int] = []  # while the run's own cleanup runs: signals that arrived, raised after it
_HOLDING = False


def wrote(path: Path | str) -> None:
    """An output has replaced its previous version (called right after the final os.replace)."""
    _WRITTEN.append(Path(path))


def _raise(signum: int, _frame: Any) -> None:
    global _FIRED
    if _FIRED:
        return  # the first signal's cleanup is under way; a second must not cut it short
    if _HOLDING:
        _HELD.append(signum)
        return
    _FIRED = True
    raise Interrupted(signum)


def install() -> None:
    """In the main process: each of SIGNALS raises Interrupted in the main thread."""
    global _FIRED
    _FIRED = False
    for signum in SIGNALS:
        # A signal the caller chose to ignore (`nohup`, a background job) stays ignored.
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _raise)


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Hold SIGNALS back while a child process starts: a signal then cannot land between the fork
    and the child's bookkeeping, and the child inherits them blocked until `in_child` decides."""
    _die_with_parent_function()  # loaded here, in the parent, not once per child
    block = getattr(signal, "pthread_sigmask", None)
    if block is None:  # Windows: children are spawned, nothing is inherited
        yield
        return
    previous = block(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        block(signal.SIG_SETMASK, previous)


def in_child(parent: int, *, raise_on_term: bool = False) -> None:
    """First thing in a child process: only the parent decides when a run stops, and the child does
    not outlive it. Ctrl-C reaches the whole process group, so the child ignores SIGINT and SIGHUP; on
    SIGTERM it dies (or, with `raise_on_term`, raises Interrupted so its own temporary files go)."""
    global _FIRED
    _FIRED = False
    for signum in SIGNALS:
        if signum == getattr(signal, "SIGTERM", None):
            signal.signal(signum, _raise if raise_on_term else signal.SIG_DFL)
        else:
            signal.signal(signum, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
    die_with_parent = _die_with_parent_function()
    if die_with_parent is not None:
        die_with_parent()
    if parent_gone(parent):
        os._exit(0)  # the parent died before this child could ask to be told


def parent_gone(parent: int) -> bool:
    """The process that started this one has died (POSIX reparents an orphan; Windows: see the pipe)."""
    return os.name != "nt" and os.getppid() != parent


_PDEATHSIG: list[Callable[[], object] | None] = []


def _die_with_parent_function() -> Callable[[], object] | None:
    """Linux: the kernel sends SIGTERM to the child when its parent dies, however abruptly."""
    if not _PDEATHSIG:
        found: Callable[[], object] | None = None
        if sys.platform.startswith("linux"):
            try:
                import ctypes

                prctl = ctypes.CDLL(None, use_errno=True).prctl
                term = int(signal.SIGTERM)
                found = lambda: prctl(1, term, 0, 0, 0)  # noqa: E731  PR_SET_PDEATHSIG is 1
            except (OSError, AttributeError, ImportError):
                found = None
        _PDEATHSIG.append(found)
    return _PDEATHSIG[0]


@contextlib.contextmanager
def private_temp() -> Iterator[str]:
    """A temporary folder of this run's own, as every library's temp folder (children inherit it).

    Whatever a reader, writer or worker leaves in it (spool files, xlsxwriter parts) goes when the
    run ends, however it ends short of being killed outright: children are stopped first.
    """
    global _HOLDING
    folder = tempfile.mkdtemp(prefix="famscore-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)  # backstop; normally gone below
    saved = tempfile.tempdir, {k: os.environ.get(k) for k in ("TMPDIR", "TEMP", "TMP")}
    tempfile.tempdir = folder
    os.environ.update(dict.fromkeys(saved[1], folder))  # read by spawned children
    try:
        yield folder
    finally:
        # A signal now must not cut the cleanup short: it is raised once the folder is gone.
        _HOLDING = True
        try:
            stop_children()
            tempfile.tempdir = saved[0]
            for key, value in saved[1].items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            shutil.rmtree(folder, ignore_errors=True)
        finally:
            _HOLDING = False
        if _HELD:
            _raise(_HELD.pop(), None)


def stop_children(grace: float = 2.0) -> None:
    """End every child process still running: SIGTERM (they clean up), then SIGKILL after `grace`."""
    mp = sys.modules.get("multiprocessing")
    if mp is None:
        return  # never imported: no children
    children = mp.active_children()
    for child in children:
        with contextlib.suppress(OSError, ValueError):
            child.terminate()
    for child in children:
        with contextlib.suppress(OSError, ValueError):
            child.join(grace)
            if child.is_alive():
                child.kill()
                child.join(1)
