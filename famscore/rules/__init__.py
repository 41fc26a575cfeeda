"""The rule engine: rule kinds registered by name, and item scoring with explanations."""

from famscore.rules import kinds as _kinds  # noqa: F401  (registers every rule kind)
from famscore.rules.base import Part, Rule, RuleSpec, RuleSpecError, kinds, primary_kinds
from famscore.rules.engine import ItemScore, score_item
from famscore.rules.kinds import NEVER

__all__ = [
    "NEVER",
    "ItemScore",
    "Part",
    "Rule",
    "RuleSpec",
    "RuleSpecError",
    "kinds",
    "primary_kinds",
    "score_item",
]
