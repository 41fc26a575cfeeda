"""Print the summary workbook the way a clerk would (LibreOffice to PDF) and save the README's pictures.

    python scripts/render_summary.py                 # docs/images/summary-rank.png, summary-matrix.png
    python scripts/render_summary.py --keep out/     # also keep the workbooks, PDFs and every page

Scores examples/changning-2023 and a 60-unit batch of generated returns (benchmarks/bench.py's
generator), converts each summary to PDF with LibreOffice (`soffice`), and reports per workbook the
pages each sheet prints on and the printed size of the 排名 table's text (measured in the PDF: a
unit name's width over its characters), which must be 8 pt or more. Needs LibreOffice and poppler
(`pdftoppm`, `pdftotext`) on PATH.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "changning-2023"
IMAGES = ROOT / "docs" / "images"
sys.path.insert(0, str(ROOT / "benchmarks"))


def score(scheme: Path, returns: Path, out: Path, units: Path | None = None) -> Path:
    command = [
        sys.executable,
        "-m",
        "famscore",
        "score",
        str(scheme),
        str(returns),
        "-o",
        str(out),
        "--quiet",
    ]
    if units is not None:
        command += ["--units-file", str(units)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"famscore score failed:\n{done.stderr}")
    return out


def to_pdf(workbook: Path, folder: Path) -> Path:
    # A profile of its own: two LibreOffice runs sharing one refuse to start.
    profile = (folder / "lo-profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return folder / f"{workbook.stem}.pdf"


def page_text(pdf: Path, page: int) -> str:
    return subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)</word>')
_HEADER_RIGHT = re.compile(r">(排名|结果通报|得分明细|计分过程|问题|考评表)</word>")


def sheets_by_page(pdf: Path, pages: int) -> list[str]:
    """The sheet each page prints (its name stands at the right of the page header)."""
    names = []
    for page in range(1, pages + 1):
        found = _HEADER_RIGHT.search(page_text(pdf, page))
        names.append(found.group(1) if found else "?")
    return names


def printed_size(pdf: Path, page: int, word: str = "单位") -> float:
    """The printed size in points of the table's text on `page`: the width of its 10 pt header
    `word` over its characters (a CJK character is one em wide)."""
    for x0, x1, text in _WORD.findall(page_text(pdf, page)):
        if text == word:
            return (float(x1) - float(x0)) / len(word)
    raise SystemExit(f"「{word}」 not found on page {page} of {pdf.name}")


def png(pdf: Path, page: int, target: Path, dpi: int = 80) -> Path:
    stem = target.with_suffix("")
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(stem),
        ],
        check=True,
    )
    return target


def report(label: str, pdf: Path) -> tuple[list[str], float]:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    names = sheets_by_page(pdf, pages)
    counts = {n: names.count(n) for n in dict.fromkeys(names)}
    size = printed_size(pdf, names.index("排名") + 1)
    print(f"{label}: {pages} pages — " + "，".join(f"{n} {c}" for n, c in counts.items()))
    print(f"  排名 text printed at {size:.1f} pt" + ("" if size >= 8 else "  (below 8 pt!)"))
    return names, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep the workbooks, PDFs and page images here")
    args = parser.parse_args()
    for tool in ("soffice", "pdftoppm", "pdftotext", "pdfinfo"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not on PATH")
    with tempfile.TemporaryDirectory(prefix="famscore-render-") as temp:
        work = args.keep or Path(temp)
        work.mkdir(parents=True, exist_ok=True)
        example = score(
            EXAMPLE / "考评表.xlsx", EXAMPLE / "returns", work / "长宁2023_汇总.xlsx", EXAMPLE / "units.txt"
        )
        pdf = to_pdf(example, work)
        names, _size = report("changning-2023", pdf)
        IMAGES.mkdir(parents=True, exist_ok=True)
        png(pdf, names.index("排名") + 1, IMAGES / "summary-rank.png")
        png(pdf, names.index("得分明细") + 1, IMAGES / "summary-matrix.png")

        from bench import DEFAULT_SCHEME, generate

        returns = work / "returns_60"
        generate(DEFAULT_SCHEME, 60, returns)
        (returns / ".complete").unlink()  # the generator's cache marker: a hidden file in a returns folder
        sixty = score(DEFAULT_SCHEME, returns, work / "60个单位_汇总.xlsx")
        pdf60 = to_pdf(sixty, work)
        report("60 generated units", pdf60)
        if args.keep:
            for index in range(len(names)):
                png(pdf, index + 1, work / f"changning-{index + 1:02d}.png", dpi=60)
    print(f"pictures: {IMAGES.relative_to(ROOT)}/summary-rank.png, summary-matrix.png")


if __name__ == "__main__":
    main()
