"""Text as famscore compares, shows and cuts it: one normaliser, one clipper, one width, one near miss."""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable

# Zero-width spaces and joiners, variation selectors, word joiner and BOM: invisible, never meant.
_INVISIBLE = dict.fromkeys(map(ord, "\ufe0e\ufe0f\u200b\u200c\u200d\u2060\ufeff"))
_HIDDEN = ("Cc", "Cf")  # control and format characters (zero-width spaces, BOM, direction marks)
# Characters XML 1.0 cannot hold: an .xlsx with one does not open. U+FFFE/U+FFFF and lone surrogates
# are as illegal as the C0 controls (tab, newline and carriage return are allowed).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def normalise(raw: object) -> str:
    """Text as typed, compared or parsed: NFKC folds full-width digits, letters and ％; invisible and
    control characters and surrounding spaces go (tab and newline inside are kept)."""
    text = raw if isinstance(raw, str) else str(raw)
    if text.isascii() and text.isprintable():
        return text.strip()  # most cells: nothing to fold, and this runs for every cell of every return
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    return _CONTROL.sub("", text).strip()


# Control characters but tab and newline: one pass in C, not a generator per character (headers and
# Chinese cells take this path on every return).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")


def header_key(raw: object) -> str:
    """A header or sheet name compared loosely: normalised with every space gone, so '填报值 ',
    '填 报 值' and '填报值' are one."""
    if isinstance(raw, str):
        return _header_key(raw)
    return "".join(normalise(raw).split())


@functools.lru_cache(maxsize=4096)
def _header_key(raw: str) -> str:
    # Every return's header row and sheet names are the same few strings: fold each once.
    return "".join(normalise(raw).split())


def display(raw: object) -> str:
    """Text as its author wrote it, for printing: invisible characters gone, spaces single; 95.0 is 95."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = "".join(ch for ch in str(raw) if unicodedata.category(ch) not in _HIDDEN)
    return " ".join(text.split())


def clip(text: str, limit: int = 40) -> str:
    """`text` cut to `limit` characters, the cut marked with '…'."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def width(text: str, *, ambiguous_wide: bool = False) -> int:
    """Display width in terminal cells and Excel column units: CJK and full-width characters count 2.

    East Asian ambiguous characters (×, ÷, →, “”, ①) count 1, as Excel's default font Calibri and
    rich in the terminal draw most of them; `ambiguous_wide` counts them 2, as 宋体 draws them.
    """
    if text.isascii():
        return len(text)  # most of what the summary measures: numbers and ids
    wide = "WFA" if ambiguous_wide else "WF"
    return sum(2 if unicodedata.east_asian_width(ch) in wide else 1 for ch in text)


def xml_safe(text: str) -> str:
    """`text` without the characters an .xlsx cannot hold."""
    return _XML_ILLEGAL.sub("", text)


def closest(word: str, candidates: Iterable[str], *, cutoff: float = 0.6, loose: bool = False) -> str | None:
    """The one candidate `word` most likely meant, by spelling; None when nothing is close.

    `loose` also accepts the only candidate containing `word`, and a transposition near the start of a
    longer candidate ('新华接道' for '新华街道办事处'), for names typed at the command line.
    """
    names = list(dict.fromkeys(candidates))
    if not word:
        return None
    hit = difflib.get_close_matches(word, names, n=1, cutoff=cutoff)
    if hit:
        return hit[0]
    if not loose:
        return None
    starts = [c for c in names if c.startswith(word) or word in c]
    if len(starts) == 1:
        return starts[0]
    heads = {c[: len(word)]: c for c in names if len(c) > len(word)}
    hit = difflib.get_close_matches(word, list(heads), n=1, cutoff=0.75)
    return heads[hit[0]] if hit else None
