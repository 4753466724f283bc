"""Content lists matched in one pass (Aho–Corasick): spam and gambling words injected into a hacked page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import ahocorasick
import regex

from gxlint.check.context import Context
from gxlint.check.kinds.common import scope_text
from gxlint.check.rule import Rule
from gxlint.findings import Finding
from gxlint.normalise import normalise

OPTIONS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "terms": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "scope": {"type": "string"},
        "allow_near": {"type": "array", "items": {"type": "string"}},
        "max": {"type": "integer", "minimum": 1},
    },
    "required": ["terms"],
    "additionalProperties": False,
}


def compile(options: dict[str, Any]) -> dict[str, Any]:
    auto = ahocorasick.Automaton()
    words: list[str] = []
    for term in options["terms"]:
        norm = normalise(term).replace(" ", "")
        if norm:
            auto.add_word(norm, norm)
            words.append(norm)
    auto.make_automaton()
    # whether any term occurs at all: the standard library's search of the literals is three times faster than
    # walking the automaton over a clean report, which has none
    anywhere = re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))) if words else None
    return {"auto": auto, "any": anywhere, "scope": options.get("scope", "all"), "max": options.get("max", 10),
            "allow": [regex.compile(p) for p in options.get("allow_near", [])]}


def run(rule: Rule, ctx: Context) -> Iterator[Finding]:
    o = rule.compiled
    text, base = scope_text(ctx, o["scope"])
    if not text or (o["any"] is not None and not o["any"].search(text)):
        return
    seen: set[str] = set()
    count = 0
    # overlapping terms ("澳门金沙", "金沙城中心") are one injection: keep the longest of each overlapping run
    hits: list[tuple[int, int, str]] = []
    for end, term in o["auto"].iter(text):
        start = end - len(term) + 1
        if hits and start <= hits[-1][1]:
            if end - start > hits[-1][1] - hits[-1][0]:
                hits[-1] = (min(start, hits[-1][0]), max(end, hits[-1][1]), term)
            else:
                hits[-1] = (hits[-1][0], max(end, hits[-1][1]), hits[-1][2])
            continue
        hits.append((start, end, term))
    for start, end, _ in hits:
        term = text[start:end + 1]
        window = text[max(0, start - 20): end + 21]
        if any(p.search(window, timeout=1.0) for p in o["allow"]):
            continue
        if term in seen:
            continue
        seen.add(term)
        count += 1
        origin = ctx.report.origin_at(base + start) if base >= 0 else ctx.report.title_origin
        context = text[max(0, start - 12): end + 13].replace("\n", " ").replace("\x1f", " ").replace("\x1e", " ")
        yield ctx.finding(rule, {"term": term, "context": context}, origin=origin, snippet=term)
        if count >= o["max"]:
            return
