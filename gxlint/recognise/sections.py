"""The six parts: headings found by their wording (layouts/parts.yaml), in order, wherever they stand — on their own
line, or in the middle of a crawler's one-line dump right after a table's last number ("…023四、政府信息公开行政复议…").

A report may hold more than one outline (its own work topics numbered 一…六, then the statutory parts restarted at
一); the headings chosen are the best-scoring sequence in reading order: official wording over loose wording, a
correct numeral over a wrong one, a heading that starts a line over one run into the text before it."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from gxlint.recognise.layouts import load_parts
from gxlint.recognise.stream import Stream

NUMERALS = "一二三四五六七八九十"
ORDER = "一二三四五六"
_BOUNDARY = "\n\x1f\x1e#"


@dataclass(frozen=True)
class HeadingHit:
    part: str  # which part the wording says
    ordinal: str  # the numeral printed
    start: int
    end: int
    heading: str
    canonical: bool
    strong: bool = True  # official wording or a known variant (not a loose `weak` wording)
    clean: bool = True  # starts a line, a cell or a sentence (not run into the text before it)


_NUM = (r"(?:(?P<num>[一二三四五六七八九十]{1,2})\s*[、.,，．]"
        r"|第(?P<num2>[一二三四五六七八九十]{1,2})部分[、.:：,，]?"
        r"|(?P<num3>[一二三四五六七八九十]{1,2})\s*(?=[^0-9]))")


_BEFORE = r"(?<![一二三四五六七八九十第])"


@functools.lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, str, bool, regex.Pattern[str]]]:
    out = []
    for p in load_parts()["parts"]:
        for strong, key in ((True, "patterns"), (False, "weak")):
            pats = p.get(key) or []
            if not pats:
                continue
            alts = "|".join(f"(?:{x})" for x in pats)
            # "一、" may follow anything (fused dumps); the other numberings need a boundary before them
            pat = regex.compile(_BEFORE + _NUM + r"\s*(?P<title>" + alts + ")")
            out.append((p["number"], p["canonical"], strong, pat))
    return out


@functools.lru_cache(maxsize=1)
def _any_heading() -> regex.Pattern[str]:
    """Every wording of every part in one pattern: it matches at a position exactly when one of `_patterns()` does."""
    alts = "|".join(f"(?:{x})" for p in load_parts()["parts"] for key in ("patterns", "weak") for x in p.get(key) or [])
    return regex.compile(_BEFORE + _NUM + r"\s*(?:" + alts + ")")


def _matches(pat: regex.Pattern[str], text: str, starts: list[int]) -> list[regex.Match[str]]:
    """What `pat.finditer(text)` finds, given every position where a match can start: one scan of the text for all
    the patterns instead of one each (a heading pattern starts with a lookbehind, so the engine tries every
    position)."""
    out = []
    after = 0
    for start in starts:
        if start >= after:
            m = pat.match(text, start)
            if m:
                out.append(m)
                after = m.end()
    return out


def find_headings(stream: Stream) -> list[HeadingHit]:
    text = stream.text
    hits: list[HeadingHit] = []
    # where some heading matches (overlapped: a start inside another match counts too)
    starts = [m.start() for m in _any_heading().finditer(text, overlapped=True)]
    for number, canonical, strong, pat in _patterns():
        for m in _matches(pat, text, starts):
            ordinal = m.group("num") or m.group("num2") or m.group("num3")
            before = text[m.start() - 1] if m.start() > 0 else "\n"
            clean = before in _BOUNDARY or before in "。；;！!？?:： )"
            if not m.group("num"):
                # "第一部分" and a bare numeral ("一 总体情况") only count where a heading can start
                if not (before in _BOUNDARY or before in "。；;！!？?:： )"):
                    continue
                if m.group("num3") and before not in _BOUNDARY:
                    continue
            title = m.group("title")
            hits.append(HeadingHit(number, ordinal, m.start(), m.end(), text[m.start():m.end()], title == canonical,
                                   strong, clean))
    hits.sort(key=lambda h: (h.start, -h.end))
    return hits


def _score(h: HeadingHit) -> int:
    return 10 + (4 if h.strong else 0) + (2 if h.ordinal == h.part else 0) + (1 if h.clean else 0)


def choose_parts(hits: list[HeadingHit]) -> list[HeadingHit]:
    """The best sequence of headings in reading order, at most one per part, parts in order. Ties go to the later
    heading (a table of contents or an introduction that quotes the headings comes before the body)."""
    hits = sorted(hits, key=lambda h: (h.start, -h.end))
    best: list[tuple[int, int]] = []  # (score of the best chain ending here, index of its previous hit or -1)
    for j, h in enumerate(hits):
        rank = ORDER.index(h.part)
        score, prev = _score(h), -1
        for i in range(j):
            g = hits[i]
            if ORDER.index(g.part) < rank and g.end <= h.start and best[i][0] + _score(h) >= score:
                score, prev = best[i][0] + _score(h), i
        best.append((score, prev))
    if not best:
        return []
    top = max(s for s, _ in best)
    j = max(k for k, (s, _) in enumerate(best) if s == top)
    chain: list[HeadingHit] = []
    while j >= 0:
        chain.append(hits[j])
        j = best[j][1]
    return list(reversed(chain))
