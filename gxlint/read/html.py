"""HTML: published web pages or body-only fragments → text lines and data tables.

A published report is usually a whole portal page (header, navigation, footer, scripts) around one article body;
only that body is read, and the page's <title> and publication date go to `meta`. Every line and cell carries the
line and column (1-based, Unicode code points, in the decoded text) of the start tag it came from; libxml2 only
reports line numbers, so columns come from a small scan of the source's start tags (`_TagIndex`).
"""

from __future__ import annotations

import bisect
import codecs
import functools
import re
import unicodedata
from collections import deque
from collections.abc import Iterator
from itertools import repeat

from lxml import etree

from gxlint.origin import MappedOrigin, Origin
from gxlint.read.document import (
    MAX_PIECES,
    Block,
    Document,
    Line,
    RawCell,
    ReadError,
    Table,
    join_pieces,
    too_many,
)
from gxlint.read.encoding import decode

MAX_ROWSPAN = 1000
MAX_COLSPAN = 64
# libxml2 stores line numbers in 16 bits when parsing HTML: every later line reads as 65535
_LIBXML_LINE_CAP = 65535

Element = etree._Element

# never rendered, or rendered as something other than text
_SKIP = frozenset({
    "head", "title", "meta", "link", "script", "style", "noscript", "template", "iframe", "frame", "frameset",
    "object", "embed", "applet", "svg", "math", "canvas", "audio", "video", "map", "select", "option", "optgroup",
    "datalist", "button", "input", "textarea",
})
# page chrome in HTML5 markup; skipped only when no article body was found and the whole page is read
_CHROME = frozenset({"header", "footer", "nav", "aside"})
_NO_CREDIT = _SKIP | _CHROME | {"a"}
_BLOCK = frozenset({
    "html", "body", "address", "article", "aside", "blockquote", "center", "dd", "details", "dialog", "dir", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hgroup", "hr", "legend", "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "caption",
    "thead", "tbody", "tfoot", "tr", "td", "th", "ul", "listing", "xmp", "plaintext",
})
_SECTIONS = frozenset({"thead", "tbody", "tfoot"})
_CELLS = frozenset({"td", "th"})
# elements whose content the HTML tokenizer reads as raw text: a "<div>" inside them is not a tag
_RAW_TEXT = frozenset({"script", "style", "xmp", "iframe", "noembed", "noframes", "textarea", "title"})

# containers that content-management systems of Chinese government portals put the article in, most specific first:
# class="TRS_Editor", class="TRS_UEDITOR", id="zoom" (and variants), class="article_content" / "article-content",
# <article>. Found in one pass over the document, with the semantics of the XPath
# `//*[contains(concat(" ", normalize-space(@class), " "), " TRS_Editor ")]` etc. (five XPath queries cost 4x more)
_BODY_IDS = frozenset({"zoom", "Zoom", "UCAP-CONTENT", "ucap-content"})
_ARTICLE_CLASSES = frozenset({"article_content", "article-content"})
_XPATH_SPACE = re.compile(r"[ \t\r\n]+")  # normalize-space() splits on these four only
_MIN_BODY_CHARS = 100
# a table cell holding this much running text with paragraphs in it is page layout, not data
_LAYOUT_CELL_CHARS = 500
_WIDEN_LEVELS = 3
_MAIN_SHARE = 0.8
_FURNITURE_WORDS = ("header", "footer", "nav", "menu", "sidebar", "breadcrumb", "crumb", "copyright", "toolbar")

_META_CHARSET = re.compile(rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_ASCII_SPACE = re.compile(r"[ \t\n\f]+")
def _ascii_any_case(name: str) -> str:
    # "[sS][cC]…", not re.I: under re.I "s" also matches "ſ" and "i" "ı" / "İ", which str.lower() never maps to
    return "".join(f"[{c}{c.upper()}]" for c in name)


def _raw_text_skip(i: int) -> str:
    """After the start tag of the i-th raw-text element (group r<i> matched), its content up to the end tag (found
    case-insensitively, re.I as the tokenizer's search did) or to the end of the text; else the next name's test."""
    if i == len(_RAW_TEXT_NAMES):
        return ""
    name = _RAW_TEXT_NAMES[i]
    return rf"(?(r{i})(?s:.*?)(?:(?=(?i:</{name}[\s/>]))|\Z)|{_raw_text_skip(i + 1)})"


_RAW_TEXT_NAMES = tuple(sorted(_RAW_TEXT))
# The HTML tokenizer's start tags, one match each: a match first skips text, comments, declarations, processing
# instructions, end tags and a "<" that opens no tag, then takes a start tag (group "name", its ">" group "gt",
# absent when the tag runs to the end), and, for a raw-text element, its content, where a "<div>" is not a tag (a
# conditional group per raw-text name). In a start tag a quote opens an attribute value only right after "=" (white
# space allowed between); an unclosed value runs to the end of the text. The last match or two take no tag (the
# "\Z" branch: without it a text ending in plain text would be scanned again from each of its characters). One
# finditer gives every start tag without a Python step per token (`tests/test_read_html_speed_equivalence.py`
# keeps the character loop this replaced)
_SCAN = re.compile(
    # text, then any number of (comment | declaration, processing instruction or end tag | a "<" opening nothing)
    # each followed by text: the possessive loop written unrolled (one step per token, not per run)
    r"[^<]*+(?:(?:<!--(?s:.*?)(?:-->|\Z)|<[!?/][^>]*+(?:>|\Z)|<(?![A-Za-z]))[^<]*+)*+"
    r"(?:<(?P<name>"
    + "".join(rf"(?P<r{i}>{_ascii_any_case(n)}(?![^\s/>]))|" for i, n in enumerate(_RAW_TEXT_NAMES))
    + r"[A-Za-z][^\s/>]*+)"
    # attributes: runs of plain characters between "=" + quoted value (or a stray "=" or quote), unrolled alike
    r"""[^>"'=]*+(?:(?:=[ \t\n\f]*+"[^"]*+(?:"|\Z)|=[ \t\n\f]*+'[^']*+(?:'|\Z)|[="'])[^>"'=]*+)*+"""
    r"(?:(?P<gt>>)|\Z)"
    + _raw_text_skip(0)
    + r"|\Z)"
)
_SCAN_NAME = _SCAN.groupindex["name"]
_SCAN_GT = _SCAN.groupindex["gt"]
_SPAN = re.compile(r"\s*(\d{1,9})")
_FURNITURE_SPLIT = re.compile(r"[^a-z0-9]+")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_VISIBLE_DATE = re.compile(
    r"(?:发布|发文|成文|印发|公开|更新)?(?:时间|日期)\s*[:：]\s*((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_META_DATES = ("pubdate", "publishdate", "firstpublishedtime", "publishtime", "article:published_time",
               "dcterms.issued", "dc.date.issued", "dc.date")
_META_TITLES = ("articletitle", "og:title", "dc.title")
_string_value = etree.XPath("string()", smart_strings=False)  # lxml.html's text_content()
_STRIP = " \t\n\r\f\v\u00a0\u3000\u200b\u200c\u200d\u2060\ufeff"


def read_html(path: str, data: bytes) -> Document:
    """Entry point: never lets a parser exception escape; anything unreadable becomes ReadError (GX001)."""
    try:
        return _read(path, data)
    except ReadError:
        raise
    except RecursionError as exc:
        raise ReadError("HTML 结构嵌套过深，无法读取") from exc
    except MemoryError as exc:
        raise ReadError("HTML 文件过大，读取时内存不足") from exc
    except Exception as exc:  # a reader must report, not crash: lxml raises several unrelated exception types
        raise ReadError(f"无法解析 HTML 文件（{type(exc).__name__}: {exc}）") from exc


def _read(path: str, data: bytes) -> Document:
    tags = data.count(b"<")  # every element becomes objects here and pieces in recognition: count before parsing
    if tags > MAX_PIECES:
        raise too_many(tags, "标签")
    text, encoding = decode_html(data)
    # one newline convention, so libxml2's line numbers, ours and an editor's agree
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # libxml2 is given UTF-8: a page that was valid UTF-8 already is those bytes (with the same newlines), so it is
    # not encoded again (encoding a large page costs a third of its parse)
    encoded = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n") if encoding == "utf-8" else None
    root = _parse(text, encoded)
    index = _TagIndex(text, root)
    meta: dict[str, str] = {}
    title = _page_title(root)
    if title:
        meta["title"] = title
    page_body = root.find("body")
    if page_body is None:
        page_body = root
    body = _find_body(page_body, text)
    whole_page = body is page_body
    walker = _Walker(index, skip_chrome=whole_page)
    if not whole_page:
        heading = _visible_title(page_body, body, _title_references(root, title))
        if heading is not None:
            walker.blocks.append(Line(heading[0], index.origin(heading[1])))
    walker.walk(body)
    blocks = _drop_repeated_title(walker.blocks)
    published = _meta_date(root) or _visible_date(page_body, body, blocks, whole_page)
    if published:
        meta["published"] = published
    return Document(path=path, format="html", blocks=tuple(blocks), meta=meta, encoding=encoding)


# ---------------------------------------------------------------------------------------------------- decoding


def decode_html(data: bytes) -> tuple[str, str]:
    """BOM first, then the page's own declaration (<?xml encoding>, <meta charset>, http-equiv), then guessing."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(name if name != "utf-16" else _utf16(bom)), name
            except UnicodeDecodeError as exc:
                raise ReadError(f"文件以 {name} 字节序标记开头，但内容不是有效的 {name} 编码（{exc.reason}）") from exc
    declared = _declared_charset(data)
    if declared is not None:
        try:
            return data.decode(declared), declared
        except (UnicodeDecodeError, LookupError):
            # pages often say utf-8 and are GBK (or the reverse): let the guesser decide; a label naming a codec
            # that is not a text encoding ("zlib", "base64") is no declaration at all
            pass
    return decode(data)


def _utf16(bom: bytes) -> str:
    return "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"


def _declared_charset(data: bytes) -> str | None:
    head = data[:4096]
    m = _XML_DECL.match(head) or _META_CHARSET.search(head)
    if m is None:
        return None
    try:
        name = codecs.lookup(m.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    if name in ("gb2312", "gbk"):
        return "gb18030"  # browsers decode both labels with GBK; GB18030 is its superset and never loses a character
    if name in ("big5", "cp950"):
        return "big5hkscs"
    if name.startswith(("utf-16", "utf-32")):
        return "utf-8"  # a declaration readable as ASCII cannot be UTF-16 (HTML standard does the same)
    if name in ("latin-1", "iso8859-1", "cp1252", "ascii"):
        return None  # a Western label on a Chinese report is a CMS default, not a fact about the bytes
    return name


# ----------------------------------------------------------------------------------------------------- parsing


def _parse(text: str, encoded: bytes | None = None) -> Element:
    """`encoded`, when given, is `text` in UTF-8."""
    # encoding forced to the bytes we produce, so a stale <meta charset> cannot re-decode them; no network, no
    # huge-tree mode (libxml2 then stops at 256 levels instead of exhausting memory). A plain etree parser, not
    # lxml.html's: that one calls back into Python to pick a class for every element the reader touches
    parser = etree.HTMLParser(encoding="utf-8", remove_pis=True, no_network=True, huge_tree=False,
                              recover=True, default_doctype=False, collect_ids=False)  # no lookups by id
    try:
        root = etree.fromstring(text.encode("utf-8", "replace") if encoded is None else encoded, parser=parser)
    except etree.ParserError as exc:
        raise ReadError("HTML 文件没有可读的内容", code="GX002") from exc
    if root is None:  # what lxml.html.document_fromstring reports as ParserError
        raise ReadError("HTML 文件没有可读的内容", code="GX002")
    for entry in parser.error_log:
        if entry.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in entry.message:
            raise ReadError("HTML 结构嵌套过深（超过 256 层），无法可靠读取")
    return root


def _tag(el: Element) -> str | None:
    """Lower-case tag name, or None for comments, processing instructions and entities."""
    return el.tag.lower() if isinstance(el.tag, str) else None


def _hidden(el: Element) -> bool:
    keys = el.keys()  # one call, not a lookup per attribute: most elements have neither
    if not keys:
        return False
    if "hidden" in keys:
        return True
    if "style" not in keys:
        return False
    style = el.get("style")
    return bool(style) and _hiding_style(style)


def _hiding_style(style: str) -> bool:
    # a page repeats a few dozen style attributes a thousand times (Word exports), and the case-insensitive search
    # tries both words at every character of each; long (hostile) values are not kept
    return _hiding_style_cached(style) if len(style) <= 1000 else _hiding_style_cached.__wrapped__(style)


@functools.lru_cache(maxsize=4096)
def _hiding_style_cached(style: str) -> bool:
    return _HIDDEN_STYLE.search(style) is not None


class _TagIndex:
    """Line and column of every element's start tag.

    libxml2 gives each element the line on which its start tag *ends* (capped at 65535), not a column. A scan of
    the decoded text lists every start tag in order, keyed by (line of its ">", name); elements are matched to them
    in document order, which survives multi-line start tags and minified one-line pages alike."""

    def __init__(self, text: str, root: Element) -> None:
        self.source = _Source(text)
        names, starts, ends = _start_tags(text)
        # tags come in source order, so lines are counted forward from the previous tag (no per-tag search from
        # the start of the text); `line` is the line of offset `last`, `line_start` the offset that line starts at
        count, rfind = text.count, text.rfind
        line, line_start, last = 1, 0, 0
        tag_positions: list[tuple[int, int, int]] = []
        end_lines: list[int] = []
        for start, end in zip(starts, ends, strict=True):
            newlines = count("\n", last, start)
            if newlines:
                line += newlines
                line_start = rfind("\n", last, start) + 1
            tag_positions.append((line, start - line_start + 1, end))
            newlines = count("\n", start, end)
            if newlines:
                line += newlines
                line_start = rfind("\n", start, end) + 1
            last = end
            end_lines.append(line)
        elements = list(root.iter(etree.Element))  # elements only: comments and entities have no start tag
        source_lines = [el.sourceline for el in elements]
        # lines are capped only on a page that reaches the cap (a min() per tag costs)
        capped = line >= _LIBXML_LINE_CAP or (
            None not in source_lines and max(source_lines, default=0) >= _LIBXML_LINE_CAP)
        tag_keys = list(zip(map(min, end_lines, repeat(_LIBXML_LINE_CAP)) if capped else end_lines, names,
                            strict=True))
        # line and column of the "<", and the offset of the ">" (-1: implied by the parser, no tag in the source)
        self.positions: dict[Element, tuple[int, int | None, int]] = {}
        keys: list[tuple[int, str]] = []
        if None not in source_lines:
            tags = [el.tag.lower() for el in elements]
            keys = list(zip(map(min, source_lines, repeat(_LIBXML_LINE_CAP)) if capped else source_lines, tags,
                            strict=True))
        # Each element takes the first start tag not yet taken with its key (line, name). While elements and tags
        # agree one for one (a page the parser implied nothing in: most of them), that is the tag at the same
        # place, paired in C; from the first disagreement on, the tags left are queued by key, as they all were
        # (`tests/test_read_html_speed_equivalence.py` keeps that version)
        same = min(len(keys), len(tag_keys))
        if keys[:same] != tag_keys[:same]:
            same = next(i for i, (a, b) in enumerate(zip(keys, tag_keys, strict=False)) if a != b)
        self.positions = positions = dict(zip(elements[:same], tag_positions[:same], strict=True))
        if same == len(elements):
            return
        buckets: dict[tuple[int, str], deque[tuple[int, int, int]]] = {}
        for key, pos in zip(tag_keys[same:], tag_positions[same:], strict=True):
            queue = buckets.get(key)
            if queue is None:
                buckets[key] = queue = deque()
            queue.append(pos)
        for el in elements[same:]:
            sourceline = el.sourceline
            if sourceline is None:
                continue
            queue = buckets.get((sourceline if sourceline < _LIBXML_LINE_CAP else _LIBXML_LINE_CAP, el.tag.lower()))
            if queue:
                positions[el] = queue.popleft()
            elif sourceline < _LIBXML_LINE_CAP:
                positions[el] = (sourceline, None, -1)  # an element the parser implied: no tag to point at

    def origin(self, el: Element | None, **where: int) -> Origin:
        pos = self.positions.get(el) if el is not None else None
        if pos is None:
            line = getattr(el, "sourceline", None)  # comments are not indexed; their line is still known
            if line is not None and line < _LIBXML_LINE_CAP:
                return Origin(line=line, **where)
            return Origin(**where)
        return Origin(line=pos[0], col=pos[1], **where)


class _Source:
    """The decoded page, for finding where a character of a line's text stands (_LineMap). Lines hold it (not the
    parse tree) until their report is checked (api.lint_path settles their origins). A fragment is the text (or an
    element's tail) one line joins; a tail's place is looked for, as its element's end tag is not recorded."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._line_starts: list[int] | None = None

    def _find_tail(self, tail: str, after: int) -> tuple[int, int]:
        """(page offset, index in the tail) of the tail's first run of characters written as themselves in the
        page (not white space, not what entities stand for), looked for from `after`: (-1, 0) if not found."""
        m = _PLAIN_RUN.search(tail)
        if after < 0 or m is None:
            return -1, 0
        found = self.text.find(m.group(0)[:8], after, after + 100_000)
        return found, m.start()

    def _sync(self, at: int, known: int, frag: str, off: int) -> int:
        """The page offset of the fragment's character `off`, given that its character `known` is at `at`.
        Entities (&nbsp; is one character of text, six of source) shift what follows them: then the character's
        surroundings are looked for a little further on."""
        text = self.text
        target = at + off - known
        probe = frag[off:off + 4]
        if target >= 0 and text.startswith(probe, target):
            return target
        lo = max(at, target)
        # bounded: a fragment of thousands of entities gets its start, not a scan per finding over the whole page
        found = text.find(probe, lo, lo + min(64 + 8 * abs(off - known), 4096))
        return found if found >= 0 else at

    def _position(self, offset: int) -> tuple[int, int]:
        starts = self._line_starts
        if starts is None:
            starts = self._line_starts = [0, *(m.end() for m in re.finditer("\n", self.text))]
        i = bisect.bisect_right(starts, offset) - 1
        return i + 1, offset - starts[i] + 1


# characters an HTML page writes as themselves (not white space, not markup characters an entity stands for)
_PLAIN_RUN = re.compile(r"[^\s<>&\"'\u00a0\u3000]{2,}")


class _LineMap:
    """Where the characters of one line's text stand in the page: the collapse map, the fragments' offsets and the
    tails' places are worked out on the first question and kept, so that a line with many findings (a whole report
    in one paragraph) costs one pass over it, not one per finding."""

    def __init__(self, source: _Source, frags: list[str], sources: list[tuple[int, bool]]) -> None:
        self.source = source
        self.frags = frags
        self.sources = sources
        self._index: list[int] | None = None
        self._starts: list[int] = []
        self._tails: dict[int, tuple[int, int]] = {}

    def locate(self, k: int) -> tuple[int, int] | None:
        if self._index is None:
            self._index = _collapse_map("".join(self.frags))
            start = 0
            for frag in self.frags:
                self._starts.append(start)
                start += len(frag)
        index = self._index
        if not 0 <= k < len(index):
            return None
        p = index[k]
        i = bisect.bisect_right(self._starts, p) - 1
        frag = self.frags[i]
        at, tail = self.sources[i]
        known = 0  # the fragment's character at page offset `at`
        if tail:
            found = self._tails.get(i)
            if found is None:
                found = self._tails[i] = self.source._find_tail(frag, at)
            at, known = found
        return None if at < 0 else self.source._position(self.source._sync(at, known, frag, p - self._starts[i]))


def _collapse_map(text: str) -> list[int]:
    """For each character of _collapse(text), its index in `text` (a run of white space: its first character)."""
    kept: list[int] = []
    last = 0
    n = len(text)
    for m in _ASCII_SPACE.finditer(text):
        kept.extend(range(last, m.start()))
        s, e = m.start(), m.end()
        vanish = "\n" in m.group(0) and 0 < s and e < n and _wide(text[s - 1]) and _wide(text[e])
        if not vanish:
            kept.append(s)
        last = e
    kept.extend(range(last, n))
    lead = 0
    while lead < len(kept) and (text[kept[lead]] in _STRIP):
        lead += 1
    trail = len(kept)
    while trail > lead and (text[kept[trail - 1]] in _STRIP):
        trail -= 1
    return kept[lead:trail]


def _start_tags(text: str) -> tuple[list[str], list[int], list[int]]:
    """The start tags in source order: their lower-case names, the offsets of their "<" and of their ">" (the
    text's length for a tag that runs to the end), skipping comments, declarations, end tags and the content of
    raw-text elements, the way the HTML tokenizer does."""
    matches = list(_SCAN.finditer(text))
    while matches and matches[-1].start(_SCAN_NAME) < 0:
        matches.pop()  # the "\Z" branch's matches, at the end only
    names = [m.group(_SCAN_NAME).lower() for m in matches]
    starts = [m.start(_SCAN_NAME) - 1 for m in matches]
    ends = [m.start(_SCAN_GT) for m in matches]
    if ends and ends[-1] < 0:
        ends[-1] = len(text)  # only the last tag can lack its ">": it ran to the end of the text
    return names, starts, ends


# ----------------------------------------------------------------------------------------------- text cleaning


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _collapse_short(text: str) -> str:
    """_collapse, remembered for short texts: a report's cells repeat the same few numbers and labels."""
    return _collapse_cached(text) if len(text) <= 64 else _collapse(text)


def _collapse(text: str) -> str:
    """HTML white space: runs become one space, except that a line break between two Chinese characters vanishes
    (CSS Text 3 segment-break rule; Word exports wrap source lines in the middle of words)."""

    if "\n" not in text:  # no segment break: every run is one space, no per-run callback needed
        if " " not in text and "\t" not in text and "\f" not in text:
            return text.strip(_STRIP)  # no run at all (a Chinese paragraph): three scans cost less than the regex
        return _ASCII_SPACE.sub(" ", text).strip(_STRIP)

    def repl(m: re.Match[str]) -> str:
        if "\n" in m.group(0) and 0 < m.start() and m.end() < len(text):
            if _wide(text[m.start() - 1]) and _wide(text[m.end()]):
                return ""
        return " "

    return _ASCII_SPACE.sub(repl, text).strip(_STRIP)


_collapse_cached = functools.lru_cache(maxsize=8192)(_collapse)


# ------------------------------------------------------------------------------------------------- body choice


def _visible_text(root: Element, limit: int | None = None) -> str:
    """The rendered text of a subtree (no scripts, styles or hidden elements), without layout."""
    out: list[str] = []
    size = 0
    stack: list[tuple[Element, bool]] = [(root, False)]
    while stack:
        el, tail_only = stack.pop()
        if not tail_only:
            name = _tag(el)
            if name is not None and name not in _SKIP and not _hidden(el):
                if el.text:
                    out.append(el.text)
                    size += len(el.text)
                if el is not root:
                    stack.append((el, True))
                stack.extend((child, False) for child in reversed(el))
                if limit is not None and size > limit:
                    break
                continue
        if el is not root and el.tail:
            out.append(el.tail)
            size += len(el.tail)
    return "".join(out)


def _text_size(el: Element) -> int:
    return len(_ASCII_SPACE.sub("", _visible_text(el)))


def _find_body(page_body: Element, text: str | None = None) -> Element:
    """The article: a known CMS container when one holds real text (widened to the data tables that sit next to
    it), else, on a page with furniture, the smallest block holding the tables and most of the text. `text`, the
    page's source, lets a page that cannot name a container skip the search."""
    body = _known_container(page_body) if text is None or _may_name_container(text) else None
    if body is not None:
        return _widen_for_tables(body, page_body)
    if not _has_furniture(page_body):
        return page_body  # a fragment or a plain document: everything in it is the report
    return _main_region(page_body)


def _may_name_container(text: str) -> bool:
    """False only when no element of the page can be a known container. Without "&" in the source no attribute
    value holds a character reference, so a class or id is a piece of the source as it is written; and an
    <article> start tag is written as an ASCII case variant of the word. A few substring searches cost less than
    asking every element for its class and id."""
    return ("&" in text or "TRS_" in text or any(ident in text for ident in _BODY_IDS)
            or "article" in text.lower())


def _known_container(page_body: Element) -> Element | None:
    ranks: tuple[list[Element], ...] = ([], [], [], [], [])
    for el in _document_elements(page_body):
        cls = el.get("class")
        if cls and ("TRS_" in cls or "article" in cls):
            tokens = set(_XPATH_SPACE.split(cls))
            if "TRS_Editor" in tokens:
                ranks[0].append(el)
            if "TRS_UEDITOR" in tokens:
                ranks[1].append(el)
            if not tokens.isdisjoint(_ARTICLE_CLASSES):
                ranks[3].append(el)
        if el.get("id") in _BODY_IDS:
            ranks[2].append(el)
        if el.tag == "article":
            ranks[4].append(el)
    for candidates in ranks:
        found = [el for el in candidates if not _hidden(el)]
        sized = [(_text_size(el), el) for el in found]
        sized = [(size, el) for size, el in sized if size >= _MIN_BODY_CHARS or el.find(".//table") is not None]
        if sized:
            return max(sized, key=lambda s: s[0])[1]
    return None


def _document_elements(el: Element) -> Iterator[Element]:
    """Every element of el's document in document order, as XPath's `//*` sees them: libxml2 puts markup after
    </html> in a second top-level element."""
    root = el.getroottree().getroot()
    for top in (*reversed(list(root.itersiblings(preceding=True))), root, *root.itersiblings()):
        if isinstance(top.tag, str):
            yield from top.iter(etree.Element)


def _has_furniture(page_body: Element) -> bool:
    return any(_tag(el) in _CHROME or _marked_furniture(el) for el in page_body.iter() if _tag(el) is not None)


def _marked_furniture(el: Element) -> bool:
    """A class or id token naming page furniture ("header_link_01", "main-nav", "topnav", "footer")."""
    # class and id apart: tokens never span the space that would join them
    cls = el.get("class")
    if cls and _furniture_marks(cls):
        return True
    ident = el.get("id")
    return bool(ident) and _furniture_marks(ident)


def _furniture_marks(marks: str) -> bool:
    # a page repeats a few class names hundreds of times; long (hostile) values are not kept
    return _furniture_tokens(marks) if len(marks) <= 200 else _furniture_tokens.__wrapped__(marks)


@functools.lru_cache(maxsize=4096)
def _furniture_tokens(marks: str) -> bool:
    return any(tok.startswith(_FURNITURE_WORDS) or tok.endswith(_FURNITURE_WORDS)
               for tok in _FURNITURE_SPLIT.split(marks.lower()) if tok)


def _main_region(page_body: Element) -> Element:
    """Descend from the page body into the one child that holds at least `_MAIN_SHARE` of the readable text
    (text outside links and furniture) and every data table; stop where no child does."""
    tables = [t for t in page_body.iter("table") if t.find(".//table") is None and not _furniture(t)]
    # a child holds every data table only if it is an ancestor (or itself) of each: when no child of the node is,
    # the descent stops there whatever the text, and the text credit (a pass over the page) is not worked out. A
    # generated report's tables are children of <body>: no credit at all
    holds_tables: set[Element] | None = None
    if tables:
        holds_tables = set.intersection(*({t, *t.iterancestors()} for t in tables))
    credit: dict[Element, int] | None = None
    node = page_body
    while True:
        nxt = None
        for child in node:
            if holds_tables is not None and child not in holds_tables:
                continue
            if credit is None:
                credit = _text_credit(page_body)
                whole = credit.get(page_body, 0)
                if whole == 0:
                    return page_body
            if credit.get(child, 0) >= _MAIN_SHARE * whole:
                nxt = child
                break
        if nxt is None:
            return node
        node = nxt


def _text_credit(page_body: Element) -> dict[Element, int]:
    """For every element, the length of the readable text inside it (no links, no furniture, nothing hidden)."""
    # one pass in document order (lxml's own iteration, far cheaper than a stack of ours) records each readable
    # element, its parent's index and its own text: its text and its children's tails, skipped children included.
    # An element whose parent was not recorded is inside a skipped one. Sums then flow up from the last element to
    # the first, as a child always comes after its parent (no walk up the ancestors per element)
    recorded: dict[Element, int] = {}
    parents: list[int] = []
    sizes: list[int] = []
    for el in page_body.iter():
        if el is page_body:
            parent = -1
        else:
            found = recorded.get(el.getparent())
            if found is None:
                continue
            parent = found
            tail = el.tail
            if tail:
                sizes[parent] += len(tail.strip(_STRIP))
        tag = el.tag
        if not isinstance(tag, str) or tag.lower() in _NO_CREDIT:
            continue
        keys = el.keys()
        if keys and ("hidden" in keys or ("style" in keys and _hidden(el))
                     or (("class" in keys or "id" in keys) and _marked_furniture(el))):
            continue
        recorded[el] = len(sizes)
        parents.append(parent)
        text = el.text
        sizes.append(len(text.strip(_STRIP)) if text else 0)
    for i in range(len(sizes) - 1, 0, -1):
        if sizes[i]:
            sizes[parents[i]] += sizes[i]
    return {el: sizes[i] for el, i in recorded.items() if sizes[i]}


def _widen_for_tables(body: Element, page_body: Element) -> Element:
    """A data table outside the chosen block (a CMS putting text and tables in sibling divs) pulls the block up to
    their common ancestor, if that is near (at most `_WIDEN_LEVELS` up) and not the page itself: tables further
    away are page furniture (calendars, footers)."""
    for table in page_body.iter("table"):
        if _inside(table, body) or _inside(body, table) or _furniture(table) or len(list(_rows(table))) < 2:
            continue
        if table.find(".//table") is not None:
            continue
        common = _common_ancestor(body, table)
        if common is None or common is page_body or _tag(common) in ("html", "body"):
            continue
        if _depth_below(body, common) <= _WIDEN_LEVELS:
            body = common
    return body


def _furniture(el: Element) -> bool:
    """Inside header/footer/nav/aside, or inside a block whose class or id says it is furniture."""
    return any(_tag(node) in _CHROME or _marked_furniture(node) for node in [el, *el.iterancestors()])


def _depth_below(el: Element, ancestor: Element) -> int:
    depth = 0
    for node in el.iterancestors():
        depth += 1
        if node is ancestor:
            return depth
    return depth


def _inside(el: Element, container: Element) -> bool:
    return any(a is container for a in el.iterancestors())


def _common_ancestor(a: Element, b: Element) -> Element | None:
    chain = [a, *a.iterancestors()]
    ids = {id(x): x for x in chain}
    for node in [b, *b.iterancestors()]:
        if id(node) in ids:
            return node
    return None


# ------------------------------------------------------------------------------------------------------ walker


# what the walker's stack holds next to an element: its start, or its end (a block's end breaks the line)
_OPEN, _CLOSE_BLOCK, _CLOSE_INLINE = 0, 1, 2


class _Walker:
    """Turns a subtree into Line and Table blocks in document order."""

    def __init__(self, index: _TagIndex, skip_chrome: bool) -> None:
        self.index = index
        self.skip_chrome = skip_chrome
        self.blocks: list[Block] = []
        self.frags: list[str] = []
        self.sources: list[tuple[int, bool]] = []  # where each fragment starts in the page (see _Source.locate)
        self.cursor = -1  # the page offset of the last text or block seen: tails are looked for after it
        self.line_origin: Origin | None = None
        self.anchor: Element | None = None  # the start tag a new line would point at
        self.table_count = 0
        self.layout_tables: set[Element] = set()
        self.grids: dict[Element, list[list[Element]]] = {}

    def walk(self, root: Element) -> None:
        self.layout_tables, self.grids = _layout_tables(root)
        self.anchor = root
        # ends and tails are handled here, without a call per element; starts by _visit
        stack: list[tuple[Element, int]] = [(root, _OPEN)]
        while stack:
            el, state = stack.pop()
            if state == _OPEN:
                state = self._visit(el, root)
                if state != _OPEN:
                    stack.append((el, state))
                    stack.extend(zip(reversed(el), repeat(_OPEN)))
                    continue
            elif state == _CLOSE_BLOCK:
                if self.frags:
                    self._flush()
                self.anchor = el
            if el is not root:
                tail = el.tail
                if tail:
                    self._text(tail, el, True)
        self._flush()

    def _visit(self, el: Element, root: Element) -> int:
        """Handles an element's start. Returns what its end needs when its children are to be walked
        (_CLOSE_BLOCK or _CLOSE_INLINE), else _OPEN: nothing more to do but its tail."""
        tag = el.tag
        if not isinstance(tag, str):
            if tag is etree.Comment:
                self._directive(el)
            return _OPEN
        name = tag.lower()
        if name in _SKIP or (self.skip_chrome and name in _CHROME and el is not root) or _hidden(el):
            return _OPEN
        if name == "br":
            self._flush()
            self.anchor = el
            return _OPEN
        if name == "table" and el not in self.layout_tables:
            self._flush()
            self._table(el)
            self.anchor = el
            return _OPEN
        if name in _BLOCK:
            if self.frags:
                self._flush()
            self.anchor = el
            pos = self.index.positions.get(el)
            if pos is not None and pos[2] >= self.cursor:
                self.cursor = pos[2] + 1
            text = el.text
            if text:
                self._text(text, el, False)
            return _CLOSE_BLOCK
        text = el.text
        if text:
            self._text(text, el, False)
        return _CLOSE_INLINE

    def _text(self, text: str, el: Element, tail: bool) -> None:
        if self.line_origin is None and text.strip(_STRIP):
            self.line_origin = self.index.origin(self.anchor)
        self.frags.append(text)
        if tail:
            self.sources.append((self.cursor, True))
            return
        pos = self.index.positions.get(el)
        at = pos[2] + 1 if pos is not None and pos[2] >= 0 else -1
        if at > self.cursor:
            self.cursor = at
        self.sources.append((at, False))

    def _flush(self) -> None:
        if not self.frags:
            return  # nothing since the last break (the line origin is set only with a fragment)
        text = _collapse("".join(self.frags))
        if text:
            # the line points at its block's start tag; a character in it, at its own place in the source
            self.blocks.append(Line(text, MappedOrigin(self.line_origin or Origin(),
                                                       _LineMap(self.index.source, self.frags, self.sources).locate)))
        self.frags = []
        self.sources = []
        self.line_origin = None

    def _directive(self, comment: Element) -> None:
        """`<!-- gxlint-disable GX201 -->` comments are kept as lines, exactly as the txt/md readers see them, so
        suppression works the same in every text format; every other comment is ignored."""
        body = (comment.text or "").strip()
        if body.startswith("gxlint-"):
            self._flush()
            self.blocks.append(Line(f"<!-- {body} -->", self.index.origin(comment)))

    def _table(self, table: Element) -> None:
        caption = next((c for c in table if _tag(c) == "caption"), None)
        if caption is not None:
            text = _cell_text(caption)
            if text:
                self.blocks.append(Line(text, self.index.origin(caption)))
        grid = self.grids.get(table)
        if grid is None:
            grid = _grid(table)
        if not any(grid):
            return
        self.table_count += 1
        number = self.table_count
        positions = self.index.positions
        nrows = len(grid)
        rows: list[tuple[RawCell, ...]] = []
        for r, tds in enumerate(grid, start=1):
            cells = []
            for c, td in enumerate(tds, start=1):
                keys = td.keys()  # one call for the attributes looked at below (most cells have none of them)
                if keys:
                    rowspan = _span(td.get("rowspan"), MAX_ROWSPAN, zero=nrows - r + 1) if "rowspan" in keys else 1
                    colspan = _span(td.get("colspan"), MAX_COLSPAN, zero=1) if "colspan" in keys else 1
                    hidden = "hidden" in keys or ("style" in keys and _hidden(td))
                else:
                    rowspan = colspan = 1
                    hidden = False
                if len(td):
                    text = _cell_text(td)
                else:  # _cell_text's own shortcut for a cell holding only text, inlined
                    text = td.text
                    text = "" if not text or hidden else _collapse_short(text)
                pos = positions.get(td)
                if pos is None:
                    origin = self.index.origin(td, table=number, row=r, cell=c)
                else:  # positional: a dataclass __init__ with keywords costs more
                    origin = Origin(pos[0], pos[1], None, None, None, None, None, number, r, c)
                tag = td.tag
                cells.append(RawCell(text, origin, rowspan, colspan, tag == "th" or (tag != "td" and tag.lower() == "th")))
            rows.append(tuple(cells))
        self.blocks.append(Table(rows=tuple(rows), origin=self.index.origin(table, table=number)))


def _layout_tables(root: Element) -> tuple[set[Element], dict[Element, list[list[Element]]]]:
    """Tables used for page layout: those holding another table, 1×1 frames, and those with a cell of running
    text. They are walked like divs; only the innermost (data) tables become Table blocks. Also the cells of every
    other table, row by row, for the walker to reuse."""
    layout: set[Element] = set()
    grids: dict[Element, list[list[Element]]] = {}
    tables = list(root.iter("table"))
    for table in tables:
        for outer in table.iterancestors("table"):
            if outer in layout:
                break  # its ancestors were marked when it was
            layout.add(outer)
    for table in tables:
        if table in layout:
            continue
        grid = _grid(table)
        if len(grid) == 1 and len(grid[0]) == 1:
            layout.add(table)
        elif any(_running_text(td) for tds in grid for td in tds if len(td)):  # a cell of bare text has none
            layout.add(table)
        else:
            grids[table] = grid
    return layout, grids


def _running_text(td: Element) -> bool:
    if not len(td):
        return False  # no block or <br> inside: cheaper than measuring the text first
    if _text_size(td) <= _LAYOUT_CELL_CHARS:
        return False
    return any(_tag(d) in _BLOCK or _tag(d) == "br" for d in td.iterdescendants())


def _rows(table: Element) -> Iterator[Element]:
    """The table's own rows in source order (not those of tables nested in its cells)."""
    for child in table:
        name = _tag(child)
        if name == "tr":
            yield child
        elif name in _SECTIONS:
            yield from (tr for tr in child if _tag(tr) == "tr")


def _cells(tr: Element) -> list[Element]:
    # libxml2 gives HTML names in lower case: the tag is looked up as it is, and lower-cased (as _tag does) only
    # when that fails, so a cell costs no call
    return [td for td in tr if td.tag in _CELLS or (isinstance(td.tag, str) and td.tag.lower() in _CELLS)]


def _grid(table: Element) -> list[list[Element]]:
    """The cells of each of the table's own rows."""
    return [_cells(tr) for tr in _rows(table)]


def _span(value: str | None, limit: int, zero: int) -> int:
    """rowspan/colspan as browsers read them: leading digits, 0 meaning `zero`, clamped so a hostile value cannot
    allocate a huge grid."""
    if value is None:
        return 1
    if len(value) == 1 and "1" <= value <= "9":  # the usual span: what the regex below reads it as
        return min(ord(value) - 48, limit)
    m = _SPAN.match(value)
    if m is None:
        return 1
    n = int(m.group(1))
    if n == 0:
        n = zero
    return max(1, min(n, limit))


def _cell_text(cell: Element) -> str:
    """A cell's text: paragraphs and <br> inside it are joined (see `join_pieces`); &nbsp;-only cells read as ""."""
    if not len(cell):  # most cells hold only text: the general walk below reduces to this
        text = cell.text
        return "" if not text or _hidden(cell) else _collapse(text)
    pieces: list[str] = []
    current: list[str] = []

    def boundary() -> None:
        pieces.append(_collapse("".join(current)))
        current.clear()

    stack: list[tuple[Element, bool]] = [(cell, False)]
    while stack:
        el, closing = stack.pop()
        name = _tag(el)
        if closing:
            if name in _BLOCK:
                boundary()
            if el is not cell and el.tail:
                current.append(el.tail)
            continue
        if name is None or name in _SKIP or _hidden(el) or name == "br":
            if name == "br":
                boundary()
            if el is not cell and el.tail:
                current.append(el.tail)
            continue
        if name in _BLOCK and el is not cell:
            boundary()
        if el.text:
            current.append(el.text)
        stack.append((el, True))
        stack.extend((child, False) for child in reversed(el))
    boundary()
    return join_pieces(pieces)


# ------------------------------------------------------------------------------------------------ title, dates


def _page_title(root: Element) -> str | None:
    # head/title first: an inline <svg> in the body may carry its own <title>
    el = root.find("head/title")
    if el is None:
        el = next((t for t in root.iter("title") if not any(_tag(a) == "svg" for a in t.iterancestors())), None)
    if el is None:
        return None
    return _collapse(_string_value(el)) or None


def _meta(root: Element) -> Iterator[tuple[str, str]]:
    for m in root.iter("meta"):
        key = (m.get("name") or m.get("property") or m.get("itemprop") or "").strip().lower()
        content = m.get("content")
        if key and content:
            yield key, content


def _title_references(root: Element, page_title: str | None) -> list[str]:
    """Texts the article's visible heading would equal: the CMS's ArticleTitle, or the <title> before its
    "_column_site" suffix."""
    refs = [_collapse(v) for k, v in _meta(root) if k in _META_TITLES]
    if page_title:
        refs.append(page_title)
        refs.append(re.split(r"[_|｜]| - | — ", page_title)[0].strip())
    return [r for r in refs if r]


def _visible_title(page_body: Element, body: Element, refs: list[str]) -> tuple[str, Element] | None:
    """The article heading a CMS prints above the body (div.article_title, h1): kept as the first line so the
    title has a position in the page; found only when it equals a title the page declares."""
    if not refs:
        return None
    wanted = set(refs)
    for el in page_body.iter():
        if el is body:
            return None
        name = _tag(el)
        if name is None or name in _SKIP:
            continue
        cls = (el.get("class") or "").lower()
        if name in ("h1", "h2", "h3") or "title" in cls or "tit" in cls:
            text = _collapse(_visible_text(el, limit=400))
            if text in wanted:
                return text, _innermost_with_text(el, text)
    return None


def _innermost_with_text(el: Element, text: str) -> Element:
    """div.article_title_group > div.article_title: point at the element that holds the heading itself."""
    while True:
        inner = next((c for c in el if _tag(c) is not None and _collapse(_visible_text(c, limit=400)) == text), None)
        if inner is None:
            return el
        el = inner


def _drop_repeated_title(blocks: list[Block]) -> list[Block]:
    """If the body starts with the same heading we prepended, keep one copy (the body's)."""
    if len(blocks) >= 2 and isinstance(blocks[0], Line) and isinstance(blocks[1], Line):
        if blocks[0].text == blocks[1].text:
            return blocks[1:]
    return blocks


def _iso(m: re.Match[str]) -> str | None:
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if 1 <= mo <= 12 and 1 <= d <= 31:
        return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def _meta_date(root: Element) -> str | None:
    for wanted in _META_DATES:
        for key, content in _meta(root):
            if key == wanted:
                m = _DATE.search(content)
                if m and _iso(m):
                    return _iso(m)
    return None


def _visible_date(page_body: Element, body: Element, blocks: list[Block], whole_page: bool) -> str | None:
    """"发布时间：2025-03-10" printed in the page chrome around the article, or in the first lines of a fragment."""
    if not whole_page:
        before, after = _chrome_text(page_body, body)
        for text in (before, after):
            m = _VISIBLE_DATE.search(text)
            if m and _iso(m):
                return _iso(m)
    for block in blocks[:6]:
        if isinstance(block, Line) and block.text.startswith(("发布时间", "发布日期", "发文日期", "成文日期")):
            m = _DATE.search(block.text)
            if m and _iso(m):
                return _iso(m)
    return None


def _chrome_text(page_body: Element, body: Element) -> tuple[str, str]:
    """Visible page text before and after the article body."""
    parts: tuple[list[str], list[str]] = ([], [])
    side = 0
    stack: list[tuple[Element, bool]] = [(page_body, False)]
    while stack:
        el, closing = stack.pop()
        if closing:
            if el.tail and el is not page_body:
                parts[side].append(el.tail)
            continue
        name = _tag(el)
        if el is body:
            side = 1
            if el.tail:
                parts[side].append(el.tail)
            continue
        if name is None or name in _SKIP or _hidden(el):
            if el.tail and el is not page_body:
                parts[side].append(el.tail)
            continue
        if el.text:
            parts[side].append(el.text)
        stack.append((el, True))
        stack.extend((child, False) for child in reversed(el))
    return " ".join(parts[0]), " ".join(parts[1])
