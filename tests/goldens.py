"""Golden files: what a person read off each corpus file by hand, in a form recognition output can be compared with.

A golden (tests/golden/<file name>.json) holds the layout, the report year, the title and agency, the part headings
found (as printed, normalised) and every standard-table cell as {table: {row: {col: value}}}, where value is the
cell's printed text for a number ("0", "15.8952万元", "22(其中修订16件)"; normalised: half-width, simplified) or its state: "BLANK", "UNREADABLE",
"MISSING", "PLACEHOLDER:<text>", "TEXT:<text>". Rows a table lacks are listed under "missing_rows"; a filer's added
row is keyed "extra:<label>"; rows worded in the other layout's terms are listed under "legacy_rows".

`python tests/goldens.py FILE...` prints a draft from gxlint's current output — a starting point only: every value
in a golden is to be checked against the source file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from gxlint.normalise import normalise
from gxlint.read import read_path
from gxlint.recognise import recognise
from gxlint.report import BLANK, MISSING, NUMBER, PLACEHOLDER, TEXT, UNREADABLE, Cell, Report

GOLDEN = Path(__file__).resolve().parent / "golden"

_STATE = {BLANK: "BLANK", MISSING: "MISSING", UNREADABLE: "UNREADABLE"}


def cell_value(cell: Cell) -> str:
    if cell.state == NUMBER:
        return normalise(cell.raw).strip()
    if cell.state in (PLACEHOLDER, TEXT):
        return f"{cell.state.upper()}:{normalise(cell.raw).strip()}"
    return _STATE[cell.state]


def snapshot(report: Report) -> dict[str, Any]:
    tables: dict[str, dict[str, dict[str, str]]] = {}
    missing: dict[str, list[str]] = {}
    legacy: dict[str, list[str]] = {}
    for tid, table in report.tables.items():
        tables[tid] = {row.id: {c.col: cell_value(c) for c in row.cells} for row in table.rows}
        if table.missing_rows:
            missing[tid] = list(table.missing_rows)
        leg = [row.id for row in table.rows if row.legacy]
        if leg:
            legacy[tid] = leg
    out: dict[str, Any] = {
        "layout": report.layout,
        "year": report.year,
        "title": report.title,
        "agency": report.agency,
        "parts": {p.number: p.heading for p in report.parts},
        "tables": tables,
        "missing_rows": missing,
    }
    if legacy:
        out["legacy_rows"] = legacy
    return out


def snapshot_path(path: Path) -> dict[str, Any]:
    return snapshot(recognise(read_path(path)))


def golden_path(source: Path) -> Path:
    return GOLDEN / f"{source.name}.json"


def diff(want: Any, got: Any, where: str = "") -> list[str]:
    """Every difference, one line each ("tables/t3/r3_1/natural: golden '27', recognised 'UNREADABLE'"). A golden's
    "notes" (what the person checking it decided, and why) are not compared."""
    if not where and isinstance(want, dict):
        want = {k: v for k, v in want.items() if k != "notes"}
    if isinstance(want, dict) and isinstance(got, dict):
        out: list[str] = []
        for key in list(want) + [k for k in got if k not in want]:
            here = f"{where}/{key}" if where else str(key)
            if key not in got:
                out.append(f"{here}: in the golden ({json.dumps(want[key], ensure_ascii=False)[:80]}), not recognised")
            elif key not in want:
                out.append(f"{here}: recognised ({json.dumps(got[key], ensure_ascii=False)[:80]}), not in the golden")
            else:
                out.extend(diff(want[key], got[key], here))
        return out
    if want != got:
        return [f"{where}: golden {json.dumps(want, ensure_ascii=False)}, recognised {json.dumps(got, ensure_ascii=False)}"]
    return []


def dump(data: dict[str, Any]) -> str:
    """JSON with one table row per line, so a golden reads like the table it records."""
    lines = ["{"]
    keys = list(data)
    for i, key in enumerate(keys):
        comma = "," if i < len(keys) - 1 else ""
        value = data[key]
        if key == "tables" and value:
            lines.append('  "tables": {')
            tids = list(value)
            for j, tid in enumerate(tids):
                lines.append(f'    "{tid}": {{')
                rows = list(value[tid])
                for k, rid in enumerate(rows):
                    row_comma = "," if k < len(rows) - 1 else ""
                    lines.append(f'      {json.dumps(rid, ensure_ascii=False)}: '
                                 f'{json.dumps(value[tid][rid], ensure_ascii=False)}{row_comma}')
                lines.append("    }" + ("," if j < len(tids) - 1 else ""))
            lines.append("  }" + comma)
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - a tool for writing drafts
    for arg in sys.argv[1:]:
        print(f"== {arg}")
        print(dump(snapshot_path(Path(arg))))
