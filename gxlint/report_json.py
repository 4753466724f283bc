"""The parsed report as JSON (`gxlint parse --format json`). Versioned: consumers key on `schema`.

    {"schema": "gxlint-report/1", "path", "format", "layout", "title", "agency",
     "year": {"value", "source", "title": [...], "period": {...}|null, "closing": ...|null, "published": ...|null},
     "parts": [{"number", "heading", "canonical", "origin"}],
     "tables": {table_id: {"name", "found", "missing_rows", "rows": [{"id", "label", "extra", "legacy",
                "cells": [{"col", "state", "raw", "value", "unit"?, "note"?, "origin"}]}]}}}
"""

from __future__ import annotations

from typing import Any

from gxlint.report import Report

SCHEMA = "gxlint-report/1"


def report_to_json(r: Report) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "path": r.path,
        "format": r.format,
        "encoding": r.encoding,
        "layout": r.layout,
        "layout_scores": r.layout_scores,
        "title": r.title,
        "agency": r.agency,
        "year": {
            "value": r.year,
            "source": r.year_source,
            "title": list(r.title_years),
            "period": {"start": r.period[0], "end": r.period[1]} if r.period else None,
            "closing": r.closing_date,
            "published": r.meta.get("published"),
        },
        "parts": [{"number": p.number, "heading": p.heading, "canonical": p.canonical,
                   "origin": p.origin.as_dict()} for p in r.parts],
        "tables": {
            tid: {
                "name": t.name,
                "found": t.found,
                "missing_rows": list(t.missing_rows),
                "rows": [{"id": row.id, "label": row.label, "extra": row.extra, "legacy": row.legacy,
                          "cells": [{k: v for k, v in c.as_dict().items() if k != "row"} for c in row.cells]}
                         for row in t.rows],
            }
            for tid, t in r.tables.items()
        },
    }
