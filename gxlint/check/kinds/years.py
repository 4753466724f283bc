"""Years and dates: the title names one report year; the body, the statistical period and the closing date agree
with it; the notice cited fits the year."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

import regex

from gxlint.check.context import Context
from gxlint.check.kinds.text import TIMEOUT
from gxlint.check.rule import Rule
from gxlint.findings import Finding

OPTIONS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "check": {"enum": ["title", "body", "period", "closing", "notice"]},
        # closing: last day to publish, by kind of agency (MM-DD of the following year)
        "deadline_department": {"type": "string", "pattern": "^\\d{2}-\\d{2}$"},
        "deadline_government": {"type": "string", "pattern": "^\\d{2}-\\d{2}$"},
        "government_pattern": {"type": "string"},
        # body: sentences that open with a year and then speak of the agency's own work
        "stale_pattern": {"type": "string"},
    },
    "required": ["check"],
    "additionalProperties": False,
}

_STALE = (r"(?:^|(?<=[\n。；;!！?？\x1f\x1e]))(?:在|截至|截止)?(?P<y>(?:19|20)[0-9]{2})年(?:度)?(?:以来|全年|上半年|内|中)?[,，]?"
          r"(?:我|本|全)(?:局|委|办|厅|镇|乡|街道|区|县|市|州|省|单位|机关|部门|中心|院|署|会|馆|所|站|队|政府)")
_NOTICE_2021 = regex.compile(r"〔2021〕30号|\[2021\]30号|\(2021\)30号")


def compile(options: dict[str, Any]) -> dict[str, Any]:
    out = dict(options)
    out["_stale"] = regex.compile(options.get("stale_pattern", _STALE))
    out["_gov"] = regex.compile(options.get("government_pattern", r"人民政府$|政府$|管委会$|管理委员会$|实验区$|新区$|开发区$"))
    return out


def _date(iso: str) -> date | None:
    try:
        y, m, d = (int(x) for x in iso.split("-"))
        return date(y, m, d)
    except (ValueError, AttributeError):
        return None


def run(rule: Rule, ctx: Context) -> Iterator[Finding]:
    check = rule.compiled["check"]
    yield from globals()["_" + check](rule, ctx)


def _title(rule: Rule, ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    years = sorted(set(r.title_years))
    if r.title is None:
        yield ctx.finding(rule, {"problem": "未找到报告标题，无法从标题确定报告年度"}, snippet="no-title")
    elif not years:
        yield ctx.finding(rule, {"problem": f"标题「{r.title}」没有写明报告年度"}, origin=r.title_origin, snippet=r.title)
    elif len(years) > 1:
        yield ctx.finding(rule, {"problem": f"标题「{r.title}」写了多个年度（{'、'.join(map(str, years))}）"},
                          origin=r.title_origin, snippet=r.title)


def _body(rule: Rule, ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    if r.year is None or r.year_source != "title":
        return  # without a title year there is nothing independent to compare the body with
    p1 = r.part("一")
    if p1 is not None:
        inside = [m for m in r.body_years if p1.start <= m.offset < p1.end]
        counts = Counter(m.year for m in inside)
        if counts:
            top, n = counts.most_common(1)[0]
            if top != r.year and n >= 2 and n > counts.get(r.year, 0):
                first = next(m for m in inside if m.year == top)
                yield ctx.finding(rule, {"found": top, "year": r.year,
                                         "problem": f"「一、总体情况」中最常出现的年份是{top}年（{n}次），而标题是{r.year}年"},
                                  origin=first.origin, snippet=f"dominant:{top}")
                return
    seen: set[int] = set()
    for m in rule.compiled["_stale"].finditer(r.text, timeout=TIMEOUT):  # a user's stale_pattern: bounded
        try:
            y = int(m.group("y"))
        except (TypeError, ValueError):  # a user's pattern without a (?P<y>…) of ASCII digits
            continue
        if y in (r.year, r.year + 1) or y in seen:
            continue
        seen.add(y)
        yield ctx.finding(rule, {"found": y, "year": r.year,
                                 "problem": f"正文「{m.group(0).strip()}…」叙述的是{y}年的工作，而报告年度是{r.year}年"},
                          origin=r.origin_at(m.start("y")), snippet=m.group(0).strip())


def _period(rule: Rule, ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    if r.period is None or r.year is None or r.period_mention is None:
        return
    start, end = r.period
    want = (f"{r.year:04d}-01-01", f"{r.year:04d}-12-31")
    if (start, end) != want:
        yield ctx.finding(rule, {"period": f"{start} 至 {end}", "year": r.year,
                                 "problem": f"统计期限为{start}至{end}，应为{want[0]}至{want[1]}"},
                          origin=r.period_mention.origin, snippet=r.period_mention.text)


def _closing(rule: Rule, ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    if r.year is None:
        return
    candidates = []
    if r.closing_date and r.closing_mention is not None:
        candidates.append((r.closing_date, r.closing_mention.origin, r.closing_mention.text, "落款日期"))
    elif r.meta.get("published"):
        candidates.append((r.meta["published"], None, r.meta["published"], "发布日期"))
    gov = bool(r.agency and rule.compiled["_gov"].search(r.agency, timeout=TIMEOUT))
    deadline = rule.compiled.get("deadline_government" if gov else "deadline_department",
                                 "03-31" if gov else "01-31")
    for iso, origin, text, what in candidates:
        d = _date(iso)
        if d is None:
            continue
        if d.year != r.year + 1:
            yield ctx.finding(rule, {"date": iso, "what": what,
                                     "problem": f"{what}{iso}不在报告年度的次年（{r.year + 1}年）"},
                              origin=origin, snippet=text)
            continue
        limit = _date(f"{r.year + 1}-{deadline}")
        if limit and d > limit:
            yield ctx.finding(rule, {"date": iso, "what": what,
                                     "problem": f"{what}{iso}晚于法定期限{r.year + 1}-{deadline}"},
                              origin=origin, snippet=text)


def _notice(rule: Rule, ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    if r.year is None or r.year >= 2021:
        return
    m = _NOTICE_2021.search(r.text)
    if m:
        yield ctx.finding(rule, {"notice": "国办公开办函〔2021〕30号",
                                 "problem": f"{r.year}年度报告引用了2021年9月才印发的国办公开办函〔2021〕30号"},
                          origin=r.origin_at(m.start()), snippet=m.group(0))
