"""One department's 评分表 (its grid of judged and verified values, one row per unit) -> ReviewData."""

from __future__ import annotations

from dataclasses import dataclass, field

from famscore.errors import Problem


@dataclass(frozen=True)
class ReviewValue:
    """One filled cell of a 评分表: the typed value, the text as typed, and where it is."""

    value: object  # Decimal, str, bool or date, as famscore.values parses it for the field
    raw: str
    cell: str  # e.g. "F7", on ReviewData.sheet


@dataclass
class ReviewData:
    """One 评分表 as read: whose it is, every unit row's values, its blank cells and its problems.

    Units are keyed by famscore.names.name_key, so the merge finds a unit however its name is typed.
    """

    file: str
    path: str
    department: str = ""  # from _meta 考核部门
    sheet: str = ""  # the grid's sheet
    meta: dict[str, str] = field(default_factory=dict)
    # Why the 评分表 is not this scheme's (another title, version or fingerprint): its values are not used.
    identity: list[str] = field(default_factory=list)
    units: dict[str, tuple[str, int]] = field(default_factory=dict)  # key -> (unit as written, Excel row)
    values: dict[str, dict[str, ReviewValue]] = field(default_factory=dict)  # key -> field id -> value
    blanks: dict[str, dict[str, str]] = field(default_factory=dict)  # key -> field id -> cell left blank
    problems: list[Problem] = field(default_factory=list)
    readable: bool = True
