"""Finding the standard tables in the token stream and reading every cell.

Labels anchor everything: each row's label is searched in layout order, and the text between one row label and
the next is that row's value segment. This reads pipes, tabs, one-cell-per-line, HTML and Word tables alike, and
fused digit runs are split only when exactly one split fits the table's own sums.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

import regex

from gxlint.origin import Origin
from gxlint.recognise.layouts import TableSpec
from gxlint.recognise.stream import Stream
from gxlint.recognise.values import is_value_like, parse_value, split_fused
from gxlint.report import MISSING, NUMBER, UNREADABLE, Cell, StdTable, TableRow

_SPLIT = regex.compile(r"[\x1f\x1e\n]")
_DIGIT_RUN = regex.compile(r"\d[\d.]*")


class _Locator:
    """Maps offsets of the stream text back to origins."""

    def __init__(self, stream: Stream) -> None:
        self.stream = stream
        self.starts = [s[0] for s in stream.segments]

    def origin(self, offset: int) -> Origin:
        i = bisect.bisect_right(self.starts, offset) - 1
        if i < 0:
            return Origin()
        start, end, origin, raw = self.stream.segments[i]
        if origin.line is not None and origin.col is not None and offset > start and len(raw) == end - start:
            return origin.shifted(offset - start)
        return origin

    def raw_at(self, offset: int, length: int) -> str:
        i = bisect.bisect_right(self.starts, offset) - 1
        if i < 0:
            return ""
        start, end, _, raw = self.stream.segments[i]
        if len(raw) == end - start:
            return raw[offset - start: offset - start + length]
        return self.stream.text[offset: offset + length]


def _pieces(text: str, base: int) -> list[tuple[int, str]]:
    """Split a value segment into cells (offset, text): on cell/line breaks, then on spaces inside a cell
    ("0 1 1 0 2" as one cell)."""
    out: list[tuple[int, str]] = []
    pos = 0
    for m in _SPLIT.finditer(text + "\x1f"):
        chunk = text[pos:m.start()]
        if " " in chunk.strip() and all(is_value_like(p) for p in chunk.split(" ") if p):
            sub = 0
            for part in chunk.split(" "):
                if part:
                    idx = chunk.index(part, sub)
                    out.append((base + pos + idx, part))
                    sub = idx + len(part)
        else:
            lead = len(chunk) - len(chunk.lstrip())
            out.append((base + pos + lead, chunk.strip()))
        pos = m.end()
    return out


def _sum_check(spec: TableSpec) -> Callable[[list[int | float]], bool] | None:
    """The sums a fused row must satisfy, from the table's own arithmetic."""
    if spec.id == "t3":
        return lambda v: sum(v[:6]) == v[6]
    if spec.id == "t4":
        return lambda v: all(sum(v[i:i + 4]) == v[i + 4] for i in (0, 5, 10))
    return None


class TableReader:
    def __init__(self, stream: Stream) -> None:
        self.text = stream.text
        self.loc = _Locator(stream)

    # -- cells ---------------------------------------------------------------------------------------------------

    def _cells(self, spec: TableSpec, row_id: str, pieces: list[tuple[int, str]], fallback: Origin) -> tuple[Cell, ...]:
        cols = spec.columns
        n = len(cols)
        cells: list[Cell] = []
        if len(pieces) < n and len([p for p in pieces if p[1]]) == 1:
            only = next(p for p in pieces if p[1])
            run = _DIGIT_RUN.match(only[1])
            if run and run.end() >= len(only[1]) - 2 and n > 1:
                split = split_fused(run.group(0), [c.kind for c in cols], _sum_check(spec))
                origin = self.loc.origin(only[0])
                raw = self.loc.raw_at(only[0], len(only[1]))
                if split is None:
                    return tuple(Cell(spec.id, row_id, c.id, UNREADABLE, raw, origin,
                                      note=f"数字粘连「{only[1]}」无法唯一拆分为{n}个数") for c in cols)
                return tuple(Cell(spec.id, row_id, c.id, NUMBER, raw, origin, value=v, note="由粘连数字唯一拆分")
                             for c, v in zip(cols, split))
        for i, col in enumerate(cols):
            if i < len(pieces):
                off, txt = pieces[i]
                parsed = parse_value(txt)
                cells.append(Cell(spec.id, row_id, col.id, parsed.state, self.loc.raw_at(off, len(txt)) or txt,
                                  self.loc.origin(off), value=parsed.value, unit=parsed.unit, note=parsed.note))
            else:
                cells.append(Cell(spec.id, row_id, col.id, MISSING, "", fallback,
                                  note=f"该行只读到{len(pieces)}个单元格，应为{n}个"))
        return tuple(cells)

    def _strip(self, spec: TableSpec, start: int, end: int) -> list[tuple[int, str]]:
        """The value pieces of a segment: group labels removed, a label's trailing remark skipped."""
        seg = self.text[start:end]
        if spec.groups_pattern is not None:
            seg = spec.groups_pattern.sub(lambda m: "\x1f" * len(m.group(0)), seg)
        if seg[:1] in "\x1f\x1e\n":
            # the label's own cell ends here
            seg = " " + seg[1:]
        pieces = _pieces(seg, start)
        if pieces and not pieces[0][1]:
            pieces = pieces[1:]
        # drop blank pieces that only repeat separators left by removed group labels
        out = []
        i = 0
        while i < len(pieces) and pieces[i][1] and not is_value_like(pieces[i][1]):
            i += 1  # a remark continuing the label ("(区分处理的…)")
        for off, txt in pieces[i:]:
            out.append((off, txt))
        return out

    # -- tables --------------------------------------------------------------------------------------------------

    def read(self, spec: TableSpec, start: int, end: int) -> StdTable:
        if spec.single_row:
            return self._read_single(spec, start, end)
        caption_found = True
        if spec.caption_pattern is not None:
            m = spec.caption_pattern.search(self.text, start, end)
            if m:
                start = m.end()
            else:
                caption_found = False
        hits: list[tuple[int, int, str, str]] = []  # start, end, row id, label text
        cursor = start
        missing: list[str] = []
        for row in spec.rows:
            m = row.pattern.search(self.text, cursor, end) or row.loose.search(self.text, cursor, end)
            if not m:
                missing.append(row.id)
                continue
            hits.append((m.start(), m.end(), row.id, self.text[m.start():m.end()]))
            cursor = m.end()
        if not hits:
            return StdTable(spec.id, spec.name, False, (), tuple(r.id for r in spec.rows), Origin(), caption_found)
        rows: list[TableRow] = []
        extras: list[TableRow] = []
        n = len(spec.columns)
        for i, (s, e, row_id, label) in enumerate(hits):
            seg_end = hits[i + 1][0] if i + 1 < len(hits) else end
            pieces = self._strip(spec, e, seg_end)
            origin = self.loc.origin(s)
            values = pieces[:n]
            # stop at the first piece that is plainly text followed by more values: that is an extra row
            for k, (_, txt) in enumerate(values):
                if txt and not is_value_like(txt) and k > 0 and any(is_value_like(t) and t for _, t in pieces[k + 1:k + 2]):
                    values = values[:k]
                    break
            rows.append(TableRow(row_id, self.loc.raw_at(s, e - s) or label, self._cells(spec, row_id, values, origin),
                                 origin, legacy=self._is_legacy(spec, label)))
            extras.extend(self._extra_rows(spec, pieces[len(values):]))
        all_rows = tuple(rows) + tuple(extras)
        return StdTable(spec.id, spec.name, True, all_rows, tuple(missing), rows[0].origin, caption_found)

    def _is_legacy(self, spec: TableSpec, label: str) -> bool:
        from gxlint.normalise import normalise_label

        flat = normalise_label(label.replace("\x1f", "").replace("\x1e", "").replace("\n", ""))
        for legacy in spec.legacy_labels:
            leg = normalise_label(legacy)
            if flat.endswith(leg) and not any(flat.endswith(normalise_label(r.label)) for r in spec.rows):
                return True
        return False

    def _extra_rows(self, spec: TableSpec, rest: list[tuple[int, str]]) -> list[TableRow]:
        """A filer's added row: a short label followed by (nearly) a full row of values."""
        out: list[TableRow] = []
        n = len(spec.columns)
        i = 0
        while i < len(rest):
            off, txt = rest[i]
            if txt and not is_value_like(txt) and len(txt) <= 40 and "。" not in txt:
                vals = []
                j = i + 1
                while j < len(rest) and is_value_like(rest[j][1]) and len(vals) < n:
                    vals.append(rest[j])
                    j += 1
                if len([v for v in vals if v[1]]) >= max(1, n - 1):
                    origin = self.loc.origin(off)
                    rid = f"extra:{txt}"
                    out.append(TableRow(rid, self.loc.raw_at(off, len(txt)) or txt,
                                        self._cells(spec, rid, vals, origin), origin, extra=True))
                    i = j
                    continue
            i += 1
        return out

    def _read_single(self, spec: TableSpec, start: int, end: int) -> StdTable:
        """表四: one data row under a block of header labels."""
        assert spec.headers_pattern is not None
        block = regex.compile(r"(?:" + spec.headers_pattern.pattern + r"[\x1f\x1e\n ]*){4,}")
        m = block.search(self.text, start, end)
        if not m:
            return StdTable(spec.id, spec.name, False, (), ("data",), Origin())
        # several header blocks may follow each other (two header rows): take the values after the last one
        pos = m.end()
        while True:
            m2 = block.match(self.text, pos, end)
            if not m2 or m2.end() == pos:
                break
            pos = m2.end()
        pieces = _pieces(self.text[pos:end], pos)
        n = len(spec.columns)
        values: list[tuple[int, str]] = []
        for off, txt in pieces:
            if len(values) >= n:
                break
            if txt and not is_value_like(txt):
                break
            values.append((off, txt))
        while values and not values[-1][1] and len(values) > n:
            values.pop()
        origin = self.loc.origin(values[0][0] if values else pos)
        # trailing empty cells at the end of the block are the table's border, not blank values, when fewer than n
        row = TableRow("data", "", self._cells(spec, "data", values, origin), origin)
        return StdTable(spec.id, spec.name, True, (row,), (), origin)
