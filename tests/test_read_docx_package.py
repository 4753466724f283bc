"""The docx reader's own relationship walk (`docx._light_walk`) finds exactly the parts, content types and
relationships python-docx's PackageReader finds (`docx._python_docx_walk`), or gives up and leaves the package to
it: on real, written, unusual and damaged packages and on hand-made relationship graphs."""

from __future__ import annotations

import io
import random
import zipfile
from typing import Any

import pytest

from gxlint.read import docx as docx_reader
from tests.test_fuzz import MUTATIONS, mutate
from tests.test_read_speed_equivalence import member, package_variants, rezip, sources

RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"


def walked(walk: Any, data: bytes) -> tuple[str, Any]:
    """What a walk makes of the package: its parts and relationships in comparable form, or that it failed."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - not a zip: neither walk is asked
        return "no zip", None
    try:
        parts, rels = walk(docx_reader._Members(zf, data))
    except Exception as exc:  # noqa: BLE001 - any failure
        return "failed", type(exc).__name__
    return "ok", (
        [(str(name), part.content_type, part.reltype) for name, part in parts.items()],
        {str(source): [(rid, rel.reltype, rel.is_external, None if rel.is_external else str(rel.target_partname))
                       for rid, rel in by_id.items()] for source, by_id in rels.items()})


def assert_same_walk(data: bytes) -> str:
    light = walked(docx_reader._light_walk, data)
    if light[0] == "ok":  # when the light walk answers, it is python-docx's answer
        assert light == walked(docx_reader._python_docx_walk, data)
    return light[0]


def test_written_and_real_packages() -> None:
    for data in sources():
        assert assert_same_walk(data) == "ok"


@pytest.mark.parametrize("which", [0, -1])
def test_unusual_packages(which: int) -> None:
    for data in package_variants(sources()[which]).values():
        assert_same_walk(data)


def test_damaged_packages() -> None:
    rng = random.Random(11)
    bases = sources()
    seen = set()
    for i in range(150):
        base = bases[i % len(bases)]
        name = rng.choice(["[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels", None])
        kinds = rng.sample(MUTATIONS, rng.randint(1, 3))
        if name is None:
            data = mutate(base, rng, [k for k in kinds if k in ("flip", "truncate", "splice")] or ["flip"])
        else:
            data = rezip(base, {name: mutate(member(base, name), rng, kinds)})
        seen.add(assert_same_walk(data))
    assert seen >= {"ok", "failed"}


def graph(rels: dict[str, list[tuple[str, str, str | None]]], types: str = "", defaults: str = "") -> bytes:
    """A package of relationship parts (source member → (type, target, mode)) and empty XML parts."""
    out = io.BytesIO()
    defaults = defaults or '<Default Extension="xml" ContentType="application/xml"/>'
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml",
                    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                    f"{defaults}"
                    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                    f"{types}</Types>")
        names = set()
        for source, targets in rels.items():
            body = "".join(f'<Relationship Id="rId{i}" Type="{RT}{t}" Target="{target}"'
                           + (f' TargetMode="{mode}"' if mode else "") + "/>"
                           for i, (t, target, mode) in enumerate(targets))
            zf.writestr(source, f'<Relationships xmlns="{PR}">{body}</Relationships>')
            names.update(t for _, t, m in targets if not m)
        for name in ("word/document.xml", "word/a.xml", "word/b.xml", "a.xml", "x/y.xml", "word/Doc.XML"):
            zf.writestr(name, "<x/>")
    return out.getvalue()


GRAPHS = {
    "plain": {"_rels/.rels": [("officeDocument", "word/document.xml", None)]},
    "absolute, dotted and repeated targets": {
        "_rels/.rels": [("officeDocument", "/word/document.xml", None), ("x", "./a.xml", None)],
        "word/_rels/document.xml.rels": [("styles", "a.xml", None), ("numbering", "../word/./b.xml", None),
                                         ("x", "../a.xml", None), ("y", "a.xml", None)]},
    "a cycle": {"_rels/.rels": [("officeDocument", "word/document.xml", None)],
                "word/_rels/document.xml.rels": [("x", "a.xml", None)],
                "word/_rels/a.xml.rels": [("x", "document.xml", None), ("y", "b.xml", None)]},
    "external": {"_rels/.rels": [("officeDocument", "word/document.xml", None),
                                 ("hyperlink", "http://example.com/", "External"),
                                 ("x", "word/a.xml", "Internal")]},
    "missing part": {"_rels/.rels": [("officeDocument", "word/missing.xml", None)]},
    "upper case": {"_rels/.rels": [("officeDocument", "word/Doc.XML", None)]},
    "above the root": {"_rels/.rels": [("officeDocument", "../../word/document.xml", None)]},
    "the package itself": {"_rels/.rels": [("officeDocument", "/", None)]},
    "empty target": {"_rels/.rels": [("officeDocument", "", None)]},
    "no relationships": {},
}


@pytest.mark.parametrize("name", list(GRAPHS))
def test_hand_made_graphs(name: str) -> None:
    assert_same_walk(graph(GRAPHS[name]))


def test_content_types_are_case_blind_and_a_missing_one_fails() -> None:
    rels = {"_rels/.rels": [("officeDocument", "word/Doc.XML", None)]}
    override = '<Override PartName="/WORD/doc.xml" ContentType="x/y"/>'
    assert assert_same_walk(graph(rels, override)) == "ok"
    assert walked(docx_reader._light_walk, graph(rels, override))[1][0][0][1] == "x/y"
    assert assert_same_walk(graph(rels, defaults='<Default Extension="XmL" ContentType="a/b"/>')) == "ok"
    assert assert_same_walk(graph(rels, defaults='<Default Extension="json" ContentType="a/b"/>')) == "failed"
    assert assert_same_walk(graph(rels, '<Override ContentType="x/y"/>')) == "failed"


def test_a_deep_chain_is_left_to_python_docx() -> None:
    deep = {"_rels/.rels": [("officeDocument", "word/document.xml", None)],
            "word/_rels/document.xml.rels": [("x", "p0.xml", None)]}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(graph(deep))) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        for i in range(docx_reader._MAX_DEPTH + 5):
            dst.writestr(f"word/p{i}.xml", "<x/>")
            dst.writestr(f"word/_rels/p{i}.xml.rels", f'<Relationships xmlns="{PR}"><Relationship Id="r" '
                                                    f'Type="{RT}x" Target="p{i + 1}.xml"/></Relationships>')
        dst.writestr(f"word/p{docx_reader._MAX_DEPTH + 5}.xml", "<x/>")
    data = out.getvalue()
    assert walked(docx_reader._light_walk, data) == ("failed", "_Unusual")
    assert walked(docx_reader._python_docx_walk, data)[0] == "ok"
    package = docx_reader._Package(docx_reader._Members(zipfile.ZipFile(io.BytesIO(data)), data))
    assert len(package.parts) == docx_reader._MAX_DEPTH + 7


def test_the_xml_content_types_are_python_docx_registrations() -> None:
    """The reader's written-out table of the content types python-docx loads as XML parts is the installed
    python-docx's (its registrations happen when the docx package is imported), and an unregistered content type
    makes a plain Part there, as `_Package.is_xml` assumes."""
    import docx  # noqa: F401 - performs the registrations
    from docx.opc.part import PartFactory, XmlPart

    registered = {ct for ct, cls in PartFactory.part_type_for.items() if issubclass(cls, XmlPart)}
    assert docx_reader._XML_CONTENT_TYPES == registered
    assert not issubclass(PartFactory.default_part_type, XmlPart)
    # the class selector python-docx asks first picks a (non-XML) ImagePart for image relationships and nothing else
    selector = PartFactory.part_class_selector
    assert selector is not None
    for content_type in (*registered, "image/png", "application/xml"):
        image_class = selector(content_type, RT + "image")
        assert image_class is not None and not issubclass(image_class, XmlPart)
        for reltype in (docx_reader._RT_OFFICE_DOCUMENT, docx_reader._RT_STYLES, docx_reader._RT_NUMBERING,
                        docx_reader._RT_CORE_PROPERTIES, RT + "settings"):
            assert selector(content_type, reltype) is None
    assert docx_reader._RT_IMAGE == RT + "image"
