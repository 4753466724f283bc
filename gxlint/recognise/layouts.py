"""The official layouts, loaded from gxlint/layouts/*.yaml and compiled into label patterns once per process (each
layout's patterns on its first use).

The YAML files are also shipped parsed, as gxlint/layouts/layouts.json with the sha256 of each file it was made from
(`python -m gxlint.recognise.layouts` writes it): a run whose files match reads that instead of parsing YAML, and
never imports ruamel (together ~15 ms of every start, a third of what a one-file pre-commit run spends before it
reads the file). Files that do not match — edited since — are parsed as before."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from gxlint.normalise import normalise_label

LAYOUT_DIR = Path(__file__).resolve().parent.parent / "layouts"
SHIPPED = LAYOUT_DIR / "layouts.json"
_SEP = r"[\x1f\x1e\n ]?"  # a label may be broken over cells or lines ("商业\n企业", "三、本年度办 理结果")
# punctuation inside a label is printed loosely ("不补正、行政机关" ~ "不补正,行政机关" ~ "不补正行政机关")
_PUNCT_CHARS = "、,;:"
_PUNCT = r"[、,;:]?"


def label_regex(label: str, gaps: bool = True) -> str:
    """A pattern for a printed label: normalised, every character escaped, optional breaks between them."""
    norm = normalise_label(label)
    if not gaps:
        return regex.escape(norm)
    return _SEP.join(_PUNCT if ch in _PUNCT_CHARS else regex.escape(ch) for ch in norm)


@dataclass(frozen=True)
class ColumnSpec:
    id: str
    label: str
    kind: str  # count | signed | amount
    unit: str | None
    legacy: tuple[str, ...]


@dataclass(frozen=True)
class RowSpec:
    id: str
    label: str
    prefix: str
    pattern: regex.Pattern[str]  # the label where a cell starts (after a break, a digit or punctuation)
    loose: regex.Pattern[str]  # anywhere: for crawler dumps where labels run into headers
    legacy: bool = False
    instead_of: tuple[str, ...] = ()  # a legacy row stands where these rows of the layout would


@dataclass(frozen=True)
class TableSpec:
    id: str
    name: str
    part: str
    caption: str | None
    caption_pattern: regex.Pattern[str] | None
    columns: tuple[ColumnSpec, ...]
    rows: tuple[RowSpec, ...]
    groups_pattern: regex.Pattern[str] | None
    headers_pattern: regex.Pattern[str] | None
    single_row: bool
    legacy_labels: tuple[str, ...]
    note: str | None
    # single-row tables printed as groups of columns (表四: 行政复议 / 未经复议直接起诉 / 复议后起诉): each group's
    # id and the wordings that name it, in column order
    column_groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # rows of the other layout that a filer may print instead of this layout's rows (a 2019 "（六）其他处理" row in a
    # 2021 table): read and marked legacy, never counted as the rows they replace
    legacy_rows: tuple[RowSpec, ...] = ()

    def row_order(self) -> tuple[RowSpec, ...]:
        """The layout's rows with each legacy row placed right after the rows it stands in for."""
        out = list(self.rows)
        for leg in self.legacy_rows:
            at = max((i for i, r in enumerate(out) if r.id in leg.instead_of), default=len(out) - 1)
            out.insert(at + 1, leg)
        return tuple(out)

    def column(self, col_id: str) -> ColumnSpec:
        for c in self.columns:
            if c.id == col_id:
                return c
        raise KeyError(col_id)


@dataclass(frozen=True)
class TableLabels:
    """A layout table's labels (Layout.labels): the same texts as its TableSpec's name, column labels and
    prefix + label of each row."""

    name: str
    caption: str | None
    note: str | None
    single_row: bool
    columns: dict[str, str]  # column id → label, in column order
    rows: dict[str, str]  # row id → printed numbering + label, in row order


@dataclass(frozen=True)
class Layout:
    id: str
    name: str
    year_from: int | None
    year_to: int | None
    fingerprints: tuple[str, ...]
    # the tables as the YAML file gives them, compiled into `tables` on first use: a one-file run (a pre-commit hook)
    # compiles only its own layout's label patterns (~20 ms each)
    table_data: tuple[Any, ...] = field(default=(), repr=False, compare=False)

    @functools.cached_property
    def tables(self) -> tuple[TableSpec, ...]:
        return tuple(_table(t) for t in self.table_data)

    def table(self, table_id: str) -> TableSpec | None:
        for t in self.tables:
            if t.id == table_id:
                return t
        return None

    @functools.cached_property
    def table_labels(self) -> dict[str, TableLabels]:
        """What a person reads of each table — its name, caption, note, its columns' and rows' labels — from the
        layout file's data, without compiling the label patterns (`tables`, ~25 ms a layout): naming the cells of
        a finding made outside recognition (the cross-report pass, the renderers) and the cross-report
        boiler-plate need no pattern."""
        return {str(t["id"]): TableLabels(
            name=t["name"], caption=t.get("caption"), note=t.get("note"), single_row="single_row" in t,
            columns={c["id"]: c["label"] for c in t["columns"]},
            rows={r["id"]: r.get("prefix", "") + r["label"] for r in t.get("rows", [])},
        ) for t in self.table_data}

    def labels(self, table_id: str) -> TableLabels | None:
        return self.table_labels.get(table_id)

    def applies_to(self, year: int) -> bool:
        return (self.year_from is None or year >= self.year_from) and (self.year_to is None or year <= self.year_to)


def _prefix_regex(prefix: str) -> str:
    """Printed numbering and its common variants: "(一)" ~ "一、" ~ "一."; "1." ~ "1、" ~ "(1)"."""
    m = regex.fullmatch(r"\((.+)\)", prefix) or regex.fullmatch(r"(.+?)[、.]", prefix)
    if not m:
        return regex.escape(prefix)
    n = regex.escape(m.group(1))
    return rf"(?:\({n}\)|{n}[、.,])"


def _row(spec: dict, legacy: bool = False) -> RowSpec:
    label = spec["label"]
    prefix = spec.get("prefix", "")
    core = label_regex(label)
    variants = [core] + [label_regex(v) for v in spec.get("legacy", [])]
    body = "(?:" + "|".join(variants) + ")"
    if prefix:
        pre = _prefix_regex(normalise_label(prefix))
        if spec.get("prefix_required"):
            body = pre + _SEP + body
        else:
            body = "(?:" + pre + _SEP + ")?" + body
    tail = spec.get("tail")
    if tail:
        body += "(?:" + _SEP + r"\(?[^\x1f\x1e\n]{0,40}?\))?"
    strict = r"(?:(?<=^)|(?<=[\x1f\x1e\n0-9\s|:.。；;,、)]))" + body
    return RowSpec(spec["id"], label, prefix, regex.compile(strict), regex.compile(body), legacy,
                   tuple(spec.get("instead_of", [])))


def _alternation(labels: list[str]) -> regex.Pattern[str] | None:
    if not labels:
        return None
    labels = sorted(labels, key=len, reverse=True)
    return regex.compile("(?:" + "|".join(label_regex(x) for x in labels) + ")")


def _table(spec: dict) -> TableSpec:
    cols = tuple(ColumnSpec(c["id"], c["label"], c.get("kind", "count"), c.get("unit"), tuple(c.get("legacy", [])))
                 for c in spec["columns"])
    rows = tuple(_row(r) for r in spec.get("rows", []))
    legacy_labels = [v for r in spec.get("rows", []) for v in r.get("legacy", [])]
    legacy_labels += [v for c in spec["columns"] for v in c.get("legacy", [])]
    caption = spec.get("caption")
    cap_pat = None
    if caption:
        cap = label_regex(caption)
        cap_pat = regex.compile(cap.replace(r"\(", r"[(]?").replace(r"\)", r"[)]?"))
    headers = spec.get("headers", [])
    return TableSpec(
        id=spec["id"], name=spec["name"], part=spec["part"], caption=caption, caption_pattern=cap_pat,
        columns=cols, rows=rows, groups_pattern=_alternation(list(spec.get("groups", []))),
        headers_pattern=_alternation(headers) if headers else None, single_row="single_row" in spec,
        legacy_labels=tuple(legacy_labels), note=spec.get("note"),
        column_groups=tuple((g["id"], tuple(g["labels"])) for g in spec.get("column_groups", [])),
        legacy_rows=tuple(_row(r, legacy=True) for r in spec.get("legacy_rows", [])),
    )


def _sources() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(LAYOUT_DIR.glob("*.yaml"))}


def _digests(sources: dict[str, bytes]) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in sources.items()}


def _parse(sources: dict[str, bytes]) -> dict[str, Any]:
    from ruamel.yaml import YAML  # only when the shipped parse does not match the files

    yaml = YAML(typ="safe")
    return {name: yaml.load(data.decode("utf-8")) for name, data in sources.items()}


@functools.cache
def layout_files() -> dict[str, Any]:
    """Each layout file's data by file name: layouts.json's when it was made from these very files, else parsed."""
    sources = _sources()
    try:
        shipped = json.loads(SHIPPED.read_bytes())
        if isinstance(shipped, dict) and shipped.get("sha256") == _digests(sources):
            return dict(shipped["data"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return _parse(sources)


def shipped_text() -> str:
    """layouts.json as it should be for the layout files of this checkout."""
    sources = _sources()
    return json.dumps({"sha256": _digests(sources), "data": _parse(sources)}, ensure_ascii=False, sort_keys=True,
                      indent=1) + "\n"


@functools.cache
def load_layouts() -> tuple[Layout, ...]:
    out = []
    for name, data in sorted(layout_files().items()):
        if not name[:1].isdigit():  # (parts.yaml)
            continue
        years = data.get("years", {})
        out.append(Layout(
            id=str(data["id"]), name=data["name"], year_from=years.get("from"), year_to=years.get("to"),
            fingerprints=tuple(normalise_label(f) for f in data.get("fingerprints", [])),
            table_data=tuple(data["tables"]),
        ))
    return tuple(out)


def layout(layout_id: str) -> Layout | None:
    for lay in load_layouts():
        if lay.id == layout_id:
            return lay
    return None


@functools.cache
def load_parts() -> dict:
    return layout_files()["parts.yaml"]


if __name__ == "__main__":  # python -m gxlint.recognise.layouts: rewrite layouts.json after editing a layout
    SHIPPED.write_text(shipped_text(), encoding="utf-8")
    print(f"wrote {SHIPPED}")
