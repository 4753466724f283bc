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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from lxml import etree

from gxlint.origin import Origin
from gxlint.read.document import MAX_PIECES, Block, Document, Line, RawCell, ReadError, Table, too_many

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200
LARGE_MEMBER = 1024 * 1024  # below this a high ratio is harmless (XML of empty table cells compresses very well)
MAX_MEMBERS = 10_000
MAX_ROWSPAN = 1000
MAX_COLSPAN = 64
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 1024 * 1024

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


def read_docx(path: str, data: bytes) -> Document:
    """Entry point: every failure is a ReadError (GX001) with a reason a clerk can act on."""
    try:
        _check_package(data)
        return _read(path, data)
    except ReadError:
        raise
    except RecursionError as exc:
        raise ReadError("docx 文档结构嵌套过深，无法读取") from exc
    except MemoryError as exc:
        raise ReadError("docx 文件过大，读取时内存不足") from exc
    except Exception as exc:  # python-docx and lxml raise many unrelated types for damaged files
        raise ReadError(f"docx 文件无法读取（{type(exc).__name__}: {exc}）") from exc


# ------------------------------------------------------------------------------------------- package checks


def _check_package(data: bytes) -> None:
    if data.startswith(_OLE_MAGIC):
        raise ReadError("文档已加密或不是有效的 docx 文件（这是 OLE 复合文档：设置了打开密码的 Office 文件或旧版 .doc 格式，"
                        "请另存为未加密的 .docx）")
    if not data.startswith(b"PK"):
        raise ReadError("文档已加密或不是有效的 docx 文件（不是 zip 压缩包）")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            _check_sizes(infos)
            _check_main_part(zf)
            for info in infos:
                if _is_xml_member(zf, info):
                    _check_no_dtd(zf, info)
    except ReadError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError,
            RuntimeError) as exc:
        raise ReadError(f"docx 文件已损坏或不完整（{exc}）") from exc


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


def _check_no_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Reads the member in chunks (the CRC check also catches a truncated or tampered archive here)."""
    tail = b""
    first = True
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                return
            if first and chunk[:2] in (b"\xff\xfe", b"\xfe\xff"):
                # a UTF-16 part: small by nature, check it decoded
                _reject_dtd(chunk + fh.read(), info.filename)
                return
            first = False
            _reject_dtd(tail + chunk, info.filename)
            tail = chunk[-16:]


def _reject_dtd(blob: bytes, name: str) -> None:
    if blob[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = blob.decode("utf-16", "replace").encode("utf-8")
    else:
        text = blob
    if b"<!DOCTYPE" in text or b"<!ENTITY" in text:
        raise ReadError(f"文档包含 XML 实体声明，已拒绝（{name}）")


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


# ----------------------------------------------------------------------------------------------------- reading


def _read(path: str, data: bytes) -> Document:
    import docx  # heavy: imported only when a .docx is read (a one-file pre-commit run stays fast)

    try:
        document = docx.Document(io.BytesIO(data))
    except ValueError as exc:  # python-docx: "file ... is not a Word file, content type is ..."
        raise ReadError(f"不是有效的 docx 文件（{exc}）") from exc
    part = document.part
    walker = _Walker(_Numbering(part))
    body = document.element.body
    if body is not None:
        pieces = sum(1 for _ in body.iter(_P, _TC))  # counted in C before the walk builds anything
        if pieces > MAX_PIECES:
            raise too_many(pieces, "段落或单元格")
        walker.body(body)
    return Document(path=path, format="docx", blocks=tuple(walker.blocks), meta=_meta(part))


def _meta(part: object) -> dict[str, str]:
    """Title and dates from docProps/core.xml, only when the file has one (python-docx invents defaults)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    try:
        core_part = part.package.part_related_by(RT.CORE_PROPERTIES)  # type: ignore[attr-defined]
    except KeyError:
        return {}
    props = core_part.core_properties
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
    stack = list(reversed(el))
    while stack:
        child = stack.pop()
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag in _WRAPPERS:
            stack.extend(reversed(child))


def _paragraph_lines(p: etree._Element) -> list[str]:
    """The paragraph's visible text split at manual line breaks (w:br, w:cr)."""
    lines: list[list[str]] = [[]]
    stack = list(reversed(p))
    while stack:
        el = stack.pop()
        tag = el.tag
        if not isinstance(tag, str) or tag in _HIDDEN or tag in (_P, _TBL):
            continue
        if tag == _W + "t":
            lines[-1].append(el.text or "")
        elif tag == _W + "tab" or tag == _W + "ptab":
            lines[-1].append("\t")
        elif tag in _BREAKS:
            lines.append([])
        elif tag == _W + "noBreakHyphen":
            lines[-1].append("-")
        else:
            stack.extend(reversed(el))
    return ["".join(parts) for parts in lines]


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


def _merge_state(tc_pr: etree._Element | None, name: str) -> str | None:
    """w:vMerge / w:hMerge: "restart", "continue" (also written as the bare element), or None."""
    if tc_pr is None:
        return None
    el = tc_pr.find(_W + name)
    if el is None:
        return None
    return el.get(_W + "val") or "continue"


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
        lines = _paragraph_lines(p)
        lines[0] = self.numbering.label(p) + lines[0]
        for line in lines:
            text = _clean(line)
            if text:
                self.blocks.append(Line(text, origin))

    def _table(self, tbl: etree._Element) -> None:
        self.table_count += 1
        number = self.table_count
        if tbl.find(f".//{_TBL}") is not None:
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
            lines = _paragraph_lines(p)
            lines[0] = self.numbering.label(p) + lines[0]
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
        tr_pr = tr.find(_W + "trPr")
        header = _flag(tr_pr.find(_W + "tblHeader")) if tr_pr is not None else False
        col = _int_attr(tr_pr.find(_W + "gridBefore") if tr_pr is not None else None, 0)
        row: list[_CellRec] = []
        below: dict[int, _CellRec] = {}
        for c, tc in enumerate(_children(tr, _TC), start=1):
            tc_pr = tc.find(_W + "tcPr")
            span = max(1, min(_int_attr(tc_pr.find(_W + "gridSpan") if tc_pr is not None else None, 1), MAX_COLSPAN))
            if _merge_state(tc_pr, "hMerge") == "continue" and row:
                row[-1].colspan = min(row[-1].colspan + span, MAX_COLSPAN)
                col += span
                continue
            start = above.get(col)
            if _merge_state(tc_pr, "vMerge") == "continue" and start is not None:
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

    def __init__(self, part: object) -> None:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId → (abstractNumId, start overrides)
        self.levels: dict[str, dict[int, _Level]] = {}
        self.styles: dict[str, etree._Element] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self._load_numbering(_related_element(part, RT.NUMBERING))
        styles = _related_element(part, RT.STYLES)
        if styles is not None:
            for style in styles.iter(_W + "style"):
                sid = style.get(_W + "styleId")
                if sid:
                    self.styles[sid] = style

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

    def _num_pr(self, p: etree._Element) -> tuple[str, int] | None:
        """(numId, level) from the paragraph, else from its style and the styles it is based on."""
        p_pr = p.find(_W + "pPr")
        num_id: str | None = None
        ilvl: int | None = None
        if p_pr is not None and p_pr.find(_W + "numPr") is not None:
            num_pr = p_pr.find(_W + "numPr")
            num_id = _val(num_pr.find(_W + "numId"))
            ilvl = _int_attr(num_pr.find(_W + "ilvl"), 0) if num_pr.find(_W + "ilvl") is not None else None
        style_id = _val(p_pr.find(_W + "pStyle")) if p_pr is not None else None
        seen: set[str] = set()
        while num_id is None and style_id and style_id not in seen and style_id in self.styles:
            seen.add(style_id)
            style = self.styles[style_id]
            num_pr = style.find(f"{_W}pPr/{_W}numPr")
            if num_pr is not None:
                num_id = _val(num_pr.find(_W + "numId"))
                if ilvl is None and num_pr.find(_W + "ilvl") is not None:
                    ilvl = _int_attr(num_pr.find(_W + "ilvl"), 0)
            style_id = _val(style.find(_W + "basedOn"))
        if not num_id or num_id == "0" or num_id not in self.nums:
            return None
        return num_id, max(0, min(ilvl or 0, 8))

    def label(self, p: etree._Element) -> str:
        """The number Word draws before this paragraph ("" when it has none); advances the list's counters."""
        found = self._num_pr(p)
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
