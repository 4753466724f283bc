"""A small expression language for rule files — parsed by gxlint, never eval'ed.

    t3.r1.total = sum(t3.r1.@applicants)          cell references table.row.col, sets with @name
    t3.$row.total = t3.$row.natural + t3.$row.business + …
    t2_9.procurement.count > 0 and t2_9.procurement.amount = 0
    text.received                                  a number captured by a text rule

Grammar: or > and > not > comparison (= != < <= > >=) > + - > * / > unary - > atom.
Atoms: numbers, references (dotted names, $variables substituted first), sum(...)/min/max/abs, parentheses.
A reference to a cell that holds no number raises Unknown: arithmetic is only checked on numbers (blank cells are
another rule's business).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import regex

_TOKEN = regex.compile(r"""
    \s*(?:
      (?P<num>\d+(?:\.\d+)?)
    | (?P<op><=|>=|!=|==|=|<|>|\+|-|\*|/|\(|\)|,)
    | (?P<name>[$@A-Za-z_][\w$@.]*)
    )""", regex.X)


class ExprError(ValueError):
    """A malformed expression in a rule file."""


class Unknown(Exception):
    """A referenced value is not a number (blank, placeholder, text, unreadable or missing)."""


@dataclass(frozen=True)
class Node:
    op: str
    args: tuple[Any, ...]


def tokenize(src: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    src = src.strip()
    while pos < len(src):
        m = _TOKEN.match(src, pos)
        if not m or m.end() == pos:
            raise ExprError(f"无法解析表达式「{src}」第{pos + 1}个字符附近：{src[pos:pos + 10]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
        while pos < len(src) and src[pos].isspace():
            pos += 1
    return out


class _Parser:
    FUNCS = ("sum", "min", "max", "abs", "isnum")

    def __init__(self, src: str) -> None:
        self.src = src
        self.toks = tokenize(src)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise ExprError(f"表达式「{self.src}」不完整：期望 {value or '更多内容'}")
        self.i += 1
        return tok

    def parse(self) -> Node:
        node = self.or_()
        if self.peek() is not None:
            raise ExprError(f"表达式「{self.src}」中多余的内容：{self.peek()[1]}")  # type: ignore[index]
        return node

    def or_(self) -> Node:
        node = self.and_()
        while (t := self.peek()) and t == ("name", "or"):
            self.take()
            node = Node("or", (node, self.and_()))
        return node

    def and_(self) -> Node:
        node = self.not_()
        while (t := self.peek()) and t == ("name", "and"):
            self.take()
            node = Node("and", (node, self.not_()))
        return node

    def not_(self) -> Node:
        if self.peek() == ("name", "not"):
            self.take()
            return Node("not", (self.not_(),))
        return self.cmp()

    def cmp(self) -> Node:
        node = self.add()
        t = self.peek()
        if t and t[0] == "op" and t[1] in ("=", "==", "!=", "<", "<=", ">", ">="):
            self.take()
            op = "=" if t[1] == "==" else t[1]
            node = Node(op, (node, self.add()))
        return node

    def add(self) -> Node:
        node = self.mul()
        while (t := self.peek()) and t[0] == "op" and t[1] in "+-":
            self.take()
            node = Node(t[1], (node, self.mul()))
        return node

    def mul(self) -> Node:
        node = self.unary()
        while (t := self.peek()) and t[0] == "op" and t[1] in "*/":
            self.take()
            node = Node(t[1], (node, self.unary()))
        return node

    def unary(self) -> Node:
        if self.peek() == ("op", "-"):
            self.take()
            return Node("neg", (self.unary(),))
        return self.atom()

    def atom(self) -> Node:
        kind, value = self.take()
        if kind == "num":
            return Node("num", (float(value) if "." in value else int(value),))
        if kind == "op" and value == "(":
            node = self.or_()
            self.take(")")
            return node
        if kind == "name":
            if value in self.FUNCS and self.peek() == ("op", "("):
                self.take("(")
                args: list[Node] = []
                if self.peek() != ("op", ")"):
                    args.append(self.or_())
                    while self.peek() == ("op", ","):
                        self.take()
                        args.append(self.or_())
                self.take(")")
                return Node("call", (value, tuple(args)))
            return Node("ref", (value,))
        raise ExprError(f"表达式「{self.src}」中意外的符号：{value}")


@functools.lru_cache(maxsize=4096)
def parse(src: str) -> Node:
    """Parsed once per distinct expression text (rules substitute $row/$col, so the same texts recur per report)."""
    return _Parser(src).parse()


def refs(node: Node) -> list[str]:
    """Every reference in an expression (for validation and for naming the cells a finding involves)."""
    if node.op == "ref":
        return [node.args[0]]
    out: list[str] = []
    for a in node.args:
        if isinstance(a, Node):
            out.extend(refs(a))
        elif isinstance(a, tuple):
            for b in a:
                if isinstance(b, Node):
                    out.extend(refs(b))
    return out


Resolver = Callable[[str], Sequence[float | int]]


def evaluate(node: Node, resolve: Resolver) -> Any:
    """`resolve(name)` returns the numbers a reference stands for (one, or several for a set) or raises Unknown."""
    op = node.op
    if op == "num":
        return node.args[0]
    if op == "ref":
        vals = resolve(node.args[0])
        if len(vals) != 1:
            return list(vals)
        return vals[0]
    if op == "call":
        name, args = node.args
        if name == "isnum":  # true when every referenced cell holds a number; never Unknown
            try:
                for a in args:
                    evaluate(a, resolve)
                return True
            except Unknown:
                return False
        flat: list[float | int] = []
        for a in args:
            v = evaluate(a, resolve)
            flat.extend(v if isinstance(v, list) else [v])
        return _FUNCTIONS[name](flat)
    if op == "neg":
        return -_num(evaluate(node.args[0], resolve))
    if op == "not":
        return not evaluate(node.args[0], resolve)
    if op == "and":
        return bool(evaluate(node.args[0], resolve)) and bool(evaluate(node.args[1], resolve))
    if op == "or":
        return either(node.args, lambda branch: evaluate(branch, resolve))
    a = evaluate(node.args[0], resolve)
    b = evaluate(node.args[1], resolve)
    return _BINARY[op](_num(a), _num(b))


def either(branches: Iterable[Any], holds: Callable[[Any], Any]) -> bool:
    """`or`: whether some branch holds. A branch that cannot be decided (Unknown) does not hold; the whole is
    Unknown only when no branch can be decided (evaluate, and the closures compiled from it, share this)."""
    decided = False
    for branch in branches:
        try:
            if holds(branch):
                return True
            decided = True
        except Unknown:
            continue
    if not decided:
        raise Unknown("no branch of 'or' could be decided")
    return False


# built once, not per evaluation: equations run thousands of times per batch
_FUNCTIONS: Mapping[str, Callable[[list[float | int]], float | int]] = {
    "sum": lambda xs: sum(xs), "min": min, "max": max, "abs": lambda xs: abs(xs[0]),
}
_BINARY: Mapping[str, Callable[[float | int, float | int], Any]] = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a / b if b else float("inf"),
    "=": lambda a, b: abs(a - b) < 1e-6, "!=": lambda a, b: abs(a - b) >= 1e-6, "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b + 1e-9, ">": lambda a, b: a > b, ">=": lambda a, b: a + 1e-9 >= b,
}


def _num(v: Any) -> float | int:
    if isinstance(v, list):
        return sum(v)
    if isinstance(v, bool):
        return int(v)
    return v


def substitute(src: str, variables: Mapping[str, str]) -> str:
    """Replace $row / $col / $group with the current for_each values before parsing."""
    for k, v in sorted(variables.items(), key=lambda kv: -len(kv[0])):
        src = src.replace("$" + k, v)
    return src
