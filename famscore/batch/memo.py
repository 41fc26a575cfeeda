"""The batch's memos: cells parsed before and item scores computed before, one set per worker process."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Memos:
    """What one process remembers across the returns it reads, for one scheme.

    `cells`: famscore.returns.read_return's parsed cells (parse_value is pure, and across a batch most
    cells hold one of a few values); `scores`: famscore.scoring.score_rows's item scores by inputs.
    Both bound themselves (PARSED_LIMIT, MEMO_LIMIT). Objects, not module globals: a batch makes its
    own, so two schemes, or a test, never see each other's entries.
    """

    cells: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    scores: dict[tuple[Any, ...], Any] = field(default_factory=dict)
