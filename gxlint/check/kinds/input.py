"""GX0 codes come from reading and recognising the file, not from a rule over the report; this kind only carries
their documentation and examples."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gxlint.check.context import Context
from gxlint.check.rule import Rule
from gxlint.findings import Finding

OPTIONS: dict[str, Any] = {"type": "object", "properties": {}, "additionalProperties": False}


def compile(options: dict[str, Any]) -> None:
    return None


def run(rule: Rule, ctx: Context) -> Iterator[Finding]:
    return iter(())
