"""Property-based tests (issue 6: never crash, never lie). Random bytes into every reader, random Unicode through the
text pipeline, real reports mutated at random, random table shapes straight into recognition.

Properties:
- a reader returns a Document or raises ReadError (GX001/GX002) — nothing else;
- recognition and the built-in rules never raise on any Document;
- `lint_path` gives every file either a recognised report or a GX0 finding, and never falls back on its catch-all
  ("读取文件时出错") — that branch exists for the unforeseen, and fuzzing is how the unforeseen is found;
- recognition never invents a number: every number cell's value is printed in that cell's raw text;
- reading, recognising and checking the same bytes twice gives the same result.

The default run is fast (tens to a couple of hundred examples per property). The long run (≥ 100,000 examples in
all) is a separate command:

    python benchmarks/fuzz_long.py --total 100000          # one process, reports the count
    GXLINT_FUZZ_EXAMPLES=20000 python -m pytest tests/test_fuzz.py -m fuzz -p no:cacheprovider

GXLINT_FUZZ_EXAMPLES sets the examples per property (slow properties, the PDF ones, take a fixed share of it);
GXLINT_FUZZ_COUNT_FILE, when set, receives a JSON count of examples run per property.
"""

from __future__ import annotations

import functools
import io
import json
import os
import random
import re
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gxlint.api import lint_path, recognisable, ruleset
from gxlint.check.engine import check_report
from gxlint.config import Config
from gxlint.findings import Finding
from gxlint.normalise import normalise
from gxlint.origin import Origin
from gxlint.read import SUPPORTED, read_bytes
from gxlint.read.document import MAX_GRID_CELLS, Document, Line, RawCell, ReadError, Table
from gxlint.recognise import recognise
from gxlint.report import Report
from gxlint.report_json import report_to_json
from gxlint.write import write
from gxlint.write.draft import Draft
from tests.conftest import REAL, SEEDS

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("GXLINT_FUZZ_EXAMPLES", "0") or 0)
COUNTS: Counter[str] = Counter()
RULES = ruleset(Config())
CATCH_ALL = "读取文件时出错"


def fuzz(default: int, share: float = 1.0) -> Callable[[Any], Any]:
    """Hypothesis settings: `default` examples in the ordinary run, GXLINT_FUZZ_EXAMPLES × share in the long one."""
    n = max(1, int(EXAMPLES * share)) if EXAMPLES else default
    return settings(max_examples=n, deadline=None, derandomize=not EXAMPLES, database=None, print_blob=True,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module", autouse=True)
def _report_counts() -> Iterator[None]:
    yield
    out = os.environ.get("GXLINT_FUZZ_COUNT_FILE")
    if out:
        Path(out).write_text(json.dumps(dict(COUNTS), indent=2, sort_keys=True), encoding="utf-8")


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="gxlint-fuzz-") as d:
        yield Path(d)


# ------------------------------------------------------------------------------------------------------ helpers


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _value_digits(value: float | int) -> str:
    if isinstance(value, float):
        text = repr(value)
        if "e" in text:  # 1e+20: too big to print digit by digit, compare the leading digits only
            return _digits(text.split("e")[0]).rstrip("0")
        whole, _, frac = text.partition(".")
        return _digits(whole + frac.rstrip("0"))
    return str(abs(value))


def assert_no_invented_numbers(report: Report) -> None:
    """A number cell's value is printed in its own raw text (never made up, never carried over from elsewhere)."""
    for table in report.tables.values():
        for row in table.rows:
            for cell in row.cells:
                if not cell.is_number:
                    continue
                assert cell.value is not None
                raw = _digits(normalise(cell.raw))
                want = _value_digits(cell.value)
                assert want.lstrip("0") in raw or (cell.value == 0 and "0" in raw), (
                    f"{table.id}/{row.id}/{cell.col}: value {cell.value!r} is not in its raw text {cell.raw!r}")


def assert_no_surrogates(doc: Document) -> None:
    """Readers never emit a lone surrogate: it could not be written out as UTF-8 (JSON, SARIF, HTML, fingerprints)."""
    pieces = [b.text for b in doc.lines()] + [c.text for t in doc.tables() for r in t.rows for c in r]
    pieces += list(doc.meta.values())
    for text in pieces:
        text.encode("utf-8")  # raises UnicodeEncodeError on a lone surrogate


def findings_json(findings: list[Finding]) -> str:
    return json.dumps([f.as_dict() for f in findings], ensure_ascii=False, sort_keys=True, default=str)


def pipeline(path: str, data: bytes, twice: bool = True) -> tuple[Document, Report, list[Finding]] | None:
    """read → recognise → check, asserting the properties; None when the reader refuses the bytes."""
    try:
        doc = read_bytes(path, data)
    except ReadError as exc:
        assert exc.code in ("GX001", "GX002"), exc.code
        assert exc.message.strip()
        if twice:  # refusal is deterministic too
            with pytest.raises(ReadError) as again:
                read_bytes(path, data)
            assert again.value.code == exc.code and again.value.message == exc.message
        return None
    assert isinstance(doc, Document)
    assert_no_surrogates(doc)
    report = recognise(doc)
    assert_no_invented_numbers(report)
    findings = check_report(report, RULES)
    if twice:
        doc2 = read_bytes(path, data)
        assert doc2 == doc
        report2 = recognise(doc2)
        assert report_to_json(report2) == report_to_json(report)
        assert findings_json(check_report(report2, RULES)) == findings_json(findings)
    return doc, report, findings


def lint_bytes(workdir: Path, name: str, data: bytes) -> None:
    """The whole per-file pipeline on a real file: a recognised report, or a GX0 finding; never the catch-all."""
    path = workdir / name
    path.write_bytes(data)
    result = lint_path(str(path), Config(), RULES)
    codes = [f.code for f in result.findings]
    if result.report is None:
        assert result.error and any(c in ("GX001", "GX002") for c in codes), (result.error, codes)
    elif not recognisable(result.report):
        assert "GX002" in codes
    assert not any(CATCH_ALL in f.message for f in result.findings), [f.message for f in result.findings]
    again = lint_path(str(path), Config(), RULES)
    assert findings_json(again.findings) == findings_json(result.findings)


# ------------------------------------------------------------------------------------------- 1. random bytes

SUFFIXES = (*SUPPORTED, ".doc", ".xyz", "")
MAGIC = (b"", b"%PDF-1.4\n", b"PK\x03\x04", b"<html><body><table><tr><td>", b"\xef\xbb\xbf", b"\xff\xfe",
         b"\xfe\xff", "一、总体情况\n".encode())
TAILS = (b"", b"\n%%EOF\n", b"</td></tr></table></body></html>")


@fuzz(200)
@given(data=st.binary(max_size=4096), suffix=st.sampled_from(SUFFIXES), head=st.sampled_from(MAGIC),
       tail=st.sampled_from(TAILS))
def test_random_bytes_into_every_reader(data: bytes, suffix: str, head: bytes, tail: bytes) -> None:
    COUNTS["random_bytes"] += 1
    pipeline(f"fuzz{suffix}", head + data + tail)


@fuzz(40)
@given(data=st.binary(max_size=2048), suffix=st.sampled_from((".txt", ".html", ".docx", ".pdf", ".bin")))
def test_random_bytes_through_lint_path(workdir: Path, data: bytes, suffix: str) -> None:
    COUNTS["random_bytes_lint_path"] += 1
    lint_bytes(workdir, "random" + suffix, data)


# ---------------------------------------------------------------------------------------- 2. random Unicode

_BLANK_TXT = write(Draft.blank(2024), "txt").decode("utf-8")
REPORT_LINES = [line for line in _BLANK_TXT.splitlines() if line.strip()]
VOCAB = sorted({piece.strip() for line in REPORT_LINES for piece in re.split(r"[|，。；、]", line) if piece.strip()})

SPECIAL = ("\x00", "\x1f", "\x1e", "\x0b", "\x0c", "\r", "\u2060", "\u200c", "\u200b", "\u202e", "\ufeff", "\u3000",
           "\ufffd", "|", "\t", "（", "）", "〔", "〕", "：", "…")
CJK = "一二三四五六七八九十百千万零〇壹贰叁肆伍陆柒捌玖拾年度報告開與申請總計處理結果政府信息公开工作本县区市局"
FULLWIDTH = "０１２３４５６７８９，．－＋％｜（）"

chars = st.one_of(
    st.characters(exclude_categories=["Cs"]),  # any code point but a lone surrogate (those go in as bytes, below)
    st.sampled_from(list(CJK + FULLWIDTH)),
    st.sampled_from(SPECIAL),
    st.characters(min_codepoint=0x30, max_codepoint=0x39),
)
fragments = st.one_of(
    st.text(chars, max_size=30),
    st.sampled_from(REPORT_LINES),
    st.sampled_from(VOCAB),
    st.integers(-10**12, 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.lists(st.one_of(st.sampled_from(VOCAB), st.integers(0, 99999).map(str), st.just("")), max_size=18)
    .map(" | ".join),
)
texts = st.lists(fragments, max_size=60).map("\n".join)


def _encode(text: str, how: str) -> bytes:
    if how == "surrogatepass":
        return text.encode("utf-8", "surrogatepass")
    if how in ("gb18030", "big5"):
        return text.encode(how, "ignore")
    return text.encode(how, "surrogatepass" if how.startswith("utf") else "ignore")


ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "gb18030", "big5", "surrogatepass")


@fuzz(150)
@given(text=texts, how=st.sampled_from(ENCODINGS), suffix=st.sampled_from((".txt", ".md", ".html")),
       surrogates=st.lists(st.characters(categories=["Cs"]), max_size=3), where=st.integers(0, 10**6))
def test_random_unicode_through_the_pipeline(text: str, how: str, suffix: str, surrogates: list[str],
                                             where: int) -> None:
    COUNTS["random_unicode"] += 1
    if surrogates:  # lone surrogates only survive as bytes through surrogatepass
        i = where % (len(text) + 1)
        text = text[:i] + "".join(surrogates) + text[i:]
        how = "surrogatepass"
    if suffix == ".html":
        text = "<html><body>" + "".join(f"<p>{line}</p>" if "|" not in line else
                                         "<table><tr><td>" + "</td><td>".join(line.split("|")) + "</td></tr></table>"
                                         for line in text.split("\n")) + "</body></html>"
    pipeline("fuzz" + suffix, _encode(text, how))


@fuzz(100)
@given(text=texts)
def test_random_unicode_recognised_as_text(text: str) -> None:
    """Valid UTF-8 is always read (no GX001 but for NUL bytes), and recognition and the rules accept it."""
    COUNTS["random_unicode_text"] += 1
    data = text.encode("utf-8")
    pipeline("fuzz.txt", data)
    if data.strip():
        try:
            read_bytes("fuzz.txt", data)
        except ReadError as exc:
            # only sniffing may turn a .txt into another format ("%PDF" or "PK\x03\x04" at its start), and NUL bytes
            # make it binary; too many lines or cells make it no report
            assert data.lstrip()[:4] in (b"%PDF", b"PK\x03\x04") or "\x00" in text or "远超" in exc.message, \
                exc.message


# -------------------------------------------------------------------- 3. real reports mutated at random

def _corpus_files() -> list[Path]:
    out: list[Path] = []
    for folder in (SEEDS, REAL):
        if folder.is_dir():
            out.extend(p for p in sorted(folder.iterdir()) if p.suffix.lower() in SUPPORTED
                       and p.name not in ("EXPECTED.md", "SOURCES.md"))
    return out


CORPUS_FILES = _corpus_files()
TEXT_FILES = [p for p in CORPUS_FILES if p.suffix.lower() in (".txt", ".md", ".html", ".htm")]
_bytes_cache: dict[Path, bytes] = {}


def corpus_bytes(p: Path) -> bytes:
    if p not in _bytes_cache:
        _bytes_cache[p] = p.read_bytes()
    return _bytes_cache[p]


MUTATIONS = ("flip", "truncate", "shuffle", "digits", "cells", "dup", "drop", "inject", "bigdigits", "splice")
INJECT = ("\x00", "\x1f", "\x1e", "\u2060", "\u200c", "\u202e", "\ufeff", "|", "\t", "<", "&", "\ud800",
          "一、总体情况", "（七）总计", "</table>", "<td rowspan=99999 colspan=99999>", "9" * 40, "-", "%")


def mutate(data: bytes, rng: random.Random, kinds: list[str]) -> bytes:
    for kind in kinds:
        if not data:
            break
        if kind == "flip":
            buf = bytearray(data)
            for _ in range(rng.randint(1, 8)):
                buf[rng.randrange(len(buf))] = rng.randrange(256)
            data = bytes(buf)
        elif kind == "truncate":
            data = data[: rng.randrange(len(data))]
        elif kind in ("shuffle", "dup", "drop", "cells", "digits", "inject", "bigdigits"):
            text = data.decode("utf-8", "surrogateescape")
            lines = text.split("\n")
            if kind == "shuffle" and len(lines) > 1:
                i = rng.randrange(len(lines))
                j = min(len(lines), i + rng.randint(2, 12))
                part = lines[i:j]
                rng.shuffle(part)
                lines[i:j] = part
            elif kind == "dup":
                i = rng.randrange(len(lines))
                lines[i:i] = [lines[i]] * rng.randint(1, 3)
            elif kind == "drop":
                i = rng.randrange(len(lines))
                del lines[i: i + rng.randint(1, 5)]
            elif kind == "cells":
                rows = [k for k, line in enumerate(lines) if "|" in line or "<td" in line]
                for k in rng.sample(rows, min(len(rows), rng.randint(1, 4))):
                    if "|" in lines[k]:
                        cells = lines[k].split("|")
                        c = rng.randrange(len(cells))
                        if rng.random() < 0.5:
                            del cells[c]
                        else:
                            cells[c] = rng.choice(("", " ", "-", "/", "无", "十二", "1,2", "3.", "(5)"))
                        lines[k] = "|".join(cells)
                    else:
                        lines[k] = re.sub(r"<td[^>]*>[^<]*</td>", "", lines[k], count=1)
            elif kind in ("digits", "bigdigits"):
                positions = [m.start() for m in re.finditer(r"\d", text)]
                if positions:
                    chars_ = list(text)
                    for pos in rng.sample(positions, min(len(positions), rng.randint(1, 6))):
                        chars_[pos] = (rng.choice("0123456789") if kind == "digits"
                                       else "9" * rng.randint(2, 30))
                    text = "".join(chars_)
                    lines = text.split("\n")
            elif kind == "inject":
                i = rng.randrange(len(lines))
                s = lines[i]
                k = rng.randint(0, len(s))
                lines[i] = s[:k] + rng.choice(INJECT) + s[k:]
            data = _reencode("\n".join(lines))
        elif kind == "splice":
            other = corpus_bytes(rng.choice(CORPUS_FILES)) if CORPUS_FILES else data
            a, b = sorted((rng.randrange(len(data)), rng.randrange(len(data))))
            c = rng.randrange(len(other) or 1)
            data = data[:a] + other[c: c + (b - a)] + data[b:]
    return data


def _reencode(text: str) -> bytes:
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # an injected lone surrogate: keep it, as a hostile file would
        return text.encode("utf-8", "surrogatepass")


mutation_lists = st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4)


@pytest.mark.corpus
@fuzz(120)
@given(index=st.integers(0, 10**6), kinds=mutation_lists, rng=st.randoms(use_true_random=False))
def test_mutated_text_reports(workdir: Path, index: int, kinds: list[str], rng: random.Random) -> None:
    if not TEXT_FILES:
        pytest.skip("no corpus")
    COUNTS["mutated_text"] += 1
    src = TEXT_FILES[index % len(TEXT_FILES)]
    data = mutate(corpus_bytes(src), rng, kinds)
    pipeline(src.name, data)
    if index % 5 == 0:
        lint_bytes(workdir, "m_" + src.name, data)


def _docx_with(document_xml: bytes, base: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, document_xml if info.filename == "word/document.xml" else src.read(info))
    return out.getvalue()


@functools.cache
def _docx_sources() -> list[bytes]:
    out = [corpus_bytes(p) for p in CORPUS_FILES if p.suffix.lower() == ".docx"]
    try:
        out.append(write(Draft.blank(2021), "docx"))
    except Exception:  # the writer is not what this file tests
        pass
    return out


@pytest.mark.corpus
@fuzz(60, share=0.25)
@given(index=st.integers(0, 10**6), kinds=mutation_lists, rng=st.randoms(use_true_random=False),
       whole=st.booleans())
def test_mutated_docx(index: int, kinds: list[str], rng: random.Random, whole: bool) -> None:
    """Mutate the whole package (mostly a damaged zip) or only word/document.xml inside a valid package."""
    sources = _docx_sources()
    COUNTS["mutated_docx"] += 1
    base = sources[index % len(sources)]
    if whole:
        data = mutate(base, rng, [k for k in kinds if k in ("flip", "truncate", "splice")] or ["flip"])
    else:
        with zipfile.ZipFile(io.BytesIO(base)) as zf:
            xml = zf.read("word/document.xml")
        data = _docx_with(mutate(xml, rng, kinds), base)
    pipeline("m.docx", data)


PDF_FILES = [p for p in CORPUS_FILES if p.suffix.lower() == ".pdf"]


@pytest.mark.corpus
@fuzz(12, share=0.02)
@given(index=st.integers(0, 10**6), rng=st.randoms(use_true_random=False),
       kinds=st.lists(st.sampled_from(("flip", "splice", "digits", "truncate")), min_size=1, max_size=3))
def test_mutated_pdf(index: int, rng: random.Random, kinds: list[str]) -> None:
    if not PDF_FILES:
        pytest.skip("no corpus PDFs")
    COUNTS["mutated_pdf"] += 1
    data = corpus_bytes(PDF_FILES[index % len(PDF_FILES)])
    # keep the end-of-file marker most of the time, so the damage reaches pdfminer rather than the cheap check
    body = mutate(data[:-1024], rng, kinds)
    pipeline("m.pdf", body + data[-1024:] if rng.random() < 0.8 else body)


# ------------------------------------------------------------------------------------- 4. random table shapes

LABELS = VOCAB + ["", "总计", "合计", "小计", "其中", "（七）总计", "自然人", "商业企业", "行政复议", "行政诉讼", "其他"]
cell_texts = st.one_of(
    st.sampled_from(LABELS),
    st.integers(-5, 10**9).map(str),
    st.sampled_from(("", "-", "/", "无", "1,234", "12.5", "3件", "5（其中2件）", "0 1 1", "99999999999999999999",
                     "1e5", "NaN", "∞", "１２", "十二", "\x00", "\x1f", "\u2060")),
    st.text(chars, max_size=8),
)
spans = st.one_of(st.just(1), st.integers(-3, 5), st.integers(0, 10**7))
raw_cells = st.builds(lambda text, rs, cs, h: (text, rs, cs, h), cell_texts, spans, spans, st.booleans())
tables = st.lists(st.lists(raw_cells, max_size=20), max_size=40)
lines = st.one_of(st.sampled_from(REPORT_LINES), st.text(chars, max_size=40))
block_specs = st.lists(st.one_of(lines.map(lambda s: ("line", s)), tables.map(lambda t: ("table", t))), max_size=12)


def build_document(fmt: str, specs: list[tuple[str, Any]]) -> Document:
    blocks: list[Line | Table] = []
    lineno = 1
    for n, (kind, spec) in enumerate(specs, start=1):
        if kind == "line":
            origin = Origin(line=lineno, col=1) if fmt in ("txt", "md", "html") else (
                Origin(paragraph=n) if fmt == "docx" else Origin(page=1 + n // 4, bbox=(0.0, n * 10.0, 100.0, n * 10.0 + 9)))
            blocks.append(Line(spec, origin))
            lineno += 1
            continue
        rows = []
        for r, row in enumerate(spec, start=1):
            cells = []
            for c, (text, rs, cs, header) in enumerate(row, start=1):
                origin = (Origin(line=lineno, col=c) if fmt in ("txt", "md", "html")
                          else Origin(table=n, row=r, cell=c, page=1 if fmt == "pdf" else None))
                cells.append(RawCell(text, origin, rowspan=rs, colspan=cs, header=header))
            rows.append(tuple(cells))
            lineno += 1
        blocks.append(Table(rows=tuple(rows), origin=Origin(line=lineno, col=1) if fmt in ("txt", "md", "html")
                            else Origin(table=n)))
    return Document(path=f"shape.{fmt}", format=fmt, blocks=tuple(blocks))


@fuzz(120)
@given(fmt=st.sampled_from(("txt", "md", "html", "docx", "pdf")), specs=block_specs)
def test_random_table_shapes(fmt: str, specs: list[tuple[str, Any]]) -> None:
    COUNTS["table_shapes"] += 1
    doc = build_document(fmt, specs)
    for table in doc.tables():
        try:
            grid = table.grid()  # spans are capped, and so is the whole grid
        except ReadError:
            continue
        assert len(grid) == len(table.rows)
        assert len(grid) * max((len(r) for r in grid), default=0) <= MAX_GRID_CELLS
    report = recognise(doc)
    assert_no_invented_numbers(report)
    findings = check_report(report, RULES)
    assert report_to_json(recognise(doc)) == report_to_json(report)
    assert findings_json(check_report(report, RULES)) == findings_json(findings)


@fuzz(80)
@given(rng=st.randoms(use_true_random=False), year=st.integers(2008, 2030),
       edits=st.lists(st.tuples(st.sampled_from(("cell", "part", "drop", "heading")), st.text(chars, max_size=12)),
                      max_size=6),
       fmt=st.sampled_from(("txt", "md", "html")))
def test_written_drafts_edited_at_random(rng: random.Random, year: int, edits: list[tuple[str, str]], fmt: str) -> None:
    """The writer's official tables with random cells, parts and headings: the pipeline holds on every format."""
    COUNTS["drafts"] += 1
    draft = Draft.consistent_random(rng, year) if rng.random() < 0.7 else Draft.blank(year)
    for kind, text in edits:
        number = rng.choice("一二三四五六")
        cells = list(draft.iter_cells())
        if kind == "cell" and cells:
            table, row, col, _ = rng.choice(cells)
            draft = draft.with_cell(table, row, col, text)
        elif kind == "part":
            draft = draft.with_part(number, text)
        elif kind == "drop":
            draft = draft.without_part(number, keep_tables=rng.random() < 0.5)
        else:
            draft = draft.with_heading(number, text)
    data = write(draft, fmt)
    result = pipeline(f"draft.{fmt}", data)
    if b"\x00" in data and fmt != "html":  # NUL bytes are refused in text files (a binary or damaged file)
        assert result is None
    else:
        assert result is not None  # otherwise a written report is always readable
