"""Inline suppression comments in txt, md and html reports, and the unused ones (GX004).

    <!-- gxlint-disable GX201 -->            … findings of GX201 from this line on
    <!-- gxlint-enable GX201 -->             … up to this line (`gxlint-enable` alone closes every open block)
    <!-- gxlint-disable-next-line GX301 -->  the next line only
    <!-- gxlint-disable-line GX301 -->       this line only
    <!-- gxlint-disable -->                  every rule (no codes)

Codes are separated by commas or spaces and match by prefix (`GX3` covers GX301 … GX306), as --select does; text
after " -- " is a reason and is ignored. A finding with no line (a missing part, a whole-file problem) is covered
only by a `gxlint-disable` that is never closed. docx and pdf have no comments: use per-file-ignores or a baseline.

A directive that suppresses nothing is reported as GX004, as is an unknown code or an enable without a disable. A
directive is judged only for codes whose rules ran on the file (under `--select GX3` a `gxlint-disable GX201` is not
called unused: GX201 did not run). Cross-report findings (GX8) come from the batch's second pass, after this one:
`apply_late` suppresses them by the same directives and withdraws a GX004 the file's own pass gave a directive that
turns out to suppress one (a bare `gxlint-disable`, a prefix such as `GX`). A directive naming only GX8 codes is never
called unused: whether a GX8 finding can fire depends on what else is in the batch (last year's report, another
agency's), not on the file.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import regex

from gxlint.findings import Finding
from gxlint.origin import Origin
from gxlint.source import MAX_SOURCE_BYTES, source_kind, source_lines

if TYPE_CHECKING:
    from gxlint.api import FileResult
    from gxlint.check.rule import Rule

CODE = "GX004"
ALWAYS_RUN = ("GX001", "GX002")  # emitted by reading and recognition, whatever rules are selected

_DIRECTIVE = regex.compile(
    r"<!--\s*gxlint-(?P<kind>disable-next-line|disable-line|disable|enable)(?=[\s,]|-->)(?P<body>.*?)-->",
    regex.IGNORECASE | regex.DOTALL)
_CODE = regex.compile(r"^[A-Za-z]+[0-9]*$")


@dataclass
class Directive:
    kind: str  # disable | enable | disable-next-line | disable-line
    codes: tuple[str, ...]  # () = every rule
    line: int
    col: int
    text: str  # the comment as written
    start: int = 0  # first line covered
    end: int | None = None  # last line covered; None = to the end of the file
    used: set[str] = field(default_factory=set)  # codes (or "*") that suppressed a finding
    closed_by: Directive | None = None

    def covers(self, f: Finding) -> str | None:
        """The code of this directive that covers the finding, or None."""
        line = f.origin.line
        if line is None:
            if self.kind != "disable" or self.end is not None:
                return None
        elif line < self.start or (self.end is not None and line > self.end):
            return None
        if not self.codes:
            return "*"
        best = max((c for c in self.codes if f.code.startswith(c)), key=len, default=None)
        return best


def parse_directives(lines: Iterable[str]) -> tuple[list[Directive], list[Directive]]:
    """Every directive of a file with the lines it covers, and the `gxlint-enable`s that closed nothing."""
    found: list[Directive] = []
    for lineno, text in enumerate(lines, start=1):
        if "gxlint-" not in text.lower():
            continue
        for m in _DIRECTIVE.finditer(text):
            body = m.group("body").split(" -- ", 1)[0].strip()
            body = body.split("--", 1)[0] if body.startswith("--") else body
            codes = tuple(dict.fromkeys(c.upper() for c in regex.split(r"[\s,，、]+", body) if c))
            kind = m.group("kind").lower()
            if kind == "disable" and len(codes) > 1:  # one block per code: `gxlint-enable GX201` closes GX201 alone
                found.extend(Directive(kind, (c,), lineno, m.start() + 1, m.group(0).strip()) for c in codes)
            else:
                found.append(Directive(kind, codes, lineno, m.start() + 1, m.group(0).strip()))
    directives: list[Directive] = []
    stray: list[Directive] = []
    open_blocks: list[Directive] = []
    for d in found:
        if d.kind == "disable-next-line":
            d.start = d.end = d.line + 1
        elif d.kind == "disable-line":
            d.start = d.end = d.line
        elif d.kind == "disable":
            d.start = d.line
            open_blocks.append(d)
        else:  # enable: closes the open blocks of the codes it names, or every open block when it names none
            closing = [b for b in open_blocks if not d.codes or (b.codes and set(b.codes) <= set(d.codes))]
            if not closing:
                stray.append(d)
                continue
            for b in closing:
                b.end = d.line
                b.closed_by = d
                open_blocks.remove(b)
            continue
        directives.append(d)
    return directives, stray


def apply(findings: list[Finding], path: str, ran: Collection[str], known: Collection[str],
          lines: Iterable[str] | None = None, level: str = "warning") -> tuple[list[Finding], list[Finding]]:
    """(kept findings, GX004 for unused directives among them; suppressed findings). `ran`: codes whose rules ran on
    this file; `known`: every rule code there is; `lines`: the file's lines (read from `path` when None); `level`:
    GX004's level."""
    if lines is None:
        lines = source_lines(path)
        if lines is None:
            return findings, []
    directives, stray = parse_directives(lines)
    if not directives and not stray:
        return findings, []
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    for f in findings:
        hit = False
        for d in directives:
            code = d.covers(f)
            if code is not None:
                d.used.add(code)
                hit = True
        (suppressed if hit else kept).append(f)
    ran_all = set(ran) | set(ALWAYS_RUN)
    extra: list[tuple[Finding, Directive]] = []

    def report(d: Directive, code: str, zh: str, en: str) -> None:
        extra.append((Finding(code=CODE, level=level, message=zh, path=path, origin=Origin(line=d.line, col=d.col),
                              rule_name="unused-suppression", snippet=f"{d.text} {code}".strip(), message_en=en), d))

    def judge(d: Directive, c: str) -> None:
        if not _CODE.match(c) or not any(k.startswith(c) for k in known):
            report(d, c, f"抑制注释「{d.text}」中的「{c}」不是 gxlint 的规则代码",
                   f"{c} in the suppression comment {d.text} is not a gxlint rule code")
        elif c not in d.used and any(k.startswith(c) for k in ran_all):
            report(d, c, f"抑制注释「{d.text}」中的 {c} 没有抑制任何问题，可以删除",
                   f"{c} in the suppression comment {d.text} suppresses nothing")

    later: list[tuple[Directive, str]] = []  # codes covering GX004 itself: judged once GX004s are known
    for d in directives:
        if not d.codes:
            if "*" not in d.used:
                report(d, "", f"抑制注释「{d.text}」没有抑制任何问题，可以删除",
                       f"the suppression comment {d.text} suppresses nothing")
            continue
        for c in d.codes:
            if CODE.startswith(c) and _CODE.match(c):
                later.append((d, c))
            else:
                judge(d, c)
    for d in stray:
        report(d, "", f"「{d.text}」前面没有对应的 gxlint-disable",
               f"{d.text} has no gxlint-disable before it")
    first = list(extra)
    extra.clear()
    for f, source in first:  # a GX004 can itself be suppressed (`<!-- gxlint-disable-next-line GX004 -->`)
        hit = False
        for d in directives:
            if d is source:
                continue
            code = d.covers(f)
            if code is not None:
                d.used.add(code)
                hit = True
        (suppressed if hit else kept).append(f)
    for d, c in later:
        judge(d, c)
    kept.extend(f for f, _ in extra)
    kept.sort(key=Finding.sort_key)
    return kept, suppressed


def withdraw(result: FileResult, keys: Collection[tuple[Any, ...]]) -> None:
    """Drop the own pass's GX004 findings keyed (line, col, snippet) in `keys`: their directives turned out to be used."""
    if keys:
        result.findings = [f for f in result.findings
                           if not (f.code == CODE and (f.origin.line, f.origin.col, f.snippet) in keys)]


def apply_late(result: FileResult, late: list[Finding], lines: Iterable[str] | None = None,
               withdrawn: set[tuple[int, int, str]] | None = None) -> list[Finding]:
    """Findings added to a result after its own pass (the cross-report rules): those the file's directives cover go to
    `result.suppressed`, the rest are returned; a GX004 of the own pass whose directive now suppresses one of them is
    withdrawn from `result.findings`. `lines`: the file's lines (read from its path when None). `withdrawn` receives
    the (line, col, snippet) keys of the GX004 findings withdrawn, so the cache can do the same again."""
    if not late:
        return late
    if lines is None:
        lines = source_lines(result.path)
        if lines is None:  # docx, pdf, or no longer readable: no comments
            return late
    directives, _ = parse_directives(lines)
    if not directives:
        return late
    kept: list[Finding] = []
    for f in late:
        hit = False
        for d in directives:
            code = d.covers(f)
            if code is not None:
                d.used.add(code)
                hit = True
        (result.suppressed if hit else kept).append(f)
    # the own pass's GX004 for a directive is keyed by where the directive is and the code it names ("" for all)
    used = {(d.line, d.col, d.text if c == "*" else f"{d.text} {c}") for d in directives for c in d.used}
    if withdrawn is not None:
        withdrawn.update(used)
    withdraw(result, used)
    return kept


# codecs under which an ASCII character of the text comes from that same byte and from nothing else
_ASCII_TRANSPARENT = {"utf-8", "utf-8-sig", "gb18030", "big5hkscs"}


def surely_without_directives(path: str, data: bytes | None = None) -> bool:
    """True when the file cannot hold a directive, told from its bytes without decoding them into lines: most files
    have none, and source_lines plus parse_directives cost more than the rest of the file's suppression handling.
    A directive needs "gxlint-" in some case; where the file's text is decoded by a codec that keeps ASCII as its
    own bytes (txt: no UTF-16 BOM and no NUL, so UTF-8, GB18030 or Big5; html: the same, unless it declares another
    charset), those seven bytes must be in the file. Otherwise (and when unsure) False: the lines are read.
    `data`: the file's bytes as the reader read them (read from `path` when None)."""
    kind = source_kind(path)
    if kind is None:
        return True  # docx, pdf: source_lines gives nothing
    if data is None:
        try:
            if os.stat(path).st_size > MAX_SOURCE_BYTES:
                return True  # source_lines refuses it too
            data = Path(path).read_bytes()
        except OSError:
            return True  # source_lines cannot read it either
    elif len(data) > MAX_SOURCE_BYTES:
        return True
    if b"gxlint-" in data.lower():
        return False
    if b"\x00" in data or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if kind == "html":
        from gxlint.read.html import _declared_charset

        declared = _declared_charset(data)
        return declared is None or declared in _ASCII_TRANSPARENT
    return True


def apply_to_result(result: FileResult, rules: Iterable[Rule], known: Iterable[Rule], data: bytes | None = None) -> None:
    """Apply the file's suppression comments to a lint result in place (api.lint_path calls this for txt/md/html).
    GX004 findings are added only when the GX004 rule is among `rules`. `data`: the bytes the reader read, if at
    hand (they tell most files have no directive without reading the file again)."""
    rules = tuple(rules)
    own = next((r for r in rules if r.code == CODE), None)
    if surely_without_directives(result.path, data):
        kept, suppressed = result.findings, []  # what apply returns for a file without directives
    else:
        # cross-report findings (GX8) are added after the file's own pass (apply_late): a directive naming them is
        # not judged here
        ran = {r.code for r in rules if r.kind != "cross"}
        kept, suppressed = apply(result.findings, result.path, ran, {r.code for r in known},
                                 level=own.level if own else "warning")
    if own is None:
        kept = [f for f in kept if f.code != CODE]
    result.findings = kept
    result.suppressed.extend(suppressed)
