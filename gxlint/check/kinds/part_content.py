"""A part is empty, or says only "无" where that is not allowed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import regex

from gxlint.check.context import Context
from gxlint.check.rule import Rule
from gxlint.findings import Finding

OPTIONS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "parts": {"type": "array", "items": {"enum": list("一二三四五六")}},
        # parts allowed to say only "无" up to this report year (六 in 2019-layout reports)
        "none_allowed": {"type": "object", "additionalProperties": {"type": "integer"}},
    },
    "additionalProperties": False,
}
_NONE = regex.compile(r"^[\s\x1f\x1e]*(?:无|暂无|没有|无其他需要报告的事项|本年度无其他需要报告的事项)[。.\s\x1f\x1e]*$")


_DATE_LINE = regex.compile(r"^\s*(?:(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2})\s*$")
_AGENCY_LINE = regex.compile(r"^[^\s。，,；;]{2,30}(?:人民政府|政府|办公室|办公厅|局|委员会|委|办|中心|街道办事处|管委会)\s*$")
# what _AGENCY_LINE can match before its trailing spaces: 30 characters of name and a 5-character ending
_AGENCY_MAX = 35


def _agency_line(line: str) -> bool:
    """_AGENCY_LINE.match, without running it on a paragraph (the last line of most parts): its backtracking over
    the endings costs more than the rest of the part's check. Past _AGENCY_MAX only spaces can follow, and every
    regex \\s is a str.isspace() space (tests/test_check_part_content.py)."""
    if len(line) > _AGENCY_MAX and not line[_AGENCY_MAX:].isspace():
        return False
    return bool(_AGENCY_LINE.match(line))


def _without_signature(body: str, agency: str | None) -> str:
    """The part's text without the closing signature (agency name and date) that follows the last part."""
    end = len(body)  # what is kept: body[:end]; only the last lines are looked at, not the whole part split
    while True:
        start = body.rfind("\n", 0, end) + 1
        line = body[start:end]
        if not (not line.strip() or _DATE_LINE.match(line) or line.strip() == agency or _agency_line(line)):
            return body[:end]
        if start == 0:
            return ""  # every line was signature
        end = start - 1


def compile(options: dict[str, Any]) -> dict[str, Any]:
    return {"parts": options.get("parts", list("一二三四五六")), "none_allowed": options.get("none_allowed", {})}


def run(rule: Rule, ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    for number in rule.compiled["parts"]:
        part = r.part(number)
        if part is None:
            continue
        body = _without_signature(r.text[part.body_start:part.end], r.agency).strip()
        if not body.strip("\x1f\x1e\n "):
            yield ctx.finding(rule, {"part": number, "heading": part.heading, "problem": "内容为空"},
                              origin=part.origin, snippet=part.heading)
        elif _NONE.match(body):
            limit = rule.compiled["none_allowed"].get(number)
            if limit is not None and r.year is not None and r.year <= limit:
                continue
            yield ctx.finding(rule, {"part": number, "heading": part.heading, "problem": "只写了「无」"},
                              origin=part.origin, snippet=part.heading)
