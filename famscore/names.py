"""Unit names and scheme titles compared as one key, and which known unit a file name names."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence

from famscore.text import closest, display, normalise

# NFKC folds （）［］｛｝ to ()[]{}; the bracket styles it leaves alone fold here, all to ().
_BRACKETS = str.maketrans(
    {
        "[": "(",
        "]": ")",
        "{": "(",
        "}": ")",
        "【": "(",
        "】": ")",
        "〔": "(",
        "〕": ")",
        "〖": "(",
        "〗": ")",
        "⦅": "(",
        "⦆": ")",
    }
)
_OTHER_BRACKETS = re.compile("[\\[\\]{}【】〔〕〖〗⦅⦆]")
# Whitespace, control characters and the format characters text picks up in practice (soft hyphen,
# zero-width spaces and joiners, direction marks, word joiners, BOM, tags): one regex, as this runs
# for every return and a per-character loop cost more than the rest of the identity check.
_DROPPED = re.compile(
    "[\\s\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]+"
)


@functools.lru_cache(maxsize=100_000)  # a batch compares each unit's name several times
def name_key(text: str) -> str:
    """The key a unit name or scheme title is compared by, never shown to anyone.

    '新泾镇（虹桥）', '新泾镇(虹桥)', '新泾镇 【虹桥】' and '新泾镇（虹桥）\u200b' are one name: NFKC folds
    full-width letters, digits and brackets, whitespace and invisible characters go, the remaining
    bracket styles fold to (), and Latin letters fold case. Every comparison of names or titles
    (roster, _meta, file name, scheme title) goes through this one function.
    """
    text = _DROPPED.sub("", normalise(text))
    if _OTHER_BRACKETS.search(text):  # translate() with a table is slow; most names need none
        text = text.translate(_BRACKETS)
    return text.casefold()


# A name as its author wrote it, for printing (kept under this name for the modules that print names).
display_name = display


# ---------------------------------------------------------------- file names
#
# Which unit a file name names (issue 10, item 3). A return belongs to the unit its _meta names; the
# file name only has to agree, and only a file name that names ANOTHER unit is a mismatch:
#
# 1. The name is compared by key, after dropping the extension, the copy marks WeChat, e-mail and
#    Explorer add at the end ('(1)', '（2）', ' - 副本', ' - Copy') and the scheme's title (the
#    template's own names are '{标题}_{年度}_{单位}.xlsx'). A name that is exactly the template's
#    name for the _meta unit passes at once.
# 2. The known units are the roster (--units-file) when there is one, else every unit named by a
#    _meta in the batch. A unit is named by the file name when its key occurs in it and that
#    occurrence is not part of a longer known name ('北新泾街道' names 北新泾街道, not 新泾街道).
# 3. The file name agrees when it names the _meta unit: '新华街道.xlsx', '新华街道 自评.xlsx',
#    '考评表_2023_新华街道(1).xlsx'. It also agrees when it names no known unit at all ('自评.xlsx',
#    '回表3.xlsx', the blank template's '…_空白.xlsx'): the file name then says nothing about who.
# 4. It disagrees when it names another known unit and not the _meta one. Without a roster, a name
#    that is clearly another unit also disagrees: the unit part of a template-style name, or a part
#    between separators naming a unit of the _meta unit's level (街道/镇/乡, 区/县/市 or 社区/村 at
#    its end: '城西区' against 城东区, not '长宁区' against 新华街道), that neither contains nor is
#    contained in the _meta unit ('新泾镇' may shorten 新泾镇(虹桥)). A misspelt own name is flagged
#    too: without a roster a typo and a neighbour differing in one character (城东区, 城西区) cannot
#    be told apart, and a held return with a message naming both is better than a silent wrong one.
#
# Folder names are not looked at: returns are often sorted into folders by date or sender.

_COPY_MARKS = re.compile(r"(?:\(\d{1,3}\)|-?副本|-?copy)+$")
_SEPARATORS = re.compile(r"[\s_\-－—–.,，、;；+＋&＆/]+")
_UNIT_SUFFIX = re.compile("街道|镇|乡|区|县|市|社区|村")
# A name of two or more characters and an administrative suffix, perhaps with a (qualifier).
_UNIT_LIKE = re.compile(r".{2,}?(街道|镇|乡|社区|区|县|市|村)(?:\(.*\))?")
_LEVEL = {"街道": 1, "镇": 1, "乡": 1, "区": 2, "县": 2, "市": 2, "社区": 3, "村": 3}


def _level(key: str) -> int | None:
    """1 for streets and towns, 2 for districts and counties, 3 for communities and villages."""
    found = _UNIT_LIKE.fullmatch(key)
    return _LEVEL[found.group(1)] if found else None


def _stem(file_name: str) -> str:
    """A file's name without folder and extension ('a/b/新华街道.xlsx' -> '新华街道')."""
    name = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name[1:] else name


def file_stem_key(file_name: str) -> str:
    """The key of a file's name without folder, extension and copy marks."""
    return _COPY_MARKS.sub("", name_key(_stem(file_name)))


def _tokens(file_name: str) -> list[str]:
    parts = _SEPARATORS.split(unicodedata.normalize("NFKC", _stem(file_name)))
    return [key for key in (_COPY_MARKS.sub("", name_key(p)) for p in parts) if key]


class KnownUnits:
    """Unit names by key, for finding the ones a file name names (see the rule above)."""

    def __init__(self, names: Iterable[str]) -> None:
        self.keys = {name_key(name) for name in names} - {""}
        self._lengths = sorted({len(key) for key in self.keys}, reverse=True)

    def named_in(self, text: str, also: str = "") -> set[str]:
        """Keys of the known units (and `also`) occurring in the key `text`, none inside a longer one."""
        lengths = self._lengths if not also or len(also) in self._lengths else [*self._lengths, len(also)]
        found: list[tuple[int, int, str]] = []
        for length in lengths:
            for start in range(len(text) - length + 1):
                piece = text[start : start + length]
                if piece in self.keys or piece == also:
                    found.append((start, start + length, piece))
        return {
            key
            for start, end, key in found
            if not any(s <= start and end <= e and e - s > end - start for s, e, _ in found)
        }


def other_unit_named(
    file_name: str,
    unit: str,
    known: KnownUnits,
    title: str,
    template_stem: str = "",
    template_prefix: str = "",
    roster: bool = True,
    not_units: tuple[str, ...] = (),
    stem: str = "",
) -> str | None:
    """The key of another unit that `file_name` names instead of `unit` (its _meta unit), or None.

    `template_stem` is the key of the template's file name for `unit` and `template_prefix` the key
    of the template's names before the unit part; `roster` says whether `known` is the roster;
    `not_units` are keys that stand where a unit would but name none (the blank template's 空白);
    `stem` is file_stem_key(file_name) when the caller has it.
    """
    own = name_key(unit)
    stem = stem or file_stem_key(file_name)
    if not own or (template_stem and stem == template_stem):
        return None
    text = stem
    template_unit = ""
    if template_prefix and text.startswith(template_prefix):
        template_unit = text[len(template_prefix) :]
        if template_unit == own:
            return None
        text = "/" + template_unit
    title_key = name_key(title)
    if len(title_key) >= 2:
        text = text.replace(title_key, "/")
    named = known.named_in(text, also=own)
    if own in named:
        return None
    others = sorted(named - {own})
    if others:
        return others[0]
    if roster:
        return None
    candidates = [template_unit] if template_unit and template_unit not in not_units else []
    level = _level(own)
    if level is not None and _UNIT_SUFFIX.search(text):
        candidates += [t for t in _tokens(file_name) if _level(t) == level and t not in title_key]
    for candidate in candidates:
        if _clearly_other(candidate, own):
            return candidate
    return None


def _clearly_other(candidate: str, own: str) -> bool:
    return bool(candidate) and candidate not in own and own not in candidate


def roster_typos(missing: Sequence[str], strays: Sequence[str]) -> dict[str, str]:
    """{unit a return names that is not on the roster: the roster name it was probably misspelt as}.

    A roster name with no return and a return's unit not on the roster, spelt almost alike (新华街 /
    新华街道), are one mistake, reported once. Each roster name pairs with at most one unit.
    """
    left = {name_key(unit): unit for unit in missing}
    pairs: dict[str, str] = {}
    for unit in strays:
        near = closest(name_key(unit), left, cutoff=0.75, loose=True)
        if near is not None:
            pairs[unit] = left.pop(near)
    return pairs
