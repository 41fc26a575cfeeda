"""The results notice as a Word document in the official layout (GB/T 9704-2012), from a batch or a summary."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from famscore.errors import OutputError, UsageError
from famscore.messages import Msg
from famscore.names import name_key
from famscore.numbers import fmt
from famscore.outputs.notice import notice_subject, scheme_subject
from famscore.outputs.safe import say
from famscore.outputs.view import CategoryHead
from famscore.rules.flags import Effect, Flag

if TYPE_CHECKING:
    from famscore.outputs.view import BreakdownRow, SummaryView, UnitView
    from famscore.scoring import BatchResult

# GB/T 9704-2012: the fonts are named (never embedded); the office's PC supplies them.
FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEADING_1 = "黑体"
FONT_HEADING_2 = "楷体_GB2312"
FONT_PAGE_NUMBER = "宋体"
SIZE_TITLE = 22  # 2号
SIZE_BODY = 16  # 3号
SIZE_PAGE_NUMBER = 14  # 4号

# A4 with the standard's margins; the text block of 156 × 225 mm holds 22 lines of 28 characters.
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LINES, CHARS = 22, 28
LINE_PITCH_TWIPS = 579  # 225 mm / 22 lines = 28.95 pt
# Word's grid: each character cell is 3号 (16 pt) plus charSpace/4096 pt; 156 mm / 28 = 15.79 pt.
CHAR_SPACE = -849
TITLE_LINE_PT = 35  # 2号 lines of the title, fixed like the body's
FOOTER_MM = 25  # the page number sits about 7 mm below the text block

ISSUER_PLACEHOLDER = "（发文机关署名）"

_DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """0..99 as written in a date or a count: 10 → 十, 18 → 十八, 20 → 二十, 31 → 三十一."""
    if not 0 <= n < 100:
        raise ValueError(n)
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _DIGITS[tens]
    return f"{head}十{_DIGITS[ones] if ones else ''}"


def chinese_count(n: int) -> str:
    """A count before a measure word: 2 → 两 (两个方面), 10 → 十, 120 → 120."""
    return "两" if n == 2 else chinese_number(n) if 0 <= n < 100 else str(n)


def chinese_date(day: dt.date) -> str:
    """A date as an official document writes it: 2022-02-18 → 二〇二二年二月十八日."""
    year = "".join(_DIGITS[int(d)] for d in f"{day.year:04d}")
    return f"{year}年{chinese_number(day.month)}月{chinese_number(day.day)}日"


_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def parse_date(text: str) -> dt.date:
    """The --date a clerk types: 2022-02-18, 2022/2/18, 2022.2.18, 2022年2月18日 or 20220218.

    Raises UsageError (in Chinese) for anything else or a day that does not exist.
    """
    found = _DATE.match(text) or re.match(r"^\s*(\d{4})(\d{2})(\d{2})\s*$", text)
    try:
        if found is None:
            raise ValueError(text)
        return dt.date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        raise UsageError(say(Msg.NOTICE_BAD_DATE, value=text)) from None


def veto_sentence(unit: str, flag: Flag) -> str:
    """'周桥街道因发生较大生产安全事故，取消评优资格' — the scheme's reason, then what it does, as seed 004 words it."""
    effect = "取消评优资格" if flag.effect is Effect.NO_TOP else "考核排名末位"
    reason = flag.reason.strip().rstrip("。；，")
    # A field label often ends in the consequence itself ('…需排名末位'): say that once.
    reason = (
        re.sub(r"[，,]?(需|须|应|的)?(取消评优资格|取消评优|考核排名末位|排名末位)$", "", reason) or reason
    )
    return f"{unit}因{reason}，{effect}"


@dataclass(frozen=True)
class NoticeUnit:
    """One graded unit as the notice needs it."""

    name: str
    file: str
    grade: str
    rank: int | None
    categories: tuple[Decimal | None, ...]  # in NoticeContent.categories order
    bonus: Decimal | None
    lost: tuple[tuple[str, Decimal], ...]  # (item or category name, points lost), largest first
    flags: tuple[Flag, ...]


@dataclass(frozen=True)
class NoticeContent:
    """What the notice says, whichever way the results came (a batch just scored, a summary read back)."""

    title: str
    year: int | None
    unit_kind: str
    categories: tuple[CategoryHead, ...]
    main_points: Decimal | None
    bonus_points: Decimal | None
    bands: tuple[str, ...]
    grade_basis: str
    units: tuple[NoticeUnit, ...]  # graded units, in roster order
    left_out: tuple[str, ...]  # units 待定: never in the document
    roster_used: bool  # False: no roster was given, units are in file-name order


def _lost_items(
    rows: Sequence[BreakdownRow], categories: tuple[CategoryHead, ...]
) -> list[tuple[str, Decimal]]:
    """Points lost per item, from a breakdown with its category rows (a bonus item not earned is no loss)."""
    lost: list[tuple[str, Decimal]] = []
    placed = any(r.category for r in rows)
    bonus = False
    by_name = {c.name: c for c in categories}
    for row in rows:
        if row.category:
            head = by_name.get(row.name)
            bonus = head.bonus if head is not None else False
            continue
        if placed and bonus:
            continue  # a bonus item not earned is not a loss
        if row.points is not None and row.score is not None and row.score < row.points:
            lost.append((row.name, row.points - row.score))
    return lost


def _category_losses(
    categories: tuple[CategoryHead, ...], scores: tuple[Decimal | None, ...]
) -> list[tuple[str, Decimal]]:
    return [
        (head.name, head.points - score)
        for head, score in zip(categories, scores, strict=False)
        if not head.bonus and head.points is not None and score is not None and score < head.points
    ]


def _ordered(units: list[NoticeUnit], roster: Sequence[str] | None) -> tuple[NoticeUnit, ...]:
    """Roster order (as the office lists its units), not code-point or rank order; file order without one."""
    if not roster:
        return tuple(sorted(units, key=lambda u: (u.file, u.name)))
    place = {name_key(name): index for index, name in enumerate(roster)}
    return tuple(sorted(units, key=lambda u: (place.get(name_key(u.name), len(place)), u.file, u.name)))


def content_from_batch(batch: BatchResult, roster: Sequence[str] | None = None) -> NoticeContent:
    """The notice's content for a batch scored just now (`famscore score … --notice`); units in the
    order of `roster`, else of the batch's own roster."""
    from famscore.outputs.view import breakdown_of, facts_of
    from famscore.scheme.model import BONUS

    scheme = batch.scheme
    facts = facts_of(batch)
    heads = tuple(CategoryHead(c.id, c.name, c.points, c.kind == BONUS) for c in scheme.categories)
    units: list[NoticeUnit] = []
    for unit in batch.units:
        if not unit.rankable:
            continue
        scores = tuple(unit.categories.get(c.id) for c in scheme.categories)
        lost = _lost_items(breakdown_of(batch, unit), heads)
        units.append(_unit(unit.unit, unit.file, unit.grade, unit.rank, scores, unit.bonus, lost, unit.flags))
    return NoticeContent(
        title=facts.title,
        year=facts.year,
        unit_kind=scheme.settings.unit_kind,
        categories=heads,
        main_points=facts.main_points,
        bonus_points=facts.bonus_points,
        bands=tuple(b.name for b in facts.bands),
        grade_basis=facts.grade_basis,
        units=_ordered(units, roster or batch.roster),
        left_out=tuple(u.unit for u in batch.units if not u.rankable),
        roster_used=bool(roster or batch.roster),
    )


def content_from_summary(path: Path, roster: Sequence[str] | None = None) -> NoticeContent:
    """The notice's content read back from a summary workbook famscore wrote (`famscore notice`).

    Units in the order of `roster`, else of the roster the summary records (scored with --units-file).
    Raises UsageError when `path` is not one (read_summary's messages).
    """
    from famscore.outputs.readback import read_breakdowns, read_summary

    summary: SummaryView = read_summary(path)
    breakdowns = read_breakdowns(path, summary)
    units: list[NoticeUnit] = []
    for unit in summary.units:
        if not unit.rankable:
            continue
        rows = breakdowns.get(name_key(unit.unit), [])
        placed = any(r.category for r in rows)
        lost = (
            _lost_items(rows, summary.categories)
            if placed
            else _category_losses(summary.categories, unit.categories)
        )
        units.append(_unit_from_view(unit, lost))
    facts = summary.scheme
    return NoticeContent(
        title=facts.title,
        year=facts.year,
        unit_kind=facts.unit_kind,
        categories=summary.categories,
        main_points=facts.main_points,
        bonus_points=facts.bonus_points,
        bands=tuple(b.name for b in facts.bands),
        grade_basis=facts.grade_basis,
        units=_ordered(units, roster or facts.roster),
        left_out=tuple(u.unit for u in summary.units if not u.rankable),
        roster_used=bool(roster or facts.roster),
    )


def _unit_from_view(unit: UnitView, lost: list[tuple[str, Decimal]]) -> NoticeUnit:
    return _unit(unit.unit, unit.file, unit.grade, unit.rank, unit.categories, unit.bonus, lost, unit.flags)


def _unit(
    name: str,
    file: str,
    grade: str,
    rank: int | None,
    scores: tuple[Decimal | None, ...],
    bonus: Decimal | None,
    lost: list[tuple[str, Decimal]],
    flags: Sequence[Flag],
) -> NoticeUnit:
    worst = sorted(lost, key=lambda pair: -pair[1])  # stable: scheme order among equal losses
    return NoticeUnit(name, file, grade, rank, scores, bonus, tuple(worst), tuple(dict.fromkeys(flags)))


# --- the words ------------------------------------------------------------------------------------------


def notice_title(content: NoticeContent) -> str:
    """'关于下发长宁区2021年度计划生育工作目标管理责任制考核结果的通知' (seed 003)."""
    return f"关于下发{scheme_subject(content.title)}考核结果的通知"


def addressee(content: NoticeContent) -> str:
    """主送: '各街道（镇）：' from the scheme's 考核对象; '各有关单位：' when it names none."""
    kind = content.unit_kind.strip()
    if not kind:
        return "各有关单位："
    return f"{kind if kind.startswith('各') else '各' + kind}："


def _kind_words(content: NoticeContent) -> str:
    kind = content.unit_kind.strip().removeprefix("各")
    return f"各{kind}" if kind else "各单位"


def opening(content: NoticeContent) -> str:
    subject = scheme_subject(content.title)
    count = len(content.units) + len(content.left_out)
    return (
        f"根据《{content.title}》，现已完成{subject}考核工作，共{chinese_count(count)}"
        f"个单位参加考核，结果如下："
    )


def contents_paragraph(content: NoticeContent) -> str:
    """一、考核内容: the categories and their points, then how the assessment was done."""
    main = [c for c in content.categories if not c.bonus]
    bonus = [c for c in content.categories if c.bonus]

    def named(head: CategoryHead) -> str:
        return f"{head.name}（{fmt(head.points)}分）" if head.points is not None else head.name

    parts = [named(c) for c in main]
    listed = "、".join(parts[:-1]) + ("和" if len(parts) > 1 else "") + (parts[-1] if parts else "")
    count = chinese_count(len(main))
    text = f"考核内容包括{listed}{count}个方面" if parts else "考核内容见考评表"
    if content.main_points is not None:
        text += f"，满分{fmt(content.main_points)}分"
    text += "。"
    if bonus:
        cap = f"，附加分最多计{fmt(content.bonus_points)}分" if content.bonus_points else ""
        text += f"另设{'、'.join(named(c) for c in bonus)}作为附加分{cap}。"
    text += f"采取{_kind_words(content)}对照考评表逐项填报、考核部门逐项核实评分的方法"
    if content.bands and content.grade_basis:
        text += f"，按{content.grade_basis}评定等级"
    return text + "，形成综合评估结果。"


def unit_paragraph(content: NoticeContent, unit: NoticeUnit) -> str:
    """二、工作完成情况: a draft from the unit's scores (where it did best, where it lost points), to edit."""
    sentences: list[str] = []
    rated = [
        (score / head.points, head.name)
        for head, score in zip(content.categories, unit.categories, strict=False)
        if not head.bonus and head.points and score is not None
    ]
    full = [name for ratio, name in rated if ratio >= 1]
    if rated and len(full) == len(rated):
        sentences.append("各方面工作完成较好，各项指标均得满分")
    elif full:
        more = "等" if len(full) > 2 else ""
        sentences.append(f"{'、'.join(full[:2])}{more}方面工作扎实，得满分")
    elif rated:
        best = [name for _, name in sorted(rated, key=lambda pair: -pair[0])[:2]]
        sentences.append(f"{'、'.join(best)}方面完成较好")
    if unit.lost:
        shown = "、".join(f"{name}（扣{fmt(points)}分）" for name, points in unit.lost[:3])
        more = "等" if len(unit.lost) > 3 else ""
        sentences.append(f"{shown}{more}方面有失分，需进一步加强")
    if unit.bonus:
        sentences.append(f"另获附加分{fmt(unit.bonus)}分")
    for flag in unit.flags:
        sentences.append(veto_sentence("", flag))
    return "；".join(sentences) + "。" if sentences else "（请填写该单位的工作完成情况。）"


def result_blocks(content: NoticeContent) -> list[tuple[str, list[str]]]:
    """三、考核结果: (heading, paragraphs) per grade in band order, units in roster order, vetoes noted."""
    subject = notice_subject(content.title, content.year)
    blocks: list[tuple[str, list[str]]] = []
    if content.bands:
        number = 0
        for band in content.bands:
            members = [u for u in content.units if u.grade == band]
            if not members:
                continue
            number += 1
            lines = ["、".join(u.name for u in members)]
            lines += [f"其中，{veto_sentence(u.name, f)}。" for u in members for f in u.flags]
            blocks.append((f"{number}.{subject}{band}单位（排名不分先后）：", lines))
        return blocks
    ranked = sorted(content.units, key=lambda u: u.rank if u.rank is not None else 10**9)
    if ranked:
        ties = [u.rank for u in ranked]
        lines = [f"第{u.rank}名{'（并列）' if ties.count(u.rank) > 1 else ''}　{u.name}" for u in ranked]
        lines += [f"其中，{veto_sentence(u.name, f)}。" for u in ranked for f in u.flags]
        blocks.append((f"{subject}考核排名：", lines))
    return blocks


# --- the document ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeOptions:
    """What the command line says about the document: 落款, date, an office's letterhead."""

    issuer: str = ""
    date: dt.date | None = None
    template: Path | None = None


def _docx() -> Any:
    """python-docx, or a UsageError saying how to install it (it is a dependency; a broken install lacks it)."""
    try:
        import docx
    except ImportError:
        raise UsageError(say(Msg.NOTICE_NO_DOCX)) from None
    return docx


def check_template(path: Path) -> None:
    """Refuse (UsageError) a --template that python-docx cannot open, before any work is done."""
    docx = _docx()
    try:
        docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for a file that is not a .docx
        raise UsageError(
            say(Msg.NOTICE_TEMPLATE_UNREADABLE, name=path.name, kind=type(exc).__name__), path
        ) from None


def build_notice(content: NoticeContent, options: NoticeOptions) -> Any:
    """The python-docx Document of the notice: a new one in the official layout, or the office's template."""
    docx = _docx()
    if options.template is not None:
        document = docx.Document(str(options.template))
    else:
        document = docx.Document()
        _official_layout(document)
    writer = _Writer(document)
    writer.title(notice_title(content))
    writer.blank()
    writer.body(addressee(content), indent=False)
    writer.body(opening(content))
    writer.heading_1("一、考核内容")
    writer.body(contents_paragraph(content))
    writer.heading_1("二、工作完成情况")
    for index, unit in enumerate(content.units, start=1):
        writer.run_in(
            f"（{chinese_number(index) if index < 100 else index}）{unit.name}。",
            unit_paragraph(content, unit),
        )
    writer.heading_1("三、考核结果")
    for heading, lines in result_blocks(content):
        writer.lead(heading)
        for line in lines:
            writer.body(line)
    day = options.date or dt.date.today()
    writer.closing(options.issuer.strip() or ISSUER_PLACEHOLDER, chinese_date(day))
    _properties(document, notice_title(content), options.issuer.strip(), own=options.template is None)
    return document


def _properties(document: Any, title: str, issuer: str, *, own: bool) -> None:
    """File properties (Word's 属性) that name the notice and the office, not the library that wrote it."""
    properties = document.core_properties
    properties.title = title
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    properties.modified = now
    if own:  # python-docx's blank document says 'python-docx' and 2013
        properties.author = properties.last_modified_by = issuer
        properties.comments = ""
        properties.created = now
        properties.language = "zh-CN"


def write_notice(content: NoticeContent, target: Path, options: NoticeOptions) -> None:
    build_notice(content, options).save(str(target))


def notice_writer(content: NoticeContent, options: NoticeOptions) -> Callable[[Path], None]:
    """The writer OutputSet calls with a temporary path."""
    return lambda temp: write_notice(content, temp, options)


def verify_docx(path: Path) -> None:
    """A written notice opens with python-docx (what Word and WPS read is a well-formed package)."""
    docx = _docx()
    try:
        docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for a damaged package
        raise OutputError(
            say(Msg.OUTPUT_VERIFY_FAILED, name=path.name, why=type(exc).__name__), path
        ) from exc


def _twips(mm: float) -> int:
    return round(mm / 25.4 * 1440)


def _official_layout(document: Any) -> None:
    """Page, grid, default font and page numbers of GB/T 9704-2012, on a new document."""
    from docx.oxml.ns import qn
    from docx.shared import Mm

    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.footer_distance = Mm(FOOTER_MM)
    section.header_distance = Mm(15)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = section._sectPr.makeelement(qn("w:docGrid"), {})
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))
    _defaults(document)
    document.settings.odd_and_even_pages_header_footer = True
    # Odd pages: the number on the right; even pages: on the left; one character in from the edge.
    _page_number(section.footer, right=True)
    _page_number(section.even_page_footer, right=False)


def _defaults(document: Any) -> None:
    """The document's default run and paragraph: 3号 仿宋_GB2312, fixed spacing on the grid, no gaps."""
    from docx.oxml.ns import qn

    defaults = document.styles.element.find(qn("w:docDefaults"))
    run = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = run.find(qn("w:rFonts"))
    for name in list(fonts.attrib):
        del fonts.attrib[name]  # theme fonts would win over the names
    _name_fonts(fonts, FONT_BODY)
    for tag in ("w:sz", "w:szCs"):
        run.find(qn(tag)).set(qn("w:val"), str(SIZE_BODY * 2))
    lang = run.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), str(LINE_PITCH_TWIPS))
    spacing.set(qn("w:lineRule"), "exact")
    normal = document.styles["Normal"]
    _name_fonts(normal.element.get_or_add_rPr().get_or_add_rFonts(), FONT_BODY)


def _name_fonts(fonts: Any, font: str) -> None:
    from docx.oxml.ns import qn

    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)


def set_run_font(run: Any, font: str, size: float, *, bold: bool = False) -> None:
    """Name `font` for every script of `run`, East-Asian included (python-docx's font.name sets only
    ascii/hAnsi, and Word/WPS would show the Chinese in another font)."""
    from docx.shared import Pt

    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in list(fonts.attrib):
        if attr.endswith("Theme") or attr.endswith("theme"):
            del fonts.attrib[attr]
    _name_fonts(fonts, font)


def _page_number(footer: Any, *, right: bool) -> None:
    """'— 1 —' in 4号 宋体 with a PAGE field, at the outside edge, one character in."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if right else WD_ALIGN_PARAGRAPH.LEFT
    form = paragraph.paragraph_format
    form.line_spacing = 1.0
    if right:
        form.right_indent = Pt(SIZE_PAGE_NUMBER)
    else:
        form.left_indent = Pt(SIZE_PAGE_NUMBER)
    pieces: list[tuple[str, str]] = [
        ("text", "— "),
        ("begin", ""),
        ("instr", " PAGE "),
        ("separate", ""),
        ("text", "1"),
        ("end", ""),
        ("text", " —"),
    ]
    for kind, text in pieces:
        run = paragraph.add_run()
        set_run_font(run, FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER)
        if kind == "text":
            run.text = text
        elif kind == "instr":
            instr = run._element.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            instr.text = text
            run._element.append(instr)
        else:
            run._element.append(run._element.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind}))


class _Writer:
    """Paragraphs in the notice's styles, every run with its fonts named."""

    def __init__(self, document: Any) -> None:
        self.document = document

    def _paragraph(self, *, indent: bool = True, align: str = "justify") -> Any:
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
        from docx.oxml.ns import qn
        from docx.shared import Pt

        paragraph = self.document.add_paragraph()
        paragraph.alignment = {
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
        }[align]
        form = paragraph.paragraph_format
        form.space_before = form.space_after = Pt(0)
        form.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        form.line_spacing = Pt(LINE_PITCH_TWIPS / 20)
        if indent:
            form.first_line_indent = Pt(SIZE_BODY * 2)
            ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
            ind.set(qn("w:firstLineChars"), "200")  # two characters of the grid, as Word counts them
        return paragraph

    def title(self, text: str) -> None:
        from docx.oxml.ns import qn
        from docx.shared import Pt

        paragraph = self._paragraph(indent=False, align="center")
        paragraph.paragraph_format.line_spacing = Pt(TITLE_LINE_PT)
        # The 2号 title keeps its own fixed lines instead of taking two lines of the body's grid each.
        ppr = paragraph._p.get_or_add_pPr()
        ppr.insert_element_before(
            ppr.makeelement(qn("w:snapToGrid"), {qn("w:val"): "0"}),
            "w:spacing",
            "w:ind",
            "w:jc",
            "w:rPr",
        )
        set_run_font(paragraph.add_run(text), FONT_TITLE, SIZE_TITLE)

    def blank(self) -> None:
        set_run_font(self._paragraph(indent=False).add_run(""), FONT_BODY, SIZE_BODY)

    def body(self, text: str, *, indent: bool = True) -> None:
        set_run_font(self._paragraph(indent=indent).add_run(text), FONT_BODY, SIZE_BODY)

    def heading_1(self, text: str) -> None:
        paragraph = self._paragraph()
        paragraph.paragraph_format.keep_with_next = True  # never the last line of a page
        set_run_font(paragraph.add_run(text), FONT_HEADING_1, SIZE_BODY)

    def lead(self, text: str) -> None:
        """A body line that introduces the next one (a grade's heading before its units)."""
        paragraph = self._paragraph()
        paragraph.paragraph_format.keep_with_next = True
        set_run_font(paragraph.add_run(text), FONT_BODY, SIZE_BODY)

    def run_in(self, heading: str, text: str) -> None:
        """A level-2 heading run in at the start of its paragraph, as seed 003 writes （一）新华街道。"""
        paragraph = self._paragraph()
        set_run_font(paragraph.add_run(heading), FONT_HEADING_2, SIZE_BODY)
        set_run_font(paragraph.add_run(text), FONT_BODY, SIZE_BODY)

    def closing(self, issuer: str, date: str) -> None:
        """落款 centred over the date; the date four characters in from the right (GB/T 9704 7.3.5)."""
        from docx.oxml.ns import qn
        from docx.shared import Pt

        self.blank()
        self.blank()
        date_right = 4
        issuer_right = max(2.0, date_right + (len(date) - len(issuer)) / 2)
        for text, right in ((issuer, issuer_right), (date, date_right)):
            paragraph = self._paragraph(indent=False, align="right")
            paragraph.paragraph_format.right_indent = Pt(SIZE_BODY * right)
            ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
            ind.set(qn("w:rightChars"), str(round(right * 100)))
            set_run_font(paragraph.add_run(text), FONT_BODY, SIZE_BODY)
