"""Rule expressions compiled to closures, and the per-report numbers they read: the fast form of `expr.evaluate`.

Equations run every row and column of every report, so walking the parsed tree and resolving `t3.r1.@applicants`
through CellResolver on each evaluation was most of the check stage. Here each expression is compiled once (per
rule, substituted variables and layout) into nested closures whose references are already expanded into cell keys.
`expr.evaluate` stays the specification: tests/test_closures.py checks both give the same value, or both raise
Unknown, on random expressions and inputs. A closure only decides whether a rule fires; the finding itself is built
by the tree-walking path, which records the cells an expression touched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from gxlint.check.expr import _BINARY, _FUNCTIONS, Node, Unknown, _num
from gxlint.report import NUMBER, Cell, Report

Compiled = Callable[["Numbers"], Any]
RefCompiler = Callable[[str], Compiled]


class Numbers:
    """What a compiled expression reads: one report's cells by table, its year, and captured variables."""

    __slots__ = ("report", "variables", "_tables")

    def __init__(self, report: Report, variables: Mapping[str, float | int] | None = None,
                 tables: dict[str, Mapping[tuple[str, str], Cell] | None] | None = None) -> None:
        self.report = report
        self.variables: Mapping[str, float | int] = variables if variables is not None else {}
        self._tables = tables if tables is not None else {}

    def with_variables(self, variables: Mapping[str, float | int]) -> Numbers:
        """The same report with other variables (a text rule's captured numbers), sharing the table lookups."""
        return Numbers(self.report, variables, self._tables)

    def cells(self, table: str) -> Mapping[tuple[str, str], Cell] | None:
        """(row, col) → the cell Report.cell would return, or None when the report has no such table."""
        try:
            return self._tables[table]
        except KeyError:
            t = self.report.tables.get(table)
            index = self._tables[table] = t.cell_index() if t is not None else None
            return index


def compile_expr(node: Node, ref: RefCompiler) -> Compiled:
    """A closure computing what `evaluate(node, resolve)` computes; `ref(name)` compiles one reference (it must
    return what evaluate does: the single number, or the list when a name stands for zero or several)."""
    op = node.op
    if op == "num":
        value = node.args[0]
        return lambda env: value
    if op == "ref":
        return ref(node.args[0])
    if op == "call":
        name, arg_nodes = node.args
        args = tuple(compile_expr(a, ref) for a in arg_nodes)
        if name == "isnum":
            def isnum(env: Numbers) -> bool:
                try:
                    for a in args:
                        a(env)
                    return True
                except Unknown:
                    return False
            return isnum
        fn = _FUNCTIONS[name]

        def call(env: Numbers) -> Any:
            flat: list[float | int] = []
            for a in args:
                v = a(env)
                if isinstance(v, list):
                    flat.extend(v)
                else:
                    flat.append(v)
            return fn(flat)
        return call
    if op == "neg":
        inner = compile_expr(node.args[0], ref)
        return lambda env: -_num(inner(env))
    if op == "not":
        inner = compile_expr(node.args[0], ref)
        return lambda env: not inner(env)
    if op == "and":
        a, b = (compile_expr(x, ref) for x in node.args)
        return lambda env: bool(a(env)) and bool(b(env))
    if op == "or":
        branches = tuple(compile_expr(x, ref) for x in node.args)

        def or_(env: Numbers) -> bool:
            decided = False
            for branch in branches:
                try:
                    if branch(env):
                        return True
                    decided = True
                except Unknown:
                    continue
            if not decided:
                raise Unknown("no branch of 'or' could be decided")
            return False
        return or_
    left, right = (compile_expr(x, ref) for x in node.args)
    binary = _BINARY[op]
    return lambda env: binary(_num(left(env)), _num(right(env)))


def _variable_or(name: str, then: Compiled) -> Compiled:
    """A captured variable of the same name wins over everything else, as in CellResolver."""
    def ref(env: Numbers) -> Any:
        variables = env.variables
        if name in variables:
            return variables[name]
        return then(env)
    return ref


def _unknown(env: Numbers) -> Any:
    raise Unknown("not a number")


def _year(env: Numbers) -> Any:
    year = env.report.year
    if year is None:
        raise Unknown("year")
    return year


def expand(part: str, sets: Mapping[str, Sequence[str]], layout: str | None) -> list[str]:
    """CellResolver._expand: a row or column name, or the members of a set (@results depends on the layout)."""
    if part == "@results":
        return list(sets["results21" if layout == "2021" else "results19"])
    if part.startswith("@"):
        if part[1:] not in sets:
            raise Unknown(f"unknown set {part}")
        return list(sets[part[1:]])
    return [part]


def cell_refs(sets: Mapping[str, Sequence[str]], layout: str | None) -> RefCompiler:
    """Compiles references the way CellResolver resolves them: variables, `year`, then table.row.col with sets
    expanded now (they depend only on the rule's sets and the layout)."""
    def ref(name: str) -> Compiled:
        if name == "year":
            return _variable_or(name, _year)
        bits = name.split(".")
        if len(bits) != 3:
            return _variable_or(name, _unknown)
        table, row, col = bits
        keys: list[tuple[str, str]] = []
        try:  # in CellResolver's order: an unknown set is Unknown however far its loop got
            for r in expand(row, sets, layout):
                for c in expand(col, sets, layout):
                    keys.append((r, c))
        except Unknown:
            return _variable_or(name, _unknown)
        if not keys:
            return _variable_or(name, lambda env: [])
        if len(keys) == 1:
            key = keys[0]

            def one(env: Numbers) -> Any:
                variables = env.variables
                if variables and name in variables:
                    return variables[name]
                cells = env.cells(table)
                cell = cells.get(key) if cells is not None else None
                if cell is None or cell.state != NUMBER or cell.value is None:
                    raise Unknown(name)
                return cell.value
            return one
        all_keys = tuple(keys)

        def many(env: Numbers) -> Any:
            variables = env.variables
            if variables and name in variables:
                return variables[name]
            cells = env.cells(table)
            if cells is None:
                raise Unknown(name)
            out = []
            for k in all_keys:
                cell = cells.get(k)
                if cell is None or cell.state != NUMBER or cell.value is None:
                    raise Unknown(name)
                out.append(cell.value)
            return out
        return many
    return ref
