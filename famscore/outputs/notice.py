"""The 结果通报 sheet: the published notice, band by band, in the seed's words."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from famscore.names import name_key
from famscore.numbers import fmt
from famscore.outputs.layout import SHEET_PROBLEMS, SHEET_RANK
from famscore.outputs.view import flag_text
from famscore.outputs.xlsx import Sheet
from famscore.scoring import PENDING, BatchResult, UnitResult, basis_score

_TITLE_SUFFIXES = (
    "考评表",
    "考核表",
    "评分表",
    "考核指标",
    "考评办法",
    "考核办法",
    "考评方案",
    "考核方案",
    "考评",
    "考核",
    "评估",
    "评分",
)


def scheme_subject(title: str) -> str:
    """The scheme's title without its trailing form word, for '关于下发…考核结果的通知'.

    '长宁区2021年度计划生育工作目标管理责任制考核' → '长宁区2021年度计划生育工作目标管理责任制';
    '…工作任务情况考评表' → '…工作任务情况'.
    """
    subject = title.strip()
    for suffix in _TITLE_SUFFIXES:
        if subject.endswith(suffix) and len(subject) > len(suffix):
            return subject[: -len(suffix)]
    return subject


def notice_subject(title: str, year: int | None) -> str:
    """The phrase before the band name in the published notice, as in seed 003.

    '长宁区2021年度计划生育工作目标管理责任制考核' with year 2021 → '2021年度计划生育工作目标管理'
    (the district name before the year and a trailing 考核/考评表/责任制 are dropped). A heuristic:
    the notice sheet is meant to be edited before publishing.
    """
    subject = scheme_subject(title)
    if subject.endswith("责任制") and len(subject) > 3:
        subject = subject[:-3]
    if year:
        for marker in (f"{year}年度", f"{year}年"):
            index = subject.find(marker)
            if index >= 0:
                return f"{year}年度{subject[index + len(marker) :]}"
        return f"{year}年度{subject}"
    return subject


def _published_flags(unit: UnitResult) -> list[str]:
    """Flags that come from the scheme's rules (vetoes), not bookkeeping notes."""
    return list(dict.fromkeys(flag_text(f) for f in unit.flags))


def notice_sheet(sheet: Sheet, batch: BatchResult, generated_at: str, famscore_version: str) -> None:
    """Seed-003 style: per band, '1.<subject><band>单位（排名不分先后）：' then the names joined by 、.

    Within a band units are listed in the roster's order (by name without one), not by score, so the
    list does not reveal ranks. Units with veto flags get a note; incomplete units are listed separately; units
    whose return's identity is in doubt (held) are left out, with a note saying how many.
    """
    scheme = batch.scheme
    formats = sheet.formats
    subject = notice_subject(scheme.title, scheme.settings.year)
    plain, bold, note = formats.get("plain"), formats.get("plain", bold=True), formats.get("note")
    lines: list[tuple[str, Any]] = [(f"{subject}考核结果", formats.get("title")), ("", plain)]
    complete = [u for u in batch.units if u.rankable]
    place = {name_key(name): index for index, name in enumerate(batch.roster)}

    def listed(unit: UnitResult) -> tuple[int, str]:
        return place.get(name_key(unit.unit), len(place)), unit.unit

    number = 0
    if scheme.bands:
        for band in scheme.bands:
            members = sorted((u for u in complete if u.grade == band.name), key=listed)
            if not members:
                continue
            number += 1
            lines.append((f"{number}.{subject}{band.name}单位（排名不分先后）：", bold))
            lines.append(("、".join(u.unit for u in members), plain))
            lines.extend(_flag_notes(members, note))
            lines.append(("", plain))
    elif complete:
        number += 1
        lines.append((f"{number}.{subject}考核排名：", bold))
        basis = scheme.settings.rank_basis
        ranks = Counter(u.rank for u in complete)
        for unit in complete:
            tied = "（并列）" if ranks[unit.rank] > 1 else ""
            score = fmt(basis_score(unit, basis))
            lines.append((f"第{unit.rank}名{tied}　{unit.unit}（{basis} {score} 分）", plain))
        lines.extend(_flag_notes(complete, note))
        lines.append(("", plain))
    pending = sorted((u for u in batch.units if not u.complete and not u.held), key=lambda u: u.unit)
    if pending:
        number += 1
        lines.append((f"{number}.未完成计分、暂不定级的单位：", bold))
        lines.append(("、".join(u.unit for u in pending), plain))
        lines.append(("（请核实这些单位的填报表，改正后重新计分）", note))
        lines.append(("", plain))
    held = sum(1 for u in batch.units if u.held)
    if held:
        lines.append(
            (
                f"（另有 {held} 个单位的回表属于哪个单位或哪份考评表尚待核实，定为{PENDING}，未列入本通报；"
                f"原因见「{SHEET_RANK}」和「{SHEET_PROBLEMS}」工作表。发布前请删去本行。）",
                note,
            )
        )
        lines.append(("", plain))
    if not batch.units:
        lines.append(("（没有可计分的回表）", note))
    lines.append(
        (
            f"（本通报由 famscore {famscore_version} 根据 {batch.files} 份回表于 {generated_at} 生成，"
            "发布前请核对并补充各单位工作完成情况。）",
            note,
        )
    )
    sheet.caps[0] = sheet.minimums[0] = 80  # a printed A4 page, portrait: it is a document
    sheet.wrap_cols.add(0)
    for row, (line, cell_format) in enumerate(lines):
        sheet.text(row, 0, line, cell_format)
    sheet.finish(freeze=(0, 0), header_rows=0, portrait=True)


def _flag_notes(units: Iterable[UnitResult], cell_format: Any) -> list[tuple[str, Any]]:
    notes = []
    for unit in units:
        flags = _published_flags(unit)
        if flags:
            notes.append((f"注：{unit.unit}——{'；'.join(flags)}", cell_format))
    return notes
