"""Every rule's own examples: what must fire and what must not (the same as `gxlint test`)."""

from __future__ import annotations

import pytest

from gxlint.check.examples import run_example
from gxlint.check.loader import builtin_rules

CASES = [(rule, ex) for rule in builtin_rules() for ex in rule.examples]


@pytest.mark.parametrize("rule,example", CASES, ids=[f"{r.code}-{i}" for i, (r, _) in enumerate(CASES)])
def test_rule_example(rule, example) -> None:
    result = run_example(rule, example)
    assert result.ok, f"{rule.code} «{example.name}»: {result.detail}"


def test_every_catalog_code_has_a_rule_with_a_firing_example() -> None:
    codes = {r.code for r in builtin_rules()}
    catalog = {"GX001", "GX002", "GX003", *(f"GX1{i:02d}" for i in range(1, 10)), *(f"GX20{i}" for i in range(1, 6)),
               *(f"GX30{i}" for i in range(1, 7)), *(f"GX40{i}" for i in range(1, 6)), *(f"GX50{i}" for i in range(1, 5)),
               *(f"GX60{i}" for i in range(1, 7)), "GX701", "GX702", *(f"GX80{i}" for i in range(1, 6)), "GX901"}
    assert catalog <= codes, sorted(catalog - codes)
    for rule in builtin_rules():
        assert any(e.fire for e in rule.examples), rule.code
        assert any(not e.fire for e in rule.examples), f"{rule.code} has no must-not-fire example"
