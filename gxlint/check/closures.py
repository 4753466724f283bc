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

from gxlint.check.expr import _BINARY, _FUNCTIONS, Node, Unknown, _num, either
from gxlint.report import NUMBER, Cell, Report

Compiled = Callable[["Numbers"], Any]
# a compiled reference, and whether it can stand for a list (a set of cells): only lists need _num's sum
RefCompiler = Callable[[str], tuple[Compiled, bool]]


Index = Mapping[str, Mapping[str, Cell]]  # row id → column id → the cell Report.cell would return


class _Tables(dict[str, "Index | None"]):
    """table id → its cells by row and column (None: no such table), looked up on first use."""

    __slots__ = ("report",)

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report

    def __missing__(self, table: str) -> Index | None:
        t = self.report.tables.get(table)
        index = self[table] = t.cell_index() if t is not None else None
        return index


class Numbers:
    """What a compiled expression reads: one report's cells by table, its year, and captured variables."""

    __slots__ = ("report", "variables", "tables")

    def __init__(self, report: Report, variables: Mapping[str, float | int] | None = None,
                 tables: _Tables | None = None) -> None:
        self.report = report
        self.variables: Mapping[str, float | int] = variables if variables is not None else {}
        self.tables = tables if tables is not None else _Tables(report)

    def with_variables(self, variables: Mapping[str, float | int]) -> Numbers:
        """The same report with other variables (a text rule's captured numbers), sharing the table lookups."""
        return Numbers(self.report, variables, self.tables)


# the operators of expr._BINARY inlined (one call less per comparison; tests/test_closures.py holds them equal)
_OPERATORS: dict[str, Callable[[Compiled, Compiled], Compiled]] = {
    "+": lambda a, b: lambda env: a(env) + b(env),
    "-": lambda a, b: lambda env: a(env) - b(env),
    "*": lambda a, b: lambda env: a(env) * b(env),
    "/": lambda a, b: lambda env: _BINARY["/"](a(env), b(env)),
    "=": lambda a, b: lambda env: abs(a(env) - b(env)) < 1e-6,
    "!=": lambda a, b: lambda env: abs(a(env) - b(env)) >= 1e-6,
    "<": lambda a, b: lambda env: a(env) < b(env),
    "<=": lambda a, b: lambda env: a(env) <= b(env) + 1e-9,
    ">": lambda a, b: lambda env: a(env) > b(env),
    ">=": lambda a, b: lambda env: a(env) + 1e-9 >= b(env),
}


def compile_expr(node: Node, ref: RefCompiler) -> Compiled:
    """A closure computing what `evaluate(node, resolve)` computes; `ref(name)` compiles one reference (it must
    return what evaluate does: the single number, or the list when a name stands for zero or several)."""
    return _compile(node, ref)[0]


def _as_number(fn: Compiled, may_list: bool) -> Compiled:
    """_num only where a list can come (a bool needs no int(): every operator gives the same for True and 1)."""
    if not may_list:
        return fn
    return lambda env: _num(fn(env))


def _compile(node: Node, ref: RefCompiler) -> tuple[Compiled, bool]:
    op = node.op
    if op == "num":
        value = node.args[0]
        return (lambda env: value), False
    if op == "ref":
        return ref(node.args[0])
    if op == "call":
        name, arg_nodes = node.args
        compiled = tuple(_compile(a, ref) for a in arg_nodes)
        args = tuple(fn for fn, _ in compiled)
        if name == "isnum":
            def isnum(env: Numbers) -> bool:
                try:
                    for a in args:
                        a(env)
                    return True
                except Unknown:
                    return False
            return isnum, False
        fn = _FUNCTIONS[name]
        if len(args) == 1:  # sum(t3.r1.@applicants): no flattening of one argument
            only = args[0]

            def call_one(env: Numbers) -> Any:
                v = only(env)
                return fn(v if isinstance(v, list) else [v])
            return call_one, False

        def call(env: Numbers) -> Any:
            flat: list[float | int] = []
            for a in args:
                v = a(env)
                if isinstance(v, list):
                    flat.extend(v)
                else:
                    flat.append(v)
            return fn(flat)
        return call, False
    if op == "neg":
        inner = _as_number(*_compile(node.args[0], ref))
        return (lambda env: -inner(env)), False
    if op == "not":
        inner = _compile(node.args[0], ref)[0]
        return (lambda env: not inner(env)), False
    if op == "and":
        a, b = (_compile(x, ref)[0] for x in node.args)
        return (lambda env: bool(a(env)) and bool(b(env))), False
    if op == "or":
        branches = tuple(_compile(x, ref)[0] for x in node.args)
        return (lambda env: either(branches, lambda branch: branch(env))), False
    left, right = (_as_number(*_compile(x, ref)) for x in node.args)
    return _OPERATORS[op](left, right), False


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
    expanded now (they depend only on the rule's sets and the layout). Variables are numbers, never lists."""
    def ref(name: str) -> tuple[Compiled, bool]:
        if name == "year":
            return _variable_or(name, _year), False
        bits = name.split(".")
        if len(bits) != 3:
            return _variable_or(name, _unknown), False
        table, row, col = bits
        keys: list[tuple[str, str]] = []
        try:  # in CellResolver's order: an unknown set is Unknown however far its loop got
            for r in expand(row, sets, layout):
                for c in expand(col, sets, layout):
                    keys.append((r, c))
        except Unknown:
            return _variable_or(name, _unknown), False
        if not keys:
            return _variable_or(name, lambda env: []), True
        if len(keys) == 1:
            row_id, col_id = keys[0]

            def one(env: Numbers) -> Any:
                variables = env.variables
                if variables and name in variables:
                    return variables[name]
                cells = env.tables[table]
                row = cells.get(row_id) if cells is not None else None
                cell = row.get(col_id) if row is not None else None
                if cell is None or cell.state != NUMBER or cell.value is None:
                    raise Unknown(name)
                return cell.value
            return one, False
        all_keys = tuple(keys)

        def many(env: Numbers) -> Any:
            variables = env.variables
            if variables and name in variables:
                return variables[name]
            cells = env.tables[table]
            if cells is None:
                raise Unknown(name)
            out = []
            for row_id, col_id in all_keys:
                row = cells.get(row_id)
                cell = row.get(col_id) if row is not None else None
                if cell is None or cell.state != NUMBER or cell.value is None:
                    raise Unknown(name)
                out.append(cell.value)
            return out
        return many, True
    return ref
