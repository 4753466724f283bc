"""The rule expression language: parsed by gxlint, never eval'ed."""

from __future__ import annotations

import pytest

from gxlint.check.expr import ExprError, Unknown, evaluate, parse, refs, substitute


def resolver(values: dict[str, list[float]]):
    def resolve(name: str):
        if name not in values:
            raise Unknown(name)
        return values[name]
    return resolve


def test_arithmetic_and_comparison() -> None:
    r = resolver({"a": [2], "b": [3], "s": [1, 2, 3]})
    assert evaluate(parse("a + b = 5"), r) is True
    assert evaluate(parse("a * b - 1 != 5"), r) is False
    assert evaluate(parse("sum(s) = 6 and max(s) = 3 and min(s) = 1"), r) is True
    assert evaluate(parse("-a + abs(-b) = 1"), r) is True
    assert evaluate(parse("not a > b"), r) is True


def test_unknown_reference_propagates_except_in_or_and_isnum() -> None:
    r = resolver({"a": [1]})
    with pytest.raises(Unknown):
        evaluate(parse("a = missing"), r)
    assert evaluate(parse("missing = 1 or a = 1"), r) is True
    assert evaluate(parse("isnum(missing)"), r) is False
    assert evaluate(parse("isnum(a) and a > 0"), r) is True
    with pytest.raises(Unknown):
        evaluate(parse("missing = 1 or other = 2"), r)


def test_substitution_and_refs() -> None:
    node = parse(substitute("t3.$row.total = sum(t3.$row.@applicants)", {"row": "r1"}))
    assert refs(node) == ["t3.r1.total", "t3.r1.@applicants"]


@pytest.mark.parametrize("bad", ["a +", "(a", "a = = b", "a; import os", "__import__('os')", "a b"])
def test_malformed_expressions_are_errors(bad: str) -> None:
    with pytest.raises(ExprError):
        parse(bad)
