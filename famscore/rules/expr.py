"""A tiny, safe arithmetic language over field ids, for computed values such as 托位数/人口×1000."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any

from famscore.messages import Msg
from famscore.numbers import fmt, number_error, to_decimal
from famscore.text import clip

# Authors type ×, ÷ and full-width brackets in Excel; normalise them to Python operators.
_TRANSLATE = str.maketrans({"×": "*", "÷": "/", "（": "(", "）": ")", "，": ","})
_FUNCS: dict[str, Callable[..., Decimal]] = {"min": min, "max": max, "最小": min, "最大": max}


# An expression in a scheme is a short formula; anything longer or deeper is refused with a message,
# so that parsing, checking and evaluating it cannot exhaust the stack (and its numbers, each below
# 10^12, cannot overflow a Decimal in MAX_LENGTH characters of operators).
MAX_LENGTH = 500
MAX_DEPTH = 30


def _depth(tree: ast.AST) -> int:
    """Nesting depth of `tree`, found without recursion."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


class ExpressionError(ValueError):
    """The expression text is not valid: `msg` and `fields` say why (the message is in Chinese)."""

    def __init__(self, msg: Msg, **fields: Any) -> None:
        self.msg, self.fields = msg, fields
        super().__init__(msg.render(**fields)[0])


class MissingInput(Exception):
    """A field the calculation needs has no usable value."""

    def __init__(self, field_id: str) -> None:
        super().__init__(field_id)
        self.field_id = field_id


class DivisionByZeroInput(ZeroDivisionError):
    """A division by zero; `field_ids` are the fields the divisor is made of."""

    def __init__(self, message: str, field_ids: tuple[str, ...]) -> None:
        super().__init__(message)
        self.field_ids = field_ids


class Expression:
    """A parsed expression; `names` are the field ids it reads."""

    def __init__(self, text: str) -> None:
        self.text = text.strip()
        source = self.text.translate(_TRANSLATE)
        if len(source) > MAX_LENGTH:
            raise ExpressionError(
                Msg.EXPRESSION_TOO_LONG, text=clip(self.text), length=len(source), most=MAX_LENGTH
            )
        try:
            tree = ast.parse(source, mode="eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            raise ExpressionError(Msg.EXPRESSION_UNREADABLE, text=clip(self.text)) from exc
        self._tree = tree.body
        # _check and _eval recurse: bound the nesting before either runs (------x is 6 levels deep).
        if _depth(self._tree) > MAX_DEPTH:
            raise ExpressionError(Msg.EXPRESSION_TOO_DEEP, text=clip(self.text), most=MAX_DEPTH)
        names: list[str] = []
        self._check(self._tree, names)
        self.names = tuple(dict.fromkeys(names))

    @property
    def is_single_field(self) -> bool:
        return isinstance(self._tree, ast.Name)

    def _check(self, node: ast.AST, names: list[str]) -> None:
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            self._check(node.left, names)
            self._check(node.right, names)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            self._check(node.operand, names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            if to_decimal(node.value) is None:  # 1e999 is inf; the format's range applies here too
                raise ExpressionError(
                    Msg.EXPRESSION_NUMBER_REFUSED,
                    text=clip(self.text),
                    number=clip(str(node.value), 20),
                    why=number_error(node.value),
                )
        elif isinstance(node, ast.Name):
            names.append(node.id)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _FUNCS
            and node.args
            and not node.keywords
        ):
            for arg in node.args:
                self._check(arg, names)
        else:
            raise ExpressionError(Msg.EXPRESSION_NOT_ALLOWED, text=clip(self.text))

    def evaluate(self, values: Mapping[str, object]) -> Decimal:
        return self._eval(self._tree, values)

    def _eval(self, node: ast.AST, values: Mapping[str, object]) -> Decimal:
        if isinstance(node, ast.Name):
            value = values.get(node.id)
            if not isinstance(value, Decimal):
                raise MissingInput(node.id)
            return value
        if isinstance(node, ast.Constant):
            return Decimal(repr(node.value))
        if isinstance(node, ast.UnaryOp):
            operand = self._eval(node.operand, values)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return _FUNCS[node.func.id](*(self._eval(a, values) for a in node.args))
        if not isinstance(node, ast.BinOp):  # _check admitted nothing else
            raise TypeError(f"unexpected {type(node).__name__} in a checked expression")
        left, right = self._eval(node.left, values), self._eval(node.right, values)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        try:
            return left / right
        except (DivisionByZero, InvalidOperation) as exc:
            divisor = ast.unparse(node.right)
            names: list[str] = []
            self._check(node.right, names)
            raise DivisionByZeroInput(
                f"算式「{clip(self.text)}」的除数「{clip(divisor)}」为 0", tuple(dict.fromkeys(names))
            ) from exc

    def describe(self, values: Mapping[str, object], labels: Mapping[str, str]) -> str:
        """'托位总数 1800 / 总人口 520000 × 1000' for explanations."""
        text = re.sub(
            r"\s*([*/×÷])\s*",
            lambda m: {"*": " × ", "/": " ÷ "}.get(m.group(1), f" {m.group(1)} "),
            self.text,
        )
        for name in sorted(self.names, key=len, reverse=True):
            value = values.get(name)
            shown = fmt(value) if isinstance(value, Decimal) else "?"
            text = re.sub(rf"(?<![\w]){re.escape(name)}(?![\w])", f"{labels.get(name, name)} {shown}", text)
        return text
