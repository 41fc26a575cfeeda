"""Render one example feedback workbook to PDF with LibreOffice and its first page to docs/images/ (for the README).

    python scripts/render_feedback.py            # writes docs/images/feedback.png

Needs LibreOffice (soffice) and poppler (pdftoppm); the example is changning-2023, unit 华阳街道.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "changning-2023"
UNIT = "华阳街道"
TARGET = ROOT / "docs" / "images" / "feedback.png"


def main() -> int:
    from famscore.batch import score_folder
    from famscore.outputs.feedback import BatchSource, write_one
    from famscore.scheme.loader import load_scheme

    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if soffice is None or pdftoppm is None:
        print("需要 LibreOffice（soffice）和 poppler（pdftoppm）", file=sys.stderr)
        return 2
    batch = score_folder(load_scheme(EXAMPLE / "考评表.xlsx"), EXAMPLE / "returns")
    index = next(i for i, u in enumerate(batch.units) if u.unit == UNIT)
    with tempfile.TemporaryDirectory(prefix="famscore-render-") as folder:
        book = write_one(BatchSource(batch).get(index), Path(folder) / "feedback.xlsx")
        subprocess.run(
            [soffice, "--headless", "--convert-to", "pdf", "--outdir", folder, str(book)],
            check=True,
            capture_output=True,
        )
        pdf = book.with_suffix(".pdf")
        stem = Path(folder) / "page"
        subprocess.run([pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf), str(stem)], check=True)
        page = next(Path(folder).glob("page*.png"))
        TARGET.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page, TARGET)
    print(TARGET)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
