"""A tiny, safe arithmetic language over field ids, for computed values such as 托位数/人口×1000."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, DivisionByZero, InvalidOperation

from famscore.numbers import fmt

# Authors type ×, ÷ and full-width brackets in Excel; normalise them to Python operators.
_TRANSLATE = str.maketrans({"×": "*", "÷": "/", "（": "(", "）": ")", "，": ","})
_FUNCS: dict[str, Callable[..., Decimal]] = {"min": min, "max": max, "最小": min, "最大": max}


class ExpressionError(ValueError):
    """The expression text is not valid; the message is in Chinese."""


class MissingInput(Exception):
    """A field the calculation needs has no usable value."""

    def __init__(self, field_id: str) -> None:
        super().__init__(field_id)
        self.field_id = field_id


class Expression:
    """A parsed expression; `names` are the field ids it reads."""

    def __init__(self, text: str) -> None:
        self.text = text.strip()
        source = self.text.translate(_TRANSLATE)
        try:
            tree = ast.parse(source, mode="eval")
        except SyntaxError as exc:
            raise ExpressionError(f"算式「{self.text}」无法识别") from exc
        self._tree = tree.body
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
            pass
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
            raise ExpressionError(f"算式「{self.text}」只能包含字段编号、数字、+ - × ÷、括号和 min/max")

    def evaluate(self, values: Mapping[str, object]) -> Decimal:
        return self._eval(self._tree, values)

    def _eval(self, node: ast.AST, values: Mapping[str, object]) -> Decimal:
        if isinstance(node, ast.Name):
            value = values.get(node.id)
            if not isinstance(value, Decimal):
                raise MissingInput(node.id)
            return value
        if isinstance(node, ast.Constant):
            return Decimal(str(node.value))
        if isinstance(node, ast.UnaryOp):
            operand = self._eval(node.operand, values)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name)
            return _FUNCS[node.func.id](*(self._eval(a, values) for a in node.args))
        assert isinstance(node, ast.BinOp)
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
            raise ZeroDivisionError(f"算式「{self.text}」的除数为 0") from exc

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
