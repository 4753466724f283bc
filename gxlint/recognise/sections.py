"""The six parts: headings found by their wording (layouts/parts.yaml), in order, wherever they stand — on their own
line, or in the middle of a crawler's one-line dump after a full stop."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from gxlint.recognise.layouts import load_parts
from gxlint.recognise.stream import Stream

NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class HeadingHit:
    part: str  # which part the wording says
    ordinal: str  # the numeral printed
    start: int
    end: int
    heading: str
    canonical: bool


@functools.lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, str, regex.Pattern[str]]]:
    out = []
    for p in load_parts()["parts"]:
        alts = "|".join(f"(?:{x})" for x in p["patterns"])
        pat = regex.compile(
            r"(?:(?<=^|[\n\x1f\x1e。；;！!？?:：\s\)])|(?<=[^\d\w]))"
            r"(?:(?P<num>[一二三四五六七八九十]{1,2})\s*[、.,，．]|第(?P<num2>[一二三四五六七八九十]{1,2})部分[、.:：,，]?|(?P<num3>[一二三四五六七八九十]{1,2})\s*(?=[^\d]))"
            r"\s*(?P<title>" + alts + ")",
        )
        out.append((p["number"], p["canonical"], pat))
    return out


def find_headings(stream: Stream) -> list[HeadingHit]:
    text = stream.text
    hits: list[HeadingHit] = []
    for number, canonical, pat in _patterns():
        for m in pat.finditer(text):
            ordinal = m.group("num") or m.group("num2") or m.group("num3")
            if m.group("num3") and not m.group("num"):
                # a bare numeral with no 、 only counts at the start of a line ("一 总体情况")
                if m.start() > 0 and text[m.start() - 1] not in "\n\x1f\x1e":
                    continue
            title = m.group("title")
            hits.append(HeadingHit(number, ordinal, m.start(), m.end(), text[m.start():m.end()], title == canonical))
    hits.sort(key=lambda h: (h.start, -h.end))
    return hits


def choose_parts(hits: list[HeadingHit]) -> list[HeadingHit]:
    """Pick, in reading order, the heading of each part. When the same wording appears twice (a restarted outline,
    an introduction that quotes headings), prefer a hit whose printed numeral is right."""
    chosen: dict[str, HeadingHit] = {}
    order = "一二三四五六"
    cursor = -1
    for number in order:
        candidates = [h for h in hits if h.part == number and h.start > cursor]
        if not candidates:
            continue
        right = [h for h in candidates if h.ordinal == number]
        pick = right[0] if right else candidates[0]
        # do not jump over the next parts' headings to find a correctly numbered one
        later = [h for h in hits if h.part in order[order.index(number) + 1:] and h.start > cursor]
        if right and later and right[0].start > min(h.start for h in later) and not candidates[0].ordinal == number:
            pick = candidates[0]
        chosen[number] = pick
        cursor = pick.start
    return [chosen[n] for n in order if n in chosen]
