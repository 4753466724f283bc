"""Word (.docx): body paragraphs and tables in document order, merged cells emitted once with their spans.

The package is checked before python-docx sees it: a zip bomb, an XML entity declaration, an encrypted or legacy
OLE file, or a zip without a main document part is refused with a Chinese message (GX001). Positions are Word's
own: paragraph N among body paragraphs, or table T / row R / cell C (1-based, C counting the row's <w:tc>).
Headers, footers and text boxes are not read.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from gxlint.origin import Origin
from gxlint.read.document import MAX_PIECES, Block, Document, Line, RawCell, ReadError, Table, too_many
from gxlint.read.docx_inflate import inflate

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200
LARGE_MEMBER = 1024 * 1024  # below this a high ratio is harmless (XML of empty table cells compresses very well)
MAX_MEMBERS = 10_000
MAX_ROWSPAN = 1000
MAX_COLSPAN = 64
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 1024 * 1024
_KEEP_WHOLE = 16 * 1024 * 1024  # members up to this size are read whole once and kept for the reader

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT, _CUSTOM_XML = (
    _W + "p", _W + "tbl", _W + "tr", _W + "tc", _W + "sdt", _W + "sdtContent", _W + "customXml")
# wrappers Word may put around paragraphs, rows or cells (content controls, custom XML, moved or inserted text)
_WRAPPERS = frozenset({_SDT, _SDT_CONTENT, _CUSTOM_XML})
# never shown as body text: deleted revisions, text boxes (and their VML fallback copy), field codes, properties
_HIDDEN = frozenset({
    _W + "del", _W + "moveFrom", _W + "txbxContent", _MC + "Fallback", _W + "instrText", _W + "delText",
    _W + "rPr", _W + "pPr", _W + "sdtPr", _W + "fldData", _W + "rt", _W + "drawing", _W + "pict", _W + "object",
})
_BREAKS = frozenset({_W + "br", _W + "cr"})
_TR_PR, _TC_PR, _P_PR, _NUM_PR, _P_STYLE = _W + "trPr", _W + "tcPr", _W + "pPr", _W + "numPr", _W + "pStyle"
_GRID_SPAN, _H_MERGE, _V_MERGE, _W_VAL = _W + "gridSpan", _W + "hMerge", _W + "vMerge", _W + "val"


def read_docx(path: str, data: bytes) -> Document:
    """Entry point: every failure is a ReadError (GX001) with a reason a clerk can act on."""
    try:
        package = _check_package(data)
        return _read(path, data, package)
    except ReadError:
        raise
    except RecursionError as exc:
        raise ReadError("docx 文档结构嵌套过深，无法读取") from exc
    except MemoryError as exc:
        raise ReadError("docx 文件过大，读取时内存不足") from exc
    except Exception as exc:  # python-docx and lxml raise many unrelated types for damaged files
        raise ReadError(f"docx 文件无法读取（{type(exc).__name__}: {exc}）") from exc


# ------------------------------------------------------------------------------------------- package checks


def _check_package(data: bytes) -> _Members:
    """The guards, in their order; returns the members the DTD scan read, so the reader never inflates one twice."""
    if data.startswith(_OLE_MAGIC):
        raise ReadError("文档已加密或不是有效的 docx 文件（这是 OLE 复合文档：设置了打开密码的 Office 文件或旧版 .doc 格式，"
                        "请另存为未加密的 .docx）")
    if not data.startswith(b"PK"):
        raise ReadError("文档已加密或不是有效的 docx 文件（不是 zip 压缩包）")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        members = _Members(zf, data)
        infos = zf.infolist()
        _check_sizes(infos)
        _check_main_part(zf)
        for info in infos:
            if _is_xml_member(zf, info):
                _check_no_dtd(members, info)
        return members
    except ReadError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError,
            RuntimeError) as exc:
        raise ReadError(f"docx 文件已损坏或不完整（{exc}）") from exc


class _Members:
    """The open package and the members already read in full (by name, as zipfile resolves a name)."""

    def __init__(self, zf: zipfile.ZipFile, data: bytes) -> None:
        self.zf = zf
        self.data = data
        self.blobs: dict[str, bytes] = {}

    def read(self, name: str) -> bytes:
        """zf.read(name): KeyError for a missing member, the CRC checked on the first read."""
        blob = self.blobs.get(name)
        if blob is None:
            blob = self.blobs[name] = self.zf.read(name)
        return blob


def _check_sizes(infos: list[zipfile.ZipInfo]) -> None:
    """Zip-bomb guard on the sizes the archive declares; zipfile never inflates a member past its declared size
    (it fails the CRC instead), so these numbers bound what python-docx can be made to allocate."""
    if len(infos) > MAX_MEMBERS:
        raise ReadError(f"docx 文件包含 {len(infos)} 个部件，超过上限 {MAX_MEMBERS}，已拒绝")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise ReadError(f"docx 解压后过大（{total / 1048576:.0f} MB，上限 {MAX_UNCOMPRESSED // 1048576} MB），"
                        "疑似压缩炸弹，已拒绝")
    for i in infos:
        if i.flag_bits & 0x1:
            raise ReadError("文档已加密或不是有效的 docx 文件（zip 部件已加密）")
        if i.file_size > LARGE_MEMBER and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            ratio = i.file_size // max(i.compress_size, 1)
            raise ReadError(f"docx 中的部件 {i.filename} 压缩比异常（{ratio}:1），疑似压缩炸弹，已拒绝")


def _main_part_name(zf: zipfile.ZipFile) -> str:
    """The officeDocument target named by _rels/.rels (usually word/document.xml)."""
    try:
        rels = zf.read("_rels/.rels")
    except KeyError:
        return "word/document.xml"
    _reject_dtd(rels, "_rels/.rels")
    try:
        root = etree.fromstring(rels, _safe_parser())
    except etree.XMLSyntaxError:
        return "word/document.xml"
    for rel in root.iter(_REL_NS + "Relationship"):
        if (rel.get("Type") or "").endswith("/officeDocument") and rel.get("TargetMode") != "External":
            target = (rel.get("Target") or "").lstrip("/")
            return posixpath.normpath(target) if target else "word/document.xml"
    return "word/document.xml"


def _check_main_part(zf: zipfile.ZipFile) -> None:
    name = _main_part_name(zf)
    names = set(zf.namelist())
    if name not in names and "word/document.xml" not in names:
        raise ReadError("不是有效的 docx 文件：缺少正文部件 word/document.xml")


def _is_xml_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    name = info.filename.lower()
    if name.endswith((".xml", ".rels")):
        return True
    if info.is_dir() or info.file_size == 0:
        return False
    with zf.open(info) as fh:
        head = fh.read(16)
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml")


def _check_no_dtd(members: _Members, info: zipfile.ZipInfo) -> None:
    """Reads the member in chunks (the CRC check also catches a truncated or tampered archive here). A member of
    ordinary size is kept for the reader, so none is inflated twice; a large one is never held whole."""
    zf = members.zf
    whole = inflate(members.data, zf, info, _KEEP_WHOLE)
    if whole is not None:  # exactly what the chunked read below would see, and no error: checked in one piece
        _reject_dtd(whole, info.filename)
        if zf.NameToInfo.get(info.filename) is info:
            members.blobs[info.filename] = whole
        return
    keep: list[bytes] | None = [] if info.file_size <= _KEEP_WHOLE else None
    tail = b""
    first = True
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            if first and chunk[:2] in (b"\xff\xfe", b"\xfe\xff"):
                # a UTF-16 part: small by nature, check it decoded
                whole = chunk + fh.read()
                _reject_dtd(whole, info.filename)
                keep = [whole] if keep is not None else None
                break
            first = False
            _reject_dtd(tail + chunk, info.filename)
            tail = chunk[-16:]
            if keep is not None:
                keep.append(chunk)
    if keep is not None and zf.NameToInfo.get(info.filename) is info:  # a duplicate name: zipfile reads the last
        members.blobs[info.filename] = b"".join(keep)


def _reject_dtd(blob: bytes, name: str) -> None:
    if blob[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = blob.decode("utf-16", "replace").encode("utf-8")
    else:
        text = blob
    # an ordinary file's (large) styles parts hold no "!" at all: memchr finds that several times faster than the
    # search for "<!" (which stops at every "<")
    if b"!" in text and (b"<!DOCTYPE" in text or b"<!ENTITY" in text):
        raise ReadError(f"文档包含 XML 实体声明，已拒绝（{name}）")


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


# ----------------------------------------------------------------------------------------------------- reading


def _read(path: str, data: bytes, members: _Members) -> Document:
    """Reads the parts the Document needs straight from the zip with lxml; python-docx would load and parse every
    part of the package (styles alone cost milliseconds). A package that is in any way unusual is read by python-docx
    instead, so its result — or its error — is exactly python-docx's."""
    try:
        package = _Package(members)
        main = package.main_document()
        meta = package.meta()
    except ReadError:
        raise
    except Exception:  # python-docx decides what a damaged or unusual package is
        return _read_python_docx(path, data)
    try:
        numbering = _Numbering(lambda: package.related_element(_RT_NUMBERING),
                               lambda: package.related_element(_RT_STYLES))
        return _walk(path, main.find(_W + "body"), numbering, meta)
    except _Unusual:
        return _read_python_docx(path, data)


def _walk(path: str, body: etree._Element | None, numbering: _Numbering, meta: dict[str, str]) -> Document:
    walker = _Walker(numbering)
    if body is not None:
        pieces = sum(1 for _ in body.iter(_P, _TC))  # counted in C before the walk builds anything
        if pieces > MAX_PIECES:
            raise too_many(pieces, "段落或单元格")
        walker.body(body)
    return Document(path=path, format="docx", blocks=tuple(walker.blocks), meta=meta)


def _read_python_docx(path: str, data: bytes) -> Document:
    """The package as python-docx loads it (every part parsed): the reference the fast path must equal."""
    import docx  # heavy: imported only when a .docx needs it (a one-file pre-commit run stays fast)

    try:
        document = docx.Document(io.BytesIO(data))
    except ValueError as exc:  # python-docx: "file ... is not a Word file, content type is ..."
        raise ReadError(f"不是有效的 docx 文件（{exc}）") from exc
    part = document.part
    numbering = _Numbering(lambda: _related_element(part, _RT_NUMBERING), lambda: _related_element(part, _RT_STYLES))
    return _walk(path, document.element.body, numbering, _meta(part))


class _Unusual(Exception):
    """The fast path met something only python-docx should judge (a styles part that does not parse)."""


_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_RT_OFFICE_DOCUMENT, _RT_NUMBERING, _RT_STYLES, _RT_IMAGE = (
    _RT + "officeDocument", _RT + "numbering", _RT + "styles", _RT + "image")
_RT_CORE_PROPERTIES = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
_CT_DOCUMENT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_CT_CORE_PROPERTIES = "application/vnd.openxmlformats-package.core-properties+xml"


class _Package:
    """The package as python-docx sees it — content types, the relationship walk from _rels/.rels, which part is
    XML — using python-docx's own reader for those steps, so a missing part or content type fails the same way.
    Parts are parsed only when asked for, with python-docx's parser options."""

    def __init__(self, members: _Members) -> None:
        from docx.opc.packuri import PACKAGE_URI
        from docx.opc.part import PartFactory, XmlPart
        from docx.opc.pkgreader import PackageReader, _ContentTypeMap

        reader = _PhysReader(members)
        content_types = _ContentTypeMap.from_xml(reader.content_types_xml)
        pkg_srels = PackageReader._srels_for(reader, PACKAGE_URI)
        self.parts = {sp.partname: sp for sp in PackageReader._load_serialized_parts(reader, pkg_srels, content_types)}
        self.rels = {"/": _by_rid(pkg_srels), **{name: _by_rid(sp.srels) for name, sp in self.parts.items()}}
        self._part_type_for = PartFactory.part_type_for
        self._default_type = PartFactory.default_part_type
        self._xml_part = XmlPart
        self.elements: dict[str, etree._Element] = {}

    def related(self, source: str, reltype: str) -> str | None:
        """The partname source's one relationship of reltype points at (None: no such relationship)."""
        matching = [srel for srel in self.rels[source].values() if srel.reltype == reltype]
        if not matching:
            return None
        if len(matching) > 1 or matching[0].is_external:
            raise _Unusual(reltype)  # python-docx raises ValueError for either
        return str(matching[0].target_partname)

    def is_xml(self, partname: str, content_type: str | None = None) -> bool:
        """Whether python-docx makes this part an XmlPart (one with an element): image relationships make an image
        part whatever the content type; otherwise the content type's registered class."""
        spart = self.parts[partname]
        if spart.reltype == _RT_IMAGE or (content_type is not None and spart.content_type != content_type):
            return False
        return issubclass(self._part_type_for.get(spart.content_type, self._default_type), self._xml_part)

    def element(self, partname: str) -> etree._Element:
        root = self.elements.get(partname)
        if root is None:
            root = self.elements[partname] = etree.fromstring(self.parts[partname].blob, _part_parser())
        return root

    def main_document(self) -> etree._Element:
        name = self.related("/", _RT_OFFICE_DOCUMENT)
        if name is None or not self.is_xml(name, _CT_DOCUMENT_MAIN):
            raise _Unusual("main document part")
        self.main = name
        root = self.element(name)
        if root.tag != _W + "document":  # python-docx finds no body on another root and fails
            raise _Unusual(root.tag)
        return root

    def related_element(self, reltype: str) -> etree._Element | None:
        """As _related_element on python-docx's document part."""
        name = self.related(self.main, reltype)
        if name is None or not self.is_xml(name):
            return None
        try:
            return self.element(name)
        except etree.XMLSyntaxError as exc:  # python-docx fails at opening the file: its message is the one
            raise _Unusual(name) from exc

    def meta(self) -> dict[str, str]:
        """As _meta: docProps/core.xml through python-docx's CoreProperties, only when the package relates one."""
        from docx.opc.coreprops import CoreProperties
        from docx.oxml.parser import parse_xml

        name = self.related("/", _RT_CORE_PROPERTIES)
        if name is None:
            return {}
        if not self.is_xml(name, _CT_CORE_PROPERTIES):
            raise _Unusual(name)
        return _props_meta(CoreProperties(parse_xml(self.parts[name].blob)))


class _PhysReader:
    """python-docx's zip reader interface over the package the guards opened (members read once)."""

    def __init__(self, members: _Members) -> None:
        self.members = members

    def blob_for(self, pack_uri: str) -> bytes:
        return self.members.read(pack_uri[1:])

    @property
    def content_types_xml(self) -> bytes:
        return self.blob_for("/[Content_Types].xml")

    def rels_xml_for(self, source_uri: Any) -> bytes | None:
        try:
            return self.blob_for(source_uri.rels_uri)
        except KeyError:
            return None


def _by_rid(srels: Iterable[Any]) -> dict[str, Any]:
    """Relationships keyed by id as python-docx loads them: a repeated id replaces the earlier one in its place."""
    out: dict[str, Any] = {}
    for srel in srels:
        out[srel.rId] = srel
    return out


def _part_parser() -> etree.XMLParser:
    # python-docx's oxml parser options (blank text removed, entities never resolved), without its element classes
    return etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False)


def _meta(part: object) -> dict[str, str]:
    """Title and dates from docProps/core.xml, only when the file has one (python-docx invents defaults)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    try:
        core_part = part.package.part_related_by(RT.CORE_PROPERTIES)  # type: ignore[attr-defined]
    except KeyError:
        return {}
    return _props_meta(core_part.core_properties)


def _props_meta(props: Any) -> dict[str, str]:
    meta: dict[str, str] = {}
    if props.title and props.title.strip():
        meta["title"] = props.title.strip()
    for key, value in (("created", props.created), ("modified", props.modified)):
        if value is not None:
            meta[key] = value.date().isoformat()
    return meta


def _children(el: etree._Element, wanted: str) -> Iterator[etree._Element]:
    """`wanted` children in order, looking through content controls and other wrappers."""
    stack = list(reversed(el))
    while stack:
        child = stack.pop()
        if child.tag == wanted:
            yield child
        elif child.tag in _WRAPPERS:
            stack.extend(reversed(child))


def _blocks(el: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables directly in a body or cell, in order, through wrappers."""
    for child in el:
        tag = child.tag
        if tag == _P or tag == _TBL:
            yield child
        elif tag in _WRAPPERS:
            yield from _blocks(child)


def _child(el: etree._Element | None, tag: str) -> etree._Element | None:
    """el.find(tag) for a plain tag: the first such child. A loop over the children is several times faster than
    lxml's path machinery, and these look-ups run for every cell and paragraph."""
    if el is not None:
        for child in el:
            if child.tag == tag:
                return child
    return None


# what _paragraph_lines does with an element, by tag; any other element is looked into
_SKIP, _TEXT, _TAB, _BREAK, _HYPHEN = range(5)
_TEXT_KINDS: dict[str, int] = {
    **dict.fromkeys(_HIDDEN, _SKIP), _P: _SKIP, _TBL: _SKIP, _W + "t": _TEXT, _W + "tab": _TAB, _W + "ptab": _TAB,
    **dict.fromkeys(_BREAKS, _BREAK), _W + "noBreakHyphen": _HYPHEN,
}


def _paragraph_lines(p: etree._Element) -> tuple[list[str], etree._Element | None]:
    """The paragraph's visible text split at manual line breaks (w:br, w:cr), and its first w:pPr (found on the
    same pass over its children, for the numbering)."""
    lines: list[list[str]] = [[]]
    p_pr = None
    for child in p:
        if child.tag == _P_PR:
            if p_pr is None:
                p_pr = child
            continue  # hidden
        _visit(child, lines)
    return ["".join(parts) for parts in lines], p_pr


def _visit(el: etree._Element, lines: list[list[str]]) -> None:
    # depth-first in document order; libxml2 caps nesting at 256 levels, well inside Python's recursion limit
    tag = el.tag
    if tag.__class__ is not str:  # comments, processing instructions
        return
    kind = _TEXT_KINDS.get(tag)
    if kind is None:
        for child in el:
            _visit(child, lines)
    elif kind == _TEXT:
        lines[-1].append(el.text or "")
    elif kind == _TAB:
        lines[-1].append("\t")
    elif kind == _BREAK:
        lines.append([])
    elif kind == _HYPHEN:
        lines[-1].append("-")


def _clean(text: str) -> str:
    return text.strip(" \t\r\n\f\v\u00a0\u3000\u200b\ufeff")


def _join(pieces: list[str]) -> str:
    """Lines of one cell: "本年新" + "制作数量" read as one label, but two ASCII numbers keep a space between them
    so "6" + "251000元" never fuses into one number."""
    out = ""
    for piece in pieces:
        if not piece:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and piece[0].isascii() and piece[0].isalnum():
            out += " "
        out += piece
    return out


def _int_attr(el: etree._Element | None, default: int) -> int:
    if el is None:
        return default
    try:
        return int(el.get(_W + "val", str(default)))
    except ValueError:
        return default


def _flag(el: etree._Element | None) -> bool:
    """An on/off property: present and not switched off (w:val="0"/"false"/"off")."""
    return el is not None and el.get(_W + "val", "true") not in ("0", "false", "off")


def _merge_state(el: etree._Element | None) -> str | None:
    """w:vMerge / w:hMerge: "restart", "continue" (also written as the bare element), or None."""
    if el is None:
        return None
    return el.get(_W_VAL) or "continue"


def _cell_props(tc_pr: etree._Element | None) -> tuple[etree._Element | None, ...]:
    """The first w:gridSpan, w:hMerge and w:vMerge of a w:tcPr, in one pass over its children."""
    grid_span = h_merge = v_merge = None
    if tc_pr is not None:
        for child in tc_pr:
            tag = child.tag
            if tag == _GRID_SPAN:
                grid_span = grid_span if grid_span is not None else child
            elif tag == _H_MERGE:
                h_merge = h_merge if h_merge is not None else child
            elif tag == _V_MERGE:
                v_merge = v_merge if v_merge is not None else child
    return grid_span, h_merge, v_merge


@dataclass
class _CellRec:
    text: str
    origin: Origin
    colspan: int
    header: bool
    rowspan: int = 1


@dataclass
class _Walker:
    numbering: _Numbering
    blocks: list[Block] = field(default_factory=list)
    paragraph_count: int = 0
    table_count: int = 0

    def body(self, body: etree._Element) -> None:
        for el in _blocks(body):
            if el.tag == _P:
                self.paragraph_count += 1
                self._lines(el, Origin(paragraph=self.paragraph_count))
            else:
                self._table(el)

    def _lines(self, p: etree._Element, origin: Origin) -> None:
        lines, p_pr = _paragraph_lines(p)
        lines[0] = self.numbering.label(p_pr) + lines[0]
        for line in lines:
            text = _clean(line)
            if text:
                self.blocks.append(Line(text, origin))

    def _table(self, tbl: etree._Element) -> None:
        self.table_count += 1
        number = self.table_count
        if next(tbl.iterdescendants(_TBL), None) is not None:
            self._container(tbl, number)
            return
        rows = _merged_rows(tbl, number, self._cell_text)
        if any(rows):
            origin = Origin(table=number)
            self.blocks.append(Table(rows=tuple(tuple(_freeze(c) for c in row) for row in rows), origin=origin))

    def _container(self, tbl: etree._Element, number: int) -> None:
        """A table holding tables is page layout: its text becomes lines, the inner tables are tables."""
        for r, tr in enumerate(_children(tbl, _TR), start=1):
            for c, tc in enumerate(_children(tr, _TC), start=1):
                for el in _blocks(tc):
                    if el.tag == _P:
                        self._lines(el, Origin(table=number, row=r, cell=c))
                    else:
                        self._table(el)

    def _cell_text(self, tc: etree._Element) -> str:
        pieces: list[str] = []
        for p in _blocks(tc):
            if p.tag != _P:
                continue  # not reached: a cell holding a table makes its table a container
            lines, p_pr = _paragraph_lines(p)
            lines[0] = self.numbering.label(p_pr) + lines[0]
            pieces.extend(_clean(line) for line in lines)
        return _join(pieces)


def _freeze(c: _CellRec) -> RawCell:
    return RawCell(c.text, c.origin, min(c.rowspan, MAX_ROWSPAN), c.colspan, c.header)


def _merged_rows(tbl: etree._Element, number: int, cell_text: Callable[[etree._Element], str]) -> list[list[_CellRec]]:
    """Rows of cells with Word's merges folded: a w:vMerge continuation adds one to the rowspan of the cell above
    it in the same grid column, a w:hMerge continuation widens the cell to its left; neither is emitted."""
    rows: list[list[_CellRec]] = []
    above: dict[int, _CellRec] = {}
    for r, tr in enumerate(_children(tbl, _TR), start=1):
        tr_pr = _child(tr, _TR_PR)
        header = _flag(_child(tr_pr, _W + "tblHeader")) if tr_pr is not None else False
        col = _int_attr(_child(tr_pr, _W + "gridBefore"), 0)
        row: list[_CellRec] = []
        below: dict[int, _CellRec] = {}
        for c, tc in enumerate(_children(tr, _TC), start=1):
            grid_span, h_merge, v_merge = _cell_props(_child(tc, _TC_PR))
            span = max(1, min(_int_attr(grid_span, 1), MAX_COLSPAN))
            if _merge_state(h_merge) == "continue" and row:
                row[-1].colspan = min(row[-1].colspan + span, MAX_COLSPAN)
                col += span
                continue
            start = above.get(col)
            if _merge_state(v_merge) == "continue" and start is not None:
                start.rowspan += 1
                below[col] = start
                col += span
                continue
            rec = _CellRec(cell_text(tc), Origin(table=number, row=r, cell=c), span, header)
            row.append(rec)
            below[col] = rec
            col += span
        rows.append(row)
        above = below
    return rows


# --------------------------------------------------------------------------------------------------- numbering

_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_HEAVENLY = "甲乙丙丁戊己庚辛壬癸"
_ZODIAC = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _chinese(n: int, digits: str = _CN_DIGITS, ten: str = "十") -> str:
    """1 → 一, 10 → 十, 11 → 十一, 23 → 二十三 (Word's chineseCounting, up to 99)."""
    if n <= 0 or n >= 100:
        return str(n)
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else (ten if tens == 1 else digits[tens] + ten)
    return head + (digits[units] if units else "")


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    out = ""
    for value, sym in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                       (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out += sym
            n -= value
    return out


def _letters(n: int) -> str:
    if n <= 0:
        return str(n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "taiwaneseCountingThousand",
               "japaneseCounting", "koreanCounting"):
        return _chinese(n)
    if fmt == "chineseLegalSimplified":
        return _chinese(n, _CN_LEGAL, "拾")
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return _HEAVENLY[n - 1]
    if fmt == "ideographZodiac" and 1 <= n <= 12:
        return _ZODIAC[n - 1]
    if fmt.startswith("decimalEnclosedCircle") and 1 <= n <= 20:
        return _CIRCLED[n - 1]
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(ord(d) - ord("0") + ord("０")) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("lowerLetter", "upperLetter"):
        s = _letters(n)
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman"):
        s = _roman(n)
        return s.upper() if fmt == "upperRoman" else s
    return str(n)


@dataclass
class _Level:
    start: int
    fmt: str
    text: str
    suffix: str


class _Numbering:
    """Word's automatic list numbering ("一、" before a heading is often not in the text at all): w:numPr on the
    paragraph or its style chain → w:num → w:abstractNum level → lvlText with %1…%9 filled from counters.
    Counters are kept per abstract list, as Word continues a list across w:num instances that share one."""

    def __init__(self, numbering: Callable[[], etree._Element | None],
                 styles: Callable[[], etree._Element | None]) -> None:
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId → (abstractNumId, start overrides)
        self.levels: dict[str, dict[int, _Level]] = {}
        self._styles_loader: Callable[[], etree._Element | None] | None = styles
        self._styles: dict[str, etree._Element] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self._load_numbering(numbering())

    @property
    def styles(self) -> dict[str, etree._Element]:
        """Paragraph styles by id, parsed on first use: most documents never look one up for numbering."""
        if self._styles_loader is not None:
            root, self._styles_loader = self._styles_loader(), None
            if root is not None:
                for style in root.iter(_W + "style"):
                    sid = style.get(_W + "styleId")
                    if sid:
                        self._styles[sid] = style
        return self._styles

    def _load_numbering(self, root: etree._Element | None) -> None:
        if root is None:
            return
        for abstract in root.iter(_W + "abstractNum"):
            aid = abstract.get(_W + "abstractNumId") or ""
            levels: dict[int, _Level] = {}
            for lvl in abstract.iter(_W + "lvl"):
                ilvl = int(lvl.get(_W + "ilvl", "0")) if (lvl.get(_W + "ilvl") or "0").isdigit() else 0
                fmt_el, text_el, suff_el = lvl.find(_W + "numFmt"), lvl.find(_W + "lvlText"), lvl.find(_W + "suff")
                levels[ilvl] = _Level(
                    start=_int_attr(lvl.find(_W + "start"), 1),
                    fmt=fmt_el.get(_W + "val", "decimal") if fmt_el is not None else "decimal",
                    text=text_el.get(_W + "val", "") if text_el is not None else "",
                    suffix=suff_el.get(_W + "val", "tab") if suff_el is not None else "tab",
                )
            self.levels[aid] = levels
        for num in root.iter(_W + "num"):
            ref = num.find(_W + "abstractNumId")
            if ref is None:
                continue
            overrides = {}
            for ov in num.iter(_W + "lvlOverride"):
                start = ov.find(_W + "startOverride")
                if start is not None and (ov.get(_W + "ilvl") or "").isdigit():
                    overrides[int(ov.get(_W + "ilvl"))] = _int_attr(start, 1)
            self.nums[num.get(_W + "numId") or ""] = (ref.get(_W + "val") or "", overrides)

    def _num_pr(self, p_pr: etree._Element | None) -> tuple[str, int] | None:
        """(numId, level) from the paragraph's w:pPr, else from its style and the styles it is based on."""
        if p_pr is None:
            return None
        num_id: str | None = None
        ilvl: int | None = None
        num_pr = p_style = None
        for child in p_pr:  # the first w:numPr and w:pStyle, in one pass
            tag = child.tag
            if tag == _NUM_PR:
                num_pr = num_pr if num_pr is not None else child
            elif tag == _P_STYLE:
                p_style = p_style if p_style is not None else child
        if num_pr is not None:
            num_id = _val(_child(num_pr, _W + "numId"))
            ilvl_el = _child(num_pr, _W + "ilvl")
            ilvl = _int_attr(ilvl_el, 0) if ilvl_el is not None else None
        style_id = _val(p_style)
        seen: set[str] = set()
        while num_id is None and style_id and style_id not in seen and style_id in self.styles:
            seen.add(style_id)
            style = self.styles[style_id]
            # style.find("w:pPr/w:numPr"): the first numPr under any pPr child
            num_pr = next((n for pp in style.iterchildren(_P_PR) for n in pp.iterchildren(_NUM_PR)), None)
            if num_pr is not None:
                num_id = _val(_child(num_pr, _W + "numId"))
                ilvl_el = _child(num_pr, _W + "ilvl")
                if ilvl is None and ilvl_el is not None:
                    ilvl = _int_attr(ilvl_el, 0)
            style_id = _val(_child(style, _W + "basedOn"))
        if not num_id or num_id == "0" or num_id not in self.nums:
            return None
        return num_id, max(0, min(ilvl or 0, 8))

    def label(self, p_pr: etree._Element | None) -> str:
        """The number Word draws before the paragraph with this w:pPr ("" when it has none); advances the list's
        counters."""
        if not self.nums:  # no list at all: nothing to look up (and the styles stay unparsed)
            return ""
        found = self._num_pr(p_pr)
        if found is None:
            return ""
        num_id, ilvl = found
        aid, overrides = self.nums[num_id]
        levels = self.levels.get(aid, {})
        level = levels.get(ilvl)
        if level is None or level.fmt in ("bullet", "none"):
            return ""
        counters = self.counters.setdefault(aid, {})
        start = overrides.get(ilvl, level.start)
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]  # a new item restarts its sub-lists
        text = level.text
        for k in range(9):
            if f"%{k + 1}" in text:
                sub = levels.get(k)
                value = counters.get(k, overrides.get(k, sub.start if sub else 1))
                text = text.replace(f"%{k + 1}", _format_number(value, sub.fmt if sub else "decimal"))
        return text + {"space": " ", "nothing": ""}.get(level.suffix, "\t")


def _val(el: etree._Element | None) -> str | None:
    return el.get(_W + "val") if el is not None else None


def _related_element(part: object, reltype: str) -> etree._Element | None:
    """The root element of a related part, without python-docx creating a default one when it is missing."""
    try:
        related = part.part_related_by(reltype)  # type: ignore[attr-defined]
    except KeyError:
        return None
    return getattr(related, "element", None)
