"""Runs a scheme's worked examples (算例) through the scorer: each hand-worked score holds, or is a located problem."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from famscore.errors import ERROR, Problem, Severity
from famscore.messages import Msg
from famscore.numbers import fmt, number_error, to_decimal
from famscore.rules.base import unknown
from famscore.rules.engine import score_item
from famscore.rules.flags import Effect
from famscore.scheme.format import (
    COL_EXPECTED,
    COL_INPUTS,
    COL_ITEM_ID,
    COL_VETO,
    INPUT_EQUALS,
    INPUT_SEPARATORS,
)
from famscore.scheme.model import Example, Item, Scheme, split_departments
from famscore.values import parse_value

VETO_WORDS = tuple(e.value for e in Effect)


@dataclass(frozen=True)
class Proof:
    """How the worked examples came out: how many there are, how many hold, and what is wrong with the rest."""

    count: int
    passed: int
    problems: tuple[Problem, ...]

    @property
    def failed(self) -> int:
        return self.count - self.passed


def prove(scheme: Scheme, severity: Severity = ERROR) -> Proof:
    """Run every 算例 of `scheme`; problems get `severity` (check: errors; score: warnings, see docs)."""
    file = Path(scheme.path).name
    problems: list[Problem] = []
    passed = 0
    for example in scheme.examples:
        found = _run(scheme, example)
        if not found:
            passed += 1
        src = example.source
        for msg, header, fields in found:
            problems.append(
                msg.problem(
                    file,
                    src.sheet if src else "",
                    src.row if src else None,
                    example.column(header),
                    severity=severity,
                    **fields,
                )
            )
    return Proof(len(scheme.examples), passed, tuple(problems))


_Found = list[tuple[Msg, str, dict[str, str]]]


def _run(scheme: Scheme, example: Example) -> _Found:
    """What is wrong with one 算例 (its row, or its score against the rules); [] when it holds."""
    items = {item.id: item for item in scheme.items}
    item = items.get(example.item_id)
    if item is None:
        msg, near = unknown(Msg.PROOF_ITEM_UNKNOWN, Msg.PROOF_ITEM_UNKNOWN_NEAR, example.item_id, items)
        return [(msg, COL_ITEM_ID, {"id": example.item_id, "near": near})]
    found: _Found = []
    values, written = _inputs(scheme, item, example.inputs, found)
    expected = _expected(example.expected, found)
    vetoes = _vetoes(example.veto, found)
    if found or expected is None:
        return found
    result = score_item(item, values, scheme.settings.decimals)
    struck = tuple(dict.fromkeys(f.effect.value for f in result.flags))
    if result.score is not None and result.score == expected and set(struck) == set(vetoes):
        return []
    computed = "无法计分" if result.score is None else _outcome(result.score, struck)
    fields = {
        "item": item.name,
        "item_id": item.id,
        "inputs": "；".join(written) or "（无）",
        "expected": _outcome(expected, vetoes),
        "computed": computed,
        "working": result.explanation,
    }
    return [(Msg.PROOF_MISMATCH, COL_EXPECTED, fields)]


def _inputs(scheme: Scheme, item: Item, text: str, found: _Found) -> tuple[dict[str, object], list[str]]:
    """The 输入 cell parsed as a return's cells would be; a field not written is a field not filled."""
    values: dict[str, object] = {}
    written: list[str] = []
    seen: set[str] = set()
    reads = "、".join(item.input_ids) or "（无）"
    for sep in INPUT_SEPARATORS[1:]:
        text = text.replace(sep, INPUT_SEPARATORS[0])
    for entry in (e.strip() for e in text.split(INPUT_SEPARATORS[0])):
        if not entry:
            continue
        at = min((i for i in (entry.find(eq) for eq in INPUT_EQUALS) if i >= 0), default=-1)
        if at <= 0:
            found.append((Msg.PROOF_INPUT_NO_EQUALS, COL_INPUTS, {"written": entry}))
            continue
        fid, given = entry[:at].strip(), entry[at + 1 :].strip()
        field = scheme.fields.get(fid)
        if field is None:
            msg, near = unknown(Msg.PROOF_FIELD_UNKNOWN, Msg.PROOF_FIELD_UNKNOWN_NEAR, fid, scheme.fields)
            found.append((msg, COL_INPUTS, {"id": fid, "near": near, "reads": reads}))
            continue
        if fid not in item.input_ids:
            fields = {"id": fid, "item": item.name, "item_id": item.id, "reads": reads}
            found.append((Msg.PROOF_FIELD_NOT_READ, COL_INPUTS, fields))
            continue
        if fid in seen:
            found.append((Msg.PROOF_FIELD_TWICE, COL_INPUTS, {"id": fid}))
            continue
        seen.add(fid)
        parsed = parse_value(field, given)
        if parsed.msg is not None and parsed.value is None:
            why = parsed.error or parsed.warning
            fields = {"id": fid, "given": given, "why": why, "fix": parsed.fix}
            found.append((Msg.PROOF_VALUE_INVALID, COL_INPUTS, fields))
            continue
        written.append(f"{fid}={given}")
        if parsed.value is not None:
            values[fid] = parsed.value
    return values, written


def _expected(text: str, found: _Found) -> Decimal | None:
    bare = text[:-1].strip() if text.endswith("分") and text[:-1].strip() else text
    number = to_decimal(bare.replace("−", "-"))
    if number is None:
        why = "没有填写" if not text else (number_error(bare) or "不是数值")
        found.append((Msg.PROOF_EXPECTED_INVALID, COL_EXPECTED, {"given": text, "why": why}))
    return number


def _vetoes(text: str, found: _Found) -> tuple[str, ...]:
    words = split_departments(text)  # 取消评优、排名末位: the same separators as a list of departments
    for word in words:
        if word not in VETO_WORDS:
            accepted = "」或「".join(VETO_WORDS)
            found.append((Msg.PROOF_VETO_UNKNOWN, COL_VETO, {"given": word, "accepted": accepted}))
    return words


def _outcome(score: Decimal, vetoes: tuple[str, ...]) -> str:
    return f"{fmt(score)} 分" + (f"（{'、'.join(vetoes)}）" if vetoes else "")


__all__ = ["VETO_WORDS", "Proof", "prove"]
