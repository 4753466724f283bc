"""Finding the standard tables in the token stream and reading every cell.

Labels anchor everything: each row's label is searched in layout order, and the text between one row label and
the next is that row's value segment. This reads pipes, tabs, one-cell-per-line, HTML and Word tables alike, and
fused digit runs are split only when exactly one split fits the table's own sums.

When that reading runs into trouble (a row label not found, a segment with too few or too many values) and the
source has real table rows, the table's value rows are aligned with the layout's rows instead: the rows that carry
their own label pin the alignment, and an unlabelled value row is placed only where exactly one placement is
possible (PDF extractions often lose a row's label or print it lines away from its numbers).

A value is never moved into a column it cannot be shown to belong to: a row with fewer or more values than the
layout has columns is UNREADABLE, not read left to right.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable
from dataclasses import dataclass

import regex

from gxlint.normalise import normalise_label
from gxlint.origin import Origin
from gxlint.recognise.layouts import Layout, TableSpec
from gxlint.recognise.stream import Stream
from gxlint.recognise.values import is_value_like, parse_value, split_fused_spans
from gxlint.report import MISSING, NUMBER, UNREADABLE, Cell, StdTable, TableRow

_SPLIT = regex.compile(r"[\x1f\x1e\n]")
_FUSED = regex.compile(r"[0-9][0-9.]*")
_UNIT_TAIL = regex.compile(r"([0-9])(万元|亿元|千元|元)$")
# a page number printed inside a table by a PDF extraction ("— 5 —", "- 3 -")
_NOISE = regex.compile(r"-\s?[0-9]{1,3}\s?-|第[0-9]{1,3}页(?:共[0-9]{1,3}页)?")
_NOISE_FIRST = frozenset("-第")  # what a match starts with: a set test spares the regex for almost every cell
# printed numbering alone ("三、", "(一)", "1.") is not a row label
_NUMBERING = regex.compile(r"(?:[一二三四五六七八九十]+[、.,]|\([一二三四五六七八九十0-9]+\)|[0-9]+[.、,]?)+")
_LEAD_NUMBER = regex.compile(r"^(?:[一二三四五六七八九十]+[、.,]|\([一二三四五六七八九十0-9]+\)|[0-9]+[.、,])+")
_PUNCT = regex.compile(r"[、,;:。\s\"'()]")
_NOT_NUMERAL = regex.compile(r"[^一二三四五六七八九十0-9]")
_BREAKS = regex.compile(r"[\x1f\x1e\n]+")


# per layout table, built once: these ran regex.compile (a cache lookup with flag arithmetic) on every report
@functools.lru_cache(maxsize=64)
def _header_block(headers: str) -> regex.Pattern[str]:
    return regex.compile(r"(?:" + headers + r"[\x1f\x1e\n ]*){4,}")


# by the spec's identity (a layout's specs live as long as the process): hashing a TableSpec hashes all its rows
_ENDINGS: dict[int, tuple[TableSpec, tuple[str, ...], tuple[str, ...]]] = {}


def _label_endings(spec: TableSpec) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The normalised legacy labels of a table and its rows' own labels, made once rather than for every label."""
    known = _ENDINGS.get(id(spec))
    if known is None or known[0] is not spec:
        known = _ENDINGS[id(spec)] = (spec, tuple(normalise_label(x) for x in spec.legacy_labels),
                                      tuple(normalise_label(r.label) for r in spec.rows))
    return known[1], known[2]


@functools.lru_cache(maxsize=64)
def _alternatives(labels: tuple[str, ...]) -> regex.Pattern[str]:
    return regex.compile("|".join(regex.escape(label) for label in labels))


# treated as immutable but not frozen, like Origin (origin.py): a frozen __init__ costs 3x, and there is one per cell
@dataclass(slots=True, unsafe_hash=True)
class Piece:
    """One cell's worth of text in a value segment: its offset in the stream text, its text, and the token (cell or
    line) it came from — several pieces share a token when values are printed space-separated in one cell."""

    off: int
    text: str
    tok: int


@dataclass(frozen=True)
class _ValueRow:
    """A table row holding exactly one row of values, with whatever label cells precede them."""

    label: str
    label_off: int
    label_end: int
    values: tuple[Piece, ...]
    rows: frozenset[int] | None  # the layout rows its label allows (None: unlabelled, any row)
    extra: bool  # its label names no layout row: it may be a filer's added row


@dataclass
class _RowRead:
    """The label-driven reading of one row."""

    row_id: str
    start: int
    end: int
    label: str
    cells: tuple[Cell, ...]
    clean: bool  # exactly one row of values followed the label
    offs: list[int]  # the offsets of the value pieces read
    origin: Origin  # of the label

    @property
    def used(self) -> frozenset[int]:
        """The offsets of the value pieces read (asked for only when the table's rows are aligned)."""
        return frozenset(self.offs)


_UNSEEN: list[int] = []  # a segment whose map is not made yet (by identity: an unmappable segment's map is [])


class _Locator:
    """Maps offsets of the stream text back to origins and to the original (unnormalised) text."""

    def __init__(self, stream: Stream) -> None:
        self.stream = stream
        self.segments = stream.segments
        self.starts = [s[0] for s in stream.segments]
        self.maps: list[list[int] | None] = [_UNSEEN] * len(self.starts)

    def _map(self, i: int) -> list[int] | None:
        """For segment i, the index in its raw text of each normalised character (None when they line up)."""
        index = self.maps[i]
        if index is _UNSEEN:
            start, end, _, raw = self.segments[i]
            if len(raw) == end - start:
                index = None
            else:
                from gxlint.normalise import normalise_with_map

                norm, index = normalise_with_map(raw)
                lead = len(norm) - len(norm.lstrip())
                index = index[lead:lead + (end - start)]
                if len(index) != end - start:
                    index = []
            self.maps[i] = index
        return index

    def _raw_index(self, offset: int) -> tuple[int, int] | None:
        """(segment, index into its raw text) of a stream offset."""
        i = bisect.bisect_right(self.starts, offset) - 1
        if i < 0:
            return None
        start = self.segments[i][0]
        k = offset - start
        index = self._map(i)
        if index is None:
            return i, k
        if not index or k >= len(index):
            return None
        return i, index[k]

    def origin(self, offset: int) -> Origin:
        i = bisect.bisect_right(self.starts, offset) - 1
        if i < 0:
            return Origin()
        start, _end, origin, _raw = self.segments[i]
        k = offset - start
        index = self._map(i)
        if index is not None:
            if not index or k >= len(index):
                return origin
            k = index[k]
        return origin.shifted(k)

    def raw_at(self, offset: int, length: int) -> str:
        i = bisect.bisect_right(self.starts, offset) - 1
        if i >= 0 and length > 0:
            start, end, _origin, raw = self.segments[i]
            if offset + length <= end and self._map(i) is None:
                return raw[offset - start:offset - start + length]  # within one segment that lines up
        at = self._raw_index(offset)
        last = self._raw_index(offset + length - 1) if length > 0 else at
        if at is None or last is None or at[0] != last[0]:
            return self.stream.text[offset: offset + length] if at is None else ""
        raw = self.stream.segments[at[0]][3]
        return raw[at[1]: last[1] + 1]


def _chunks(text: str) -> list[str]:
    """`text` split on every cell, row and line break (str methods: this runs for every row of every table)."""
    return text.replace("\x1e", "\x1f").replace("\n", "\x1f").split("\x1f")


def _pieces(text: str, base: int, tok0: int = 0) -> list[Piece]:
    """Split a value segment into cells: on cell/line breaks, then on spaces inside a cell ("0 1 1 0 2" as one
    cell). Page numbers are dropped."""
    out: list[Piece] = []
    pos = 0
    tok = tok0
    chunks = _chunks(text)
    last = len(chunks) - 1
    # a segment ending with a break has no cell after it; an empty stretch after the last break is where the next
    # thing starts, not an empty cell
    if text[-1:] in ("\x1f", "\x1e", "\n"):
        chunks.pop()
        last = -1
    for i, chunk in enumerate(chunks):
        stripped = chunk.strip()
        if stripped and stripped[0] in _NOISE_FIRST and _NOISE.fullmatch(stripped):
            pass
        elif " " in stripped and all(is_value_like(p) for p in stripped.split(" ") if p):
            sub = 0
            for part in chunk.split(" "):
                if part:
                    idx = chunk.index(part, sub)
                    out.append(Piece(base + pos + idx, part, tok))
                    sub = idx + len(part)
        elif stripped or i != last:
            lead = len(chunk) - len(chunk.lstrip())
            out.append(Piece(base + pos + lead, stripped, tok))
        tok += 1
        pos += len(chunk) + 1
    return out


def _sum_check(spec: TableSpec) -> Callable[[list[int | float]], bool] | None:
    """The sums a fused row must satisfy, from the table's own arithmetic."""
    if spec.id == "t3":
        return lambda v: sum(v[:6]) == v[6]
    if spec.id == "t4":
        return lambda v: all(sum(v[i:i + 4]) == v[i + 4] for i in (0, 5, 10))
    return None


def _group_check(size: int) -> Callable[[list[int | float]], bool] | None:
    if size == 5:
        return lambda v: sum(v[:4]) == v[4]
    return None


def _numeral(prefix: str) -> str:
    """The numeral of a printed row number: "2." / "（二）" / "2、" → "2" / "二"."""
    return _NOT_NUMERAL.sub("", normalise_label(prefix))


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _flat(text: str) -> str:
    return text.replace("\x1f", "").replace("\x1e", "").replace("\n", "").replace(" ", "")


class TableReader:
    def __init__(self, stream: Stream, layout: Layout | None = None, locator: _Locator | None = None) -> None:
        """`locator`: one already made for this stream (another reader's `loc`), to share its work."""
        self.text = stream.text
        self.loc = locator if locator is not None and locator.stream is stream else _Locator(stream)
        labels: list[regex.Pattern[str]] = []
        if layout is not None:
            labels = [r.loose for t in layout.tables for r in t.rows]
        self._known = labels

    # -- cells ---------------------------------------------------------------------------------------------------

    def _cells(self, spec: TableSpec, row_id: str, cols: tuple, run: list[Piece]) -> tuple[Cell, ...]:
        """One cell per column, from its piece (see `_cells_at`)."""
        return self._cells_at(spec, row_id, cols, [p.off for p in run], [p.text for p in run])

    def _cells_at(self, spec: TableSpec, row_id: str, cols: tuple, offs: list[int],
                  texts: list[str]) -> tuple[Cell, ...]:
        """One cell per column, from its piece's offset and text: its value, its raw text and its origin. This runs
        for every cell, so the common case — a piece inside one segment whose normalised text lines up with the raw
        text — is inline."""
        loc = self.loc
        starts, segments, maps = loc.starts, loc.segments, loc.maps
        last_seg = len(starts) - 1
        table = spec.id
        cells = []
        i = -1
        for col, off, text in zip(cols, offs, texts, strict=True):
            parsed = parse_value(text)
            length = len(text)
            # the segment holding `off` (bisect_right - 1): the pieces of a row come in order, mostly one segment
            # each, so walk forward from the last one rather than search
            if i >= 0 and starts[i] <= off:
                while i < last_seg and starts[i + 1] <= off:
                    i += 1
            else:
                i = bisect.bisect_right(starts, off) - 1
            if i >= 0 and length > 0:
                start, end, origin, raw = segments[i]
                index = maps[i]
                if index is _UNSEEN and len(raw) == end - start:
                    index = maps[i] = None  # (what _map finds first for every segment that lines up)
                if off + length <= end and (index is None or (index is _UNSEEN and loc._map(i) is None)):
                    k = off - start
                    # origin.shifted(k) inlined for the common cases (once per cell): no call at k = 0 or
                    # without a line, but a mapped origin is always asked
                    if (k > 0 and origin.line is not None and origin.col is not None) or origin.mapped:
                        origin = origin.shifted(k)
                    raw = raw[k:k + length]
                else:
                    raw, origin = loc.raw_at(off, length), loc.origin(off)
            else:
                raw, origin = loc.raw_at(off, length), loc.origin(off)
            cells.append(Cell(table, row_id, col.id, parsed.state, raw or text, origin, parsed.value, parsed.unit,
                              parsed.note))
        return tuple(cells)

    def _all(self, spec: TableSpec, row_id: str, state: str, raw: str, origin: Origin, note: str,
             cols: tuple | None = None) -> tuple[Cell, ...]:
        return tuple(Cell(spec.id, row_id, c.id, state, raw, origin, note=note) for c in (cols or spec.columns))

    def _fused(self, spec: TableSpec, row_id: str, values: list[Piece], cols: tuple,
               check: Callable[[list[int | float]], bool] | None) -> tuple[Cell, ...] | None:
        """Digits printed without separators ("7000007", "230 000023"): split only when exactly one split fits."""
        nonempty = [p for p in values if p.text]
        if not nonempty or len(nonempty) != len(values) or len({p.tok for p in nonempty}) != 1 \
                or len(nonempty) >= len(cols):
            return None
        groups = [p.text for p in nonempty]
        unit = None
        m = _UNIT_TAIL.search(groups[-1])
        if m:
            unit = m.group(2)
            groups[-1] = groups[-1][: m.start(2)]
        if not all(_FUSED.fullmatch(g) for g in groups) or sum(len(g.replace(".", "")) for g in groups) < len(cols):
            return None  # too few digits to hold a row: a short row, not a fused one
        first = nonempty[0]
        raw_all = self.loc.raw_at(first.off, nonempty[-1].off + len(nonempty[-1].text) - first.off)
        spans = split_fused_spans(groups, [c.kind for c in cols], check)
        if spans is None:
            shown = " ".join(p.text for p in nonempty)
            return self._all(spec, row_id, UNREADABLE, raw_all or shown, self.loc.origin(first.off),
                             f"数字粘连「{shown}」无法唯一拆分为{len(cols)}个数", cols)
        # map each number back to its piece and offset
        starts: list[tuple[int, Piece]] = []
        acc = 0
        for p, g in zip(nonempty, groups, strict=True):
            starts.append((acc, p))
            acc += len(g)
        cells = []
        for col, (value, s, e) in zip(cols, spans, strict=True):
            k = max(i for i, (a, _) in enumerate(starts) if a <= s)
            a, p = starts[k]
            off = p.off + (s - a)
            raw = self.loc.raw_at(off, e - s) or p.text[s - a: e - a]
            cells.append(Cell(spec.id, row_id, col.id, NUMBER, raw, self.loc.origin(off), value=value,
                              unit=unit if col.kind == "amount" else None,
                              note=f"由粘连数字「{' '.join(x.text for x in nonempty)}」唯一拆分"))
        return tuple(cells)

    def _read_values(self, spec: TableSpec, row_id: str, run: list[Piece], fallback: Origin,
                     cols: tuple | None = None,
                     check: Callable[[list[int | float]], bool] | None = None) -> tuple[tuple[Cell, ...], bool]:
        """Cells from the run of value pieces after a label. Returns (cells, clean)."""
        cols = cols or spec.columns
        n = len(cols)
        run = list(run)
        while len(run) > n and not run[-1].text:
            run.pop()  # empty cells closing the row
        while len(run) > n and not run[0].text:
            run.pop(0)  # an empty cell under a label that spans two columns
        if not any(p.text for p in run):
            if len(run) == n:
                return self._cells(spec, row_id, cols, run), True
            return self._all(spec, row_id, MISSING, "", fallback, "该行没有读到数值", cols), False
        if len(run) < n:  # (only fewer pieces than columns can be fused digits)
            fused = self._fused(spec, row_id, run, cols, check if check is not None else
                                (_sum_check(spec) if cols == spec.columns else None))
            if fused is not None:
                return fused, True
        elif len(run) == n:
            return self._cells(spec, row_id, cols, run), True
        first = next(p for p in run if p.text)
        shown = " | ".join(p.text for p in run)
        if len(run) < n:
            note = f"该行只读到{len(run)}个值「{shown}」，应为{n}个，无法确定各值所在的列"
        else:
            note = f"该行读到{len(run)}个值「{shown}」，多于{n}个，无法确定各值所在的列"
        return self._all(spec, row_id, UNREADABLE, first.text, self.loc.origin(first.off), note, cols), False

    # -- segments ------------------------------------------------------------------------------------------------

    def _segment(self, spec: TableSpec, start: int, end: int) -> list[Piece]:
        """The pieces of a row's value segment, group labels removed."""
        seg = self.text[start:end]
        removed: list[tuple[int, int]] = []
        if spec.groups_pattern is not None:
            removed = [(start + m.start(), start + m.end()) for m in spec.groups_pattern.finditer(seg)]
            seg = spec.groups_pattern.sub(lambda m: "\x1f" * len(m.group(0)), seg)
        at_boundary = seg[:1] in ("\x1f", "\x1e", "\n")
        if at_boundary:
            seg = " " + seg[1:]  # the label's own cell ends here: the first piece is already the next cell
        pieces = _pieces(seg, start)
        if not at_boundary and pieces and not pieces[0].text:
            pieces = pieces[1:]  # the rest of the label's cell, empty
        # a removed group label leaves no cells behind
        return [p for p in pieces if p.text or not any(a <= p.off <= b for a, b in removed)]

    def _row_cells(self, start: int, end: int, n: int) -> tuple[list[int], list[str]] | None:
        """The cells after a label in the label's own table row, when there are exactly n of them (empty cells that
        close the row, or stand under a label spanning two columns, aside): their offsets and texts (no Piece: they
        go straight into cells)."""
        text = self.text
        # the label's cell must end with a cell break, and the row must end before any line break
        row_end = text.find("\x1e", start, end)
        if row_end < 0 or text.find("\n", start, row_end) >= 0:
            return None
        first = text.find("\x1f", start, row_end)
        if first < 0:
            return None
        offs: list[int] = []
        texts: list[str] = []
        pos = first + 1
        for chunk in text[pos:row_end].split("\x1f"):
            stripped = chunk.strip()
            if not (stripped and stripped[0] in _NOISE_FIRST and _NOISE.fullmatch(stripped)):
                # (a cell token is stripped already: nothing to measure)
                offs.append(pos if len(stripped) == len(chunk) else pos + len(chunk) - len(chunk.lstrip()))
                texts.append(stripped)
            pos += len(chunk) + 1
        if len(texts) == n:
            return offs, texts
        while len(texts) > n and not texts[-1]:
            texts.pop()
            offs.pop()
        while len(texts) > n and not texts[0]:
            del texts[0], offs[0]
        return (offs, texts) if len(texts) == n else None

    def _only_row(self, spec: TableSpec, start: int, end: int, last: str) -> bool:
        """Whether the segment holds nothing after the label's own row but empty cells and group labels (the common
        case), so its pieces after the row, all empty, need not be made: they add no extra row and no stray value.
        Pieces after the row's last cell come only from text after the row, from a last cell split at its spaces, or
        from a group label removed from the segment (what is left of its cell). `last`: the row's last cell."""
        if " " in last:
            return False
        text = self.text
        row_end = text.find("\x1e", start, end)
        tail = text[row_end + 1:end]
        groups = spec.groups_pattern
        if groups is None:
            return not tail.strip()
        m = groups.search(text, start, end)
        if m is None:
            return not tail.strip()
        # group labels after the row only (the labels have no lookaround: those found in the tail alone are the ones
        # found in the segment), with nothing but breaks and spaces around them
        return m.start() > row_end and not groups.sub("", tail).strip()

    @staticmethod
    def _split_run(pieces: list[Piece]) -> tuple[list[Piece], list[Piece]]:
        """(the run of values after the label, the rest). Text right after the label is its remark
        ("(区分处理的…)") or a wrapped header, and is skipped."""
        i = 0
        while i < len(pieces) and pieces[i].text and not is_value_like(pieces[i].text):
            i += 1
        j = i
        while j < len(pieces) and is_value_like(pieces[j].text):
            j += 1
        return pieces[i:j], pieces[j:]

    # -- tables --------------------------------------------------------------------------------------------------

    def _hits(self, spec: TableSpec, start: int, end: int,
              strict_only: bool = False) -> tuple[list[tuple[int, int, str, str]], list[str]]:
        """Each row's label, searched in layout order (start, end, row id, label text), and the rows not found.
        A legacy row is searched where the rows it stands in for would be, when none of them was found."""
        hits: list[tuple[int, int, str, str]] = []
        cursor = start
        missing: list[str] = []
        for row in spec.rows:
            m = row.pattern.search(self.text, cursor, end)
            if not m and not strict_only:
                m = row.loose.search(self.text, cursor, end)
            if not m:
                missing.append(row.id)
                continue
            hits.append((m.start(), m.end(), row.id, self.text[m.start():m.end()]))
            cursor = m.end()
        order = [r.id for r in spec.rows]
        for leg in spec.legacy_rows:
            if not leg.instead_of or not all(r in missing for r in leg.instead_of):
                continue
            first = order.index(leg.instead_of[0])
            after = max((h[1] for h in hits if order.index(h[2]) < first), default=start)
            before = min((h[0] for h in hits if order.index(h[2]) > first), default=end)
            m = leg.pattern.search(self.text, after, before)
            if m:
                hits.append((m.start(), m.end(), leg.id, self.text[m.start():m.end()]))
        hits.sort()
        return hits, missing

    def read(self, spec: TableSpec, start: int, end: int, scope: tuple[int, int] | None = None) -> StdTable:
        """Read `spec` between `start` and `end` (its caption's window); `scope` is the wider window (the whole part)
        searched when none of its rows stands in the narrow one (PDF extractions move tables away from captions)."""
        if spec.single_row:
            return self._read_single(spec, start, end)
        caption_found = True
        if spec.caption_pattern is not None:
            m = spec.caption_pattern.search(self.text, start, end)
            if m:
                start = m.end()
            else:
                caption_found = False
        hits, missing = self._hits(spec, start, end)
        if not hits and scope is not None and scope != (start, end):
            start, end = scope
            hits, missing = self._hits(spec, start, end, strict_only=True)
        if not hits:
            return StdTable(spec.id, spec.name, False, (), tuple(r.id for r in spec.rows), Origin(), caption_found)
        reads: list[_RowRead] = []
        extras: list[TableRow] = []
        for i, (s, e, row_id, label) in enumerate(hits):
            seg_end = hits[i + 1][0] if i + 1 < len(hits) else end
            same_row = self._row_cells(e, seg_end, len(spec.columns))
            printed, origin = self._label(s, e)
            if same_row is not None:
                # the label's own table row holds exactly one row of cells: they are the values, text or not —
                # exactly one cell per column: what _read_values makes of such a run, without its trimming and checks
                offs, texts = same_row
                cells, clean = self._cells_at(spec, row_id, spec.columns, offs, texts), True
                if self._only_row(spec, e, seg_end, texts[-1]):
                    rest = []
                else:
                    rest = [p for p in self._segment(spec, e, seg_end) if p.off > offs[-1]]
            else:
                run, rest = self._split_run(self._segment(spec, e, seg_end))
                offs = [p.off for p in run]
                cells, clean = self._read_values(spec, row_id, run, origin)
            if rest:  # (nothing after the row's values, the common case: no added row, no stray value)
                row_extras = self._extra_rows(spec, rest)
                if clean and any(p.text and is_value_like(p.text) for p in rest) and not row_extras:
                    clean = False  # more values follow than one row holds: they belong to some other row
                extras.extend(row_extras)
            reads.append(_RowRead(row_id, s, e, printed or label, cells, clean, offs, origin))
        trouble = bool(missing) or not all(r.clean for r in reads)
        if trouble and len(spec.columns) >= 2:
            aligned = self._align(spec, start, end, reads)
            if aligned is not None:
                rows, extra_rows, missing_ids = aligned
                return StdTable(spec.id, spec.name, True, tuple(rows) + tuple(extra_rows), tuple(missing_ids),
                                rows[0].origin if rows else Origin(), caption_found)
        legacy_ids = {r.id for r in spec.legacy_rows}
        rows = [TableRow(r.row_id, r.label, r.cells, r.origin,
                         legacy=r.row_id in legacy_ids or self._is_legacy(spec, r.label)) for r in reads]
        return StdTable(spec.id, spec.name, True, tuple(rows) + tuple(extras), tuple(missing), rows[0].origin,
                        caption_found)

    def _label(self, start: int, end: int) -> tuple[str, Origin]:
        """(`_printed`, `loc.origin(start)`) of a row label, found together: a label inside one segment that lines up
        (the common case) needs one segment search, not two."""
        loc = self.loc
        i = bisect.bisect_right(loc.starts, start) - 1
        if i >= 0 and start < end:
            seg_start, seg_end, origin, raw = loc.segments[i]
            if end <= seg_end and loc._map(i) is None:
                text = self.text[start:end]
                if "\x1f" not in text and "\x1e" not in text and "\n" not in text:
                    return raw[start - seg_start:end - seg_start], origin.shifted(start - seg_start)
        return self._printed(start, end), loc.origin(start)

    def _printed(self, start: int, end: int) -> str:
        """A label spread over several cells or lines, as one string (its pieces joined by spaces)."""
        if start >= end:
            return ""
        text = self.text[start:end]
        if "\x1f" not in text and "\x1e" not in text and "\n" not in text:
            return self.loc.raw_at(start, end - start) or text
        return _BREAKS.sub(" ", text).strip()

    def _is_legacy(self, spec: TableSpec, label: str) -> bool:
        """A label ending with a legacy wording and with no row's own wording."""
        if not spec.legacy_labels:
            return False
        legacy, own = _label_endings(spec)
        flat = normalise_label(_flat(label))
        return flat.endswith(legacy) and not flat.endswith(own)

    def _is_known_label(self, spec: TableSpec, text: str) -> bool:
        """Text that is a row label of some table of the layout (a table printed away from its caption)."""
        flat = _flat(text)
        return any(p.fullmatch(flat) or p.match(flat) for p in self._known)

    def _extra_rows(self, spec: TableSpec, rest: list[Piece]) -> list[TableRow]:
        """A filer's added row: a short label followed by (nearly) a full row of values."""
        out: list[TableRow] = []
        n = len(spec.columns)
        i = 0
        while i < len(rest):
            piece = rest[i]
            txt = piece.text
            if txt and not is_value_like(txt) and len(txt) <= 40 and "。" not in txt \
                    and not self._is_known_label(spec, txt):
                vals: list[Piece] = []
                j = i + 1
                while j < len(rest) and is_value_like(rest[j].text) and len(vals) < n:
                    vals.append(rest[j])
                    j += 1
                if len([v for v in vals if v.text]) >= max(1, n - 1):
                    origin = self.loc.origin(piece.off)
                    rid = f"extra:{txt}"
                    cells, _ = self._read_values(spec, rid, vals, origin)
                    out.append(TableRow(rid, self.loc.raw_at(piece.off, len(txt)) or txt, cells, origin, extra=True))
                    i = j
                    continue
            i += 1
        return out

    # -- alignment of value rows ---------------------------------------------------------------------------------

    def _label_rows(self, spec: TableSpec, label: str) -> tuple[frozenset[int] | None, bool]:
        """Which rows (indexes into `spec.row_order()`) a value row's label cells allow: (rows, or None when the row
        has no usable label; whether it may be a filer's added row)."""
        order = spec.row_order()
        flat = _flat(label)
        stripped = spec.groups_pattern.sub("", flat) if spec.groups_pattern is not None else flat
        if not stripped or _NUMBERING.fullmatch(stripped):
            # no label, or only a group label: a legacy row may be worded like a group ("(六)其他处理")
            legacy = {k for k, row in enumerate(order) if row.legacy and flat and row.loose.fullmatch(flat)}
            return (frozenset(legacy), False) if legacy else (None, False)
        for text in (flat, stripped):
            full: dict[int, int] = {}
            for k, row in enumerate(order):
                m = row.loose.search(text)
                if m:
                    full[k] = m.end() - m.start()
            if full:
                best = max(full.values())
                return frozenset(k for k, v in full.items() if v == best), False
        # a fragment of a label broken over cells or lines, or a label with characters lost or misprinted
        number = _LEAD_NUMBER.match(stripped)
        core = _PUNCT.sub("", stripped[number.end():] if number else stripped)
        if len(core) < 3:
            return None, False
        found = set()
        for k, row in enumerate(order):
            ref = _PUNCT.sub("", normalise_label(row.label))
            if core in ref or ref in core:
                found.add(k)
            elif (number and row.prefix and _numeral(number.group(0)) == _numeral(row.prefix)
                  and len(core) >= max(4, 0.6 * len(ref)) and _subsequence(core, ref)):
                found.add(k)
        if found:
            return frozenset(found), False
        if len(core) >= 4:
            return frozenset(), True  # a label of its own: a filer's added row, not a layout row
        return None, False  # a scrap of a label or header: it tells nothing

    def _value_rows(self, spec: TableSpec, start: int, end: int, n: int,
                    allow_empty: bool = False) -> list[_ValueRow]:
        """Table rows in the window holding exactly n values (after their label cells)."""
        out: list[_ValueRow] = []
        pos = start
        tok = 0
        # a row is the cells before a row break; what a line break (or the window's end) cuts off is no row, but its
        # cells count as tokens all the same
        for line in self.text[start:end].split("\n"):
            frags = line.split("\x1e")
            last = len(frags) - 1
            for f, frag in enumerate(frags):
                chunks = frag.split("\x1f")
                if f == last:
                    for chunk in chunks[:-1]:
                        stripped = chunk.strip()
                        if not (stripped and stripped[0] in _NOISE_FIRST and _NOISE.fullmatch(stripped)):
                            tok += 1
                    pos += len(frag) + 1
                    continue
                cells: list[Piece] = []
                for chunk in chunks:
                    stripped = chunk.strip()
                    if not (stripped and stripped[0] in _NOISE_FIRST and _NOISE.fullmatch(stripped)):
                        cells.append(Piece(pos + len(chunk) - len(chunk.lstrip()), stripped, tok))
                        tok += 1
                    pos += len(chunk) + 1
                vr = self._as_value_row(spec, cells, n, allow_empty)
                if vr is not None:
                    out.append(vr)
        return out

    def _as_value_row(self, spec: TableSpec, cells: list[Piece], n: int,
                      allow_empty: bool = False) -> _ValueRow | None:
        last_label = max((i for i, c in enumerate(cells) if c.text and not is_value_like(c.text)), default=-1)
        label_cells = cells[:last_label + 1]
        values = cells[last_label + 1:]
        while len(values) > n and not values[-1].text:
            values.pop()
        while len(values) > n and not values[0].text:
            values.pop(0)
        if len(values) != n:
            return None
        label = "".join(c.text for c in label_cells)
        rows, extra = self._label_rows(spec, label)
        if not any(v.text for v in values) and rows is None and not allow_empty:
            return None
        off = label_cells[0].off if label_cells else values[0].off
        label_end = label_cells[-1].off + len(label_cells[-1].text) if label_cells else off
        return _ValueRow(label, off, label_end, tuple(values), rows, extra)

    def _align(self, spec: TableSpec, start: int, end: int,
               reads: list[_RowRead]) -> tuple[list[TableRow], list[TableRow], list[str]] | None:
        n = len(spec.columns)
        vrs = self._value_rows(spec, start, end, n)
        if not vrs:
            return None
        order = spec.row_order()
        R = len(order)
        V = len(vrs)

        def allowed(i: int, k: int) -> bool:
            rows = vrs[i].rows
            # a legacy row takes only values whose label names it
            return k in rows if rows is not None else not order[k].legacy

        # prefix[i][k]: ways to place vrs[:i] among rows[:k]; suffix[i][k]: ways to place vrs[i:] among rows[k:]
        prefix = [[0] * (R + 1) for _ in range(V + 1)]
        prefix[0] = [1] * (R + 1)
        for i in range(V):
            run = 0
            for k in range(R + 1):
                # rows r < k where vr i may sit
                prefix[i + 1][k] = run + (prefix[i][k] if vrs[i].extra else 0)
                if k < R and allowed(i, k):
                    run += prefix[i][k]
        suffix = [[0] * (R + 2) for _ in range(V + 1)]
        suffix[V] = [1] * (R + 2)
        for i in range(V - 1, -1, -1):
            run = 0
            for k in range(R, -1, -1):
                if k < R and allowed(i, k):
                    run += suffix[i + 1][k + 1]
                suffix[i][k] = run + (suffix[i + 1][k] if vrs[i].extra else 0)
        total = suffix[0][0]
        if total == 0:
            return None
        by_id = {r.row_id: r for r in reads}
        used_by_aligned: set[int] = set()
        placed: dict[int, int] = {}
        ambiguous: set[int] = set()
        for k in range(R):
            ways = [prefix[i][k] * suffix[i + 1][k + 1] if allowed(i, k) else 0 for i in range(V)]
            if sum(ways) == 0:
                continue
            sure = [i for i, w in enumerate(ways) if w == total]
            if sure:
                placed[k] = sure[0]
                used_by_aligned.update(p.off for p in vrs[sure[0]].values)
            else:
                ambiguous.add(k)
        if not placed:
            return None
        rows: list[TableRow] = []
        missing: list[str] = []
        for k, spec_row in enumerate(order):
            if k in placed:
                vr = vrs[placed[k]]
                origin = self.loc.origin(vr.label_off)
                cells, _ = self._read_values(spec, spec_row.id, list(vr.values), origin)
                label = self._printed(vr.label_off, vr.label_end)
                rows.append(TableRow(spec_row.id, label, cells, origin,
                                     legacy=spec_row.legacy or self._is_legacy(spec, vr.label)))
                continue
            read = by_id.get(spec_row.id)
            if read is not None and read.clean and not (read.used & used_by_aligned):
                rows.append(TableRow(read.row_id, read.label, read.cells, read.origin,
                                     legacy=spec_row.legacy or self._is_legacy(spec, read.label)))
                continue
            if spec_row.legacy:
                continue  # an alternative the report does not use
            if k in ambiguous:
                origin = read.origin if read is not None else Origin()
                rows.append(TableRow(spec_row.id, read.label if read else "",
                                     self._all(spec, spec_row.id, UNREADABLE, "", origin,
                                               "无法确定哪一行数值属于该行（标签与数值在提取中错位）"), origin))
                continue
            if read is not None:
                # the label is there but no whole row of values can belong to it: what the label's own segment gave
                # (a short row is unreadable), never values that belong to other rows
                origin = read.origin
                if read.used & used_by_aligned or all(c.state == NUMBER for c in read.cells):
                    cells = self._all(spec, spec_row.id, MISSING, "", origin, "该行没有读到数值")
                else:
                    cells = read.cells
                rows.append(TableRow(spec_row.id, read.label, cells, origin,
                                     legacy=spec_row.legacy or self._is_legacy(spec, read.label)))
                continue
            if not spec_row.legacy:
                missing.append(spec_row.id)
        extra_rows: list[TableRow] = []
        placed_vrs = set(placed.values())
        for i, vr in enumerate(vrs):
            if i in placed_vrs or not vr.extra:
                continue
            ways_placed = sum(prefix[i][k] * suffix[i + 1][k + 1] for k in range(R) if allowed(i, k))
            if ways_placed == 0:
                origin = self.loc.origin(vr.label_off)
                rid = f"extra:{vr.label}"
                cells, _ = self._read_values(spec, rid, list(vr.values), origin)
                extra_rows.append(TableRow(rid, self._printed(vr.label_off, vr.label_end), cells, origin, extra=True))
        return rows, extra_rows, missing

    # -- 表四 ----------------------------------------------------------------------------------------------------

    def _read_single(self, spec: TableSpec, start: int, end: int) -> StdTable:
        """表四: one data row under a block of header labels — as one table row of 15 cells, as 15 values after the
        headers (cells, lines, space-separated or fused), or as three small tables of five, one per group."""
        n = len(spec.columns)
        for vr in self._value_rows(spec, start, end, n):
            if any(p.text for p in vr.values):
                origin = self.loc.origin(vr.values[0].off)
                cells, _ = self._read_values(spec, "data", list(vr.values), origin)
                return StdTable(spec.id, spec.name, True, (TableRow("data", "", cells, origin),), (), origin)
        sequential = self._read_after_headers(spec, start, end)
        if sequential is not None and all(c.state != MISSING for c in sequential.rows[0].cells):
            return sequential
        grouped = self._read_groups(spec, start, end)
        if grouped is not None:
            return grouped
        for vr in self._value_rows(spec, start, end, n, allow_empty=True):
            if not vr.label:
                # a data row left wholly blank (a template, a report that filled nothing in)
                origin = self.loc.origin(vr.values[0].off)
                cells, _ = self._read_values(spec, "data", list(vr.values), origin)
                return StdTable(spec.id, spec.name, True, (TableRow("data", "", cells, origin),), (), origin)
        if sequential is not None:
            return sequential
        return StdTable(spec.id, spec.name, False, (), ("data",), Origin())

    def _read_after_headers(self, spec: TableSpec, start: int, end: int) -> StdTable | None:
        assert spec.headers_pattern is not None
        block = _header_block(spec.headers_pattern.pattern)
        m = block.search(self.text, start, end)
        if not m:
            return None
        # several header blocks may follow each other (two header rows): take the values after the last one
        pos = m.end()
        while True:
            m2 = block.match(self.text, pos, end)
            if not m2 or m2.end() == pos:
                break
            pos = m2.end()
        pieces = _pieces(self.text[pos:end], pos)
        n = len(spec.columns)
        values: list[Piece] = []
        for p in pieces:
            if p.text and not is_value_like(p.text):
                break
            values.append(p)
        while values and not values[-1].text and len(values) > n:
            values.pop()
        if not any(p.text for p in values):
            return None
        origin = self.loc.origin(values[0].off)
        if len(values) < n and len({p.tok for p in values if p.text}) > 1:
            # values stop short of the row: read them only as far as they certainly go (a group at a time)
            return None
        cells, _ = self._read_values(spec, "data", values, origin)
        return StdTable(spec.id, spec.name, True, (TableRow("data", "", cells, origin),), (), origin)

    def _read_groups(self, spec: TableSpec, start: int, end: int) -> StdTable | None:
        groups = spec.column_groups
        if not groups or len(spec.columns) % len(groups):
            return None
        size = len(spec.columns) // len(groups)
        names = sorted(((label, gid) for gid, labels in groups for label in labels), key=lambda x: -len(x[0]))
        pattern = _alternatives(tuple(normalise_label(label) for label, _ in names))
        gid_of = {normalise_label(label): gid for label, gid in names}
        pieces = _pieces(self.text[start:end], start)
        runs: list[tuple[int, list[Piece]]] = []  # (index of first piece, run)
        i = 0
        while i < len(pieces):
            if pieces[i].text and is_value_like(pieces[i].text):
                j = i
                while j < len(pieces) and is_value_like(pieces[j].text):
                    j += 1
                runs.append((i, pieces[i:j]))
                i = j
            else:
                i += 1
        found: dict[str, list[Piece]] = {}
        prev_end = start
        for _idx, run in runs:
            run_start = run[0].off
            mentions = list(pattern.finditer(self.text, prev_end, run_start))
            prev_end = run[-1].off + len(run[-1].text)
            if not mentions:
                continue
            gid = gid_of[mentions[-1].group(0)]
            if gid in found:
                return None
            found[gid] = run
        if len(found) < 2:
            return None
        cells: list[Cell] = []
        origin = Origin()
        for g, (gid, _labels) in enumerate(groups):
            cols = spec.columns[g * size:(g + 1) * size]
            run = found.get(gid)
            if run is None:
                cells.extend(self._all(spec, "data", MISSING, "", origin, "未找到该组数值", cols))
                continue
            o = self.loc.origin(run[0].off)
            if origin == Origin():
                origin = o
            got, _ = self._read_values(spec, "data", run, o, cols, _group_check(size))
            cells.extend(got)
        return StdTable(spec.id, spec.name, True, (TableRow("data", "", tuple(cells), origin),), (), origin)
