"""Byte-stable workbooks: a rebuild of unchanged content leaves committed files unchanged."""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from pathlib import Path

_CORE_TIMES = re.compile(r"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def stable_bytes(path: Path, generated: str) -> Path:
    """Same workbook, same bytes: the zip entry times and the document's created/modified times
    (which openpyxl sets to now) become `generated`, so a rebuild leaves committed files unchanged."""
    when = dt.datetime.fromisoformat(generated)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    temp = path.with_name(f".~stable-{path.name}")
    with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = _CORE_TIMES.sub(lambda m: m.group(1) + stamp + m.group(3), data.decode()).encode()
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, data)
    os.replace(temp, path)
    return path
