"""The fast HTML reader reads what the slow one read. Where a pass was rewritten for speed (the start-tag scan as one
regular expression, the tag index's lines mapped in C and its elements paired in order, the five container XPath
queries as one walk, the text credit summed bottom-up), the slow version is kept here as the specification and
compared on generated input; a hand-made page pins every origin."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from gxlint.origin import Origin
from gxlint.read.document import Line, RawCell, ReadError, Table
from gxlint.read.html import (
    _CHROME,
    _HIDDEN_STYLE,
    _LIBXML_LINE_CAP,
    _SKIP,
    _STRIP,
    Element,
    _collapse,
    _collapse_short,
    _furniture,
    _known_container,
    _main_region,
    _may_name_container,
    _parse,
    _span,
    _start_tags,
    _TagIndex,
    _text_credit,
    _text_size,
    decode_html,
    read_html,
)

EXAMPLES = settings(max_examples=300, deadline=None, derandomize=True, database=None)
PAGES = settings(max_examples=120, deadline=None, derandomize=True, database=None)  # each a parse and two readings

# ----------------------------------------------------------------------------------- the slow versions, as specs

_RAW_TEXT = ("script", "style", "xmp", "iframe", "noembed", "noframes", "textarea", "title")


def reference_start_tags(text: str) -> Iterator[tuple[str, int, int]]:
    """The character loop the start-tag regular expression replaced."""
    n = len(text)
    pos = 0
    while True:
        lt = text.find("<", pos)
        if lt < 0 or lt + 1 >= n:
            return
        nxt = text[lt + 1]
        if text.startswith("<!--", lt):
            end = text.find("-->", lt + 4)
            pos = n if end < 0 else end + 3
            continue
        if nxt in "!?/":
            end = text.find(">", lt + 2)
            pos = n if end < 0 else end + 1
            continue
        if not (nxt.isascii() and nxt.isalpha()):
            pos = lt + 1
            continue
        m = re.compile(r"[^\s/>]+").match(text, lt + 1)
        assert m is not None
        name = m.group(0).lower()
        end = reference_tag_end(text, m.end())
        yield name, lt, end
        pos = end + 1
        if name in _RAW_TEXT:
            close = re.compile(r"</" + re.escape(name) + r"[\s/>]", re.I).search(text, pos)
            pos = n if close is None else close.start()


def reference_tag_end(text: str, i: int) -> int:
    n = len(text)
    while True:
        m = re.compile(r"""[>"']""").search(text, i)
        if m is None:
            return n
        j = m.start()
        if m.group() == ">":
            return j
        k = j - 1
        while k >= i and text[k] in " \t\n\f":
            k -= 1
        if k >= i and text[k] == "=":
            close = text.find(m.group(), j + 1)
            if close < 0:
                return n
            i = close + 1
        else:
            i = j + 1


def reference_tag_positions(text: str, root: Element) -> dict[Element, tuple[int, int | None, int]]:
    """The tag index as first written: lines counted forward from tag to tag, every tag queued by (line, name)."""
    buckets: dict[tuple[int, str], deque[tuple[int, int, int]]] = {}
    count, rfind = text.count, text.rfind
    line, line_start, last = 1, 0, 0
    for name, start, end in reference_start_tags(text):
        newlines = count("\n", last, start)
        if newlines:
            line += newlines
            line_start = rfind("\n", last, start) + 1
        pos = (line, start - line_start + 1, end)
        newlines = count("\n", start, end)
        if newlines:
            line += newlines
            line_start = rfind("\n", start, end) + 1
        last = end
        buckets.setdefault((min(line, _LIBXML_LINE_CAP), name), deque()).append(pos)
    positions: dict[Element, tuple[int, int | None, int]] = {}
    for el in root.iter(etree.Element):
        sourceline = el.sourceline
        if sourceline is None:
            continue
        queue = buckets.get((min(sourceline, _LIBXML_LINE_CAP), el.tag.lower()))
        if queue:
            positions[el] = queue.popleft()
        elif sourceline < _LIBXML_LINE_CAP:
            positions[el] = (sourceline, None, -1)
    return positions


_BODY_XPATHS = (
    '//*[contains(concat(" ", normalize-space(@class), " "), " TRS_Editor ")]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " TRS_UEDITOR ")]',
    '//*[@id="zoom" or @id="Zoom" or @id="UCAP-CONTENT" or @id="ucap-content"]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " article_content ")'
    ' or contains(concat(" ", normalize-space(@class), " "), " article-content ")]',
    "//article",
)


def reference_hidden(el: Element) -> bool:
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def reference_marked_furniture(el: Element) -> bool:
    marks = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    words = ("header", "footer", "nav", "menu", "sidebar", "breadcrumb", "crumb", "copyright", "toolbar")
    return any(tok.startswith(words) or tok.endswith(words) for tok in re.split(r"[^a-z0-9]+", marks) if tok)


def reference_known_container(page_body: Element) -> Element | None:
    for xpath in _BODY_XPATHS:
        found = [el for el in page_body.xpath(xpath) if not reference_hidden(el)]
        sized = [(_text_size(el), el) for el in found]
        sized = [(size, el) for size, el in sized if size >= 100 or el.find(".//table") is not None]
        if sized:
            return max(sized, key=lambda s: s[0])[1]
    return None


def reference_text_credit(page_body: Element) -> dict[Element, int]:
    """Each readable element's own text added to it and to every ancestor, one walk up per element."""
    credit: dict[Element, int] = {}
    stack: list[Element] = [page_body]
    skip = _SKIP | _CHROME | {"a"}
    while stack:
        el = stack.pop()
        tag = el.tag
        if (not isinstance(tag, str) or tag.lower() in skip or reference_hidden(el)
                or reference_marked_furniture(el)):
            continue
        size = len((el.text or "").strip(_STRIP)) + sum(len((c.tail or "").strip(_STRIP)) for c in el)
        if size:
            node: Element | None = el
            while node is not None:
                credit[node] = credit.get(node, 0) + size
                if node is page_body:
                    break
                node = node.getparent()
        stack.extend(el)
    return credit


# ------------------------------------------------------------------------------------------ generated input

# pieces that meet every branch of the tokenizer: comments, declarations, end tags, raw-text elements, quotes
# right after "=" or not, unclosed quotes, names running into quotes, line breaks inside tags
_TAG_PIECES = ["<", ">", "!", "-", "?", "/", "=", '"', "'", " ", "\n", "\t", "\f", "\r", "a", "B", "1", "中", "é",
               "<!--", "-->", "<p", "<td ", "x=", "= ", '=\f"', "=\t'", '= \n"', "=\r'", 'a="b>c"', "b='>'", '"=', '<td x=\f">', "<p y=\t'>", '<b z=\r">',
               "<script>", "</script", "</SCRIPT>", "<title>", "TiTlE", "<style", "</style >", "<!DOCTYPE html>",
               "<?xml?>", "<?", "<!", "</",
               # what re.I matches beyond ASCII ("ſ" for s, "ı" / "İ" for i) and str.lower() does not
               "<ſcript>", "</ſcript>", "<scrıpt>", "</scrİpt>", "<SCRİPT>", "<tıtle>", "</TıTLE>", "<xmp>", "</xmp",
               "<textarea a='</textarea>'>", "<iframe", "</IFRAME/>", "<noembed>", "</noframes\n", "<scripts>",
               "<script/>", '<style"', "\u212a"]


@EXAMPLES
@given(st.lists(st.sampled_from(_TAG_PIECES), max_size=40))
def test_start_tag_scan_matches_the_character_loop(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert list(zip(*_start_tags(text), strict=True)) == list(reference_start_tags(text))


_CLASSES = ["TRS_Editor", "TRS_UEDITOR", "article_content", "article-content", "x\tTRS_Editor", "TRS_Editor\u3000",
            "a\rarticle-content\nb", "TRS_Editorx", "TRS_editor", "article", "header", "\fTRS_UEDITOR", "main-nav"]
_IDS = ["zoom", "Zoom", "ZOOM", "UCAP-CONTENT", "ucap-content", "zoom ", "footer"]
_TEXTS = ["", "一、总体情况", "本年度" * 40, "1", "&nbsp;"]


@st.composite
def pages(draw: st.DrawFn) -> str:
    """Portal-like pages: nested blocks with container classes and ids, hidden and furniture blocks, tables,
    sometimes a second top-level element after </html> (libxml2 keeps it outside the first)."""

    def block(depth: int) -> str:
        tag = draw(st.sampled_from(["div", "p", "article", "span", "a", "table", "nav", "script"]))
        attrs = ""
        if draw(st.booleans()):
            attrs += f' class="{draw(st.sampled_from(_CLASSES))}"'
        if draw(st.integers(0, 3)) == 0:
            attrs += f' id="{draw(st.sampled_from(_IDS))}"'
        if draw(st.integers(0, 5)) == 0:
            attrs += draw(st.sampled_from([' style="display:none"', " hidden", ' style="color:red"']))
        if tag == "table":
            inner = f"<tr><td>{draw(st.sampled_from(_TEXTS))}</td><td>2</td></tr>"
        else:
            kids = [block(depth + 1) for _ in range(draw(st.integers(0, 3 if depth < 4 else 0)))]
            inner = draw(st.sampled_from(_TEXTS)) + "".join(kids)
        return f"<{tag}{attrs}>{inner}</{tag}>{draw(st.sampled_from(_TEXTS))}"

    body = "".join(block(0) for _ in range(draw(st.integers(1, 4))))
    after = block(0) if draw(st.integers(0, 4)) == 0 else ""
    return f"<html><body>{body}</body></html>{after}"


def page_body(html: str) -> Element:
    root = _parse(html)
    found = root.find("body")
    return root if found is None else found


@PAGES
@given(pages())
def test_known_container_is_what_the_xpath_queries_find(html: str) -> None:
    body = page_body(html)
    assert _known_container(body) is reference_known_container(body)


@PAGES
@given(pages())
def test_text_credit_equals_the_walk_up_the_ancestors(html: str) -> None:
    body = page_body(html)
    assert _text_credit(body) == reference_text_credit(body)


def test_container_after_the_end_of_html_is_found() -> None:
    # libxml2 starts a second top-level element for markup after </html>; XPath's //* saw it, so must the walk
    html = '<html><body><p>导航</p></body></html><div class="nav\tTRS_Editor">' + "本年度" * 40 + "</div>"
    body = page_body(html)
    found = _known_container(body)
    assert found is not None and found.get("class") == "nav\tTRS_Editor"
    assert found is reference_known_container(body)
    assert not any(el is found for el in body.getroottree().getroot().iter())


# --------------------------------------------------------------------------------------- a page pinned exactly

TRICKY_LINES = [
    "<!DOCTYPE html>",
    "<html><head><title>某县2021年政府信息公开工作年度报告_某县政府</title>",
    '<script>var s = "<table><tr><td>假</td></tr></table>";</script>',
    "<!-- <p>注释里的段落</p> -->",
    "</head>",
    "<body>",
    '<div class="top-nav">首页 &gt; 政务公开 &gt; 年度报告</div>',
    '<div class="main">',
    "<p data-x='a>b' title=\"c>d\">一、总体情况&nbsp;&amp;说明，本县",
    "坚持以公开为常态、不公开为例外，全面推进决策、执行、管理、服务、结果公开。</p>",
    '<p style="display: none">隐藏段落</p>',
    '<table border="1"><tr><td>',
    '  <table class="t">',
    '  <tr><th colspan="2" data-note="a > b">第二十条第（一）项</th></tr>',
    '  <tr><td rowspan="2">规章</td><td',
    '      class="value">&#49;&#50;</td></tr>',
    '  <tr><td hidden>9</td><td style="visibility:hidden">8</td><td>7<br>6</td></tr>',
    "  </table>",
    "  <p>二、主动公开政府信息情况</p>",
    '  <table><tr><td>甲</td><td>乙</td></tr><tr><td>丙<span style="display:none">隐</span>戊</td><td>丁</td></tr></table>',
    "</td></tr></table>",
    "</div>",
    '<div class="footer">版权所有 某县人民政府</div>',
    "</body></html>",
]


def cell(text: str, line: int, col: int, table: int, row: int, c: int, rowspan: int = 1, colspan: int = 1,
         header: bool = False) -> RawCell:
    return RawCell(text, Origin(line=line, col=col, table=table, row=row, cell=c), rowspan, colspan, header)


def test_tricky_page_blocks_and_origins() -> None:
    """CRLF line ends, Chinese text before the tables, ">" inside quoted attribute values, a start tag over two
    lines, tags inside a script and a comment, entities, hidden cells and spans, a layout table around two data
    tables, furniture around the article: every block, text and origin (columns in code points)."""
    doc = read_html("tricky.html", "\r\n".join(TRICKY_LINES).encode("utf-8"))
    assert doc.meta == {"title": "某县2021年政府信息公开工作年度报告_某县政府"}
    assert list(doc.blocks) == [
        Line("一、总体情况\xa0&说明，本县坚持以公开为常态、不公开为例外，全面推进决策、执行、管理、服务、结果公开。",
             Origin(line=9, col=1)),
        Table(rows=(
            (cell("第二十条第（一）项", 14, 7, 1, 1, 1, colspan=2, header=True),),
            (cell("规章", 15, 7, 1, 2, 1, rowspan=2), cell("12", 15, 30, 1, 2, 2)),
            (cell("", 17, 7, 1, 3, 1), cell("", 17, 24, 1, 3, 2), cell("7 6", 17, 60, 1, 3, 3)),
        ), origin=Origin(line=13, col=3, table=1)),
        Line("二、主动公开政府信息情况", Origin(line=19, col=3)),
        Table(rows=(
            (cell("甲", 20, 14, 2, 1, 1), cell("乙", 20, 24, 2, 1, 2)),
            (cell("丙戊", 20, 43, 2, 2, 1), cell("丁", 20, 89, 2, 2, 2)),
        ), origin=Origin(line=20, col=3, table=2)),
    ]


# ------------------------------------------------------------------------------------------------- tag index

_SOUP = [*_TAG_PIECES, "<p>", "<td>", "<tr>", "<table>", "</table>", "<li>", "<html>", "<body>", "<head>", "</p>",
         "<div\n class='x'>", "<br/>", "<o:p>", "</o:p>", "<TD>", "<Span>", "文本", "\n\n", "<img src=a>", "<option>"]


@PAGES
@given(st.lists(st.sampled_from(_SOUP), min_size=1, max_size=60))
def test_tag_index_pairs_elements_and_tags_as_the_queues_did(pieces: list[str]) -> None:
    """Markup soup (implied and dropped elements, raw text, multi-line tags): the same position for every element."""
    text = "".join(pieces).replace("\r\n", "\n").replace("\r", "\n")
    try:
        root = _parse(text)
    except ReadError:
        return
    assert _TagIndex(text, root).positions == reference_tag_positions(text, root)


@PAGES
@given(pages())
def test_tag_index_on_portal_pages(html: str) -> None:
    root = _parse(html)
    assert _TagIndex(html, root).positions == reference_tag_positions(html, root)


def test_tag_index_past_libxml2s_line_cap() -> None:
    # libxml2 reads every line after 65535 as 65535: tags there are queued by name under that line
    text = "<html><body>\n" + "<p>段落</p>\n" * 70_000 + "<table><tr><td>1</td></tr></table></body></html>"
    root = _parse(text)
    assert _TagIndex(text, root).positions == reference_tag_positions(text, root)


def test_tag_index_on_real_and_generated_pages() -> None:
    here = Path(__file__).resolve().parent
    paths = sorted((here.parent.parent / "shared" / "corpus").rglob("*.htm*"))
    paths += sorted((here.parent / "examples").rglob("*.htm*"))
    for path in paths:
        text = decode_html(path.read_bytes())[0].replace("\r\n", "\n").replace("\r", "\n")
        root = _parse(text)
        assert _TagIndex(text, root).positions == reference_tag_positions(text, root), path


# ----------------------------------------------------------------------------------------- main region, tables


def reference_main_region(page_body: Element) -> Element:
    """The descent as first written: the text credit of the whole page first, then every child tried."""
    credit = _text_credit(page_body)
    tables = [t for t in page_body.iter("table") if t.find(".//table") is None and not _furniture(t)]
    node = page_body
    whole = credit.get(page_body, 0)
    if whole == 0:
        return page_body
    while True:
        nxt = None
        for child in node:
            if credit.get(child, 0) >= 0.8 * whole and all(
                    any(a is child for a in t.iterancestors()) or t is child for t in tables):
                nxt = child
                break
        if nxt is None:
            return node
        node = nxt


@PAGES
@given(pages())
def test_main_region_is_the_descent_with_the_whole_credit(html: str) -> None:
    body = page_body(html)
    assert _main_region(body) is reference_main_region(body)
    for div in body.iter("div"):  # and from inner blocks, where tables may share a child
        assert _main_region(div) is reference_main_region(div)


def reference_span(value: str | None, limit: int, zero: int) -> int:
    if value is None:
        return 1
    m = re.match(r"\s*(\d{1,9})", value)
    if m is None:
        return 1
    n = int(m.group(1))
    if n == 0:
        n = zero
    return max(1, min(n, limit))


@EXAMPLES
@given(st.one_of(st.none(), st.text(st.sampled_from("0123456789 \t١x-+"), max_size=12)), st.sampled_from([1, 64, 1000]),
       st.integers(1, 30))
def test_span_reads_as_the_regex_did(value: str | None, limit: int, zero: int) -> None:
    assert _span(value, limit, zero) == reference_span(value, limit, zero)


_NAMING = ["TRS_Editor", "TRS_UEDITOR", "article_content", "article-content", "zoom", "Zoom", "UCAP-CONTENT",
           "ucap-content", "&#97;rticle_content", "TRS&#95;Editor", "&#x7a;oom", "ARTICLE", "ArTiClE", "artİcle",
           "arti\u0307cle", "TRS-Editor", "zo&#111;m", "x"]


@PAGES
@given(st.lists(st.tuples(st.sampled_from(["div", "article", "ARTICLE", "Article", "section", "span"]),
                          st.sampled_from(["class", "id", "CLASS", "ID", "data-x"]), st.sampled_from(_NAMING)),
                min_size=1, max_size=6))
def test_a_page_that_names_no_container_has_none(blocks: list[tuple[str, str, str]]) -> None:
    """The source prefilter never hides a container the search would find (references, tag case, dotted i)."""
    html = "<html><body>" + "".join(f'<{t} {a}="{v}">{"本年度" * 40}<table><tr><td>1</td></tr></table></{t}>'
                                    for t, a, v in blocks) + "</body></html>"
    body = page_body(html)
    if not _may_name_container(html):
        assert reference_known_container(body) is None


def reference_collapse(text: str) -> str:
    """_collapse before its shortcut for a text without white space."""
    if "\n" not in text:
        return re.sub(r"[ \t\n\f]+", " ", text).strip(_STRIP)
    return _collapse(text)


@EXAMPLES
@given(st.text(st.sampled_from(" \t\f\r\v\u00a0\u3000\u200b\ufeff本年度1a，"), max_size=30))
def test_collapse_without_runs_strips_as_the_regex_did(text: str) -> None:
    assert _collapse(text) == reference_collapse(text)
    assert _collapse_short(text) == reference_collapse(text)
