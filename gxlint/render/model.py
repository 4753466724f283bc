"""The one findings model every output format renders: plain data (dicts, lists, strings, numbers) built once per
run from the RunResult. Templates only read it; nothing here knows about any output format.

    model = {
      "tool": {"name", "version"},
      "root": {"path", "uri"},            # what relative paths and URIs are relative to
      "rules": [rule...],                 # every enabled rule, plus any rule a finding names; sorted by code
      "files": [file...],                 # sorted by path
      "findings": [finding...],           # every finding of every file, in file order
      "summary": {...},                   # counts by level, rule, agency, year
      "notifications": [{"path", "uri", "message"}],   # files that could not be read (GX001)
      "execution_successful": bool,
      "notes": [str],                     # run-level remarks (stale baseline entries, …)
    }

A finding: code, level, level_zh, sarif_level, github_level, rule, rule_index, message, path, relpath, uri, line, col,
end_line, end_col, location (Chinese wording), origin, cell {table,row,col,path,table_name,row_label,col_label},
cells [...], values {left,right,expression,…}, snippet, fingerprint, source {line,before,mark,after} (the offending
source line, windowed), row {label, columns [{label,raw,mark}]} (the cell's table row), involved [{path,raw}]. A
brief model (formats that print one line per finding) has only the BRIEF_FIELDS of each finding and no tables.
A file: path, relpath, uri, format, error, unreadable, clean, title, agency, year, layout, counts, findings,
suppressed, baselined, tables [{id,name,columns,rows [{id,label,extra,cells [{col,raw,state,marks,level,role}]}]}].
"""

from __future__ import annotations

import html
import itertools
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from gxlint.findings import LEVEL_RANK, CellRef, Finding, content_fingerprint, quote_of
from gxlint.source import source_kind, source_lines

if TYPE_CHECKING:
    from gxlint.api import FileResult
    from gxlint.check.rule import Rule
    from gxlint.report import Report
    from gxlint.run import RunResult

LEVEL_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
LAYOUT_ZH = {"2019": "2019年版", "2021": "2021年版", "pre-2019": "2019年以前的旧结构"}
FORMAT_ZH = {"txt": "文本", "md": "Markdown", "html": "网页", "docx": "Word", "pdf": "PDF"}
WINDOW = 36  # code points of context either side of a column in a long source line
ROW_WINDOW = 4  # table columns either side of the marked cell in the text view of a wide row


def _clean(label: str) -> str:
    return label.replace("\x1f", "").replace("\x1e", "").replace("\n", "").strip()


def _absolute(path: str, base: str) -> str:
    """`path` made absolute against `base` (the working directory) without resolving links: output names a file by
    the path the user gave — a link by its own path, not by its target (`zero.txt`, not `/dev/zero`) — and it costs
    no system call per file."""
    return os.path.normpath(os.path.join(base, path))


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def choose_root(paths: Iterable[str], cwd: Path | None = None, base: str | None = None) -> Path:
    """The folder relative paths are relative to: the working directory when every file is inside it, else the
    deepest folder holding them all. `base`: what relative paths are relative to (the process's working directory)."""
    cwd = (cwd or Path.cwd()).resolve()
    base = base or os.getcwd()
    here = str(cwd)
    absolute = [_absolute(p, base) for p in paths]
    if all(_under(p, here) for p in absolute):
        return cwd
    try:
        common = Path(os.path.commonpath([os.path.dirname(p) for p in absolute]))
    except ValueError:  # different drives
        return cwd
    return common


def relpath(path: str, root: Path, base: str | None = None) -> str:
    """`path` relative to `root`, as a POSIX path; as given when it is outside `root`."""
    p = _absolute(path, base or os.getcwd())
    folder = str(root)
    if p == folder:
        return "."
    prefix = folder.rstrip(os.sep) + os.sep
    if p.startswith(prefix):  # plain string work: this runs once per file of the batch
        return p[len(prefix):].replace(os.sep, "/")
    return Path(path).as_posix()


_URI_SAFE = re.compile(r"[A-Za-z0-9/._~-]*")


def file_uri(rel: str) -> str:
    """A relative URI reference for a relative POSIX path (non-ASCII and reserved characters percent-encoded)."""
    return rel if _URI_SAFE.fullmatch(rel) else quote(rel, safe="/-._~")


def rule_dict(rule: Rule, index: int) -> dict[str, Any]:
    description = (rule.description or rule.summary).strip()
    help_lines = [rule.summary.strip(), "", description]
    if rule.rationale:
        help_lines += ["", f"依据：{rule.rationale.strip()}"]
    if rule.references:
        help_lines += ["", "参考：" + "；".join(rule.references)]
    help_lines += ["", f"详见 gxlint explain {rule.code}"]
    return {
        "index": index, "code": rule.code, "name": rule.name, "level": rule.level, "level_zh": LEVEL_ZH[rule.level],
        "sarif_level": SARIF_LEVEL[rule.level], "summary": rule.summary.strip(), "description": description,
        "rationale": rule.rationale.strip(), "references": list(rule.references),
        "tags": sorted(set(rule.tags) | {"gxlint"}), "kind": rule.kind, "help": "\n".join(help_lines).strip(),
        "applies": rule.applies,
    }


def cell_dict(c: CellRef) -> dict[str, Any]:
    return {"table": c.table, "row": c.row, "col": c.col, "path": c.path(), "table_name": c.table_name or c.table,
            "row_label": _clean(c.row_label or c.row), "col_label": c.col_label or c.col}


def column_labels(report: Report, table_id: str) -> dict[str, str]:
    from gxlint.recognise.layouts import layout

    lay = layout(report.layout) if report.layout in ("2019", "2021") else None
    spec = lay.labels(table_id) if lay else None
    return dict(spec.columns) if spec else {}


def _source(f: Finding, lines: tuple[str, ...] | None) -> dict[str, Any] | None:
    line = f.origin.line
    if lines is None or line is None or not 1 <= line <= len(lines):
        return None
    text = lines[line - 1].rstrip("\r\n")
    col = max(1, min(f.origin.col or 1, len(text) + 1))
    i = col - 1
    if "<" in text and source_kind(f.path) == "html":
        text, i = _page_text(text, i)
    length = 1
    if f.snippet and text.startswith(f.snippet, i):
        length = max(1, len(f.snippet))
    if f.origin.end_line == line and f.origin.end_col and f.origin.end_col > col:
        length = f.origin.end_col - col
    length = min(length, 60)
    start = max(0, i - WINDOW)
    end = min(len(text), i + length + WINDOW)
    before = ("…" if start > 0 else "") + text[start:i].expandtabs(4)
    mark = text[i:i + length] or " "
    after = text[i + length:end] + ("…" if end < len(text) else "")
    return {"line": line, "before": before, "mark": mark, "after": after}


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)?[^<>]*(?:>|$)")
_BREAKS = {"td", "th", "tr", "p", "br", "div", "li", "table", "h1", "h2", "h3", "h4", "h5", "h6"}


def _page_text(line: str, i: int) -> tuple[str, int]:
    """An HTML source line as a reader of the page sees it — tags out (a cell or paragraph boundary as a space),
    entities decoded — around column i, and where i falls in it (a position inside a tag moves to the text after
    it). Only a stretch around i is looked at: a minified page is one line of 100,000 characters."""
    lo, hi = max(0, i - 20 * WINDOW), min(len(line), i + 20 * WINDOW)
    window = line[lo:hi]
    if lo:  # cut inside a tag: what precedes its ">" is not text
        close, open_ = window.find(">"), window.find("<")
        if close >= 0 and (open_ < 0 or close < open_):
            lo += close + 1
            window = window[close + 1:]
    out = ""
    at = -1
    last = 0
    for m in itertools.chain(_TAG.finditer(window), (None,)):
        start = m.start() if m is not None else len(window)
        piece = window[last:start]
        if at < 0 and lo + start > i:  # i falls in this piece, or in the tag before it
            at = len(out) + len(html.unescape(piece[:max(0, i - lo - last)]))
        out += html.unescape(piece)
        if m is None:
            break
        if (m.group(2) or "").lower() in _BREAKS and out and not out.endswith(" "):
            out += " "
        last = m.end()
    return out, min(at if at >= 0 else len(out), len(out))


def _row_cells(f: Finding, report: Report | None) -> tuple[str, list[tuple[str, str, str]]] | None:
    """(row label, [(column id, column label, raw)]) of a cell finding's row: what the finding carries (cached
    findings too), else the report."""
    assert f.cell is not None
    if f.context is not None:
        return f.context.label, list(f.context.cells)
    table = report.tables.get(f.cell.table) if report is not None else None
    row = table.row(f.cell.row) if table else None
    if row is None or report is None:
        return None
    labels = column_labels(report, f.cell.table)
    return row.label, [(c.col, labels.get(c.col, c.col), c.raw) for c in row.cells]


def _row_view(f: Finding, report: Report | None) -> dict[str, Any] | None:
    if f.cell is None:
        return None
    found = _row_cells(f, report)
    if found is None:
        return None
    label, row_cells = found
    involved = {(c.table, c.row, c.col) for c in f.cells}
    cols = []
    marked = 0
    for k, (col, col_label, raw) in enumerate(row_cells):
        key = (f.cell.table, f.cell.row, col)
        mark = "main" if col == f.cell.col else ("involved" if key in involved else None)
        if mark == "main":
            marked = k
        cols.append({"col": col, "label": col_label, "raw": raw if raw != "" else "（空）", "mark": mark})
    if len(cols) > 2 * ROW_WINDOW + 1:
        lo = max(0, min(marked - ROW_WINDOW, len(cols) - 2 * ROW_WINDOW - 1))
        hi = lo + 2 * ROW_WINDOW + 1
        cut = cols[lo:hi]
        if lo > 0:
            cut.insert(0, {"col": "", "label": "…", "raw": "…", "mark": None})
        if hi < len(cols):
            cut.append({"col": "", "label": "…", "raw": "…", "mark": None})
        cols = cut
    return {"label": _clean(label) or f.cell.row_label, "columns": cols}


def _involved(f: Finding, report: Report | None) -> list[dict[str, Any]]:
    out = []
    seen = set()
    carried = f.context.involved if f.context is not None and len(f.context.involved) == len(f.cells) else None
    for i, c in enumerate(f.cells):
        key = (c.table, c.row, c.col)
        if key in seen:
            continue
        seen.add(key)
        if carried is not None:
            raw = carried[i]
        else:
            cell = report.cell(c.table, c.row, c.col) if report is not None else None
            raw = cell.raw if cell is not None else ""
        out.append({"path": c.path(), "table": c.table, "row": c.row, "col": c.col,
                    "raw": raw, "same_row": f.cell is not None and c.row == f.cell.row
                    and c.table == f.cell.table})
    return out


# what a brief finding holds (build(brief=True), for formats that print a line per finding): the rest — origin, cells,
# values, arithmetic, fingerprint, source, row, involved — costs more than the line that is printed
BRIEF_FIELDS = ("id", "code", "level", "level_zh", "sarif_level", "github_level", "rank", "rule", "rule_index",
                "message", "message_en", "path", "relpath", "uri", "line", "col", "end_line", "end_col", "location",
                "position", "cell", "snippet", "quote")


class _Cells:
    """cell_dict per CellRef, computed once per run (cached findings share their CellRefs): each call returns a fresh
    copy, so no two findings share a dict."""

    def __init__(self) -> None:
        self._known: dict[CellRef, dict[str, Any]] = {}

    def __call__(self, c: CellRef) -> dict[str, Any]:
        d = self._known.get(c)
        if d is None:
            d = self._known[c] = cell_dict(c)
        return dict(d)


def finding_dict(f: Finding, n: int, rel: str, uri: str, rule_index: dict[str, int], report: Report | None,
                 lines: tuple[str, ...] | None, cells: _Cells | None = None, brief: bool = False) -> dict[str, Any]:
    """A finding of the model; `brief`: only the BRIEF_FIELDS (what a line-per-finding format prints)."""
    o = f.origin
    cell_of = cells or cell_dict
    cell = cell_of(f.cell) if f.cell is not None else None
    line = o.line
    location = o.describe()
    common = {
        "id": f"f{n}", "code": f.code, "level": f.level, "level_zh": LEVEL_ZH.get(f.level, f.level),
        "sarif_level": SARIF_LEVEL.get(f.level, "note"), "github_level": GITHUB_LEVEL.get(f.level, "notice"),
        "rank": LEVEL_RANK.get(f.level, 0), "rule": f.rule_name, "rule_index": rule_index.get(f.code),
        "message": f.message, "message_en": f.message_en, "path": f.path, "relpath": rel, "uri": uri,
        "line": line, "col": o.col, "end_line": o.end_line, "end_col": o.end_col, "location": location,
        "position": f"{line}:{o.col or 1}" if line is not None else location,
    }
    if brief:
        return {**common, "cell": cell, "snippet": f.snippet, "quote": quote_of(f.snippet, f.code)}
    values = dict(f.values)
    return {
        **common,
        "origin": o.as_dict(), "cell": cell,
        "cells": [cell_of(c) for c in f.cells], "values": values,
        "arithmetic": values.get("left") is not None and values.get("right") is not None,
        "snippet": f.snippet,  # the fingerprint's anchor (JSON keeps it as it is)
        "quote": quote_of(f.snippet, f.code),  # the snippet when it is text of the report
        "fingerprint": content_fingerprint(f.code, rel, cell["path"] if cell is not None else f.snippet, f.message),
        "source": _source(f, lines) if lines is not None else None,
        "row": _row_view(f, report) if f.cell is not None else None,
        "involved": _involved(f, report) if f.cells else [],
    }


def _tables(report: Report | None, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if report is None:
        return []
    marks: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for f in findings:
        if f["cell"]:
            c = f["cell"]
            marks[(c["table"], c["row"], c["col"])].append({"id": f["id"], "role": "main", "finding": f})
        for c in f["cells"]:
            key = (c["table"], c["row"], c["col"])
            if f["cell"] and key == (f["cell"]["table"], f["cell"]["row"], f["cell"]["col"]):
                continue
            marks[key].append({"id": f["id"], "role": "involved", "finding": f})
    out = []
    for tid, t in report.tables.items():
        if not t.found or not t.rows:
            continue
        labels = column_labels(report, tid)
        col_ids: list[str] = list(labels)
        for row in t.rows:
            for c in row.cells:
                if c.col not in col_ids:
                    col_ids.append(c.col)
        rows = []
        for row in t.rows:
            by_col = {c.col: c for c in row.cells}
            cells = []
            for cid in col_ids:
                c = by_col.get(cid)
                ms = marks.get((tid, row.id, cid), [])
                main = [m for m in ms if m["role"] == "main"]
                top = max((m["finding"]["rank"] for m in (main or ms)), default=0)
                level = next((lv for lv, r in LEVEL_RANK.items() if r == top), None) if ms else None
                arith = next((m["finding"] for m in main if m["finding"]["arithmetic"]), None)
                cells.append({
                    "col": cid, "raw": c.raw if c else "", "state": c.state if c else "missing",
                    "present": c is not None, "marks": [m["id"] for m in ms], "role": "main" if main else (
                        "involved" if ms else None), "level": level,
                    "codes": sorted({m["finding"]["code"] for m in ms}),
                    "left": arith["values"]["left"] if arith else None,
                    "right": arith["values"]["right"] if arith else None,
                })
            rows.append({"id": row.id, "label": _clean(row.label), "extra": row.extra, "cells": cells,
                         "marked": any(c["marks"] for c in cells)})
        out.append({"id": tid, "name": t.name, "columns": [{"id": c, "label": labels.get(c, c)} for c in col_ids],
                    "rows": rows, "marked": any(r["marked"] for r in rows),
                    "missing_rows": list(t.missing_rows)})
    return out


def _report_of(res: FileResult, reports: str) -> Report | None:
    """The file's Report: kept by the run, or (a cached result keeps none) parsed again when the output draws every
    report (`reports` "all"; "none": only what the run kept)."""
    if res.report is not None or res.error is not None or reports == "none":
        return res.report
    from gxlint.api import parse_file

    try:
        return parse_file(res.path)
    except Exception:  # changed or gone since it was checked: draw nothing
        return None


def build(run: RunResult, cwd: Path | None = None, reports: str = "none", sources: bool = True,
          brief: bool = False) -> dict[str, Any]:
    """The model. `reports`: see _report_of; `sources`: read the source lines of text-format files with findings
    (each finding's `source`, None without them: only formats that show the line need them); `brief`: findings with
    the BRIEF_FIELDS only, and no file's tables."""
    from gxlint import __version__
    from gxlint.api import all_rules

    results: list[FileResult] = run.results
    base = os.getcwd()  # once: relative input paths are relative to it
    root = choose_root([r.path for r in results], cwd, base) if results else (cwd or Path.cwd()).resolve()
    rules = {r.code: r for r in run.rules}
    wanted = {f.code for r in results for f in r.findings} - set(rules)
    if wanted:
        for r in all_rules(run.config):
            if r.code in wanted:
                rules[r.code] = r
    rule_list = [rule_dict(r, i) for i, r in enumerate(sorted(rules.values(), key=lambda r: r.code))]
    rule_index = {r["code"]: r["index"] for r in rule_list}

    files = []
    all_findings: list[dict[str, Any]] = []
    n = 0
    cells = _Cells()
    for res in results:
        rel = relpath(res.path, root, base)
        uri = file_uri(rel)
        lines = source_lines(res.path) if sources and any(f.origin.line for f in res.findings) else None
        rep = _report_of(res, reports)
        fds = []
        counts = dict.fromkeys(LEVEL_ZH, 0)
        worst = 0
        for f in res.findings:
            n += 1
            fd = finding_dict(f, n, rel, uri, rule_index, rep, lines, cells, brief)
            fds.append(fd)
            level = fd["level"]
            if level in counts:
                counts[level] += 1
            if fd["rank"] > worst:
                worst = fd["rank"]
        all_findings.extend(fds)
        unreadable = rep is None and res.error is not None and not any(f.code == "GX002" for f in res.findings)
        known = res.about
        layout = known.get("layout")
        files.append({
            "index": len(files) + 1, "path": res.path, "relpath": rel, "uri": uri, "name": os.path.basename(res.path),
            "format": known.get("format") or os.path.splitext(res.path)[1].lower().lstrip(".") or "",
            "error": res.error, "unreadable": unreadable, "clean": not fds and res.error is None,
            "title": known.get("title"), "agency": known.get("agency"), "year": known.get("year"), "layout": layout,
            "layout_zh": LAYOUT_ZH.get(layout or "", "未识别"),
            "counts": counts, "findings": fds, "worst": worst,
            "suppressed": len(res.suppressed), "baselined": len(res.baselined),
            "tables": _tables(rep, fds) if rep is not None and not brief else [],
        })
    return {
        "schema": "gxlint-findings/1",
        "tool": {"name": "gxlint", "version": __version__},
        "root": {"path": str(root), "uri": root.as_uri() + "/" if not root.as_uri().endswith("/") else root.as_uri()},
        "rules": rule_list, "files": files, "findings": all_findings,
        "summary": summary(files, all_findings, rule_list, run),
        "notifications": [{"path": f["path"], "relpath": f["relpath"], "uri": f["uri"], "message": f["error"]}
                          for f in files if f["unreadable"]],
        "execution_successful": not any(f["unreadable"] for f in files),
        "notes": list(run.notes),
        "fail_on": run.config.fail_on,
    }


def summary(files: list[dict[str, Any]], findings: list[dict[str, Any]], rules: list[dict[str, Any]],
            run: RunResult) -> dict[str, Any]:
    by_level = Counter(f["level"] for f in findings)
    by_rule_count = Counter(f["code"] for f in findings)
    by_rule_files = Counter(code for code, _ in {(f["code"], f["path"]) for f in findings})  # files per rule
    rule_of = {r["code"]: r for r in rules}
    by_rule = [{"code": code, "name": rule_of.get(code, {}).get("name", ""),
                "summary": rule_of.get(code, {}).get("summary", ""),
                "level": rule_of.get(code, {}).get("level", ""), "count": count, "files": by_rule_files[code]}
               for code, count in sorted(by_rule_count.items())]
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for f in files:
        agency = f["agency"] or "（未识别的机关）"
        year = str(f["year"]) if f["year"] else "—"
        g = groups.setdefault((agency, year), {"agency": agency, "year": year, "files": 0, "clean": 0,
                                               "error": 0, "warning": 0, "info": 0})
        g["files"] += 1
        g["clean"] += 1 if f["clean"] else 0
        for lv in LEVEL_ZH:
            g[lv] += f["counts"][lv]
    years: dict[str, dict[str, Any]] = {}
    for g in groups.values():
        y = years.setdefault(g["year"], {"year": g["year"], "files": 0, "clean": 0, "error": 0, "warning": 0,
                                         "info": 0})
        for k in ("files", "clean", "error", "warning", "info"):
            y[k] += g[k]
    return {
        "files": len(files),
        "clean": sum(1 for f in files if f["clean"]),
        "with_findings": sum(1 for f in files if f["findings"]),
        "unreadable": sum(1 for f in files if f["unreadable"]),
        "findings": len(findings),
        "by_level": {lv: by_level.get(lv, 0) for lv in LEVEL_ZH},
        "by_rule": by_rule,
        "by_agency": sorted(groups.values(), key=lambda g: (g["agency"], g["year"])),
        "by_year": sorted(years.values(), key=lambda y: y["year"]),
        "suppressed": getattr(run, "suppressed", 0),
        "baselined": getattr(run, "baselined", 0),
        "baseline_stale": getattr(run, "baseline_stale", 0),
    }
