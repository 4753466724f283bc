"""Recognition: Document + official layouts → Report (title, years, agency, parts, layout, every table cell)."""

from __future__ import annotations

import functools

from gxlint.normalise import normalise_label
from gxlint.origin import Origin
from gxlint.read.document import Document
from gxlint.recognise import years as yr
from gxlint.recognise.layouts import layout as get_layout
from gxlint.recognise.layouts import load_layouts, load_parts
from gxlint.recognise.sections import choose_parts, find_headings
from gxlint.recognise.stream import build, flow
from gxlint.recognise.tables import TableReader
from gxlint.report import Part, Report, StdTable, YearMention

PART_ORDER = "一二三四五六"


@functools.cache
def _pre2019_fingerprints() -> tuple[str, ...]:
    return tuple(normalise_label(f) for f in load_parts().get("pre2019_fingerprints", []))


def _layout_scores(flat: str) -> dict[str, int]:
    scores = {lay.id: sum(1 for f in lay.fingerprints if f in flat) for lay in load_layouts()}
    scores["pre-2019"] = sum(1 for f in _pre2019_fingerprints() if f in flat)
    if "指标名称" in flat and "计量单位" in flat:
        scores["pre-2019"] += 2
    return scores


def _choose_layout(scores: dict[str, int], year: int | None) -> str | None:
    s19, s21, old = scores.get("2019", 0), scores.get("2021", 0), scores.get("pre-2019", 0)
    if s19 == 0 and s21 == 0:
        return "pre-2019" if old >= 2 else None
    if old >= 2 and old > s19 and old > s21:
        return "pre-2019"  # the old structure, with a stray new-format word in its text
    if s21 > s19:
        return "2021"
    if s19 > s21:
        return "2019"
    if year is not None:
        return "2021" if year >= 2021 else "2019"
    return "2021"


def _part_window(number: str, parts: list[Part], by_number: dict[str, Part], length: int) -> tuple[int, int]:
    """Where a part's tables are searched: its body, or — when its heading was not found — the stretch between the
    neighbouring parts that were."""
    part = by_number.get(number)
    if part is not None:
        return part.body_start, part.end
    rank = PART_ORDER.index(number)
    prev = [p for p in parts if PART_ORDER.index(p.number) < rank]
    nxt = [p for p in parts if PART_ORDER.index(p.number) > rank]
    return (prev[-1].body_start if prev else 0), (nxt[0].start if nxt else length)


def recognise(doc: Document) -> Report:
    stream = build(doc)
    text = stream.text
    flat = text.replace("\x1f", "").replace("\x1e", "").replace("\n", "").replace(" ", "")

    # parts
    hits = find_headings(stream)
    chosen = choose_parts(hits)
    reader = TableReader(stream)
    parts: list[Part] = []
    for i, h in enumerate(chosen):
        end = chosen[i + 1].start if i + 1 < len(chosen) else len(text)
        parts.append(Part(h.part, text[h.start:h.end], h.canonical, reader.loc.origin(h.start), h.start, h.end, end,
                          "一二三四五六七八九十".index(h.ordinal[-1]) + 1 if h.ordinal else 0))
    first_part = parts[0].start if parts else len(text)

    # title, agency, years
    head_lines: list[tuple[str, Origin]] = []
    for start, end, origin, _raw in stream.segments:
        if start >= first_part and head_lines:
            break
        if start in stream.line_starts or len(head_lines) < 25:
            head_lines.append((text[start:end], origin))
        if len(head_lines) >= 25:
            break
    title = yr.find_title(head_lines, doc.meta)

    flowed, fmap = flow(stream)

    def back(offset: int) -> int:
        return fmap[offset] if fmap is not None and offset < len(fmap) else offset

    period_hit = yr.find_period(flowed)
    period = period_mention = None
    if period_hit:
        period, pyear, m = period_hit
        period_mention = YearMention(pyear, "period", m.group(0), reader.loc.origin(back(m.start())), back(m.start()))

    last_part_start = parts[-1].body_start if parts else max(0, len(text) - 400)
    tail_start = max(last_part_start, len(text) - 300)
    closing = yr.find_closing(text[tail_start:])
    closing_date = closing_mention = None
    if closing:
        y, mo, d = (int(closing.group(k)) for k in (1, 2, 3))
        closing_date = f"{y:04d}-{mo:02d}-{d:02d}"
        closing_mention = YearMention(y, "closing", closing.group(0), reader.loc.origin(tail_start + closing.start()),
                                      tail_start + closing.start())
    published = doc.meta.get("published")
    meta = dict(doc.meta)
    if not published:
        for start, end, _o, _r in stream.segments[:15]:
            seg = text[start:end]
            if seg.startswith(("发布时间", "发布日期")):
                m = yr.ISO_DATE.search(seg) or yr.DATE.search(seg)
                if m:
                    published = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
                break
    if published:
        meta["published"] = published

    body = [YearMention(y, "body", t, reader.loc.origin(back(o)), back(o)) for y, o, t in yr.body_years(flowed)]
    year: int | None = None
    year_source: str | None = None
    if len(set(title.years)) == 1:
        year, year_source = title.years[0], "title"
    elif period_mention:
        year, year_source = period_mention.year, "period"
    else:
        p1 = parts[0] if parts and parts[0].number == "一" else None
        scope = [b for b in body if p1 and p1.start <= b.offset < p1.end] or body
        year = yr.dominant_year(scope)
        year_source = "body" if year else None

    scores = _layout_scores(flat)
    layout_id = _choose_layout(scores, year)

    tables: dict[str, StdTable] = {}
    lay = get_layout(layout_id) if layout_id in ("2019", "2021") else None
    if lay is not None:
        table_reader = TableReader(stream, lay, reader.loc)
        by_number = {p.number: p for p in parts}
        # each sub-table of part 二 ends where the next caption starts
        captions = sorted(m.start() for spec in lay.tables if spec.caption_pattern is not None
                          for m in spec.caption_pattern.finditer(text))
        for spec in lay.tables:
            start, end = _part_window(spec.part, parts, by_number, len(text))
            scope = (start, end)
            if spec.caption_pattern is not None:
                own = spec.caption_pattern.search(text, start, end)
                if own:
                    later = [c for c in captions if c > own.start()]
                    if later and later[0] < end:
                        end = later[0]
            tables[spec.id] = table_reader.read(spec, start, end, scope)

    return Report(
        path=doc.path, format=doc.format, layout=layout_id, layout_scores=scores,
        title=title.title, title_origin=title.origin, agency=title.agency, year=year, year_source=year_source,
        title_years=title.years, period=period, period_mention=period_mention,
        closing_date=closing_date, closing_mention=closing_mention, body_years=tuple(body),
        parts=tuple(parts), tables=tables, text=text, segments=stream.segments, encoding=doc.encoding, meta=meta,
    )
