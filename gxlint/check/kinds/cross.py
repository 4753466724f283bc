"""Across reports (batch runs): this year's carry-over against last year's, running totals of documents and items,
text repeated from last year or copied from another agency, identical tables in two years.

The checks work on compact per-report summaries (`Summary`: agency, year, the few cells they read, table digests,
the MinHash signature and the shingle set of the body), never on whole Reports, so a batch keeps thousands of
them in memory and workers send them back as data. `run(rule, ctx)` — the engine's entry, used by `gxlint test`
and the API — summarises the Reports it is given and runs the same code.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import hashlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from gxlint.check.context import Context
from gxlint.check.rule import Rule
from gxlint.findings import Finding
from gxlint.normalise import normalise_label
from gxlint.origin import Origin
from gxlint.recognise.stream import CELL, LINE, ROW, SEPARATORS
from gxlint.report import NUMBER, Cell, Report, StdTable
from gxlint.similarity import (
    SIG_BYTES,
    containment,
    containment_margin,
    estimate_containment,
    excluded,
    pack_shingles,
    shingle_array,
    shingle_hashes,
    signature_bytes,
    sorted_unique,
    unique_without,
    unpack_shingles,
)

OPTIONS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "check": {"enum": ["carryover", "running_totals", "text_repeat", "text_copy", "same_tables"]},
        "threshold": {"type": "number", "minimum": 0, "maximum": 1},
        "min_chars": {"type": "integer", "minimum": 0},
    },
    "required": ["check"],
    "additionalProperties": False,
}
T3_COLS = ("natural", "business", "research", "charity", "legal", "other", "total")
COL_NAMES = {"natural": "自然人", "business": "商业企业", "research": "科研机构", "charity": "社会公益组织",
             "legal": "法律服务机构", "other": "其他", "total": "总计"}
RUNNING_2021 = (("t2_1", "rules"), ("t2_1", "normative"))
RUNNING_2019 = (("t2_5", "licensing"), ("t2_5", "other_services"), ("t2_6", "penalty"), ("t2_6", "coercion"),
                ("t2_8", "fees"))
SAME_TABLES = ("t3", "t4")
# every cell a cross check reads: (table, row, col)
NEEDED_CELLS: tuple[tuple[str, str, str], ...] = (
    *(("t3", row, col) for row in ("r2", "r4") for col in T3_COLS),
    *((t, row, col) for t, row in RUNNING_2021 for col in ("valid", "made", "repealed")),
    *((t, row, col) for t, row in RUNNING_2019 for col in ("prev_items", "change")),
)
_NEEDED_KEYS = tuple(f"{t}/{r}/{c}" for t, r, c in NEEDED_CELLS)  # one string per key, shared by all summaries
_KEY_OF = {k: k for k in _NEEDED_KEYS}


def _by_table() -> tuple[tuple[str, tuple[tuple[str, tuple[tuple[str, str], ...]], ...]], ...]:
    """NEEDED_CELLS as table → row → (column, key), in their order: summarise looks each table and row up once."""
    tree: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for (table, row, col), key in zip(NEEDED_CELLS, _NEEDED_KEYS, strict=True):
        tree.setdefault(table, {}).setdefault(row, []).append((col, key))
    return tuple((t, tuple((r, tuple(cols)) for r, cols in rows.items())) for t, rows in tree.items())


_NEEDED_TREE = _by_table()
_AGENCY_NOISE = str.maketrans("", "", "()（）[]【】〔〕\"'“”《》·・ 　")


def compile(options: dict[str, Any]) -> dict[str, Any]:
    return {"check": options["check"], "threshold": options.get("threshold", 0.8),
            "min_chars": options.get("min_chars", 300)}


# -- summaries ----------------------------------------------------------------------------------------------------

# What a cross check knows of one cell: its value (None unless a number), its raw text and where it stands (the
# fields of its Origin, in order). Plain tuples, not objects: a batch sends thousands of summaries from its workers
# and pickles builtins in C, ten times faster than dataclasses both ways
SummaryCell = tuple[float | int | None, str, tuple[Any, ...]]


class SummaryTable(NamedTuple):
    name: str
    digest: str  # of the (row, col, value) triples of its official rows
    nonzero: bool
    origin: tuple[Any, ...]  # Origin's fields


@dataclass(slots=True)
class Summary:
    """What the cross-report checks need to know about one report (a few hundred bytes plus the signature and the
    shingle set of its body, ~5 KB)."""

    path: str
    format: str
    agency: str | None
    agency_key: str | None  # the agency name normalised for grouping
    year: int | None
    layout: str | None
    cells: dict[str, SummaryCell] = field(default_factory=dict)  # "t3/r2/natural" → cell
    tables: dict[str, SummaryTable] = field(default_factory=dict)
    body_len: int = 0  # characters of the body's narrative (from part 一 on), what min_chars counts
    shingle_count: int = 0  # size of the body's shingle set (boiler-plate removed): for estimates from `sig`
    sig: bytes = b""  # MinHash signature of the body's shingles (similarity.signature_bytes)
    # the body's shingles (boiler-plate removed) as sorted unique uint32, for the exact overlap of a candidate pair:
    # made once where the report is read, instead of the main process shingling each candidate's text again
    shingles: bytes = b""

    def __reduce__(self) -> tuple[Any, ...]:
        # positional arguments, not the slots dataclass's __getstate__/__setstate__ pair (two Python calls)
        return (Summary, (self.path, self.format, self.agency, self.agency_key, self.year, self.layout, self.cells,
                          self.tables, self.body_len, self.shingle_count, self.sig, self.shingles))

    def cell(self, table: str, row: str, col: str) -> SummaryCell | None:
        return self.cells.get(f"{table}/{row}/{col}")

    def num(self, table: str, row: str, col: str) -> float | int | None:
        c = self.cells.get(f"{table}/{row}/{col}")
        return c[0] if c is not None else None

    def shingle_set(self) -> Any:
        """The body's shingles as a numpy array (a view of the bytes, no copy)."""
        return unpack_shingles(self.shingles)

    def as_json(self) -> dict[str, Any]:
        return {**self.fields(), **{name: _b64(data) for name, data in self.blobs().items()}}

    def blobs(self) -> dict[str, bytes]:
        """The byte strings of the summary (~5 KB), by field name: what as_json writes as base64."""
        return {"sig": self.sig, "shingles": self.shingles}

    def fields(self) -> dict[str, Any]:
        """as_json without the byte strings (blobs): what a cache entry writes as JSON, the byte strings following
        it as they are (Cache.put_result's `blobs`), not escaped as base64 in JSON."""
        return {
            "path": self.path, "format": self.format, "agency": self.agency, "agency_key": self.agency_key,
            "year": self.year, "layout": self.layout,
            # origins as their fields in order (Origin.as_tuple), not as dicts: a cold batch writes this per file
            "cells": {k: [v, raw, o] for k, (v, raw, o) in self.cells.items()},
            "tables": {k: [t.name, t.digest, t.nonzero, t.origin] for k, t in self.tables.items()},
            "body_len": self.body_len, "shingle_count": self.shingle_count,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any], path: str | None = None) -> Summary:
        return cls(
            path=path or d["path"], format=d["format"], agency=d["agency"], agency_key=d["agency_key"],
            year=d["year"], layout=d["layout"],
            cells={_KEY_OF.get(k, k): (v, raw, _origin(o)) for k, (v, raw, o) in d["cells"].items()},
            tables={k: SummaryTable(n, dg, nz, _origin(o)) for k, (n, dg, nz, o) in d["tables"].items()},
            body_len=d["body_len"], shingle_count=d.get("shingle_count", 0), sig=_bytes(d.get("sig")),
            shingles=_bytes(d.get("shingles")),
        )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _bytes(value: bytes | str | None) -> bytes:
    """A byte string as from_json is given it: as it is (a cache entry's blobs), or base64 (as_json)."""
    if isinstance(value, bytes):
        return value
    return base64.b64decode(value or "")


def _origin(fields: list[Any]) -> tuple[Any, ...]:
    """Origin.as_tuple back from JSON (where its box became a list)."""
    out = tuple(fields)
    if out[_BBOX] is not None:
        out = (*out[:_BBOX], tuple(out[_BBOX]), *out[_BBOX + 1:])
    return out


_BBOX = [f.name for f in dataclasses.fields(Origin)].index("bbox")  # its place in as_tuple (the fields in order)


def agency_key(agency: str | None) -> str | None:
    """Agency names compared for grouping: normalised (traditional → simplified, full → half width), spaces and
    brackets dropped."""
    if not agency:
        return None
    key = normalise_label(agency).translate(_AGENCY_NOISE)
    return key or None


_ENCLOSING = "省市州盟"  # a jurisdiction some reports put before the agency's own name ("淮安市" + "洪泽区人民政府")


def canonical_agencies(keys: Iterable[str]) -> dict[str, str]:
    """Agency keys that name the same agency with and without the enclosing jurisdiction, mapped to the shorter
    one: {"淮安市洪泽区人民政府": "洪泽区人民政府"} when both occur. Only a prefix ending in 省/市/州/盟 is dropped,
    and what is left must still be a name of five characters or more (never a bare "人民政府")."""
    known = set(keys)
    out: dict[str, str] = {}
    for key in sorted(known):
        best = key
        for i, ch in enumerate(key):
            if ch in _ENCLOSING and len(key) - i - 1 >= 5 and key[i + 1:] in known:
                best = key[i + 1:]
                break  # the first cut leaves the longest name that is also known
        out[key] = best
    # a chain (省 + 市 + 区…) resolves to its shortest known name
    for key in out:
        while out[out[key]] != out[key]:
            out[key] = out[out[key]]
    return out


def body_of(report: Report) -> str:
    """The narrative of the report from part 一 on: its lines, not its table cells (the official tables are the
    same words in every report; copying is about the prose). The lines are the tokens of `report.text` followed by
    "\n" (cells are followed by "\x1f" or "\x1e", stream.py)."""
    start = report.parts[0].start if report.parts else 0
    text = report.text
    if (text.count(LINE) + text.count(CELL) + text.count(ROW) == len(report.segments)
            and (start == 0 or text[start - 1] in SEPARATORS)):
        # no token holds a separator (one separator per segment) and `start` begins a token: the lines are the
        # "\n"-terminated pieces, each less the table rows before it — str methods, not a loop over every cell
        pieces = text[start:].split(LINE)
        pieces.pop()  # what follows the last "\n" ends in no line
        return LINE.join(p[max(p.rfind(ROW), p.rfind(CELL)) + 1:] if ROW in p or CELL in p else p for p in pieces)
    out = [text[s:e] for s, e, _o, _r in report.segments if s >= start and text[e:e + 1] == LINE]
    return LINE.join(out)


@functools.lru_cache(maxsize=1)
def boilerplate() -> Any:
    """Shingles every report has: the official layouts' captions, headings and row and column labels (a crawler's
    text dump flattens the tables into lines). They are left out of every comparison."""
    import numpy as np

    from gxlint.recognise.layouts import load_layouts, load_parts

    texts: list[str] = []

    def strings(node: Any) -> None:
        if isinstance(node, str):
            texts.append(node)
        elif isinstance(node, dict):
            for v in node.values():
                strings(v)
        elif isinstance(node, (list, tuple)):
            for v in node:
                strings(v)

    strings(load_parts())
    for lay in load_layouts():
        texts.extend(lay.fingerprints)
        # the tables' labels, not `lay.tables`: compiling a layout's label patterns (~25 ms) is left to the reports
        # that have that layout
        for t in lay.table_labels.values():
            texts.extend(x for x in (t.name, t.caption, t.note) if x)
            texts.append("".join(t.columns.values()))
            texts.append("".join(t.rows.values()))
            texts.extend(t.rows.values())
    arrays = [shingle_array(t) for t in texts]
    # sorted_unique, not np.unique: that one imports numpy.ma (~8 ms of a batch's serial start)
    return sorted_unique(np.concatenate(arrays)) if arrays else np.empty(0, dtype=np.uint64)


@functools.lru_cache(maxsize=1)
def _boilerplate_excluded() -> Any:
    return excluded(boilerplate())


def text_shingles(body: str) -> Any:
    """The shingles of a body's prose, boiler-plate removed."""
    return unique_without(shingle_hashes(body), _boilerplate_excluded())


def summarise(report: Report, with_text: bool = True) -> Summary:
    """The report's cross-check summary. `with_text=False` leaves out the signature and the body (cheaper, for runs
    that will not compare texts)."""
    cells: dict[str, SummaryCell] = {}
    for table, rows in _NEEDED_TREE:
        t = report.tables.get(table)
        if t is None:
            continue
        index = t.cell_index()
        for row, cols in rows:
            found = index.get(row)
            if found is None:
                continue
            for col, key in cols:
                c = found.get(col)
                if c is not None:
                    cells[key] = (c.value if c.is_number else None, c.raw, c.origin.as_tuple())
    tables: dict[str, SummaryTable] = {}
    for tid in SAME_TABLES:
        t = report.tables.get(tid)
        if t is None or not t.found:
            continue
        digest, nonzero = _table_digest(t)
        if digest:
            tables[tid] = SummaryTable(t.name, digest, nonzero, t.origin.as_tuple())
    body = body_of(report)
    sig = b""
    packed = b""
    count = 0
    if with_text and body:
        arr = text_shingles(body)
        sig, count = signature_bytes(arr), len(arr)
        packed = pack_shingles(arr)
    return Summary(path=report.path, format=report.format, agency=report.agency, agency_key=agency_key(report.agency),
                   year=report.year, layout=report.layout, cells=cells, tables=tables, body_len=len(body),
                   shingle_count=count, sig=sig, shingles=packed)


def _table_digest(table: StdTable) -> tuple[str, bool]:
    """A digest of the (row, column, value) triples of the table's official rows ("" when it has none), and whether
    any value is a non-zero number. Two tables have the same digest when their triples are the same, numbers
    compared as floats (1 and 1.0 alike). Hashed as the row and column ids (a row's id written where it changes; a
    non-number's column marked) and the numbers packed as doubles: no string per cell (this runs for two tables of
    every report of a batch). The numbers are gathered in a list and packed at the end (the same doubles: array
    converts each as its append does), not appended to the array one by one (~20 % of the time)."""
    ids: list[str] = []
    nums: list[float | int] = []
    last = None
    for row in table.rows:
        if row.extra or not row.cells:
            continue
        if row.id != last:
            ids.append("\x1e" + row.id)
            last = row.id
        for c in row.cells:
            v = c.value
            if v.__class__ is int or v.__class__ is float:  # not bool
                ids.append(c.col)
                nums.append(v)
            else:
                ids.append(c.col + "\x00")
    if not ids:
        return "", False
    h = hashlib.sha1("\x1f".join(ids).encode("utf-8"))
    h.update(array("d", nums).tobytes())
    return h.hexdigest(), any(nums)  # as the doubles: no int is 0.0 unless it is 0


def previous_of(me: Summary, related: Sequence[Summary]) -> Summary | None:
    """Last year's report of the same agency: the same format first, then the first by path."""
    if me.year is None:
        return None
    found = [o for o in related if o.year == me.year - 1 and o.path != me.path]
    if not found:
        return None
    found.sort(key=lambda o: (o.format != me.format, o.path))
    return found[0]


# -- the checks ---------------------------------------------------------------------------------------------------

def check(rule: Rule, me: Summary, prev: Summary | None, others: Sequence[Summary] = ()) -> list[Finding]:
    """One cross rule on one report: `prev` is last year's report of the same agency, `others` the near-duplicate
    candidates from other agencies."""
    name = rule.compiled["check"]
    if name == "text_copy":
        return list(_similar(rule, me, others))
    if prev is None:
        return []
    if name == "text_repeat":
        return list(_similar(rule, me, [prev]))
    return list(globals()["_" + name](rule, me, prev))


def run(rule: Rule, ctx: Context) -> Iterator[Finding]:
    def summary(report: Report) -> Summary:
        key = ("summary", report.path, id(report))
        if key not in ctx.cache:
            ctx.cache[key] = summarise(report)
        return ctx.cache[key]

    me = summary(ctx.report)
    related = [summary(r) for r in ctx.related]
    others = [summary(r) for r in ctx.others]
    yield from check(rule, me, previous_of(me, related), others)


def _ctx(me: Summary) -> Context:
    return Context(me)  # type: ignore[arg-type]  # a Summary has the path, year and layout a finding reads


def _cell(me: Summary, table: str, row: str, col: str) -> Cell | None:
    c = me.cell(table, row, col)
    if c is None:
        return None
    value, raw, origin = c
    return Cell(table, row, col, NUMBER, raw, Origin(*origin), value)


_CARRY_KEYS = tuple((col, f"t3/r2/{col}", f"t3/r4/{col}") for col in T3_COLS)  # the keys built once, not per pair


def _carryover(rule: Rule, me: Summary, prev: Summary) -> Iterator[Finding]:
    mine, theirs = me.cells, prev.cells
    for col, key_now, key_before in _CARRY_KEYS:
        c, p = mine.get(key_now), theirs.get(key_before)
        if c is None or p is None:
            continue
        now, before = c[0], p[0]
        if now is None or before is None or now == before:
            continue
        yield _ctx(me).finding(rule, {"col_label": COL_NAMES[col], "now": now, "before": before,
                                      "prev_year": prev.year, "prev_path": prev.path},
                               cell=_cell(me, "t3", "r2", col), data={"left": now, "right": before})


def _running_totals(rule: Rule, me: Summary, prev: Summary) -> Iterator[Finding]:
    if me.layout != prev.layout:
        return
    checks: list[tuple[str, str, str, Any, Any]] = []
    if me.layout == "2021":
        for table, row in RUNNING_2021:
            vals = [me.num(table, row, "valid"), prev.num(table, row, "valid"), me.num(table, row, "made"),
                    me.num(table, row, "repealed")]
            if None not in vals:
                checks.append((table, row, "valid", vals[0], vals[1] + vals[2] - vals[3]))  # type: ignore[operator]
    elif me.layout == "2019":
        for table, row in RUNNING_2019:
            vals = [me.num(table, row, "prev_items"), prev.num(table, row, "prev_items"),
                    prev.num(table, row, "change")]
            if None not in vals:
                checks.append((table, row, "prev_items", vals[0], vals[1] + vals[2]))  # type: ignore[operator]
    for table, row, col, now, expected in checks:
        if abs(now - expected) > 1e-6:
            yield _ctx(me).finding(rule, {"now": now, "expected": expected, "prev_year": prev.year},
                                   cell=_cell(me, table, row, col), data={"left": now, "right": expected})


def _similar(rule: Rule, me: Summary, others: Sequence[Summary]) -> Iterator[Finding]:
    min_chars = rule.compiled["min_chars"]
    if me.body_len < min_chars or not me.shingles:
        return
    threshold = rule.compiled["threshold"]
    mine = None
    for other in others:
        if other.body_len < min_chars or not other.shingles:
            continue
        if has_text(me) and has_text(other) and \
                estimate_containment(me.sig, other.sig, me.shingle_count, other.shingle_count) < \
                threshold - containment_margin(threshold, me.shingle_count, other.shingle_count):
            continue  # clearly below the threshold: no exact comparison needed
        if mine is None:
            mine = me.shingle_set()
        score = containment(mine, other.shingle_set())
        if score >= threshold:
            yield _ctx(me).finding(rule, {"similarity": f"{score:.0%}", "other": other.path,
                                          "other_agency": other.agency or other.path, "prev_year": other.year},
                                   snippet=f"similar:{other.path}", data={"similarity": round(score, 4),
                                                                           "other": other.path})


def _same_tables(rule: Rule, me: Summary, prev: Summary) -> Iterator[Finding]:
    for tid in SAME_TABLES:
        a, b = me.tables.get(tid), prev.tables.get(tid)
        if a is None or b is None:
            continue
        if a.digest == b.digest and a.nonzero:
            yield _ctx(me).finding(rule, {"table": a.name, "prev_year": prev.year}, origin=Origin(*a.origin),
                                   snippet=f"same:{tid}")


def has_text(s: Summary) -> bool:
    return s.shingle_count > 0 and len(s.sig) == SIG_BYTES
