"""Spool files: a worker writes each unit's bulky details there, and the batch loads them back when asked."""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
import weakref
from typing import BinaryIO, NamedTuple

from famscore.scheme.model import Scheme
from famscore.scoring import ScoreRow, UnitDetails, expand_rows

# Where a worker wrote one unit's details: file, offset, length.
Place = tuple[str, int, int]


class SpoolWriter:
    """One worker's spool file, appended to unbuffered: every record is on disk when its result is
    sent, even if the worker dies later."""

    def __init__(self, folder: str) -> None:
        self.path = os.path.join(folder, f"w{os.getpid()}.bin")
        self._file: BinaryIO = open(self.path, "ab", buffering=0)  # noqa: SIM115 (the worker's life long)

    def write(
        self,
        rows: list[ScoreRow],
        values: dict[str, object],
        raw: dict[str, str],
        remarks: dict[str, str],
        sources: dict[str, str] | None = None,
    ) -> Place:
        record = pickle.dumps((rows, values, raw, remarks, sources or {}), protocol=pickle.HIGHEST_PROTOCOL)
        offset = self._file.seek(0, os.SEEK_END)
        self._file.write(record)
        return self.path, offset, len(record)


class Spool:
    """The batch's spool folder and the reader of what workers wrote there.

    The folder goes with the Spool (or with `close`), at the latest when the process exits; under the
    CLI it is inside famscore.interrupt's private temporary folder, which goes however the run ends.
    """

    def __init__(self, scheme: Scheme) -> None:
        self.scheme = scheme
        self.folder = tempfile.mkdtemp(prefix="famscore-")
        self._cleanup = weakref.finalize(self, shutil.rmtree, self.folder, ignore_errors=True)
        # Outputs ask for items, values, raw and remarks of one unit one after another: keep the last.
        self._last: tuple[SpoolRef | None, UnitDetails | None] = (None, None)

    def ref(self, place: Place) -> SpoolRef:
        return SpoolRef(self, *place)

    def load(self, ref: SpoolRef) -> UnitDetails:
        last, details = self._last
        if last is ref and details is not None:
            return details
        with open(ref.path, "rb") as handle:
            handle.seek(ref.offset)
            rows, values, raw, remarks, sources = pickle.loads(handle.read(ref.length))
        details = UnitDetails(expand_rows(self.scheme, rows), values, raw, remarks, sources)
        self._last = (ref, details)
        return details

    def close(self) -> None:
        self._last = (None, None)
        self._cleanup()


class SpoolRef(NamedTuple):
    """famscore.scoring.Details for a unit whose details wait in a spool file."""

    spool: Spool
    path: str
    offset: int
    length: int

    def load(self) -> UnitDetails:
        return self.spool.load(self)
