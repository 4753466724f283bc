"""Running a rule's own examples (`gxlint test`, and pytest through tests/test_rule_examples.py).

An example is a whole file run through the whole pipeline, so it tests recognition too:
    text: "…"              the file's text (suffix: .txt unless `suffix` says otherwise)
    bytes_hex: "…"         raw bytes (for unreadable-input rules)
    base: blank-2024       a blank official report written by gxlint's writer, then changed by
      set: {t3/r1/natural: "5"}      cell texts
      part: {五: null, 六: "…"}      drop or replace a part's text
      title: "…"                     another title
      replace: {"old": "new"}        text replacements in the written file
    previous: {base: …, set: …}  for cross-report rules: last year's report of the same agency
    other: {…}                   for cross-report rules: another agency's report
    expect: {count: 1, cell: t3/r1/total, message_contains: "…"}
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gxlint.api import lint_path
from gxlint.check.engine import check_report
from gxlint.check.rule import Example, Rule
from gxlint.config import Config
from gxlint.findings import Finding
from gxlint.read import read_path
from gxlint.recognise import recognise


@dataclass
class ExampleResult:
    rule: Rule
    example: Example
    ok: bool
    detail: str
    findings: list[Finding]


def _draft_bytes(spec: dict[str, Any], default_year: int | None = None) -> bytes:
    from gxlint.write import write
    from gxlint.write.draft import Draft

    year = int(spec["base"].split("-")[1]) if "base" in spec else (default_year or 2024)
    draft = Draft.blank(year)
    if spec.get("agency"):
        from dataclasses import replace

        draft = replace(draft, agency=spec["agency"], title=f"{spec['agency']}{year}年政府信息公开工作年度报告")
    if "title" in spec:
        draft = draft.with_title(spec["title"])
    for key, text in (spec.get("set") or {}).items():
        table, row, col = key.split("/")
        draft = draft.with_cell(table, row, col, text)
    for number, text in (spec.get("part") or {}).items():
        draft = draft.without_part(number) if text is None else draft.with_part(number, text)
    data = write(draft, spec.get("format", "txt"))
    for old, new in (spec.get("replace") or {}).items():
        data = data.decode("utf-8").replace(old, new).encode("utf-8")
    return data


def materialise(spec: dict[str, Any], folder: Path, name: str = "example") -> Path:
    if "bytes_hex" in spec:
        data = bytes.fromhex(spec["bytes_hex"])
    elif "text" in spec:
        data = spec["text"].encode("utf-8")
    elif "base" in spec:
        data = _draft_bytes(spec)
    else:
        raise ValueError("example needs text, bytes_hex or base")
    suffix = spec.get("suffix") or ("." + spec.get("format", "txt"))
    path = folder / f"{name}{suffix}"
    path.write_bytes(data)
    return path


def _matches(f: Finding, expect: dict[str, Any]) -> bool:
    if "cell" in expect:
        if f.cell is None or f"{f.cell.table}/{f.cell.row}/{f.cell.col}" != expect["cell"]:
            return False
    if "line" in expect and f.origin.line != expect["line"]:
        return False
    if "message_contains" in expect and expect["message_contains"] not in f.message:
        return False
    return True


def run_example(rule: Rule, example: Example) -> ExampleResult:
    spec = example.spec
    with tempfile.TemporaryDirectory(prefix="gxlint-example-") as tmp:
        folder = Path(tmp)
        try:
            path = materialise(spec, folder)
        except Exception as exc:
            return ExampleResult(rule, example, False, f"示例无法生成：{type(exc).__name__}: {exc}", [])
        rules = (rule,)
        if rule.kind == "cross":
            report = recognise(read_path(str(path)))
            related = []
            others = []
            if "previous" in spec:
                prev_spec = dict(spec["previous"])
                related.append(recognise(read_path(str(materialise(prev_spec, folder, "previous")))))
            if "other" in spec:
                others.append(recognise(read_path(str(materialise(dict(spec["other"]), folder, "other")))))
            findings = check_report(report, rules, related=related, others=others, cross=True)
        else:
            findings = lint_path(str(path), Config(), rules=rules).findings
    mine = [f for f in findings if f.code == rule.code]
    expect = spec.get("expect") or {}
    if example.fire:
        hits = [f for f in mine if _matches(f, expect)]
        if not hits:
            got = "; ".join(f"{f.code} {f.message}" for f in findings) or "没有任何发现"
            return ExampleResult(rule, example, False, f"应当报告 {rule.code}{_describe(expect)}，实际：{got}", findings)
        if "count" in expect and len(mine) != expect["count"]:
            return ExampleResult(rule, example, False,
                                 f"应当报告 {expect['count']} 次 {rule.code}，实际 {len(mine)} 次", findings)
        return ExampleResult(rule, example, True, "", findings)
    if mine:
        return ExampleResult(rule, example, False,
                             f"不应报告 {rule.code}，实际：" + "; ".join(f.message for f in mine), findings)
    return ExampleResult(rule, example, True, "", findings)


def _describe(expect: dict[str, Any]) -> str:
    bits = [f"{k}={v}" for k, v in expect.items()]
    return f"（{', '.join(bits)}）" if bits else ""


def run_all(rules: list[Rule] | tuple[Rule, ...]) -> list[ExampleResult]:
    return [run_example(rule, ex) for rule in rules for ex in rule.examples]
