"""Running rules over a report: applicability, then each rule's kind. Rules see only Reports, never files."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from types import ModuleType

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


Plan = tuple[tuple[Rule, ModuleType], ...]
# rule set (by identity) → (the rule set, (cross, layout, year) → the rules that run and their kinds): which rules
# apply depends only on the report's layout and year, so the choice is made once per rule set and kind of report
_PLANS: dict[int, tuple[tuple[Rule, ...], dict[tuple[bool, str | None, int | None], Plan]]] = {}


def _applicable(rules: Sequence[Rule], report: Report, cross: bool) -> Plan:
    return tuple((rule, kind_module(rule.kind)) for rule in rules
                 if rule.enabled and rule.kind != "input" and (rule.kind == "cross") == cross
                 and applies(rule.applies, report))


def _plan(rules: Sequence[Rule], report: Report, cross: bool) -> Plan:
    if type(rules) is not tuple:  # a list may change between calls: choose afresh
        return _applicable(rules, report, cross)
    entry = _PLANS.get(id(rules))
    if entry is None or entry[0] is not rules:
        if len(_PLANS) >= 8:
            del _PLANS[next(iter(_PLANS))]
        entry = _PLANS[id(rules)] = (rules, {})
    plans = entry[1]
    key = (cross, report.layout, report.year)
    plan = plans.get(key)
    if plan is None:
        if len(plans) >= 512:  # years are few in practice; bound what hostile input could add
            plans.clear()
        plan = plans[key] = _applicable(rules, report, cross)
    return plan


def check_report(report: Report, rules: Sequence[Rule], related: Iterable[Report] = (),
                 others: Iterable[Report] = (), cross: bool = False, english: bool = False) -> list[Finding]:
    """Findings of every enabled, applicable rule. Cross-report rules run only when `cross` is set (batch runs
    pass the same agency's other reports as `related` and near-duplicate candidates as `others`)."""
    ctx = Context(report, english=english, related=tuple(related), others=tuple(others))
    out: list[Finding] = []
    for rule, kind in _plan(rules, report, cross):
        try:
            out.extend(kind.run(rule, ctx))
        except TimeoutError as exc:
            raise RuleRuntimeError(rule, f"正则表达式匹配超时（{exc}）：请简化该规则的 pattern") from exc
        except regex.error as exc:
            raise RuleRuntimeError(rule, f"正则表达式错误：{exc}") from exc
    return out
