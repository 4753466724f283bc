"""Text patterns: present (fire on each match), absent (fire when nothing matches), compare (numbers captured from
the text checked against cells), require_all (each listed topic must be mentioned).

Patterns run on normalised text (simplified script, half-width, no spaces between Chinese characters) with line
wraps rejoined. Chinese has no word boundaries: patterns must not rely on \\b. Every match runs with a timeout, so a
catastrophic pattern in a user's rule file is an error, not a hang.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from typing import Any

import regex

from gxlint.check.closures import Compiled, cell_refs, compile_expr
from gxlint.check.context import Context
from gxlint.check.expr import Unknown, evaluate, parse
from gxlint.check.kinds.common import DEFAULT_SETS, CellResolver, any_search, scope_text
from gxlint.check.rule import Rule
from gxlint.findings import Finding

TIMEOUT = 1.0
_SHOWN = {"blank": "空白", "placeholder": "占位符", "text": "文字", "unreadable": "无法读取", "missing": "缺失"}  # seconds per pattern per report

OPTIONS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "mode": {"enum": ["present", "absent", "compare", "require_all"]},
        "scope": {"type": "string", "pattern": "^(title|all|body|intro|part:[一二三四五六])$"},
        "patterns": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "names": {"type": "array", "items": {"type": "string"}},
        "assert": {"type": "string"},
        "when": {"type": "string"},
        "unless": {"type": "array", "items": {"type": "string"}},
        "unless_near": {"type": "array", "items": {"type": "string"}},
        # skip a match whose sentence, before it, names only a part of the agency ("区政府办代表区政府受理…")
        "unless_before": {"type": "array", "items": {"type": "string"}},
        "near": {"type": "integer", "minimum": 0},
        "max": {"type": "integer", "minimum": 1},
        "require_scope": {"type": "boolean"},
    },
    "required": ["mode", "patterns"],
    "additionalProperties": False,
}

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}


def cn_number(text: str) -> int | float | None:
    t = text.replace(",", "").strip()
    if not t:
        return None
    if t in ("未", "无", "没有", "零", "未发生", "均未"):
        return 0
    try:
        return float(t) if "." in t else int(t)
    except ValueError:
        pass
    total, current = 0, 0
    for ch in t:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            total += (current or 1) * unit
            current = 0
        else:
            return None
    return total + current


def compile(options: dict[str, Any]) -> dict[str, Any]:
    out = dict(options)
    out["_patterns"] = [regex.compile(p) for p in options["patterns"]]
    out["_unless"] = [regex.compile(p) for p in options.get("unless", [])]
    out["_unless_near"] = [regex.compile(p) for p in options.get("unless_near", [])]
    out["_unless_before"] = [regex.compile(p) for p in options.get("unless_before", [])]
    # the same three as tests (substring tests when the patterns are literal words)
    for key in ("unless", "unless_near", "unless_before"):
        out[f"_{key}_any"] = any_search(out[f"_{key}"], TIMEOUT)
    if options.get("assert"):
        out["_assert"] = parse(options["assert"])
    if options.get("when"):
        out["_when"] = parse(options["when"])
    out.setdefault("scope", "body")
    out["_fast"] = {}  # ("_when" | "_assert", layout) → closure (closures.py), filled as reports come
    return out


def _fast(o: dict[str, Any], key: str, layout: str | None) -> Compiled:
    """The rule's when or assert compiled for this layout (only @results depends on it), once."""
    memo: dict[tuple[str, str | None], Compiled] = o["_fast"]
    fn = memo.get((key, layout))
    if fn is None:
        fn = memo[(key, layout)] = compile_expr(o[key], cell_refs(DEFAULT_SETS, layout))
    return fn


_CLAUSE_ENDS = "。；;\n"  # what ends a clause: the head of a match is what follows the last of them


def last_clause(text: str) -> str:
    """The text after its last clause end (regex.split(r"[。；;\\n]", text)[-1], without the regex)."""
    return text[max(text.rfind(c) for c in _CLAUSE_ENDS) + 1:]


_JOIN = regex.compile(r"(?<=[^。；;！!？?：:\n\x1f\x1e])\n(?=[^\n\x1f\x1e一二三四五六七八九十(\d])")


def flowed(ctx: Context, scope: str) -> tuple[str, int, list[int]]:
    """The scope's text with lines broken at the page edge rejoined, computed once per report and scope.
    Returns (text, offset of the scope in report.text, flowed positions where a newline was removed)."""
    key = ("flowed", scope)
    if key not in ctx.cache:
        text, base = scope_text(ctx, scope)
        if base < 0:  # the title is not a stretch of report.text
            cuts = [m.start() for m in _JOIN.finditer(text)]
        else:  # every scope is a stretch of report.text: its joins are found once for the whole text
            cuts = cuts_within(_report_cuts(ctx), base, base + len(text))
        if cuts:
            ctx.cache[key] = (_joined(text, cuts), base, [c - k for k, c in enumerate(cuts)])
        else:
            ctx.cache[key] = (text, base, [])
    return ctx.cache[key]


def _report_cuts(ctx: Context) -> list[int]:
    key = ("flowed", "cuts")
    cuts: list[int] | None = ctx.cache.get(key)
    if cuts is None:
        cuts = ctx.cache[key] = [m.start() for m in _JOIN.finditer(ctx.report.text)]
    return cuts


def cuts_within(cuts: list[int], start: int, end: int) -> list[int]:
    """The joins _JOIN finds in text[start:end], from those it finds in the whole text: the same newlines, but
    the first and the last character of the stretch lack the neighbour the lookarounds need (each match is one
    newline, so the matches do not interact)."""
    lo = bisect.bisect_right(cuts, start)
    hi = bisect.bisect_left(cuts, end - 1)
    return [c - start for c in cuts[lo:hi]]


def _joined(text: str, cuts: list[int]) -> str:
    """_JOIN.sub("", text), given where it matches: each match is the one newline at a cut."""
    pieces = []
    prev = 0
    for c in cuts:
        pieces.append(text[prev:c])
        prev = c + 1
    pieces.append(text[prev:])
    return "".join(pieces)


def run(rule: Rule, ctx: Context) -> Iterator[Finding]:
    o = rule.compiled
    r = ctx.report
    if o.get("_when") is not None:
        try:
            if not _fast(o, "_when", r.layout)(ctx.numbers):
                return
        except Unknown:
            return
    if o["scope"].startswith("part:") and o.get("require_scope", True) and r.part(o["scope"][5:]) is None:
        return
    joined, base, removed = flowed(ctx, o["scope"])
    if o["_unless_any"](joined):
        return
    mode = o["mode"]
    limit = o.get("max", 20)

    def origin_of(offset: int) -> Any:
        if base < 0:
            return r.title_origin
        return r.origin_at(base + offset + bisect.bisect_right(removed, offset))

    if mode == "absent":
        if not any(p.search(joined, timeout=TIMEOUT) for p in o["_patterns"]):
            origin = r.part(o["scope"][5:]).origin if o["scope"].startswith("part:") else (
                r.title_origin if o["scope"] == "title" else None)
            yield ctx.finding(rule, {"scope": o["scope"]}, origin=origin, snippet=f"absent:{o['scope']}")
        return
    if mode == "require_all":
        names = o.get("names") or o["patterns"]
        missing = [n for n, p in zip(names, o["_patterns"], strict=False) if not p.search(joined, timeout=TIMEOUT)]
        if missing:
            origin = r.part(o["scope"][5:]).origin if o["scope"].startswith("part:") and r.part(o["scope"][5:]) else None
            yield ctx.finding(rule, {"missing": "、".join(missing)}, origin=origin, snippet="missing:" + ",".join(missing))
        return
    count = 0
    taken: list[tuple[int, int]] = []  # two patterns matching the same words are one finding
    unless_near, unless_before = o["_unless_near"], o["_unless_before"]
    near = o.get("near", 30)
    for pat in o["_patterns"]:
        for m in pat.finditer(joined, timeout=TIMEOUT):
            if count >= limit:
                return
            if taken and any(m.start() < e and s < m.end() for s, e in taken):
                continue
            if unless_near:
                window = joined[max(0, m.start() - near): m.end() + near]
                if o["_unless_near_any"](window):
                    continue
            # a named group that matched holds its number, or 1 when it is a word ("所有申请均已办结")
            if unless_before:
                head = last_clause(joined[max(0, m.start() - near): m.start()])
                if o["_unless_before_any"](head):
                    continue
            captured = {k: (n if (n := cn_number(v)) is not None else 1)
                        for k, v in m.groupdict().items() if v is not None}
            values: dict[str, Any] = {"match": m.group(0), **captured}
            cells: tuple[Any, ...] = ()
            if mode == "compare":
                try:  # the fast test; what fails it is evaluated again, recording the cells it involves
                    if _fast(o, "_assert", r.layout)(ctx.numbers.with_variables(captured)):
                        continue
                except Unknown:
                    continue
                resolver = CellResolver(r, variables=captured)
                try:
                    if evaluate(o["_assert"], resolver):
                        continue
                except Unknown:
                    continue
                cells = tuple(dict.fromkeys(resolver.touched))
                for c in cells:
                    values.setdefault("cell_" + c.row + "_" + c.col, c.value)
                # the table's figures most rules name
                for key, ref in (("t3_r1", ("t3", "r1", "total")), ("t3_r2", ("t3", "r2", "total")),
                                 ("t3_r3_7", ("t3", "r3_7", "total")), ("t3_r4", ("t3", "r4", "total"))):
                    c = r.cell(*ref)
                    if c is not None:
                        values.setdefault(key, c.value if c.is_number else _SHOWN.get(c.state, c.state))
            count += 1
            taken.append((m.start(), m.end()))
            yield ctx.finding(rule, values, origin=origin_of(m.start()), cells=cells, snippet=m.group(0),
                              data={k: v for k, v in captured.items()})
