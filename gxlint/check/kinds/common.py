"""Helpers shared by check kinds: resolving cell references for expressions, scopes of text."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import regex

from gxlint.check.context import Context
from gxlint.check.expr import Unknown
from gxlint.report import Cell, Report

# the columns of 表三 that hold applicants, and other named sets usable as @name in expressions
DEFAULT_SETS: dict[str, list[str]] = {
    "applicants": ["natural", "business", "research", "charity", "legal", "other"],
    "t3_cols": ["natural", "business", "research", "charity", "legal", "other", "total"],
    "results19": ["r3_1", "r3_2", "r3_3_1", "r3_3_2", "r3_3_3", "r3_3_4", "r3_3_5", "r3_3_6", "r3_3_7", "r3_3_8",
                  "r3_4_1", "r3_4_2", "r3_4_3", "r3_5_1", "r3_5_2", "r3_5_3", "r3_5_4", "r3_5_5", "r3_6"],
    "results21": ["r3_1", "r3_2", "r3_3_1", "r3_3_2", "r3_3_3", "r3_3_4", "r3_3_5", "r3_3_6", "r3_3_7", "r3_3_8",
                  "r3_4_1", "r3_4_2", "r3_4_3", "r3_5_1", "r3_5_2", "r3_5_3", "r3_5_4", "r3_5_5", "r3_6_1", "r3_6_2",
                  "r3_6_3"],
}


# the characters that make a pattern more than the literal text it spells (none of them: a substring test will do)
_META = frozenset(".^$*+?{}[]\\|()")


def any_search(patterns: Sequence[regex.Pattern[str]], timeout: float) -> Callable[[str], bool]:
    """A test of whether any pattern is found in a text, as `any(p.search(text, timeout=...))` says. When every
    pattern is literal (the usual `unless` words) it is a substring test: a search with a timeout costs about a
    microsecond however short the text, and text rules run these tests on every match."""
    compiled = tuple(patterns)
    if all(_META.isdisjoint(p.pattern) for p in compiled):  # inline flags need "(": literal means default flags
        literals = tuple(p.pattern for p in compiled)
        return lambda text: any(lit in text for lit in literals)
    return lambda text: any(p.search(text, timeout=timeout) for p in compiled)


class CellResolver:
    """Resolves names in expressions: `t3.r1.total`, `t3.r1.@applicants`, `t3.@results21.total`, captured
    variables, `year`. Records every cell it touched so a finding can name them."""

    def __init__(self, report: Report, sets: Mapping[str, Sequence[str]] | None = None,
                 variables: Mapping[str, float | int] | None = None) -> None:
        self.report = report
        self.sets = {**DEFAULT_SETS, **(sets or {})}
        self.variables = dict(variables or {})
        self.touched: list[Cell] = []

    def _expand(self, part: str) -> list[str]:
        if part == "@results":  # the result rows of 表三 differ between the layouts
            return list(self.sets["results21" if self.report.layout == "2021" else "results19"])
        if part.startswith("@"):
            if part[1:] not in self.sets:
                raise Unknown(f"unknown set {part}")
            return list(self.sets[part[1:]])
        return [part]

    def cells(self, name: str) -> list[Cell]:
        bits = name.split(".")
        if len(bits) != 3:
            raise Unknown(name)
        table, row, col = bits
        out: list[Cell] = []
        for r in self._expand(row):
            for c in self._expand(col):
                cell = self.report.cell(table, r, c)
                if cell is None:
                    raise Unknown(f"{table}.{r}.{c} missing")
                out.append(cell)
        return out

    def __call__(self, name: str) -> Sequence[float | int]:
        if name in self.variables:
            return [self.variables[name]]
        if name == "year":
            if self.report.year is None:
                raise Unknown("year")
            return [self.report.year]
        cells = self.cells(name)
        self.touched.extend(cells)
        vals: list[float | int] = []
        for cell in cells:
            if not cell.is_number:
                raise Unknown(f"{name} is {cell.state}")
            vals.append(cell.value)  # type: ignore[arg-type]
        return vals


def scope_text(ctx: Context, scope: str) -> tuple[str, int]:
    """The normalised text a text rule searches, and its offset in report.text."""
    r = ctx.report
    if scope == "title":
        return r.title or "", -1
    if scope == "all":
        return r.text, 0
    if scope == "body":
        if r.parts:
            return r.text[r.parts[0].start:], r.parts[0].start
        return r.text, 0
    if scope == "intro":
        end = r.parts[0].start if r.parts else min(len(r.text), 2000)
        return r.text[:end], 0
    if scope.startswith("part:"):
        p = r.part(scope[5:])
        if p is None:
            return "", 0
        return r.text[p.body_start:p.end], p.body_start
    raise ValueError(scope)


def applies(rule_applies: Mapping[str, Any], report: Report) -> bool:
    layouts = rule_applies.get("layouts")
    if layouts and report.layout not in layouts:
        return False
    years = rule_applies.get("years")
    if years:
        if report.year is None:
            return bool(years.get("unknown", False))
        if "from" in years and report.year < years["from"]:
            return False
        if "to" in years and report.year > years["to"]:
            return False
    return True
