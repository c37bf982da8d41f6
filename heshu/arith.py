"""A small safe evaluator for checks: numbers, names, + - * /, parentheses and one comparison.

Expressions are parsed with Python's own parser and then walked; anything that is not plain
arithmetic (calls, attributes, subscripts, powers, names not declared) is refused before any
evaluation, so a check can never run code.
"""
from __future__ import annotations

import ast
import functools
import math
import operator
import sys
from dataclasses import dataclass

MAX_LENGTH = 500
MAX_NODES = 200
BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}
COMPARE = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
FIX = "write arithmetic over the check's names: numbers, + - * /, parentheses and one of == != < <= > >="


class ArithError(ValueError):
    """An expression the evaluator refuses, with how to fix it."""

    def __init__(self, message: str, fix: str = FIX):
        super().__init__(message)
        self.fix = fix


@dataclass(frozen=True)
class Outcome:
    """The two sides of a comparison, and whether it holds within the tolerance."""

    holds: bool
    left: float
    right: float
    op: str

    @property
    def difference(self) -> float:
        return self.left - self.right

    @property
    def relative(self) -> float | None:
        return self.difference / abs(self.right) if self.right else None


def parse(expr: str, names: set[str]) -> ast.Expression:
    """The parsed expression, or ArithError saying what is not allowed."""
    return _parse(expr, frozenset(names))


@functools.lru_cache(maxsize=4096)  # derived checks share a few shapes of expression
def _parse(expr: str, names: frozenset[str]) -> ast.Expression:
    if len(expr) > MAX_LENGTH:
        raise ArithError(f"the expression is longer than {MAX_LENGTH} characters", "shorten it")
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError as e:
        raise ArithError(f"`{expr}` is not an expression ({e.msg})") from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise ArithError("the expression is too long", "split it into several checks")
    for node in nodes:
        _allowed(node, names)
    body = tree.body
    if not isinstance(body, ast.Compare) or len(body.ops) != 1:
        raise ArithError(f"`{expr}` must compare two sides once, e.g. a - b == c")
    return tree


def _allowed(node: ast.AST, names: set[str]) -> None:
    if isinstance(node, (ast.Expression, ast.Load)) or type(node) in BINARY or type(node) in UNARY \
            or type(node) in COMPARE:
        return
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
        return
    if isinstance(node, ast.UnaryOp) and type(node.op) in UNARY:
        return
    if isinstance(node, ast.Compare):
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        if not abs(node.value) <= sys.float_info.max:
            raise ArithError("a number in the expression is too large to compute with", "write a smaller number")
        return
    if isinstance(node, ast.Name):
        if node.id not in names:
            raise ArithError(f"`{node.id}` is not one of the check's names ({', '.join(sorted(names))})",
                             "add it under `claims:` with the id of its claim, or correct the name")
        return
    if isinstance(node, (ast.BinOp, ast.UnaryOp)):
        node = node.op
    what = {ast.Call: "calls", ast.Attribute: "attributes", ast.Subscript: "subscripts", ast.Pow: "powers (**)",
            ast.Mod: "remainders (%)", ast.FloorDiv: "floor division (//)", ast.Lambda: "functions",
            ast.Constant: "text constants"}.get(type(node), f"`{type(node).__name__}` nodes")
    raise ArithError(f"{what} are not allowed in a check")


def evaluate(expr: str, values: dict[str, float], tolerance: float = 0.0) -> Outcome:
    """Both sides of the comparison and whether it holds, within a relative tolerance."""
    tree = parse(expr, set(values))
    compare = tree.body
    left = _value(compare.left, values)
    right = _value(compare.comparators[0], values)
    op = COMPARE[type(compare.ops[0])]
    if not (math.isfinite(left) and math.isfinite(right)):
        raise ArithError("a side of the comparison is too large to compute", "check the claims' values")
    return Outcome(_holds(left, right, op, tolerance), left, right, op)


def _value(node: ast.AST, values: dict[str, float]) -> float:
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return float(values[node.id])
    if isinstance(node, ast.UnaryOp):
        return UNARY[type(node.op)](_value(node.operand, values))
    if isinstance(node, ast.BinOp):
        left, right = _value(node.left, values), _value(node.right, values)
        if isinstance(node.op, ast.Div) and right == 0:
            raise ZeroDivisionError("division by zero")
        return BINARY[type(node.op)](left, right)
    raise ArithError(f"{type(node).__name__} is not allowed in a check")


def _holds(left: float, right: float, op: str, tolerance: float) -> bool:
    slack = tolerance * max(abs(left), abs(right))
    return {
        "==": abs(left - right) <= slack,
        "!=": abs(left - right) > slack,
        "<": left < right + slack,
        "<=": left <= right + slack,
        ">": left > right - slack,
        ">=": left >= right - slack,
    }[op]
