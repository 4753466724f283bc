"""The closed set of check kinds. Each module exposes OPTIONS (the JSON Schema of its options — a rule file is
validated against its kind's own schema), compile(options) -> compiled, and run(rule, ctx) -> iterable of Findings.
Adding a kind is adding a module here and a line to KINDS; a rule never runs Python of its own."""

from __future__ import annotations

import functools
import importlib
from types import ModuleType

KINDS: dict[str, str] = {
    "input": "gxlint.check.kinds.input",
    "parts": "gxlint.check.kinds.parts",
    "parts_order": "gxlint.check.kinds.parts_order",
    "part_table": "gxlint.check.kinds.part_table",
    "part_content": "gxlint.check.kinds.part_content",
    "table_shape": "gxlint.check.kinds.table_shape",
    "layout_year": "gxlint.check.kinds.layout_year",
    "cell": "gxlint.check.kinds.cell",
    "equation": "gxlint.check.kinds.equation",
    "text": "gxlint.check.kinds.text",
    "terms": "gxlint.check.kinds.terms",
    "years": "gxlint.check.kinds.years",
    "title": "gxlint.check.kinds.title",
    "cross": "gxlint.check.kinds.cross",
    "subtotal": "gxlint.check.kinds.subtotal",
    "text_sum": "gxlint.check.kinds.text_sum",
}


@functools.cache  # every rule of every report asks: skip the import machinery
def kind_module(name: str) -> ModuleType:
    return importlib.import_module(KINDS[name])
