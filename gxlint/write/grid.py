"""The official tables as grids of printed cells with their spans — the one drawing every writer renders.

Rows, columns and their ids come from the layouts (gxlint/layouts/*.yaml); what only a printed form needs (full-width
punctuation, the 勾稽 note, which groups span which rows, 表四's two header levels) is worked out here, following
the official 2021 template (国办公开办函〔2021〕30号) and real 2019 reports (format.md §3–§5).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from ruamel.yaml import YAML

from gxlint.recognise.layouts import LAYOUT_DIR

# printed in the top-left cell of 表三 (both layouts, format.md §4)
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
# 表四: the level above each column group ("未经复议直接起诉" and "复议后起诉" sit under "行政诉讼")
T4_PARENTS = {"未经复议直接起诉": "行政诉讼", "复议后起诉": "行政诉讼"}
NUMERALS = "一二三四五六七八九十"

# roles: what a cell is, so writers can style it (and md/txt can place its text in the plain grid)
CAPTION, HEADER, NOTE, GROUP, LABEL, VALUE = "caption", "header", "note", "group", "label", "value"

Cells = Mapping[str, Mapping[str, Mapping[str, str]]]


@dataclass(frozen=True)
class GCell:
    text: str
    role: str = VALUE
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Grid:
    """One printed table. `rows` hold the cells that start in each row (as HTML writes them: positions covered by a
    span above or to the left are left out). `widths` are relative column widths."""

    id: str
    rows: tuple[tuple[GCell, ...], ...]
    ncols: int
    widths: tuple[float, ...]

    def placed(self) -> list[tuple[int, int, GCell]]:
        """Every cell with its top-left (row, column) in the full grid."""
        occupied: set[tuple[int, int]] = set()
        out: list[tuple[int, int, GCell]] = []
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while (r, c) in occupied:
                    c += 1
                out.append((r, c, cell))
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        occupied.add((r + dr, c + dc))
                c += cell.colspan
        return out

    def plain(self) -> list[list[str]]:
        """The table as a plain rectangular grid of texts, for markdown and txt: every cell's text once, in a cell of
        its own; a row label spanning columns stands in the last of them (next to its numbers), everything else in
        its first row and column; covered positions are empty."""
        out = [["" for _ in range(self.ncols)] for _ in self.rows]
        for r, c, cell in self.placed():
            col = c + cell.colspan - 1 if cell.role == LABEL else c
            out[r][col] = cell.text
        return out


def printed(label: str) -> str:
    """A layout label as the official form prints it: full-width brackets, commas, colons and curly quotes."""
    out = label.replace("(", "（").replace(")", "）").replace(",", "，").replace(":", "：")
    chars: list[str] = []
    opening = True
    for ch in out:
        if ch == '"':
            chars.append("“" if opening else "”")
            opening = not opening
        else:
            chars.append(ch)
    return "".join(chars)


@functools.cache
def raw_layout(layout_id: str) -> dict:
    """The layout file as written (printing needs what the compiled layout leaves out: prefixes, tails, groups)."""
    yaml = YAML(typ="safe")
    for path in sorted(LAYOUT_DIR.glob("[0-9]*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"))
        if str(data["id"]) == layout_id:
            return data
    raise KeyError(f"no layout {layout_id!r}")


@functools.cache
def parts_spec() -> tuple[tuple[str, str], ...]:
    """(numeral, canonical heading) of the six parts."""
    yaml = YAML(typ="safe")
    data = yaml.load((LAYOUT_DIR / "parts.yaml").read_text(encoding="utf-8"))
    return tuple((p["number"], p["canonical"]) for p in data["parts"])


def table_specs(layout_id: str) -> list[dict]:
    return list(raw_layout(layout_id)["tables"])


def table_spec(layout_id: str, table_id: str) -> dict:
    for t in table_specs(layout_id):
        if t["id"] == table_id:
            return t
    raise KeyError(f"layout {layout_id} has no table {table_id!r}")


def row_ids(spec: dict) -> list[str]:
    if "single_row" in spec:
        return [spec["single_row"]["id"]]
    return [r["id"] for r in spec.get("rows", [])]


def col_ids(spec: dict) -> list[str]:
    return [c["id"] for c in spec["columns"]]


def row_label(row: dict) -> str:
    return printed(row.get("prefix", "") + row["label"] + row.get("tail", ""))


def _values(cells: Cells, table_id: str, row_id: str, cols: list[str]) -> list[GCell]:
    row = cells.get(table_id, {}).get(row_id, {})
    return [GCell(row.get(c, ""), VALUE) for c in cols]


# -- 表二 ------------------------------------------------------------------------------------------------------------

def t2_grid(spec: dict, cells: Cells, width: int | None = None, caption: bool = True) -> Grid:
    """One 第二十条 sub-table: [caption row,] header row, data rows. With `width` (the widest sub-table's column
    count) the last column spans the rest, as the official form prints the sub-tables one under another."""
    cols = spec["columns"]
    ncols = width or (1 + len(cols))
    rows: list[tuple[GCell, ...]] = []
    if caption:
        rows.append((GCell(printed(spec["caption"]), CAPTION, colspan=ncols),))
    last_span = ncols - len(cols)
    header = [GCell("信息内容", HEADER)]
    for i, c in enumerate(cols):
        header.append(GCell(printed(c["label"]), HEADER, colspan=last_span if i == len(cols) - 1 else 1))
    rows.append(tuple(header))
    ids = col_ids(spec)
    for r in spec["rows"]:
        vals = _values(cells, spec["id"], r["id"], ids)
        vals[-1] = GCell(vals[-1].text, VALUE, colspan=last_span)
        rows.append((GCell(row_label(r), LABEL), *vals))
    return Grid(spec["id"], tuple(rows), ncols, (2.2,) + (1.6,) * (ncols - 1))


def t2_combined(specs: list[dict], cells: Cells) -> Grid:
    """All 第二十条 sub-tables in one table, each introduced by its caption row (the official form)."""
    width = max(1 + len(s["columns"]) for s in specs)
    rows: list[tuple[GCell, ...]] = []
    for s in specs:
        rows.extend(t2_grid(s, cells, width).rows)
    return Grid("t2", tuple(rows), width, (2.2,) + (1.6,) * (width - 1))


# -- 表三 ------------------------------------------------------------------------------------------------------------

def _group(groups: list[str], start: str) -> str:
    for g in groups:
        if g.startswith(start):
            return printed(g)
    raise KeyError(start)


def t3_grid(spec: dict, cells: Cells) -> Grid:
    """表三: the 勾稽 note over three label columns and three header rows; 三、本年度办理结果 spans every result row,
    each numbered group (（三）不予公开 …) spans its items."""
    cols = spec["columns"]
    ids = col_ids(spec)
    groups = [str(g) for g in spec.get("groups", [])]
    applicant, legal = groups[0], groups[1]
    ncols = 3 + len(cols)
    by_id = {c["id"]: printed(c["label"]) for c in cols}
    legal_ids = [i for i in ids if i not in ("natural", "total")]
    rows: list[tuple[GCell, ...]] = [
        (GCell(T3_NOTE, NOTE, rowspan=3, colspan=3), GCell(printed(applicant), HEADER, colspan=len(cols))),
        (GCell(by_id["natural"], HEADER, rowspan=2), GCell(printed(legal), HEADER, colspan=len(legal_ids)),
         GCell(by_id["total"], HEADER, rowspan=2)),
        tuple(GCell(by_id[i], HEADER) for i in legal_ids),
    ]
    data = spec["rows"]
    results = [r for r in data if r["id"].startswith("r3_")]
    sub_counts: dict[str, int] = {}
    for r in results:
        bits = r["id"].split("_")
        if len(bits) == 3:
            sub_counts[bits[1]] = sub_counts.get(bits[1], 0) + 1
    seen_results = False
    seen_groups: set[str] = set()
    for r in data:
        rid = r["id"]
        lead: list[GCell] = []
        if not rid.startswith("r3_"):
            lead.append(GCell(row_label(r), LABEL, colspan=3))
        else:
            if not seen_results:
                lead.append(GCell(_group(groups, "三、"), GROUP, rowspan=len(results)))
                seen_results = True
            bits = rid.split("_")
            if len(bits) == 2:
                lead.append(GCell(row_label(r), LABEL, colspan=2))
            else:
                if bits[1] not in seen_groups:
                    seen_groups.add(bits[1])
                    numeral = NUMERALS[int(bits[1]) - 1]
                    lead.append(GCell(_group(groups, f"({numeral})"), GROUP, rowspan=sub_counts[bits[1]]))
                lead.append(GCell(row_label(r), LABEL))
        rows.append((*lead, *_values(cells, spec["id"], rid, ids)))
    return Grid(spec["id"], tuple(rows), ncols, (1.3, 1.9, 4.6) + (1.2,) * len(cols))


# -- 表四 ------------------------------------------------------------------------------------------------------------

def t4_grid(spec: dict, cells: Cells) -> Grid:
    """表四: 行政复议 (5 columns) | 行政诉讼 (10) → 未经复议直接起诉 (5) | 复议后起诉 (5); then 15 result headers and one
    data row. The 行政复议 results stand in the second header row, spanning two rows (the official template)."""
    cols = spec["columns"]
    groups: list[tuple[str, list[str]]] = []
    for c in cols:
        group, _, sub = c["label"].partition("·")
        if not groups or groups[-1][0] != group:
            groups.append((group, []))
        groups[-1][1].append(sub)
    top: list[GCell] = []
    second: list[GCell] = []
    third: list[GCell] = []
    i = 0
    while i < len(groups):
        group, subs = groups[i]
        parent = T4_PARENTS.get(group)
        if parent is None:
            top.append(GCell(group, HEADER, colspan=len(subs)))
            second.extend(GCell(s, HEADER, rowspan=2) for s in subs)
            i += 1
            continue
        children = []
        while i < len(groups) and T4_PARENTS.get(groups[i][0]) == parent:
            children.append(groups[i])
            i += 1
        top.append(GCell(parent, HEADER, colspan=sum(len(s) for _, s in children)))
        for g, subs2 in children:
            second.append(GCell(g, HEADER, colspan=len(subs2)))
            third.extend(GCell(s, HEADER) for s in subs2)
    row_id = spec["single_row"]["id"]
    data = tuple(_values(cells, spec["id"], row_id, col_ids(spec)))
    return Grid(spec["id"], (tuple(top), tuple(second), tuple(third), data), len(cols), (1.0,) * len(cols))


def grids_for_part(layout_id: str, part: str, cells: Cells, combine_t2: bool) -> list[tuple[str | None, Grid]]:
    """The tables printed in one part, each with the caption line to print above it (md/txt sub-tables)."""
    specs = [s for s in table_specs(layout_id) if s.get("part") == part and s["id"] in cells]
    out: list[tuple[str | None, Grid]] = []
    t2 = [s for s in specs if s["id"].startswith("t2_")]
    if t2 and combine_t2:
        out.append((None, t2_combined(t2, cells)))
    for s in specs:
        if s["id"].startswith("t2_"):
            if not combine_t2:
                out.append((printed(s["caption"]), t2_grid(s, cells, caption=False)))
        elif s["id"] == "t3":
            out.append((None, t3_grid(s, cells)))
        elif "single_row" in s:
            out.append((None, t4_grid(s, cells)))
    return out
