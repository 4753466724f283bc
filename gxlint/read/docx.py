"""Word (.docx): body paragraphs and tables in document order, merged cells emitted once with their spans.

The package is checked before python-docx sees it: a zip bomb, an XML entity declaration in a part any parser is
given, an encrypted or legacy OLE file, or a zip without a main document part is refused with a Chinese message
(GX001). Positions are Word's
own: paragraph N among body paragraphs, or table T / row R / cell C (1-based, C counting the row's <w:tc>).
Headers, footers and text boxes are not read.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterable
from typing import Any, NamedTuple

from lxml import etree

from gxlint.read.document import MAX_PIECES, Block, Document, ReadError, too_many
from gxlint.read.docx_core import _props_meta, core_meta
from gxlint.read.docx_inflate import inflate
from gxlint.read.docx_numbering import _Numbering
from gxlint.read.docx_stream import walk as walk_stream
from gxlint.read.docx_walk import _Walker
from gxlint.read.docx_xml import _P, _TC, _W, _part_parser

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200
LARGE_MEMBER = 1024 * 1024  # below this a high ratio is harmless (XML of empty table cells compresses very well)
MAX_MEMBERS = 10_000
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 1024 * 1024
_KEEP_WHOLE = 16 * 1024 * 1024  # members up to this size are read whole once and kept for the reader

_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def read_docx(path: str, data: bytes) -> Document:
    """Entry point: every failure is a ReadError (GX001) with a reason a clerk can act on."""
    try:
        members, package = _check_package(data)
        return _read(path, data, members, package)
    except ReadError:
        raise
    except RecursionError as exc:
        raise ReadError("docx 文档结构嵌套过深，无法读取") from exc
    except MemoryError as exc:
        raise ReadError("docx 文件过大，读取时内存不足") from exc
    except Exception as exc:  # python-docx and lxml raise many unrelated types for damaged files
        raise ReadError(f"docx 文件无法读取（{type(exc).__name__}: {exc}）") from exc


# ------------------------------------------------------------------------------------------- package checks


def _check_package(data: bytes) -> tuple[_Members, _Package | None]:
    """The guards, in their order. Returns the members the DTD scan read (so the reader never inflates one twice)
    and the package's relationship walk, or None when that walk failed (python-docx then reads the file).

    Only the members a parser can be given are scanned for a DTD: [Content_Types].xml, the relationship parts and
    the parts the walk reaches that python-docx loads as XML (the only parts the fast path parses, too; the others
    it keeps as bytes, never parsed). The walk scans each relationship part before parsing it. When the walk
    fails, python-docx's own walk may go anywhere, so every XML member is scanned, as before."""
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
        _check_main_part(members)
        package = _walk_package(members)
        if package is None:
            for info in infos:
                if _is_xml_member(zf, info):
                    _check_no_dtd(members, info)
        else:
            parsed = package.parsed_members()
            for info in infos:  # in the archive's order, as before: the first refused member is named
                if info.filename in parsed and zf.NameToInfo.get(info.filename) is info:
                    members.check(info.filename)
        return members, package
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
        self.checked: set[str] = set()  # names whose member (the one zipfile reads) was scanned for a DTD

    def check(self, name: str) -> None:
        """The DTD scan of the member zipfile reads for `name` (KeyError when there is none), once."""
        if name not in self.checked:
            _check_no_dtd(self, self.zf.getinfo(name))
            self.checked.add(name)

    def parse(self, name: str) -> bytes:
        """The member's bytes for a parser: scanned for a DTD first."""
        self.check(name)
        return self.read(name)

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


def _main_part_name(members: _Members) -> str:
    """The officeDocument target named by _rels/.rels (usually word/document.xml). The member is read as the DTD scan
    reads it (zipfile's errors, its DTD refused), and kept for the relationship walk."""
    try:
        rels = members.parse("_rels/.rels")
    except KeyError:
        return "word/document.xml"
    try:
        root = etree.fromstring(rels, _safe_parser())
    except etree.XMLSyntaxError:
        return "word/document.xml"
    for rel in root.iter(_REL_NS + "Relationship"):
        if (rel.get("Type") or "").endswith("/officeDocument") and rel.get("TargetMode") != "External":
            target = (rel.get("Target") or "").lstrip("/")
            return posixpath.normpath(target) if target else "word/document.xml"
    return "word/document.xml"


def _check_main_part(members: _Members) -> None:
    name = _main_part_name(members)
    names = set(members.zf.namelist())
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


def _read(path: str, data: bytes, members: _Members, package: _Package | None) -> Document:
    """Reads the parts the Document needs straight from the zip with lxml; python-docx would load and parse every
    part of the package (styles alone cost milliseconds). A package that is in any way unusual is read by python-docx
    instead, so its result — or its error — is exactly python-docx's."""
    if package is None:  # python-docx decides what a damaged or unusual package is
        return _read_python_docx(path, data)
    try:
        main = package.main_document()
        meta = package.meta()
    except ReadError:
        raise
    except Exception:  # python-docx decides what a damaged or unusual package is
        return _read_python_docx(path, data)
    try:
        numbering = _Numbering(lambda: package.related_element(_RT_NUMBERING),
                               lambda: package.related_element(_RT_STYLES))
        return _walk(path, main.find(_W + "body"), numbering, meta, fast=True,
                     size=len(members.read(package.main[1:])))
    except _Unusual:
        return _read_python_docx(path, data)


def _walk(path: str, body: etree._Element | None, numbering: _Numbering, meta: dict[str, str],
          fast: bool = False, size: int | None = None) -> Document:
    """`fast`: the body is from the reader's own parse (lxml's plain elements), so the one-pass stream can read it;
    python-docx's tree, and any body the stream declines, takes the reference walk.

    `size`: the length in bytes of the XML the body was parsed from, when known. Each element there is a tag of at
    least four characters ("<a/>") and each character at least a byte — the DTD scan leaves no entity, and lxml does
    not iterate into an entity reference anyway — so a part of at most 4 × MAX_PIECES bytes cannot hold too many
    pieces: they are counted only in a larger one (an ordinary report's document.xml is well under 1 MB)."""
    blocks: list[Block] | None = []
    if body is not None:
        if size is None or size // 4 > MAX_PIECES:
            pieces = sum(1 for _ in body.iter(_P, _TC))  # counted in C before the walk builds anything
            if pieces > MAX_PIECES:
                raise too_many(pieces, "段落或单元格")
        blocks = walk_stream(body, numbering) if fast else None
        if blocks is None:
            numbering.counters.clear()  # the stream may have numbered paragraphs before it gave up
            walker = _Walker(numbering)
            walker.body(body)
            blocks = walker.blocks
    return Document(path=path, format="docx", blocks=tuple(blocks), meta=meta)


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
_CT_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
# The content types python-docx registers with an XmlPart subclass (docx/__init__.py); any other makes a plain Part
# (PartFactory.default_part_type). Written out so the fast path never imports python-docx; a test compares it with
# the installed python-docx's registrations.
_XML_CONTENT_TYPES = frozenset({
    _CT_CORE_PROPERTIES, _CT_DOCUMENT_MAIN, _CT_WML + "comments+xml", _CT_WML + "footer+xml", _CT_WML + "header+xml",
    _CT_WML + "numbering+xml", _CT_WML + "settings+xml", _CT_WML + "styles+xml"})


def _walk_package(members: _Members) -> _Package | None:
    """The package's relationship walk, or None when python-docx's reader would fail on it (or a relationship
    part declares a DTD: the scan of every XML member then refuses the file as before)."""
    try:
        return _Package(members)
    except Exception:  # python-docx decides what a damaged or unusual package is
        return None


class _Package:
    """The package as python-docx sees it — content types, the relationship walk from _rels/.rels, which part is
    XML — so a missing part or content type fails the same way. A part's bytes are read only when it is parsed;
    parts are parsed only when asked for, with python-docx's parser options."""

    def __init__(self, members: _Members) -> None:
        try:
            self.parts, self.rels = _light_walk(members)
        except Exception:  # anything out of the ordinary: python-docx's own reader walks it, and fails as it fails
            self.parts, self.rels = _python_docx_walk(members)
        self.members = members
        self.elements: dict[str, etree._Element] = {}

    def parsed_members(self) -> set[str]:
        """The members any parser may be given: ours, or python-docx's when it reads the file (it parses the
        relationship parts, the content types and every part it loads as XML)."""
        return {*self.members.checked, *(name[1:] for name in self.parts if self.is_xml(name))}

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
        return spart.content_type in _XML_CONTENT_TYPES

    def element(self, partname: str) -> etree._Element:
        root = self.elements.get(partname)
        if root is None:
            root = self.elements[partname] = etree.fromstring(self.members.parse(partname[1:]), _part_parser())
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
        """As _meta: docProps/core.xml as python-docx's CoreProperties reads it, only when the package relates one."""
        name = self.related("/", _RT_CORE_PROPERTIES)
        if name is None:
            return {}
        if not self.is_xml(name, _CT_CORE_PROPERTIES):
            raise _Unusual(name)
        return core_meta(self.members.parse(name[1:]))


_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_MAX_DEPTH = 64  # a deeper chain of parts is left to python-docx's recursive walk (and its RecursionError)


class _Rel(NamedTuple):
    """What the reader uses of python-docx's _SerializedRelationship."""

    rId: str | None
    reltype: str | None
    is_external: bool
    target_partname: str | None  # None when external


class _Part(NamedTuple):
    """What the reader uses of python-docx's _SerializedPart."""

    content_type: str | None
    reltype: str | None


def _light_walk(members: _Members) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """python-docx's PackageReader walk (content types, then the relationship graph depth first from _rels/.rels,
    each part visited once) with plain lxml and a tenth of the Python calls; parts by partname and each source's
    relationships by id, as _python_docx_walk gives them. Raises on anything python-docx would fail on, and on
    whatever this walk does not model (an unexpected root, a missing attribute, a deep chain): the caller then asks
    python-docx's reader."""
    types = etree.fromstring(members.parse("[Content_Types].xml"), _part_parser())
    if types.tag != _CT_NS + "Types":
        raise _Unusual(types.tag)
    # python-docx's CaseInsensitiveDicts: keys lowered (a missing PartName or Extension fails, as .lower() of None)
    overrides = {o.get("PartName").lower(): o.get("ContentType")  # type: ignore[union-attr]
                 for o in types.iterchildren(_CT_NS + "Override")}
    defaults = {d.get("Extension").lower(): d.get("ContentType")  # type: ignore[union-attr]
                for d in types.iterchildren(_CT_NS + "Default")}
    package_rels = _light_rels(members, "/", "_rels/.rels")
    parts: dict[str, Any] = {}
    rels: dict[str, dict[str, Any]] = {"/": _by_rid(package_rels)}
    stack = [iter(package_rels)]
    while stack:
        for rel in stack[-1]:
            name = rel.target_partname
            if rel.is_external or name in parts:
                continue
            base, filename = posixpath.split(name)
            part_rels = _light_rels(members, base, posixpath.join(base, "_rels", filename + ".rels")[1:])
            members.zf.getinfo(name[1:])  # the part's bytes are read only if it is parsed: here its presence
            content_type = overrides.get(name.lower(), _NO_TYPE)
            if content_type is _NO_TYPE:
                ext = posixpath.splitext(name)[1]
                content_type = defaults[(ext[1:] if ext.startswith(".") else ext).lower()]  # KeyError: no type
            parts[name] = _Part(content_type, rel.reltype)
            rels[name] = _by_rid(part_rels)
            stack.append(iter(part_rels))
            if len(stack) > _MAX_DEPTH:
                raise _Unusual("deep")
            break
        else:
            stack.pop()
    return parts, rels


_NO_TYPE = object()


def _light_rels(members: _Members, base: str, member: str) -> list[_Rel]:
    """A relationship part as python-docx's _SerializedRelationships reads it (none when the member is missing)."""
    try:
        xml = members.parse(member)
    except KeyError:
        return []
    root = etree.fromstring(xml, _part_parser())
    if root.tag != _REL_NS + "Relationships":
        raise _Unusual(root.tag)
    out = []
    for rel in root.iterchildren(_REL_NS + "Relationship"):
        if rel.get("TargetMode", "Internal") == "External":
            out.append(_Rel(rel.get("Id"), rel.get("Type"), True, None))
            continue
        target = rel.get("Target")
        if target is None:
            raise _Unusual("no target")
        # PackURI.from_rel_ref; `base` is absolute, so abspath is normpath, and the result starts with a slash
        out.append(_Rel(rel.get("Id"), rel.get("Type"), False, posixpath.abspath(posixpath.join(base, target))))
    return out


def _python_docx_walk(members: _Members) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The same walk by python-docx's own PackageReader, over the members the guards opened."""
    from docx.opc.packuri import PACKAGE_URI
    from docx.opc.pkgreader import PackageReader, _ContentTypeMap

    reader = _PhysReader(members)
    content_types = _ContentTypeMap.from_xml(reader.content_types_xml)
    pkg_srels = PackageReader._srels_for(reader, PACKAGE_URI)
    parts = {sp.partname: sp for sp in PackageReader._load_serialized_parts(reader, pkg_srels, content_types)}
    return parts, {"/": _by_rid(pkg_srels), **{name: _by_rid(sp.srels) for name, sp in parts.items()}}


class _PhysReader:
    """python-docx's zip reader interface over the package the guards opened (members read once)."""

    def __init__(self, members: _Members) -> None:
        self.members = members

    def blob_for(self, pack_uri: str) -> None:
        """A part's bytes are read when it is parsed (most never are): here only its presence, as zipfile's KeyError."""
        self.members.zf.getinfo(pack_uri[1:])

    @property
    def content_types_xml(self) -> bytes:
        return self.members.parse("[Content_Types].xml")

    def rels_xml_for(self, source_uri: Any) -> bytes | None:
        try:
            return self.members.parse(source_uri.rels_uri[1:])
        except KeyError:
            return None


def _by_rid(srels: Iterable[Any]) -> dict[str, Any]:
    """Relationships keyed by id as python-docx loads them: a repeated id replaces the earlier one in its place."""
    out: dict[str, Any] = {}
    for srel in srels:
        out[srel.rId] = srel
    return out


def _meta(part: object) -> dict[str, str]:
    """Title and dates from docProps/core.xml, only when the file has one (python-docx invents defaults)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    try:
        core_part = part.package.part_related_by(RT.CORE_PROPERTIES)  # type: ignore[attr-defined]
    except KeyError:
        return {}
    return _props_meta(core_part.core_properties)


def _related_element(part: object, reltype: str) -> etree._Element | None:
    """The root element of a related part, without python-docx creating a default one when it is missing."""
    try:
        related = part.part_related_by(reltype)  # type: ignore[attr-defined]
    except KeyError:
        return None
    return getattr(related, "element", None)
