"""The fast readers read exactly what the reference ones read: the docx reader's own zip/lxml path against the same
reader forced through python-docx, on real, written and damaged packages — the Document, or the error, must match."""

from __future__ import annotations

import io
import random
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import docx
import pytest

from gxlint.read import docx as docx_reader
from gxlint.read.document import Document, ReadError
from gxlint.write import write
from gxlint.write.draft import Draft
from tests.conftest import REAL
from tests.test_fuzz import MUTATIONS, mutate

ROOT = Path(__file__).resolve().parent.parent
Outcome = tuple[str, object]


def outcome(read: Callable[[str, bytes], Document], data: bytes) -> Outcome:
    try:
        return "ok", read("r.docx", data)
    except ReadError as exc:
        return "error", (exc.code, re.sub(r" at 0x[0-9a-f]+", "", exc.message))  # python-docx names the stream


@pytest.fixture
def reference(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[bytes], Outcome]]:
    """The reader with its fast path switched off: every package goes through python-docx."""

    def read(data: bytes) -> Outcome:
        def refuse(*args: object) -> None:
            raise RuntimeError("fast path off")

        with monkeypatch.context() as m:
            m.setattr(docx_reader._Package, "__init__", refuse)
            return outcome(docx_reader.read_docx, data)

    yield read


def fast(data: bytes) -> Outcome:
    return outcome(docx_reader.read_docx, data)


def rezip(data: bytes, replace: dict[str, bytes | None]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    dst.writestr(info.filename, replace[info.filename])  # type: ignore[arg-type]
            else:
                dst.writestr(info.filename, src.read(info))
        for name, blob in replace.items():
            if blob is not None and name not in src.namelist():
                dst.writestr(name, blob)
    return out.getvalue()


def built() -> bytes:
    """Lists numbered through their style (numPr in styles.xml), merges, a header row, a content control."""
    d = docx.Document()
    d.add_paragraph("某县2024年政府信息公开工作年度报告", style="Title")
    for text in ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况"):
        d.add_paragraph(text, style="List Number")
        d.add_paragraph("要点", style="List Bullet")
    t = d.add_table(rows=4, cols=4)
    t.cell(0, 0).merge(t.cell(0, 3)).text = "第二十条第（一）项"
    t.cell(1, 0).merge(t.cell(3, 0)).text = "规章"
    for r in range(1, 4):
        for c in range(1, 4):
            t.cell(r, c).text = str(r * 10 + c)
    t.cell(2, 2).add_paragraph("6")
    t.rows[0]._tr.get_or_add_trPr().append(docx.oxml.parse_xml(
        '<w:tblHeader xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'))
    p = d.add_paragraph("开头")
    p.runs[0].add_break()
    p.add_run("第二行\t制表")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def sources() -> list[bytes]:
    out = [p.read_bytes() for p in sorted((ROOT / "examples").rglob("*.docx"))]
    out += [p.read_bytes() for p in sorted(REAL.glob("*.docx"))] if REAL.is_dir() else []
    out.append(write(Draft.blank(2021), "docx"))
    out.append(built())
    return out


def test_sources_read_the_same(reference: Callable[[bytes], Outcome], monkeypatch: pytest.MonkeyPatch) -> None:
    for data in sources():
        with monkeypatch.context() as m:  # an ordinary package never needs python-docx
            m.setattr(docx_reader, "_read_python_docx", None)
            got = fast(data)
        assert got[0] == "ok"
        assert got == reference(data)


def member(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name)


DOC_RELS = "word/_rels/document.xml.rels"
NUMBERING_REL = ('<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                 'numbering" Target="numbering.xml"/>')


def package_variants(base: bytes) -> dict[str, bytes]:
    rels = member(base, DOC_RELS).decode()
    types = member(base, "[Content_Types].xml").decode()
    doc = member(base, "word/document.xml").decode()
    return {
        "no numbering part": rezip(base, {"word/numbering.xml": None}),
        "no numbering relationship": rezip(base, {DOC_RELS: rels.replace("relationships/numbering", "x/y").encode()}),
        "two numbering relationships": rezip(base, {DOC_RELS: rels.replace("</Relationships>",
                                                                           NUMBERING_REL + "</Relationships>").encode()}),
        "broken numbering": rezip(base, {"word/numbering.xml": b"<w:numbering"}),
        "broken styles": rezip(base, {"word/styles.xml": b"<w:styles><unclosed>"}),
        "no styles": rezip(base, {"word/styles.xml": None}),
        "numbering as a plain part": rezip(base, {"[Content_Types].xml": types.replace(
            "wordprocessingml.numbering+xml", "x-unknown").encode()}),
        "template content type": rezip(base, {"[Content_Types].xml": types.replace(
            "wordprocessingml.document.main+xml", "wordprocessingml.template.main+xml").encode()}),
        "root is not w:document": rezip(base, {"word/document.xml": doc.replace("<w:document ", "<w:body2 ", 1)
                                               .replace("</w:document>", "</w:body2>").encode()}),
        "no body": rezip(base, {"word/document.xml": doc[:doc.index("<w:body>")].encode() + b"</w:document>"}),
        "missing related part": rezip(base, {"word/settings.xml": None}),
        "no core properties": rezip(base, {"docProps/core.xml": None}),
        "broken core properties": rezip(base, {"docProps/core.xml": b"<cp:coreProperties"}),
        "no _rels/.rels": rezip(base, {"_rels/.rels": None}),
        "no content types": rezip(base, {"[Content_Types].xml": None}),
    }


@pytest.mark.parametrize("which", [0, -1])
def test_unusual_packages_read_or_fail_the_same(reference: Callable[[bytes], Outcome], which: int) -> None:
    base = sources()[which]
    for name, data in package_variants(base).items():
        if name == "broken styles" and b"pStyle" not in member(base, "word/document.xml"):
            continue  # styles unused: the intended difference, tested below
        assert fast(data) == reference(data), name


def test_a_broken_styles_part_nothing_needs_is_not_parsed(reference: Callable[[bytes], Outcome]) -> None:
    """The one intended difference: python-docx parses every part, so a malformed styles part made the whole file
    unreadable; the reader parses styles only to number paragraphs whose style carries the numbering."""
    base = write(Draft.blank(2021), "docx")
    data = rezip(base, {"word/styles.xml": b"<w:styles><unclosed>"})
    assert reference(data)[0] == "error"
    assert fast(data) == reference(rezip(base, {}))


def test_mutated_packages_read_or_fail_the_same(reference: Callable[[bytes], Outcome]) -> None:
    rng = random.Random(5)
    bases = sources()
    for i in range(120):
        base = bases[i % len(bases)]
        kinds = rng.sample(MUTATIONS, rng.randint(1, 3))
        if i % 3 == 0:
            data = mutate(base, rng, [k for k in kinds if k in ("flip", "truncate", "splice")] or ["flip"])
        else:
            data = rezip(base, {"word/document.xml": mutate(member(base, "word/document.xml"), rng, kinds)})
        got, want = fast(data), reference(data)
        if got != want:
            assert_damage_only_where_nothing_parses(data, base, got, reference), (i, kinds)


def assert_damage_only_where_nothing_parses(data: bytes, base: bytes, got: Outcome,
                                            reference: Callable[[bytes], Outcome]) -> None:
    """The one intended difference on a damaged file: a member no parser is given is never inflated, so damage
    there (a bad CRC, a broken deflate stream) goes unseen, where the reference inflates every XML member and
    python-docx reads every part. Then the reader fails as the reference fails when blind to those members (at the
    first damaged member it does parse, or in python-docx), or reads the file as the reference reads it with the
    damaged members put back."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    package = docx_reader._walk_package(docx_reader._Members(zf, data))
    assert package is not None  # without the walk every XML member is checked, as the reference does
    parsed = package.parsed_members()
    damaged = []
    for name in zf.namelist():
        try:
            zf.read(name)
        except Exception:
            damaged.append(name)
    skipped = {name for name in damaged if name not in parsed}
    assert skipped
    if got[0] == "error":
        with pytest.MonkeyPatch.context() as m:  # the reference, blind to the skipped members, stops where it did
            is_xml = docx_reader._is_xml_member
            m.setattr(docx_reader, "_is_xml_member", lambda z, i: i.filename not in skipped and is_xml(z, i))
            assert reference(data) == got
    elif skipped <= set(zipfile.ZipFile(io.BytesIO(base)).namelist()):  # else a damaged name: nothing to put back
        assert reference(rezip(data, {name: member(base, name) for name in skipped})) == got
