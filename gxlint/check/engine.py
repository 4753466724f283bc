"""Running rules over a report: applicability, then each rule's kind. Rules see only Reports, never files."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import regex

from gxlint.check.context import Context
from gxlint.check.kinds import kind_module
from gxlint.check.kinds.common import applies
from gxlint.check.rule import Rule
from gxlint.findings import Finding
from gxlint.report import Report


class RuleRuntimeError(Exception):
    """A rule failed while running (a user pattern timed out, say): a rule error, exit code 2."""

    def __init__(self, rule: Rule, message: str) -> None:
        self.rule = rule
        super().__init__(f"{rule.source}: 规则 {rule.code} 执行失败：{message}")


def check_report(report: Report, rules: Sequence[Rule], related: Iterable[Report] = (),
                 others: Iterable[Report] = (), cross: bool = False, english: bool = False) -> list[Finding]:
    """Findings of every enabled, applicable rule. Cross-report rules run only when `cross` is set (batch runs
    pass the same agency's other reports as `related` and near-duplicate candidates as `others`)."""
    ctx = Context(report, english=english, related=tuple(related), others=tuple(others))
    out: list[Finding] = []
    for rule in rules:
        if not rule.enabled or rule.kind == "input":
            continue
        if (rule.kind == "cross") != cross:
            continue
        if not applies(rule.applies, report):
            continue
        try:
            out.extend(kind_module(rule.kind).run(rule, ctx))
        except TimeoutError as exc:
            raise RuleRuntimeError(rule, f"正则表达式匹配超时（{exc}）：请简化该规则的 pattern") from exc
        except regex.error as exc:
            raise RuleRuntimeError(rule, f"正则表达式错误：{exc}") from exc
    return out
