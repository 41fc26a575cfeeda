"""Machine-readable results (`famscore score … --json FILE`)."""

# Layout (the brief's contract; extra keys may be added, none removed or renamed)::
#
#     {"scheme":   {"title", "version", "fingerprint", "bands": [{"name", "lower"}], "year", "decimals",
#                   "fields": [{"id", "item", "label", "filler"}]},
#      "units":    [{"unit", "file", "rank", "main", "bonus", "total", "grade", "flags", "complete",
#                    "status", "reason",
#                    "categories": [{"id", "name", "max", "score"}],
#                    "items": [{"id", "name", "max", "score", "explanation"}],
#                    "code", "inputs": [{"field", "raw", "value", "source"}]}],
#   (设置 自评 是: each unit also has "self_total" and each item "self_score", the unit's own claims)
#      "problems": [{"file", "sheet", "cell", "severity", "message",
#                    "code", "row", "column", "level"}]}      # code: famscore.messages; level: error|warning
#
# Numbers: every score is the Decimal the scorer computed, quantized to the scheme's decimals, and is
# emitted as a JSON *number* whose text is exactly that decimal (trailing zeros dropped: 1.70 → 1.7,
# 8.00 → 8.0). It is passed to `json` as the float whose shortest repr equals the decimal — Python
# prints floats with the shortest text that round-trips, so for any value of at most 15 significant
# digits (every realistic score) the text is exact, e.g. 1.7 and never 1.7000000000000002. Maxima
# and band bounds are written as the scheme gives them (not rounded). Each
# conversion is checked; a value that would not survive (more than 15 significant digits) raises
# instead of being written inexactly. Consumers wanting exact decimals can parse with
# `json.loads(text, parse_float=decimal.Decimal)`.
#
# `year` is the scheme's 年度 (null when it has none); a unit's `code` is its code on the roster
# (--units-file with a 单位代码/统一社会信用代码 column; "" without one); `inputs` are its values, one per
# field of the scheme (`scheme.fields` names each once: its item, label and `filler`, 单位 or a
# department): `raw` as typed ("" when blank), `value` as read (text, "" when none), `source` where it
# was read.
#
# NDJSON (`--json-lines`): the first line is {"scheme": {…}, "problems": […], "units": N}, then one line
# per unit, each the unit's object above; for batches too big to load as one object.
#
# `null` means "none": an item or category that could not be scored, the rank of a unit that is not
# ranked (incomplete), a band's missing lower bound (the last band), and the grade when the scheme has
# no bands. An incomplete unit's main/bonus/total are the sums of the items that were scored, with
# `complete: false`, `rank: null` and grade 待定. `status` is "已排名" for a ranked unit and "待定" for
# any other, with `reason` saying why (unscored items, a return from another scheme or version, a file
# name naming another unit, several returns for one unit, a unit not on the roster; else null): a 待定
# unit's numbers are what its return scores, never a result to publish. Strings are copied as they are (json escapes control
# characters; lone surrogates become U+FFFD).

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from famscore.errors import OutputError
from famscore.messages import Msg
from famscore.numbers import round_half_up
from famscore.outputs.safe import atomic_write, json_text, say, verify_json
from famscore.outputs.view import RANKED, marks
from famscore.scoring import PENDING, BatchResult, UnitResult

PRETTY_UNITS = 200


def exact_number(value: Decimal | None, decimals: int | None = None) -> float | None:
    """`value` (rounded half-up to `decimals` when given), as a float printing exactly as it."""
    if value is None:
        return None
    quantized = round_half_up(value, decimals) if decimals is not None else value
    number = float(quantized)
    if Decimal(repr(number)) != quantized:
        raise OutputError(say(Msg.OUTPUT_JSON_INEXACT, value=quantized))
    return number


def batch_to_json(batch: BatchResult, codes: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The results as plain JSON-ready data (see the module docstring for the layout); `codes` are
    the roster's unit codes by name_key."""
    scheme = batch.scheme
    decimals = scheme.settings.decimals
    return {
        "scheme": {
            "title": json_text(scheme.title),
            "version": json_text(scheme.version),
            "fingerprint": scheme.fingerprint,
            "bands": [{"name": json_text(b.name), "lower": exact_number(b.lower)} for b in scheme.bands],
            "year": scheme.settings.year,
            "decimals": decimals,
            "fields": [
                {"id": f.id, "item": f.item_id, "label": json_text(f.label), "filler": json_text(f.filler)}
                for f in scheme.fields.values()
            ],
        },
        "units": [
            {**_unit(unit, batch, decimals), **_unit_facts(unit, batch, codes)} for unit in batch.units
        ],
        "problems": [
            {k: json_text(v) if isinstance(v, str) else v for k, v in p.as_dict().items()}
            for p in batch.problems
        ],
    }


def _unit(unit: UnitResult, batch: BatchResult, decimals: int) -> dict[str, Any]:
    scheme = batch.scheme
    found: dict[str, Any] = {
        "unit": json_text(unit.unit),
        "file": json_text(unit.file),
        "rank": unit.rank,
        "main": exact_number(unit.main, decimals),
        "bonus": exact_number(unit.bonus, decimals),
        "total": exact_number(unit.total, decimals),
        "grade": json_text(unit.grade) if scheme.bands else None,
        "flags": [json_text(f) for f in marks(unit)],
        "complete": unit.complete,
        "status": RANKED if unit.rankable else PENDING,
        "reason": json_text(unit.pending_reason()) if not unit.rankable else None,
        "categories": [
            {
                "id": cat.id,
                "name": json_text(cat.name),
                "max": exact_number(cat.points),
                "score": exact_number(unit.categories.get(cat.id), decimals),
            }
            for cat in scheme.categories
        ],
        "items": [
            {
                "id": s.item.id,
                "name": json_text(s.item.name),
                "max": exact_number(s.item.points),
                "score": exact_number(s.score, decimals),
                "explanation": json_text(s.explanation),
            }
            for s in unit.items
        ],
    }
    if scheme.settings.self_assessment:
        # The unit's own claims (设置 自评 是) beside the verified scores; never part of them.
        found["self_total"] = exact_number(unit.self_total, decimals)
        items: list[dict[str, Any]] = found["items"]
        for entry in items:
            entry["self_score"] = exact_number(unit.self_score(entry["id"]), decimals)
    return found


def _unit_facts(unit: UnitResult, batch: BatchResult, codes: Mapping[str, str] | None) -> dict[str, Any]:
    """A unit's roster code and inputs (the analysts' additions to the layout)."""
    from famscore.names import name_key
    from famscore.values import shown

    values, raw, sources = unit.values, unit.raw, unit.sources
    inputs = []
    for f in batch.scheme.fields.values():
        value = values.get(f.id)
        inputs.append(
            {
                "field": f.id,
                "raw": json_text(raw.get(f.id, "")),
                "value": json_text("" if value is None else shown(value)),
                "source": json_text(sources.get(f.id, "")),
            }
        )
    code = codes.get(name_key(unit.unit), "") if codes else ""
    return {"code": json_text(code), "inputs": inputs}


def dumps(batch: BatchResult, codes: Mapping[str, str] | None = None) -> str:
    # json's C encoder runs only without indent; past a district's size speed matters more than layout.
    indent = 2 if len(batch.units) <= PRETTY_UNITS else None
    return json.dumps(batch_to_json(batch, codes), ensure_ascii=False, indent=indent, allow_nan=False) + "\n"


def write_json(batch: BatchResult, path: Path | str) -> Path:
    """Write the results atomically as UTF-8 JSON (indented up to PRETTY_UNITS units); returns the path.

    Large batches are streamed unit by unit, so memory does not grow with a second copy of the results.
    """
    return atomic_write(path, json_writer(batch), verify_json)


def json_writer(
    batch: BatchResult, codes: Mapping[str, str] | None = None, lines: bool = False
) -> Callable[[Path], None]:
    """The function that writes the results to a (temporary) file; check it with verify_json (with
    `lines`, NDJSON checked with verify_json_lines)."""
    if lines:
        return lambda temp: _stream_lines(batch, temp, codes)
    if len(batch.units) <= PRETTY_UNITS:
        text = dumps(batch, codes)

        def writer(temp: Path) -> None:
            with temp.open("w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)

        return writer
    return lambda temp: _stream(batch, temp, codes)


def _stream(batch: BatchResult, temp: Path, codes: Mapping[str, str] | None = None) -> None:
    decimals = batch.scheme.settings.decimals
    head = batch_to_json(replace(batch, units=[]))  # the head and tail of the streamed file

    def encode(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)

    with temp.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write('{"scheme": ' + encode(head["scheme"]) + ', "units": [')
        for n, unit in enumerate(batch.units):
            unit = _loaded(unit)
            unit_json = {**_unit(unit, batch, decimals), **_unit_facts(unit, batch, codes)}
            handle.write(("," if n else "") + "\n" + encode(unit_json))
        handle.write('\n], "problems": ' + encode(head["problems"]) + "}\n")


def _loaded(unit: UnitResult) -> UnitResult:
    """The unit with its details in memory: loaded from a large batch's spool once, not per use."""
    return replace(unit, details=unit.details.load())


def _stream_lines(batch: BatchResult, temp: Path, codes: Mapping[str, str] | None) -> None:
    decimals = batch.scheme.settings.decimals
    head = batch_to_json(replace(batch, units=[]))

    def encode(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)

    with temp.open("w", encoding="utf-8", newline="\n") as handle:
        first = {"scheme": head["scheme"], "problems": head["problems"], "units": len(batch.units)}
        handle.write(encode(first) + "\n")
        for unit in map(_loaded, batch.units):
            handle.write(encode({**_unit(unit, batch, decimals), **_unit_facts(unit, batch, codes)}) + "\n")


def verify_json_lines(path: Path) -> None:
    """Check an NDJSON result: as many whole unit lines as its first line says (parsing 100 MB back
    takes longer than writing it; a cut-off file lacks lines or a line's closing brace)."""
    try:
        with path.open("rb") as handle:
            head = json.loads(handle.readline())
            count = sum(1 for line in handle if line.startswith(b"{") and line.endswith(b"}\n"))
    except (OSError, ValueError) as exc:
        raise OutputError(say(Msg.OUTPUT_VERIFY_FAILED, name=path.name, why=type(exc).__name__)) from exc
    if not isinstance(head, dict) or head.get("units") != count:
        raise OutputError(say(Msg.OUTPUT_VERIFY_FAILED, name=path.name, why=f"{count} 个单位行"))
