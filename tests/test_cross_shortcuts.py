"""The cross-report summary's shortcut: `body_of` cuts a report's lines out of its text with str methods when no
token holds a separator, and must give what the loop over every segment gave (the reference below, the code as it
was) — on real reports, on generated ones in every format, and on documents made to hold separators inside their
lines and cells, where it has to take the slow path."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gxlint.api import parse_file
from gxlint.check.kinds.cross import body_of
from gxlint.origin import Origin
from gxlint.read.document import Document, Line, RawCell, Table
from gxlint.recognise import recognise
from gxlint.report import Report

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
SUFFIXES = {".txt", ".md", ".html", ".htm", ".docx", ".pdf"}


def ref_body(report: Report) -> str:
    start = report.parts[0].start if report.parts else 0
    text = report.text
    return "\n".join(text[s:e] for s, e, _o, _r in report.segments if s >= start and text[e:e + 1] == "\n")


@pytest.mark.corpus
def test_body_on_the_corpus() -> None:
    files = sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
    assert len(files) > 20
    for p in files:
        try:
            report = parse_file(str(p))
        except Exception:  # noqa: BLE001 - the corpus holds files gxlint refuses (GX001): nothing to summarise
            continue
        assert body_of(report) == ref_body(report), p


@pytest.mark.parametrize("fmt", ["txt", "md", "html", "docx"])
def test_body_on_generated_reports(tmp_path: Path, fmt: str) -> None:
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    generate(tmp_path, fmt, 12, seed=3)
    files = sorted(p for p in tmp_path.iterdir() if p.is_file())
    assert len(files) == 12
    for p in files:
        report = parse_file(str(p))
        assert report.parts, p  # a real body: the shortcut is the path taken
        assert body_of(report) == ref_body(report), p


_TEXT = st.lists(st.sampled_from(["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                                  "本年度", "公开", "12", " ", "\x1f", "\x1e", "\x1c", "\u2028", "自然人", "总计"]),
                 min_size=1, max_size=6).map("".join)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(blocks=st.lists(st.one_of(
    _TEXT.map(lambda t: ("line", t)),
    st.lists(st.lists(_TEXT, min_size=1, max_size=4), min_size=1, max_size=3).map(lambda rows: ("table", rows)),
), max_size=12))
def test_body_on_made_documents(blocks: list[tuple[str, object]]) -> None:
    out: list[Line | Table] = [Line("某某局2023年政府信息公开工作年度报告", Origin(1, 1))]
    for n, (kind, content) in enumerate(blocks, start=2):
        if kind == "line":
            out.append(Line(str(content), Origin(n, 1)))
        else:
            rows = tuple(tuple(RawCell(c, Origin(n, k + 1)) for k, c in enumerate(r)) for r in content)  # type: ignore[union-attr]
            out.append(Table(rows=rows, origin=Origin(n, 1)))
    report = recognise(Document(path="made.txt", format="txt", blocks=tuple(out)))
    assert body_of(report) == ref_body(report)


# -- the table digest -------------------------------------------------------------------------------------------------

def ref_digest(table: object) -> tuple[str, bool]:
    """_table_digest as first written: one string per cell."""
    import hashlib

    parts: list[str] = []
    nonzero = False
    for row in table.rows:  # type: ignore[attr-defined]
        if row.extra:
            continue
        for c in row.cells:
            v = c.value
            if v.__class__ is int or v.__class__ is float:
                nonzero = nonzero or v != 0
                v = float(v)
            parts.append(f"{row.id}\x1e{c.col}\x1e{v!r}")
    if not parts:
        return "", False
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest(), nonzero


_VALUES = st.sampled_from([0, 1, 1.0, 2, 2.5, -0.0, None, 10**17, 10**17 + 1])
_ROWS = st.lists(st.tuples(st.sampled_from(["r1", "r2", "r3"]), st.booleans(),
                           st.lists(st.tuples(st.sampled_from(["a", "b", "total"]), _VALUES), max_size=3)),
                 max_size=4)


def _table(rows: list[tuple[str, bool, list[tuple[str, object]]]]) -> object:
    from gxlint.report import NUMBER, Cell, StdTable, TableRow

    made = tuple(TableRow(rid, rid, tuple(Cell("t3", rid, col, NUMBER, str(v), Origin(1, 1), v)  # type: ignore[arg-type]
                                          for col, v in cells), Origin(1, 1), extra=extra)
                 for rid, extra, cells in rows)
    return StdTable("t3", "表三", True, made, (), Origin(1, 1))


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(a=_ROWS, b=_ROWS)
def test_table_digests_tell_tables_apart_as_before(a: list, b: list) -> None:
    """Two tables get the same digest exactly when the first version gave them the same one (the same triples,
    numbers as floats), and the same `nonzero`; an empty table's digest is ""."""
    from gxlint.check.kinds.cross import _table_digest

    ta, tb = _table(a), _table(b)
    new_a, new_b, old_a, old_b = _table_digest(ta), _table_digest(tb), ref_digest(ta), ref_digest(tb)
    assert (new_a[0] == new_b[0]) == (old_a[0] == old_b[0])
    assert new_a[1] == old_a[1] and (new_a[0] == "") == (old_a[0] == "")


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(a=_ROWS, data=st.data())
def test_table_digests_of_the_same_triples_printed_differently(a: list, data: st.DataObject) -> None:
    """The same triples in another shape — whole numbers as floats, a row split in two rows of the same id, rows
    without cells, a filer's extra rows — keep the digest (as they kept the first version's); one value changed
    changes it."""
    from gxlint.check.kinds.cross import _table_digest

    b = []
    for rid, extra, cells in a:
        cells = [(col, float(v) if isinstance(v, int) and data.draw(st.booleans()) else v) for col, v in cells]
        if len(cells) > 1 and data.draw(st.booleans()):
            k = data.draw(st.integers(1, len(cells) - 1))
            b += [(rid, extra, cells[:k]), (rid, extra, cells[k:])]
        else:
            b.append((rid, extra, cells))
        if data.draw(st.booleans()):
            b.append((data.draw(st.sampled_from(["r1", "r9"])), True, [("a", 5)]))  # an extra row
        if data.draw(st.booleans()):
            b.append(("r7", False, []))  # a row without cells
    assert ref_digest(_table(a))[0] == ref_digest(_table(b))[0]  # (the reference agrees they are the same)
    assert _table_digest(_table(a)) == _table_digest(_table(b))
    official = [(i, j) for i, (_r, extra, cells) in enumerate(a) if not extra for j in range(len(cells))]
    if official:
        i, j = data.draw(st.sampled_from(official))
        rid, extra, cells = a[i]
        col, v = cells[j]
        changed = list(a)
        changed[i] = (rid, extra, [*cells[:j], (col, 3 if v != 3 else 4), *cells[j + 1:]])
        assert _table_digest(_table(changed))[0] != _table_digest(_table(a))[0]


def array_digest(table: object) -> tuple[str, bool]:
    """_table_digest as it was before its numbers were gathered in a list: appended to array("d") one by one."""
    import hashlib
    from array import array

    ids: list[str] = []
    nums = array("d")
    last = None
    for row in table.rows:  # type: ignore[attr-defined]
        if row.extra or not row.cells:
            continue
        if row.id != last:
            ids.append("\x1e" + row.id)
            last = row.id
        for c in row.cells:
            v = c.value
            if v.__class__ is int or v.__class__ is float:
                ids.append(c.col)
                nums.append(v)
            else:
                ids.append(c.col + "\x00")
    if not ids:
        return "", False
    h = hashlib.sha1("\x1f".join(ids).encode("utf-8"))
    h.update(nums.tobytes())
    return h.hexdigest(), any(nums)


_ALL_VALUES = st.sampled_from([0, 1, 1.0, 2, 2.5, -0.0, 0.0, None, True, False, 10**17, 10**17 + 1, 2**53 + 1, -3,
                               float("inf"), 1e-300])
_ALL_ROWS = st.lists(st.tuples(st.sampled_from(["r1", "r2", "r3"]), st.booleans(),
                               st.lists(st.tuples(st.sampled_from(["a", "b", "total"]), _ALL_VALUES), max_size=4)),
                     max_size=5)


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(rows=_ALL_ROWS)
def test_table_digest_is_the_array_digest(rows: list) -> None:
    """The digest and `nonzero` are the very ones of the version that appended each number to the array."""
    from gxlint.check.kinds.cross import _table_digest

    table = _table(rows)
    assert _table_digest(table) == array_digest(table)
