"""Regenerate docs/images/notice-page1.png: the Changning example's results notice, page 1, as LibreOffice prints it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "changning-2023"
IMAGE = ROOT / "docs" / "images" / "notice-page1.png"


def main() -> int:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftoppm") is None:
        print("需要 LibreOffice（soffice）和 poppler（pdftoppm）", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        notice = folder / "notice.docx"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "famscore",
                "score",
                str(EXAMPLE / "考评表.xlsx"),
                str(EXAMPLE / "returns"),
                "--units-file",
                str(EXAMPLE / "units.txt"),
                "-o",
                str(folder / "summary.xlsx"),
                "-q",
                "--notice",
                str(notice),
                "--issuer",
                "长宁区卫生健康委员会",
                "--date",
                "2024-02-18",
            ],
            check=True,
        )
        profile = (folder / "profile").as_uri()
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder),
                str(notice),
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(folder / "notice.pdf"),
                str(folder / "page"),
            ],
            check=True,
        )
        IMAGE.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / "page.png", IMAGE)
    print(IMAGE.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
