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
