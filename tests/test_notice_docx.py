"""The results notice (.docx): official layout, fonts on every run, seed-003 content, and the commands."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm
from rich.console import Console
from typer.testing import CliRunner

import famscore.cli as cli
from famscore.cli import app
from famscore.errors import UsageError
from famscore.messages import Msg, Say
from famscore.names import name_key
from famscore.outputs import notice_docx as nd
from famscore.outputs.readback import read_summary
from famscore.rules.flags import Effect, Flag

ROOT = Path(__file__).resolve().parent.parent
CHANGNING = ROOT / "examples" / "changning-2023"
SCHEME = CHANGNING / "考评表.xlsx"
UNITS = CHANGNING / "units.txt"
ISSUER = "长宁区卫生健康委员会"


@pytest.fixture(autouse=True)
def wide_consoles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "out", Console(width=400, force_terminal=False))
    monkeypatch.setattr(cli, "err", Console(width=400, stderr=True, force_terminal=False))


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def says(output: str, message: Msg | Say, **fields: object) -> bool:
    return all(part in output for part in message.render(**fields))


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The Changning example scored once with --notice: (returns folder, summary, notice)."""
    base = tmp_path_factory.mktemp("notice")
    returns = base / "回表"
    shutil.copytree(CHANGNING / "returns", returns)
    summary, notice = base / "汇总.xlsx", base / "通报.docx"
    result = CliRunner().invoke(
        app,
        [str(a) for a in ("score", SCHEME, returns, "--units-file", UNITS, "-o", summary, "-q")]
        + ["--notice", str(notice), "--issuer", ISSUER, "--date", "2022-02-18"],
    )
    assert result.exit_code == 0, result.output
    return returns, summary, notice


def texts(document: Any) -> list[str]:
    return [p.text for p in document.paragraphs]


def all_runs(document: Any) -> list[Any]:
    """Every w:r of the body and of every header and footer part."""
    parts = [document.element.body]
    for section in document.sections:
        for part in (section.footer, section.even_page_footer, section.header, section.even_page_header):
            if not part.is_linked_to_previous:
                parts.append(part._element)
    return [r for part in parts for r in part.iter(qn("w:r"))]


def run_font(run: Any) -> tuple[str | None, str | None, int | None]:
    """(eastAsia font, ascii font, size in half-points) set on the run itself."""
    rpr = run.find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    size = rpr.find(qn("w:sz")) if rpr is not None else None
    return (
        fonts.get(qn("w:eastAsia")) if fonts is not None else None,
        fonts.get(qn("w:ascii")) if fonts is not None else None,
        int(size.get(qn("w:val"))) if size is not None else None,
    )


def paragraph_starting(document: Any, start: str) -> Any:
    return next(p for p in document.paragraphs if p.text.startswith(start))


# --- the words ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (dt.date(2022, 2, 18), "二〇二二年二月十八日"),
        (dt.date(2023, 10, 10), "二〇二三年十月十日"),
        (dt.date(2024, 12, 31), "二〇二四年十二月三十一日"),
        (dt.date(2020, 1, 1), "二〇二〇年一月一日"),
        (dt.date(2019, 11, 20), "二〇一九年十一月二十日"),
    ],
)
def test_chinese_date(day: dt.date, words: str) -> None:
    assert nd.chinese_date(day) == words


@pytest.mark.parametrize(
    "text", ["2022-02-18", "2022/2/18", "2022.2.18", "2022年2月18日", "20220218", " 2022-2-18 "]
)
def test_parse_date_takes_what_a_clerk_types(text: str) -> None:
    assert nd.parse_date(text) == dt.date(2022, 2, 18)


@pytest.mark.parametrize("text", ["2022-02-30", "18/02/2022", "明天", ""])
def test_parse_date_refuses_in_chinese(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        nd.parse_date(text)
    assert Msg.NOTICE_BAD_DATE.render(value=text)[0] in caught.value.message


def test_veto_in_the_seed_words() -> None:
    assert nd.veto_sentence("新华街道", Flag(Effect.NO_TOP, "发生较大生产安全事故")) == (
        "新华街道因发生较大生产安全事故，取消评优资格"
    )
    # A field label that already ends in the consequence does not say it twice.
    assert nd.veto_sentence("周桥街道", Flag(Effect.LAST, "重大负面舆论造成严重后果需排名末位")) == (
        "周桥街道因重大负面舆论造成严重后果，考核排名末位"
    )


# --- layout (GB/T 9704-2012) -----------------------------------------------------------------------------


def test_page_margins_grid_and_no_embedded_fonts(scored: tuple[Path, Path, Path]) -> None:
    document = docx.Document(str(scored[2]))
    assert len(document.sections) == 1
    section = document.sections[0]
    expected = {
        "page_width": 210,
        "page_height": 297,
        "top_margin": 37,
        "bottom_margin": 35,
        "left_margin": 28,
        "right_margin": 26,
    }
    for name, mm in expected.items():
        assert abs(getattr(section, name).mm - mm) < 0.1, name
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    pitch = int(grid.get(qn("w:linePitch")))
    assert 22 * pitch <= Mm(297 - 37 - 35).twips < 23 * pitch  # 22 lines fill the text block
    char_pitch = 16 + int(grid.get(qn("w:charSpace"))) / 4096  # pt per character on the grid
    width_pt = Mm(210 - 28 - 26).pt
    assert int(width_pt / char_pitch) == 28
    settings = document.settings.element
    assert settings.find(qn("w:evenAndOddHeaders")) is not None
    assert settings.find(qn("w:embedTrueTypeFonts")) is None
    properties = document.core_properties
    assert (properties.title, properties.author) == (document.paragraphs[0].text, ISSUER)
    assert "docx" not in properties.comments and properties.created.year >= 2024
    body = paragraph_starting(document, "根据《")
    assert body.paragraph_format.line_spacing.pt == pytest.approx(28.95, abs=0.05)
    assert body.paragraph_format.line_spacing_rule is not None


def test_every_run_names_its_east_asian_font(scored: tuple[Path, Path, Path]) -> None:
    document = docx.Document(str(scored[2]))
    runs = all_runs(document)
    assert len(runs) > 30
    for run in runs:
        east_asia, ascii_font, size = run_font(run)
        assert east_asia and east_asia == ascii_font, "".join(t.text or "" for t in run.iter(qn("w:t")))
        assert size is not None


def test_fonts_and_sizes_by_role(scored: tuple[Path, Path, Path]) -> None:
    document = docx.Document(str(scored[2]))
    title = document.paragraphs[0]
    assert title.text == "关于下发长宁区2023年度人口与计划生育工作任务情况考核结果的通知"
    assert title.alignment == 1  # centred
    assert {run_font(r._element) for r in title.runs} == {("方正小标宋简体", "方正小标宋简体", 44)}
    for heading in ("一、考核内容", "二、工作完成情况", "三、考核结果"):
        runs = paragraph_starting(document, heading).runs
        assert {run_font(r._element) for r in runs} == {("黑体", "黑体", 32)}
    level_2 = paragraph_starting(document, "（一）")
    assert run_font(level_2.runs[0]._element) == ("楷体_GB2312", "楷体_GB2312", 32)
    assert re.fullmatch(r"（一）\S+。", level_2.runs[0].text)
    assert run_font(level_2.runs[1]._element) == ("仿宋_GB2312", "仿宋_GB2312", 32)
    assert level_2.paragraph_format.first_line_indent.pt == 32
    assert run_font(paragraph_starting(document, "根据《").runs[0]._element) == (
        "仿宋_GB2312",
        "仿宋_GB2312",
        32,
    )


def test_page_numbers_outside_on_odd_and_even_pages(scored: tuple[Path, Path, Path]) -> None:
    section = docx.Document(str(scored[2])).sections[0]
    for footer, alignment in ((section.footer, 2), (section.even_page_footer, 0)):  # right, left
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == alignment
        assert "PAGE" in "".join(t.text for t in paragraph._p.iter(qn("w:instrText")))
        kinds = [f.get(qn("w:fldCharType")) for f in paragraph._p.iter(qn("w:fldChar"))]
        assert kinds == ["begin", "separate", "end"]
        assert re.fullmatch(r"— 1 —", paragraph.text)
        assert {run_font(r) for r in paragraph._p.iter(qn("w:r"))} == {("宋体", "宋体", 28)}


def test_date_four_characters_from_the_right_and_issuer_above(scored: tuple[Path, Path, Path]) -> None:
    document = docx.Document(str(scored[2]))
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    issuer, date = paragraphs[-2], paragraphs[-1]
    assert (issuer.text, date.text) == (ISSUER, "二〇二二年二月十八日")
    assert date.alignment == issuer.alignment == 2
    ind = date._p.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:rightChars")) == "400"
    assert date.paragraph_format.right_indent.pt == 64
    # 署名 is centred over the date: its right indent is the date's plus half the difference in length.
    shift = (len(date.text) - len(issuer.text)) / 2
    assert issuer.paragraph_format.right_indent.pt == pytest.approx(16 * (4 + shift), abs=0.1)


# --- content (seed 003) ------------------------------------------------------------------------------------


def test_structure_and_grouping_in_roster_order(scored: tuple[Path, Path, Path]) -> None:
    _, summary_path, notice = scored
    document = docx.Document(str(notice))
    lines = texts(document)
    assert lines[2] == "各街道（镇）："
    body = "\n".join(lines)
    assert "famscore" not in body  # no tool footnote
    summary = read_summary(summary_path)
    roster = UNITS.read_text(encoding="utf-8").split()
    # 一、考核内容 names every category with its points.
    contents = lines[lines.index("一、考核内容") + 1]
    for head in summary.categories:
        assert f"{head.name}（{head.points:g}分）" in contents
    # 二: one run-in paragraph per unit, in roster order.
    drafts = [line for line in lines if re.match(r"（[一二三四五六七八九十]+）", line)]
    assert [re.match(r"（\w+）(\w+?)。", d)[1] for d in drafts] == roster  # type: ignore[index]
    # 三: per band, the units of that grade in roster order, 排名不分先后.
    result = lines[lines.index("三、考核结果") + 1 :]
    order = {name_key(u): i for i, u in enumerate(roster)}
    groups = 0
    for band in summary.scheme.bands:
        members = sorted(
            (u.unit for u in summary.units if u.grade == band.name), key=lambda u: order[name_key(u)]
        )
        if not members:
            continue
        groups += 1
        heading = next(line for line in result if line.endswith(f"{band.name}单位（排名不分先后）："))
        assert heading.startswith(f"{groups}.2023年度")
        assert result[result.index(heading) + 1] == "、".join(members)
    assert groups >= 3
    # Not code-point order: the roster order differs from sorting by name in at least one group.
    assert any(
        line != "、".join(sorted(line.split("、"))) for line in result if "、" in line and "（" not in line
    )


def test_vetoed_unit_carries_the_reason(scored: tuple[Path, Path, Path]) -> None:
    _, summary_path, notice = scored
    summary = read_summary(summary_path)
    vetoed = [(u.unit, f) for u in summary.units for f in u.flags]
    assert vetoed  # the example has one 排名末位
    lines = texts(docx.Document(str(notice)))
    for unit, flag in vetoed:
        assert f"其中，{nd.veto_sentence(unit, flag)}。" in lines
        assert flag.reason not in "\n".join(lines)  # the seed's words, not the internal field label


def test_notice_from_the_summary_matches_score_notice(
    scored: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, summary, notice = scored
    again = tmp_path / "通报.docx"
    # The summary records the roster it was scored with: no --units-file needed for roster order.
    assert read_summary(summary).scheme.roster == tuple(UNITS.read_text(encoding="utf-8").split())
    code, output = run("notice", summary, "-o", again, "--issuer", ISSUER, "--date", "2022-02-18")
    assert code == 0, output
    assert says(output, Say.NOTICE_WRITTEN, path=again)
    assert not says(output, Say.NOTICE_NO_ROSTER)
    assert texts(docx.Document(str(again))) == texts(docx.Document(str(notice)))


def test_without_a_roster_units_follow_the_file_names_and_the_clerk_is_told(
    scored: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    returns = scored[0]
    summary = tmp_path / "汇总.xlsx"
    assert run("score", SCHEME, returns, "-o", summary, "-q")[0] == 0
    assert read_summary(summary).scheme.roster == ()
    target = tmp_path / "通报.docx"
    code, output = run("notice", summary, "-o", target)
    assert code == 0 and says(output, Say.NOTICE_NO_ROSTER)
    view = read_summary(summary)
    by_file = [u.unit for u in sorted(view.units, key=lambda u: u.file)]
    drafts = [
        line for line in texts(docx.Document(str(target))) if re.match(r"（[一二三四五六七八九十]+）", line)
    ]
    assert [re.match(r"（\w+）(\w+?)。", d)[1] for d in drafts] == by_file  # type: ignore[index]
    # Given on the command line, the roster orders them again.
    code, output = run("notice", summary, "-o", target, "--units-file", UNITS)
    assert code == 0 and not says(output, Say.NOTICE_NO_ROSTER)


def test_held_units_never_appear(tmp_path: Path) -> None:
    returns = tmp_path / "回表"
    shutil.copytree(CHANGNING / "returns", returns)
    roster = tmp_path / "名单.txt"
    units = UNITS.read_text(encoding="utf-8").split()
    roster.write_text(
        "\n".join(u for u in units if u != "新泾镇"), encoding="utf-8"
    )  # 新泾镇 is not on it: held
    notice = tmp_path / "通报.docx"
    code, output = run(
        "score",
        SCHEME,
        returns,
        "--units-file",
        roster,
        "-o",
        tmp_path / "汇总.xlsx",
        "-q",
        "--notice",
        notice,
    )
    assert code == 1, output
    assert says(output, Say.NOTICE_LEFT_OUT, count=1, names="新泾镇")
    assert says(output, Say.NOTICE_NO_ISSUER)
    body = "\n".join(texts(docx.Document(str(notice))))
    assert "新泾镇" not in body
    assert nd.ISSUER_PLACEHOLDER in body
    assert nd.chinese_date(dt.date.today()) in body
    # Read back from the summary, the held unit stays out too.
    again = tmp_path / "通报2.docx"
    code, output = run("notice", tmp_path / "汇总.xlsx", "-o", again, "--issuer", ISSUER)
    assert code == 0 and says(output, Say.NOTICE_LEFT_OUT, count=1, names="新泾镇")
    assert "新泾镇" not in "\n".join(texts(docx.Document(str(again))))


def test_letterhead_template_is_filled(scored: tuple[Path, Path, Path], tmp_path: Path) -> None:
    letterhead = docx.Document()
    section = letterhead.sections[0]
    section.top_margin = section.bottom_margin = section.left_margin = section.right_margin = Mm(30)
    letterhead.add_paragraph("某区卫生健康委员会文件")
    template = tmp_path / "红头.docx"
    letterhead.save(str(template))
    target = tmp_path / "通报.docx"
    code, output = run("notice", scored[1], "-o", target, "--template", template, "--units-file", UNITS)
    assert code == 0, output
    document = docx.Document(str(target))
    lines = texts(document)
    assert lines[0] == "某区卫生健康委员会文件"
    assert lines[1] == "关于下发长宁区2023年度人口与计划生育工作任务情况考核结果的通知"
    assert abs(document.sections[0].top_margin.mm - 30) < 0.1  # the office's page, not ours
    for run_element in document.element.body.iter(qn("w:r")):
        if "".join(t.text or "" for t in run_element.iter(qn("w:t"))) != "某区卫生健康委员会文件":
            assert run_font(run_element)[0]


# --- refusals ----------------------------------------------------------------------------------------------


def test_wrong_files_are_named(scored: tuple[Path, Path, Path], tmp_path: Path) -> None:
    returns, summary, _ = scored
    code, output = run("notice", SCHEME, "-o", tmp_path / "a.docx")
    assert code == 2 and says(output, Msg.NOTICE_GIVEN_SCHEME, path=SCHEME)
    a_return = next(returns.iterdir())
    code, output = run("notice", a_return, "-o", tmp_path / "a.docx")
    assert code == 2 and says(output, Msg.NOTICE_GIVEN_RETURN, path=a_return)
    code, output = run("notice", summary, "-o", tmp_path / "通报.doc")
    assert code == 2 and says(
        output, Msg.NOTICE_NOT_DOCX_NAME, out=tmp_path / "通报.doc", example=tmp_path / "通报.docx"
    )
    code, output = run("notice", summary, "-o", tmp_path / "a.docx", "--date", "2月18日")
    assert code == 2 and Msg.NOTICE_BAD_DATE.render(value="2月18日")[0] in output
    fake = tmp_path / "红头.docx"
    fake.write_text("不是 Word 文档", encoding="utf-8")
    code, output = run("notice", summary, "-o", tmp_path / "a.docx", "--template", fake)
    assert code == 2 and Msg.NOTICE_TEMPLATE_UNREADABLE.render(name=fake.name, kind="")[1] in output
    assert not (tmp_path / "a.docx").exists()


def test_notice_never_lands_on_an_input(scored: tuple[Path, Path, Path], tmp_path: Path) -> None:
    returns, summary, _ = scored
    inside = returns / "通报.docx"
    code, output = run("score", SCHEME, returns, "-o", tmp_path / "汇总.xlsx", "-q", "--notice", inside)
    assert code == 2 and "结果通报" in output
    assert not inside.exists() and not (tmp_path / "汇总.xlsx").exists()
    template = tmp_path / "红头.docx"
    docx.Document().save(str(template))
    before = template.read_bytes()
    code, output = run("notice", summary, "-o", template, "--template", template)
    assert code == 2 and "通报模板" in output
    assert template.read_bytes() == before


def test_score_without_notice_does_not_import_python_docx(
    scored: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from famscore.cli import app\n"
        f"r = CliRunner().invoke(app, ['score', {str(SCHEME)!r}, {str(scored[0])!r}, '-q', '-o', {str(tmp_path / 'x.xlsx')!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "print('docx' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("command", ["notice"])
def test_help_is_chinese_with_an_example_and_in_the_readme(command: str) -> None:
    code, output = run(command, "--help")
    assert code == 0 and "示例：famscore notice" in output
    assert "famscore notice " in (ROOT / "README.md").read_text(encoding="utf-8")
    code, output = run("score", "--help")
    assert "--notice" in output and "--issuer" in output


# --- as printed ------------------------------------------------------------------------------------------------


def _pdf(notice: Path, folder: Path) -> Path | None:
    """The notice through LibreOffice, or None where it (or its Writer) is not installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or not shutil.which("pdftotext"):
        return None
    profile = (folder / "lo-profile").as_uri()
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
        capture_output=True,
        timeout=240,
        check=False,
    )
    pdf = folder / (notice.stem + ".pdf")
    return pdf if pdf.is_file() else None


def test_renders_with_page_numbers_on_every_page(scored: tuple[Path, Path, Path], tmp_path: Path) -> None:
    pdf = _pdf(scored[2], tmp_path)
    if pdf is None:
        pytest.skip("LibreOffice Writer（soffice）或 pdftotext 未安装：无法渲染 PDF")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])  # type: ignore[index]
    assert pages >= 2
    text = re.sub(
        r"\s+",
        "",
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout,
    )
    assert "关于下发长宁区2023年度人口与计划生育工作任务情况考核结果的通知" in text
    assert [int(n) for n in re.findall(r"—(\d+)—", text)] == list(range(1, pages + 1))
    assert text.endswith(f"{ISSUER}二〇二二年二月十八日—{pages}—") or f"{ISSUER}二〇二二年二月十八日" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=False).stdout
    assert fonts  # named fonts substituted by the renderer; the .docx itself embeds none (checked above)


def test_the_summary_notice_sheet_follows_the_roster_too(scored: tuple[Path, Path, Path]) -> None:
    import openpyxl

    summary = scored[1]
    sheet = openpyxl.load_workbook(summary, read_only=True)["结果通报"]
    lines = [str(row[0]) for row in sheet.iter_rows(values_only=True) if row[0]]
    document = texts(docx.Document(str(scored[2])))
    groups = [line for line in lines if "、" in line and "（" not in line]
    assert groups and all(line in document for line in groups)


def test_a_ranking_only_scheme_lists_by_rank_with_its_vetoes(tmp_path: Path) -> None:
    city = ROOT / "examples" / "city-2023"
    summary, target = tmp_path / "汇总.xlsx", tmp_path / "通报.docx"
    code, output = run(
        "score", city / "考评表.xlsx", city / "returns", "--units-file", city / "units.txt", "-o", summary
    )
    assert code == 0, output
    code, output = run("notice", summary, "-o", target, "--issuer", "某市卫生健康委员会")
    assert code == 0, output
    lines = texts(docx.Document(str(target)))
    view = read_summary(summary)
    assert lines[2] == f"{view.scheme.unit_kind}："  # 考核对象 各区 already starts with 各
    result = lines[lines.index("三、考核结果") + 1 :]
    assert result[0].endswith("考核排名：")
    ranked = [re.sub(r"^第\d+名(（并列）)?　", "", line) for line in result if line.startswith("第")]
    assert ranked == [u.unit for u in view.units if u.rankable]
    vetoed = [(u.unit, f) for u in view.units for f in u.flags if f.effect is Effect.NO_TOP]
    assert vetoed
    for unit, flag in vetoed:
        assert f"其中，{nd.veto_sentence(unit, flag)}。" in result
        assert nd.veto_sentence(unit, flag).endswith("，取消评优资格")


def test_draft_paragraph_words() -> None:
    heads = (
        nd.CategoryHead("", "组织管理", Decimal(20)),
        nd.CategoryHead("", "服务", Decimal(30)),
        nd.CategoryHead("", "创新", Decimal(5), bonus=True),
    )
    content = nd.NoticeContent(
        "某区2023年度考核", 2023, "街道", heads, Decimal(50), Decimal(5), (), "", (), (), True
    )

    def unit(
        scores: tuple[Decimal | None, ...],
        lost: tuple[tuple[str, Decimal], ...],
        bonus: Decimal,
        flags: tuple[Flag, ...] = (),
    ) -> nd.NoticeUnit:
        return nd.NoticeUnit("甲街道", "", "", 1, scores, bonus, lost, flags)

    full = unit((Decimal(20), Decimal(30), Decimal(0)), (), Decimal(0))
    assert nd.unit_paragraph(content, full) == "各方面工作完成较好，各项指标均得满分。"
    some = unit((Decimal(20), Decimal("27.5"), Decimal(3)), (("宣传", Decimal("2.5")),), Decimal(3))
    assert (
        nd.unit_paragraph(content, some)
        == "组织管理方面工作扎实，得满分；宣传（扣2.5分）方面有失分，需进一步加强；另获附加分3分。"
    )
    vetoed = unit(
        (Decimal(18), Decimal(29), None),
        (("a", Decimal(2)), ("b", Decimal(1))),
        Decimal(0),
        (Flag(Effect.LAST, "信访"),),
    )
    assert nd.unit_paragraph(content, vetoed) == (
        "服务、组织管理方面完成较好；a（扣2分）、b（扣1分）方面有失分，需进一步加强；因信访，考核排名末位。"
    )
    assert nd.addressee(content) == "各街道："
    assert nd.contents_paragraph(content).startswith(
        "考核内容包括组织管理（20分）和服务（30分）两个方面，满分50分。另设创新（5分）作为附加分，附加分最多计5分。"
    )
