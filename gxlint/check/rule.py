"""A loaded rule: what its YAML file said, validated, with where it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import regex

_VAR = regex.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Example:
    name: str
    fire: bool
    spec: dict[str, Any]  # base / set / text / expect …
    line: int | None = None


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    level: str
    kind: str
    options: dict[str, Any]
    message: str
    summary: str
    description: str = ""
    rationale: str = ""
    references: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    message_en: str = ""
    applies: dict[str, Any] = field(default_factory=dict)
    examples: tuple[Example, ...] = ()
    source: str = ""  # the rule file
    enabled: bool = True
    compiled: Any = None  # what the kind precompiled from its options (patterns, expressions)

    def with_level(self, level: str) -> Rule:
        from dataclasses import replace

        return replace(self, level=level)

    def format(self, values: dict[str, Any], english: bool = False) -> str:
        """Fill {name} placeholders; only plain names, no attribute access (user rule files are data)."""
        template = (self.message_en or self.message) if english else self.message

        def sub(m: regex.Match[str]) -> str:
            v = values.get(m.group(1))
            if v is None:
                return m.group(0)
            if isinstance(v, float):
                return f"{v:g}"
            return str(v)

        return _VAR.sub(sub, template)
