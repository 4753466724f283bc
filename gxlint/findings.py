"""A finding: what a rule says about one place in one report. Immutable; renderers only read it."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from gxlint.origin import Origin

LEVELS = ("error", "warning", "info")
LEVEL_RANK = {"info": 1, "warning": 2, "error": 3}


@dataclass(frozen=True)
class CellRef:
    """A table cell named by layout keys, plus the labels a person reads (表三 / （七）总计 / 自然人)."""

    table: str
    row: str
    col: str
    table_name: str = ""
    row_label: str = ""
    col_label: str = ""

    def path(self) -> str:
        return "/".join([x for x in (self.table_name or self.table, self.row_label or self.row,
                                     self.col_label or self.col) if x])


@dataclass(frozen=True)
class RowContext:
    """What a renderer shows around a cell finding, taken from the report when the finding is made — so a cached
    finding is drawn without reading the file again. `cells` is the finding's table row as (column id, column
    label, raw text); `involved` the raw text of each of the finding's `cells`."""

    label: str
    cells: tuple[tuple[str, str, str], ...]
    involved: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    code: str
    level: str
    message: str
    path: str
    origin: Origin = field(default_factory=Origin)
    cell: CellRef | None = None
    values: dict[str, Any] = field(default_factory=dict)  # for arithmetic: left, right, and the cells involved
    cells: tuple[CellRef, ...] = ()  # every cell the finding involves (highlighted in HTML)
    rule_name: str = ""
    snippet: str = ""  # the matched text or the cell's raw text: the content the fingerprint hashes
    message_en: str = ""
    context: RowContext | None = field(default=None, compare=False)

    @property
    def rank(self) -> int:
        return LEVEL_RANK.get(self.level, 0)

    def fingerprint(self) -> str:
        """A content hash that survives edits elsewhere in the file: rule, file, cell path or matched text — never
        line numbers."""
        return content_fingerprint(self.code, self.path, self.cell.path() if self.cell else self.snippet, self.message)

    def sort_key(self) -> tuple[Any, ...]:
        o = self.origin
        return (self.path, o.page or 0, o.table or 0, o.row or 0, o.line or 0, o.col or 0, o.cell or 0, self.code,
                self.message)

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "code": self.code, "level": self.level, "message": self.message, "path": self.path,
            "origin": self.origin.as_dict(), "fingerprint": self.fingerprint(),
        }
        if self.rule_name:
            d["rule"] = self.rule_name
        if self.cell:
            d["cell"] = {"table": self.cell.table, "row": self.cell.row, "col": self.cell.col,
                         "path": self.cell.path()}
        if self.cells:
            d["cells"] = [{"table": c.table, "row": c.row, "col": c.col, "path": c.path()} for c in self.cells]
        if self.values:
            d["values"] = self.values
        if self.snippet:
            d["snippet"] = self.snippet
        return d


def content_fingerprint(code: str, path: str, anchor: str, message: str) -> str:
    """Finding.fingerprint from its parts (a renderer names the file by another path than the finding's)."""
    key = "\x00".join((code, path.replace("\\", "/"), anchor, message if not anchor else ""))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


# a finding's snippet is also its fingerprint's anchor: where nothing in the report can be quoted (a part or a row
# that is missing, the layout as a whole, another report, a rule that timed out), the kinds write a key instead —
# "absent:body", "layout:2021", "t3:missing:r2", "similar:b.txt", "no-title", "GX003 GX601". A key is not text of
# the report: no renderer shows it as the text it found (the text format's 原文, the HTML report, SARIF's snippet)
_KEY = re.compile(r"(?:absent|missing|layout|similar|same|dominant):|no-title$|t[0-9]+(?:_[0-9]+)?:|GX[0-9]{3} GX[0-9]{3}$")


def quote_of(snippet: str, code: str) -> str:
    """The snippet when it is text of the report; "" when it is a key (or the rule's code, a GX0 finding's)."""
    if not snippet or snippet == code or _KEY.match(snippet):
        return ""
    return snippet
