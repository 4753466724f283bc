"""Compiled expressions (gxlint/check/closures.py) compute what the tree-walking `evaluate` computes, which stays the
specification: same value (same type), or both Unknown, or both the same error — on random expressions over random
values, and through CellResolver versus the compiled cell references on a random report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gxlint.check.closures import Numbers, cell_refs, compile_expr
from gxlint.check.expr import Unknown, evaluate, parse
from gxlint.check.kinds.common import DEFAULT_SETS, CellResolver
from gxlint.origin import Origin
from gxlint.report import BLANK, MISSING, NUMBER, PLACEHOLDER, TEXT, UNREADABLE, Cell, Report, StdTable, TableRow

EXAMPLES = settings(max_examples=400, deadline=None, derandomize=True, database=None)

# 0.1 + 0.2 against 0.3: the tolerances of = <= >= show
NUMBERS = st.one_of(st.integers(-6, 6), st.sampled_from([0.1, 0.2, 0.3, -1.25, 2.0, 1e-7, 3.0000001]), st.booleans())


def expressions(names: Sequence[str]) -> st.SearchStrategy[str]:
    atoms = st.one_of(st.sampled_from(list(names)), st.integers(0, 9).map(str), st.sampled_from(["0.1", "0.2", "0.3", "2.0"]))

    def extend(child: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        binary = st.tuples(child, st.sampled_from(["+", "-", "*", "/", "=", "!=", "<", "<=", ">", ">=", "and", "or"]),
                           child).map(lambda t: f"({t[0]}) {t[1]} ({t[2]})")
        unary = st.tuples(st.sampled_from(["-", "not "]), child).map(lambda t: f"{t[0]}({t[1]})")
        call = st.tuples(st.sampled_from(["sum", "min", "max", "abs", "isnum"]),
                         st.lists(child, min_size=1, max_size=3)).map(lambda t: f"{t[0]}({', '.join(t[1])})")
        return st.one_of(binary, unary, call)

    return st.recursive(atoms, extend, max_leaves=12)


def outcome(fn: Callable[[], Any]) -> tuple[str, str]:
    try:
        return "value", repr(fn())
    except Unknown:
        return "unknown", ""
    except Exception as exc:  # noqa: BLE001 — the same error either way (min() of nothing, say)
        return "error", type(exc).__name__


def _ref_from(values: dict[str, list[Any] | None]) -> Callable[[str], tuple[Callable[[Numbers], Any], bool]]:
    """Compiles a reference the way evaluate treats resolve(name): one value alone, else the list."""
    def ref(name: str) -> tuple[Callable[[Numbers], Any], bool]:
        def get(env: Numbers) -> Any:
            vals = values.get(name)
            if vals is None:
                raise Unknown(name)
            return vals[0] if len(vals) == 1 else list(vals)
        return get, True
    return ref


@EXAMPLES
@given(src=expressions(["a", "b", "s", "e", "u"]),
       values=st.fixed_dictionaries({k: st.one_of(st.none(), st.lists(NUMBERS, max_size=3))
                                     for k in ("a", "b", "s", "e", "u")}))
def test_compiled_expression_equals_evaluate(src: str, values: dict[str, list[Any] | None]) -> None:
    node = parse(src)

    def resolve(name: str) -> list[Any]:
        if values.get(name) is None:
            raise Unknown(name)
        return list(values[name])  # type: ignore[arg-type]

    fast = compile_expr(node, _ref_from(values))
    env = Numbers(_report({}, None, None))
    assert outcome(lambda: fast(env)) == outcome(lambda: evaluate(node, resolve)), src


@pytest.mark.parametrize("src", ["(a + b) = c", "(a + b) != c", "(a + b) <= c", "c >= (a + b)", "(a + b) > c",
                                 "c < (a + b)", "(a + b) - c", "c / (a - a)", "-(a) * b", "not (a + b) = c"])
def test_tolerances_and_operators(src: str) -> None:
    """0.1 + 0.2 is not 0.3 to the float: the comparisons' tolerances decide, the same in both."""
    values: dict[str, list[Any] | None] = {"a": [0.1], "b": [0.2], "c": [0.3]}
    node = parse(src)
    fast = compile_expr(node, _ref_from(values))
    assert outcome(lambda: fast(Numbers(_report({}, None, None)))) == outcome(
        lambda: evaluate(node, lambda name: values[name] or []))


# ------------------------------------------------------------------------- compiled cell references on a report

ROWS = ("r1", "r2", "r3_1", "r3_6_1")
COLS = ("x", "y", "z")
SETS = {"rows": ["r1", "r3_1"], "cols": ["x", "z"], "empty": [], "one": ["y"], "holes": ["x", "w"]}
REFS = ["t.r1.x", "t.r2.y", "t.@rows.y", "t.r1.@cols", "t.@rows.@cols", "t.@one.x", "t.@empty.@nope", "t.@nope.x",
        "t.r1.@nope", "t.@results.x", "t.r2.@holes", "q.r1.x", "q.r1.@cols", "q.@rows.x", "year", "n", "t.r1", "t.r1.x.y",
        "t.@applicants.x"]

STATES = st.sampled_from([NUMBER, NUMBER, NUMBER, BLANK, TEXT, PLACEHOLDER, UNREADABLE, MISSING])
CELL = st.one_of(st.none(), st.tuples(STATES, st.one_of(st.none(), NUMBERS)))


def _report(grid: dict[tuple[str, str], tuple[str, Any] | None], year: int | None, layout: str | None) -> Report:
    rows = []
    for r in ROWS:
        cells = tuple(Cell("t", r, c, state, "raw", Origin(), value)
                      for c in COLS if (got := grid.get((r, c))) is not None for state, value in [got])
        rows.append(TableRow(r, r, cells, Origin()))
    table = StdTable("t", "表", True, tuple(rows), (), Origin())
    return Report(path="p.txt", format="txt", layout=layout, layout_scores={}, title=None, title_origin=None,
                  agency=None, year=year, year_source=None, title_years=(), period=None, period_mention=None,
                  closing_date=None, closing_mention=None, body_years=(), parts=(), tables={"t": table}, text="",
                  segments=())


@EXAMPLES
@given(src=expressions(REFS),
       grid=st.fixed_dictionaries({(r, c): CELL for r in ROWS for c in COLS}),
       year=st.one_of(st.none(), st.integers(2018, 2025)),
       layout=st.sampled_from(["2019", "2021", None]),
       variables=st.dictionaries(st.sampled_from(["n", "year", "m"]), NUMBERS, max_size=3))
def test_compiled_cell_references_equal_cell_resolver(src: str, grid: dict[tuple[str, str], tuple[str, Any] | None],
                                                      year: int | None, layout: str | None,
                                                      variables: dict[str, Any]) -> None:
    report = _report(grid, year, layout)
    node = parse(src)
    fast = compile_expr(node, cell_refs({**DEFAULT_SETS, **SETS}, layout))
    env = Numbers(report).with_variables(variables)
    slow = CellResolver(report, SETS, variables)
    assert outcome(lambda: fast(env)) == outcome(lambda: evaluate(node, slow)), src


@given(grid=st.fixed_dictionaries({(r, c): CELL for r in ROWS for c in COLS}),
       layout=st.sampled_from(["2019", "2021", None]))
@EXAMPLES
def test_each_reference_alone_and_negated(grid: dict[tuple[str, str], tuple[str, Any] | None],
                                          layout: str | None) -> None:
    """A name standing for one cell is its number, not a list of one (`not`, `and`, `or` tell them apart)."""
    report = _report(grid, 2024, layout)
    for src in REFS + [f"not {r}" for r in REFS] + [f"{r} and 1" for r in REFS]:
        node = parse(src)
        fast = compile_expr(node, cell_refs({**DEFAULT_SETS, **SETS}, layout))
        slow = CellResolver(report, SETS)
        env = Numbers(report)
        assert outcome(lambda f=fast, e=env: f(e)) == outcome(lambda n=node, r=slow: evaluate(n, r)), src
