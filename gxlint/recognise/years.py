"""Title, agency and every year and date a report states, each kept with its source so rules can compare them."""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass

import regex

from gxlint.normalise import normalise
from gxlint.origin import Origin
from gxlint.report import YearMention

YEAR = r"(?:19|20)[0-9]{2}"
_TITLE_PHRASE = regex.compile(r"(?:政府|政务)?信息公开.{0,8}报告|政务公开.{0,8}报告|年度报告|年报")
# a crawler's "标题:" field or a markdown heading marker before the title
_TITLE_PREFIX = regex.compile(r"^(?:#+\s*|(?:标题|题目|文章标题|title)\s*[:：]\s*)", regex.I)
_YEAR_IN_TITLE = regex.compile(rf"({YEAR})\s*年")
_AGENCY_STRIP = regex.compile(
    rf"({YEAR})\s*年度?|(?:政府|政务)信息公开.*$|政务公开.*$|关于|的$|[《》\"'“”]|^\s*[(（].*?[)）]\s*")
PERIOD = regex.compile(
    rf"统计.{{0,14}}?(?:自|从|为|是|:)?\s*({YEAR})\s*年\s*([0-9]{{1,2}})\s*月\s*([0-9]{{1,2}})\s*日(?:起)?\s*"
    rf"(?:至|到|-|~|—|－|起至)\s*(?:({YEAR})\s*年)?\s*([0-9]{{1,2}})\s*月\s*([0-9]{{1,2}})\s*日")
DATE = regex.compile(rf"({YEAR})\s*年\s*([0-9]{{1,2}})\s*月\s*([0-9]{{1,2}})\s*日")
ISO_DATE = regex.compile(rf"({YEAR})[-/.]([0-9]{{1,2}})[-/.]([0-9]{{1,2}})")
BODY_YEAR = regex.compile(rf"(?<![0-9])({YEAR})\s*(?:年|年度)")
# compiled once, not looked up in the regex cache on every report
_REPORT_END = regex.compile(r"报告\W{0,3}$|年报\W{0,3}$")
_REPORT_END_ONLY = regex.compile(r"报告\W{0,3}$")
_YEAR_FIRST = regex.compile(rf"{YEAR}\s*年")
_SITE_SUFFIX = regex.compile(r"[_|｜]| - ")


@functools.cache
def _agency_line() -> regex.Pattern[str]:
    """A line that is only an agency's name (its endings listed in layouts/parts.yaml)."""
    from gxlint.recognise.layouts import load_parts

    ends = "|".join(regex.escape(e) for e in sorted(load_parts()["agency_endings"], key=len, reverse=True))
    return regex.compile(r"[^\s,，。:：;；、()（）《》]{1,28}(?:" + ends + ")")

_PUBLISHED_LINE = regex.compile(r"(?:发布(?:时间|日期)|成文日期|发文日期|PubDate|日期)\s*[:：]?\s*")


@dataclass(frozen=True)
class TitleInfo:
    title: str | None
    origin: Origin | None
    years: tuple[int, ...]
    agency: str | None


def find_title(lines: list[tuple[str, Origin]], meta: dict[str, str]) -> TitleInfo:
    """`lines`: the first text lines of the document, before part 一 (normalised text, origin)."""
    candidates: list[tuple[str, Origin | None]] = []
    for i, (text, origin) in enumerate(lines[:25]):
        t = _TITLE_PREFIX.sub("", text).strip()
        if not t or len(t) > 70 or t.startswith(("根据", "本报告", "按照", "依据", "为")):
            continue
        if "信息公开" in t or "政务公开" in t or "年度报告" in t:
            if _TITLE_PHRASE.search(t) and _REPORT_END.search(t):
                # the agency printed on the line above ("淮安市人民政府" / "2024年政府信息公开工作年度报告")
                if i > 0 and _YEAR_FIRST.match(t):
                    above, above_origin = lines[i - 1]
                    above = _TITLE_PREFIX.sub("", above).strip()
                    if 2 <= len(above) <= 30 and _agency_line().fullmatch(above):
                        candidates.append((above + t, above_origin))
                        break
                candidates.append((t, origin))
                break
            # a title broken over two lines ("…政府信息公开工作" / "年度报告")
            if i + 1 < len(lines):
                nxt = lines[i + 1][0].strip()
                if len(nxt) <= 20 and _REPORT_END_ONLY.search(nxt):
                    candidates.append((t + nxt, origin))
                    break
    if not candidates and meta.get("title"):
        t = normalise(meta["title"])
        t = _SITE_SUFFIX.split(t)[0].strip()
        if "报告" in t:
            candidates.append((t, None))
    if not candidates:
        return TitleInfo(None, None, (), None)
    title, origin = candidates[0]
    years = tuple(int(y) for y in _YEAR_IN_TITLE.findall(title))
    agency = _AGENCY_STRIP.sub("", title).strip(" ：:，,、-—") or None
    if agency and len(agency) < 2:
        agency = None
    return TitleInfo(title, origin, years, agency)


def find_period(text: str) -> tuple[tuple[str, str], int, regex.Match[str]] | None:
    m = PERIOD.search(text)
    if not m:
        return None
    y1 = int(m.group(1))
    y2 = int(m.group(4)) if m.group(4) else y1
    start = f"{y1:04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    end = f"{y2:04d}-{int(m.group(5)):02d}-{int(m.group(6)):02d}"
    return (start, end), y1, m


def find_closing(tail: str) -> regex.Match[str] | None:
    """The last full date in the closing lines (the signature date)."""
    last = None
    for m in DATE.finditer(tail):
        last = m
    return last


def body_years(text: str, offset: int = 0) -> list[tuple[int, int, str]]:
    return [(int(m.group(1)), offset + m.start(), m.group(0)) for m in BODY_YEAR.finditer(text)]


def dominant_year(mentions: list[YearMention]) -> int | None:
    if not mentions:
        return None
    counts = Counter(m.year for m in mentions)
    year, n = counts.most_common(1)[0]
    return year
