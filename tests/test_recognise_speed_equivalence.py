"""The fast paths of recognition find exactly what the plain ones they replaced find: splitting value segments and
table rows with str methods instead of a regex scan, the headings found from one scan for every wording, the token
stream built from remembered tokens. Each reference below is the code as it was before it was made faster."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from gxlint.normalise import normalise
from gxlint.origin import Origin
from gxlint.read.document import Document, Line, RawCell, Table
from gxlint.recognise import sections, stream, tables
from gxlint.recognise.layouts import layout
from gxlint.recognise.tables import Piece, TableReader

_SPLIT = regex.compile(r"[\x1f\x1e\n]")
_NOISE = regex.compile(r"-\s?[0-9]{1,3}\s?-|第[0-9]{1,3}页(?:共[0-9]{1,3}页)?")

# separators, spaces and other characters str.strip() removes, digits, page numbers, value and label text
_CELLISH = st.lists(st.sampled_from(["\x1f", "\x1e", "\n", " ", "  ", "\t", "\x1c", "\u3000", "0", "12", "3.5", "-",
                                     "- 5 -", "第3页", "第2页共9页", "/", "无", "自然人", "其他", "(一)", "10 2 0"]),
                    max_size=30).map("".join)


def ref_pieces(text: str, base: int, tok0: int = 0) -> list[Piece]:
    out: list[Piece] = []
    pos = 0
    tok = tok0
    tail = "" if text[-1:] in ("\x1f", "\x1e", "\n") else "\x1f"
    for m in _SPLIT.finditer(text + tail):
        chunk = text[pos:m.start()]
        stripped = chunk.strip()
        if stripped and _NOISE.fullmatch(stripped):
            pass
        elif " " in stripped and all(tables.is_value_like(p) for p in stripped.split(" ") if p):
            sub = 0
            for part in chunk.split(" "):
                if part:
                    idx = chunk.index(part, sub)
                    out.append(Piece(base + pos + idx, part, tok))
                    sub = idx + len(part)
        elif stripped or m.end() <= len(text):
            lead = len(chunk) - len(chunk.lstrip())
            out.append(Piece(base + pos + lead, stripped, tok))
        tok += 1
        pos = m.end()
    return out


def ref_row_cells(text: str, start: int, end: int, n: int) -> list[Piece] | None:
    m = _SPLIT.search(text, start, end)
    if not m or m.group(0) != "\x1f":
        return None
    cells: list[Piece] = []
    pos = m.end()
    tok = 0
    while True:
        m = _SPLIT.search(text, pos, end)
        if not m or m.group(0) == "\n":
            return None
        chunk = text[pos:m.start()]
        stripped = chunk.strip()
        if not (stripped and _NOISE.fullmatch(stripped)):
            cells.append(Piece(pos + len(chunk) - len(chunk.lstrip()), stripped, tok))
            tok += 1
        pos = m.end()
        if m.group(0) == "\x1e":
            break
    while len(cells) > n and not cells[-1].text:
        cells.pop()
    while len(cells) > n and not cells[0].text:
        cells.pop(0)
    return cells if len(cells) == n else None


def ref_value_row_cells(text: str, start: int, end: int) -> list[list[Piece]]:
    """The cells `_value_rows` hands on, one list per table row."""
    out: list[list[Piece]] = []
    cells: list[Piece] = []
    pos = start
    tok = 0
    for m in _SPLIT.finditer(text, start, end):
        chunk = text[pos:m.start()]
        stripped = chunk.strip()
        lead = len(chunk) - len(chunk.lstrip())
        sep = m.group(0)
        if sep == "\n":
            cells = []
        else:
            if not (stripped and _NOISE.fullmatch(stripped)):
                cells.append(Piece(pos + lead, stripped, tok))
                tok += 1
            if sep == "\x1e":
                out.append(cells)
                cells = []
        pos = m.end()
    return out


def reader(text: str) -> TableReader:
    return TableReader(stream.Stream(text, ((0, len(text), Origin(line=1, col=1), text),), frozenset({0})))


@settings(max_examples=400, deadline=None)
@given(_CELLISH, st.integers(0, 50))
def test_pieces_as_the_regex_scan(text: str, base: int) -> None:
    assert tables._pieces(text, base) == ref_pieces(text, base)


@settings(max_examples=400, deadline=None)
@given(_CELLISH, st.data())
def test_row_cells_as_the_regex_scan(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    n = data.draw(st.integers(1, 4))
    ref = ref_row_cells(text, start, end, n)
    got = reader(text)._row_cells(start, end, n)
    assert got == (None if ref is None else ([p.off for p in ref], [p.text for p in ref]))


@settings(max_examples=400, deadline=None)
@given(_CELLISH, st.data())
def test_value_rows_see_the_rows_of_the_regex_scan(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    seen: list[list[Piece]] = []

    def record(self: TableReader, spec: object, cells: list[Piece], n: int, allow_empty: bool = False) -> None:
        seen.append(list(cells))

    r = reader(text)
    r._as_value_row = record.__get__(r)  # type: ignore[method-assign]
    spec = layout("2021").tables[0]  # type: ignore[union-attr]
    r._value_rows(spec, start, end, 3)
    assert seen == ref_value_row_cells(text, start, end)


_HEADINGISH = st.lists(st.sampled_from(["一", "二", "三", "四", "五", "六", "十", "第", "部分", "、", ".", " ", "\n",
                                        "\x1f", "\x1e", "。", "7", "总体情况", "概况", "主动公开政府信息情况",
                                        "主动公开情况", "收到和处理", "政府信息公开申请", "申请情况", "行政复议",
                                        "、行政诉讼情况", "诉讼", "情况", "其他需要报告的事项", "其他事项",
                                        "存在的主要问题及改进情况", "依申请公开"]),
                       max_size=40).map("".join)


def ref_matches(text: str) -> list[tuple[int, int, int]]:
    return [(k, m.start(), m.end()) for k, (_n, _c, _s, pat) in enumerate(sections._patterns())
            for m in pat.finditer(text)]


@settings(max_examples=500, deadline=None)
@given(_HEADINGISH)
def test_headings_from_one_scan_as_from_one_scan_each(text: str) -> None:
    starts = [m.start() for m in sections._any_heading().finditer(text, overlapped=True)]
    fast = [(k, m.start(), m.end()) for k, (_n, _c, _s, pat) in enumerate(sections._patterns())
            for m in sections._matches(pat, text, starts)]
    assert fast == ref_matches(text)


def ref_build(doc: Document) -> stream.Stream:
    parts: list[str] = []
    segments: list[tuple[int, int, Origin, str]] = []
    line_starts: set[int] = set()
    pos = 0
    for block in doc.blocks:
        if isinstance(block, Line):
            norm = normalise(block.text).strip()
            line_starts.add(pos)
            segments.append((pos, pos + len(norm), block.origin, block.text.strip()))
            parts.append(norm)
            parts.append("\n")
            pos += len(norm) + 1
        elif isinstance(block, Table):
            for row in block.rows:
                last = len(row) - 1
                for i, cell in enumerate(row):
                    norm = normalise(cell.text).strip()
                    segments.append((pos, pos + len(norm), cell.origin, cell.text.strip()))
                    parts.append(norm)
                    parts.append("\x1e" if i == last else "\x1f")
                    pos += len(norm) + 1
    return stream.Stream("".join(parts), tuple(segments), frozenset(line_starts))


_TOKEN = st.text(alphabet=st.sampled_from(list(" \t\u3000０１2３.,，“”「」臺灣資訊公開自然人-—\x1f")), max_size=60)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_TOKEN.map(lambda t: Line(t, Origin(line=1, col=1))),
                          st.lists(st.lists(_TOKEN.map(lambda t: RawCell(t, Origin(line=2, col=1))), max_size=4)
                                   .map(tuple), max_size=3)
                          .map(lambda rows: Table(tuple(rows), Origin(line=2, col=1)))), max_size=6))
def test_build_as_token_by_token(blocks: list[Line | Table]) -> None:
    doc = Document("x.txt", "txt", tuple(blocks))
    assert stream.build(doc) == ref_build(doc)


def ref_normalise(text: str) -> str:
    import unicodedata

    from gxlint import normalise as nm

    text = unicodedata.normalize("NFKC", text).translate(nm._QUOTES)
    if not text.isascii():
        converted = nm._convert(text)
        if len(converted) == len(text):
            text = converted
        else:
            text = "".join(nm._t2s(ch) for ch in text)
    return nm._spaces(text)


# full-width forms, quotes, compatibility characters, combining marks that compose with what comes before them,
# traditional characters, spaces of every kind
_PROSE = st.text(alphabet=st.sampled_from(list("，（）：；！？％０９Ａａ\u3000\u00a0\u200b\ufeff“”「」‘’—–〇﹐、"
                                              "e\u0301\u0308\uff9e\uff76ｶﾞ①㎡ﬁ臺灣資訊公開 \t2020年a.b")), max_size=80)


@settings(max_examples=1000, deadline=None)
@given(_PROSE)
def test_normalise_as_nfkc_then_translate(text: str) -> None:
    from gxlint import normalise as nm

    assert nm._normalise(text) == ref_normalise(text)


_T3 = layout("2021").table("t3")  # type: ignore[union-attr]
assert _T3 is not None
_T3_LABELS = [r.prefix + r.label for r in _T3.rows[:8]]
_T3_ROW = st.tuples(
    st.lists(st.sampled_from(["", "(三)不予公开", "三、本年度办理结果", "申请人情况", "说明"]), max_size=2),
    st.sampled_from(_T3_LABELS),
    st.lists(st.sampled_from(["", "0", "7", "12", "0 1", "1 2 3", "- 3 -", "/", "合计", "(三)不予", "公开5", "不予公开"]),
             min_size=6, max_size=9),
    st.sampled_from(["\x1e", "\n", "\x1e\n"]),
).map(lambda r: "\x1f".join([*r[0], r[1], *r[2]]) + r[3])


@settings(max_examples=500, deadline=None)
@given(st.lists(_T3_ROW, min_size=1, max_size=10))
def test_label_rows_read_alike_without_the_segment_pieces(rows: list[str]) -> None:
    """The label's own row, when nothing but empty cells follows it, is read without making the segment's pieces."""
    text = "".join(rows)
    fast = reader(text).read(_T3, 0, len(text))
    slow_reader = reader(text)
    slow_reader._only_row = lambda *a: False  # type: ignore[method-assign]
    assert fast == slow_reader.read(_T3, 0, len(text))


@settings(max_examples=500, deadline=None)
@given(st.lists(_T3_ROW, min_size=1, max_size=10))
def test_only_row_means_nothing_but_empty_pieces_after_the_row(rows: list[str]) -> None:
    text = "".join(rows)
    r = reader(text)
    hits, _missing = r._hits(_T3, 0, len(text))
    for i, (_s, e, _row_id, _label) in enumerate(hits):
        seg_end = hits[i + 1][0] if i + 1 < len(hits) else len(text)
        same_row = r._row_cells(e, seg_end, len(_T3.columns))
        if same_row is not None and r._only_row(_T3, e, seg_end, same_row[1][-1]):
            assert not [p for p in r._segment(_T3, e, seg_end) if p.off > same_row[0][-1] and p.text]


def test_a_group_label_inside_the_row_leaves_pieces_after_it() -> None:
    # "(三)不予" + "公开5": the group label "(三)不予公开" runs over two cells and, removed, leaves "5" after the
    # row's last cell — so the segment's pieces must be made
    text = "\x1f".join([_T3_LABELS[0], "1", "2", "3", "4", "5", "(三)不予", "公开5"]) + "\x1e"
    r = reader(text)
    e = len(_T3_LABELS[0])
    same_row = r._row_cells(e, len(text), len(_T3.columns))
    assert same_row is not None and same_row[1][-1] == "公开5"
    assert [p.text for p in r._segment(_T3, e, len(text)) if p.off > same_row[0][-1]] == ["5"]
    assert not r._only_row(_T3, e, len(text), same_row[1][-1])


def test_a_last_cell_split_at_its_spaces_leaves_pieces_after_it() -> None:
    text = "\x1f".join([_T3_LABELS[0], "1", "2", "3", "4", "5", "6", "7 8"]) + "\x1e"
    r = reader(text)
    e = len(_T3_LABELS[0])
    same_row = r._row_cells(e, len(text), len(_T3.columns))
    assert same_row is not None
    assert [p.text for p in r._segment(_T3, e, len(text)) if p.off > same_row[0][-1]] == ["8"]
    assert not r._only_row(_T3, e, len(text), same_row[1][-1])


_CELL_TEXT = st.sampled_from(["", "0", "12", " 7 ", "3.5万元", "/", "自然人", "ｘ１２", "㎡5", "第3页", "1 2"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_CELL_TEXT, min_size=1, max_size=5), min_size=1, max_size=4), st.data())
def test_cells_walking_forward_as_one_bisect_each(rows: list[list[str]], data: st.DataObject) -> None:
    """The cells of a run, their segments found by walking forward, are the cells found one bisect at a time —
    for offsets in order or not, at a segment's start or inside it, over segments that line up or not."""
    table = Table(tuple(tuple(RawCell(t, Origin(line=2 + r, col=1 + c)) for c, t in enumerate(row))
                        for r, row in enumerate(rows)), Origin(2, 1))
    doc = Document("t.html", "html", (Line("前言", Origin(1, 1)), table))
    st_ = stream.build(doc)
    offs = data.draw(st.lists(st.integers(0, len(st_.text)), min_size=1, max_size=8))
    if data.draw(st.booleans()):
        offs.sort()
    texts = [st_.text[o:o + data.draw(st.integers(0, 3))] for o in offs]
    cols = _T3.columns[:len(offs)]
    offs, texts = offs[:len(cols)], texts[:len(cols)]
    walked = TableReader(st_)._cells_at(_T3, "r", cols, offs, texts)
    one = TableReader(st_)
    assert walked == tuple(one._cells_at(_T3, "r", (c,), [o], [t])[0]
                           for c, o, t in zip(cols, offs, texts, strict=True))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_CELL_TEXT, min_size=1, max_size=5), min_size=1, max_size=4),
       st.lists(st.sampled_from(["前言", "（一）自然人", "㎡ 面积", "a\tb", ""]), max_size=3), st.data())
def test_label_found_together_as_apart(rows: list[list[str]], lines: list[str], data: st.DataObject) -> None:
    """A row label's printed text and origin, found with one segment search, are what `_printed` and the locator's
    `origin` find apart."""
    table = Table(tuple(tuple(RawCell(t, Origin(line=9 + r, col=1 + c)) for c, t in enumerate(row))
                        for r, row in enumerate(rows)), Origin(9, 1))
    doc = Document("t.txt", "txt", (*(Line(t, Origin(1 + k, 1)) for k, t in enumerate(lines)), table))
    st_ = stream.build(doc)
    start = data.draw(st.integers(0, len(st_.text)))
    end = data.draw(st.integers(start, len(st_.text)))
    r = TableReader(st_)
    assert r._label(start, end) == (r._printed(start, end), r.loc.origin(start))


def ref_is_legacy(spec: object, label: str) -> bool:
    from gxlint.normalise import normalise_label

    if not spec.legacy_labels:  # type: ignore[attr-defined]
        return False
    flat = normalise_label(tables._flat(label))
    for legacy in spec.legacy_labels:  # type: ignore[attr-defined]
        leg = normalise_label(legacy)
        if flat.endswith(leg) and not any(flat.endswith(normalise_label(r.label)) for r in spec.rows):  # type: ignore[attr-defined]
            return True
    return False


_SPECS = [t for lay_id in ("2019", "2021") for t in layout(lay_id).tables]  # type: ignore[union-attr]
_WORDINGS = sorted({w for t in _SPECS for w in (*t.legacy_labels, *(r.label for r in t.rows))})


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(_SPECS), st.lists(st.sampled_from([*_WORDINGS, "(二)", " ", "\x1f", "其他", "規範性文件"]),
                                         max_size=3).map("".join))
def test_legacy_labels_as_normalised_each_time(spec: object, label: str) -> None:
    assert reader(label)._is_legacy(spec, label) == ref_is_legacy(spec, label)  # type: ignore[arg-type]
