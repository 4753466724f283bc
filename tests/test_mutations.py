"""Mutation tests: from each seed and real text file, variants are made in a temporary directory — a blank 表三 cell,
a 总计 plus one, 一 + 二 ≠ 三 + 四, a changed 表四 total, another title year, another body year, part 五 deleted, a
blank procurement amount, the 信息处理费 sentence deleted, a spam phrase inserted — and the matching code fires on
the variant and not (at that place) on the original."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import regex

from gxlint.api import lint_path, parse_file
from gxlint.config import Config
from gxlint.report import Cell, Report
from tests.conftest import REAL, SEEDS

FILES = [SEEDS / f"{n}.txt" for n in ("000_79f5161ec9abcde3", "001_52c2b782caceefd6", "002_cc4698f0161a297f",
                                      "003_2ee7e895fb2dacb9", "004_f23864eff4c512cb")]
FILES += [REAL / n for n in ("fujian_pingtan_zone_2019_page.txt", "fujian_pingtan_zone_2021_page.txt",
                             "fujian_pingtan_zone_2022_page.txt", "fujian_pingtan_zone_2024_page.txt",
                             "fujian_pingtan_zone_2025_page.txt", "jiangsu_suqian_shuyang_county_2025_ocr.txt",
                             "shanghai_municipal_govt_office_2025_pdf2md.md", "shanghai_stcsm_kewei_2024_pdf2md.md")]
IDS = [p.name[:24] for p in FILES]


def replace_cell(text: str, cell: Cell, new: str) -> str | None:
    """Replace a cell's printed text at its origin; None when the origin does not point at it (fused cells)."""
    if cell.origin.line is None or cell.origin.col is None or not cell.raw:
        return None
    lines = text.split("\n")
    line = lines[cell.origin.line - 1]
    at = cell.origin.col - 1
    if line[at:at + len(cell.raw)] != cell.raw:
        return None
    # a fused run holds several cells at one origin: only replace a cell standing alone
    after = line[at + len(cell.raw): at + len(cell.raw) + 1]
    before = line[at - 1: at] if at else ""
    if after.isdigit() or before.isdigit():
        return None
    lines[cell.origin.line - 1] = line[:at] + new + line[at + len(cell.raw):]
    return "\n".join(lines)


def numeric_cells(report: Report, table: str, rows: list[str] | None = None) -> list[Cell]:
    t = report.tables.get(table)
    if not t or not t.found:
        return []
    return [c for r in t.rows if not r.extra and (rows is None or r.id in rows) for c in r.cells
            if c.is_number and "拆分" not in (c.note or "")]


def run(path: Path) -> set[tuple[str, str]]:
    return {(f.code, f.fingerprint()) for f in lint_path(str(path), Config()).findings}


def check(tmp_path: Path, source: Path, new_text: str | None, codes: str) -> None:
    """`codes`: the code that must fire, or "A|B" when either names the defect (another title year contradicts
    the body's year, GX402, or the statistical period, GX403)."""
    if new_text is None:
        pytest.skip("this file has no place for this mutation")
    variant = tmp_path / ("variant" + source.suffix)
    variant.write_text(new_text, encoding="utf-8")
    wanted = set(codes.split("|"))
    before = {fp for c, fp in run(source) if c in wanted}
    after = {fp for c, fp in run(variant) if c in wanted}
    assert after - before, f"{codes} did not fire on the variant of {source.name}"


def original(source: Path) -> tuple[str, Report]:
    raw = source.read_bytes().decode("utf-8")
    return raw, parse_file(str(source))


Mutation = Callable[[str, Report], str | None]


def blank_t3_cell(text: str, r: Report) -> str | None:
    """Blank a cell. Where each cell stands on a line of its own (seed 003), an empty line is no cell at all, so
    the blank is written as the placeholder "—" that such files use; elsewhere the cell is emptied."""
    lines = text.split("\n")
    for c in numeric_cells(r, "t3"):
        alone = c.origin.line is not None and lines[c.origin.line - 1].strip() == c.raw
        out = replace_cell(text, c, "—" if alone else "")
        if out is not None:
            return out
    return None


def total_plus_one(text: str, r: Report) -> str | None:
    for c in numeric_cells(r, "t3"):
        if c.col == "total":
            out = replace_cell(text, c, str(int(c.value) + 1))
            if out is not None:
                return out
    return None


def unbalance(text: str, r: Report) -> str | None:
    """一 + 二 ≠ 三 + 四 while the row itself stays summed: raise 自然人 and 总计 of row 二 by 1."""
    nat, tot = r.cell("t3", "r2", "natural"), r.cell("t3", "r2", "total")
    if not (nat and tot and nat.is_number and tot.is_number and nat.origin.line == tot.origin.line is not None):
        if nat and tot and nat.is_number and tot.is_number:
            step = replace_cell(text, tot, str(int(tot.value) + 1))
            return replace_cell(step, nat, str(int(nat.value) + 1)) if step else None
        return None
    # same line: replace the rightmost first so the left column stays valid
    step = replace_cell(text, tot, str(int(tot.value) + 1))
    return replace_cell(step, nat, str(int(nat.value) + 1)) if step else None


def t4_total(text: str, r: Report) -> str | None:
    c = r.cell("t4", "data", "review_total")
    return replace_cell(text, c, str(int(c.value) + 1)) if c and c.is_number else None


def title_year(text: str, r: Report) -> str | None:
    if not r.title or r.year is None:
        return None
    lines = text.split("\n")
    for i, line in enumerate(lines[:30]):
        if str(r.year) in line and ("报告" in line or "標題" in line or "标题" in line):
            lines[i] = line.replace(str(r.year), str(r.year + 1))
            return "\n".join(lines)
    return None


def body_year(text: str, r: Report) -> str | None:
    """A stale sentence from the year before, as copied reports have."""
    p1 = r.part("一")
    if r.year is None or p1 is None or r.year_source != "title":
        return None
    marker = regex.search(r"[一1][、.．]\s*(?:总体情况|總體情況)", text)
    if not marker:
        return None
    at = marker.end()
    return text[:at] + f"\n{r.year - 1}年，我区认真贯彻落实《条例》，各项工作稳步推进。\n" + text[at:]


def delete_part_five(text: str, r: Report) -> str | None:
    m5 = regex.search(r"五[、.．]\s*(?:[^\n。]{0,12})?存在的?主要問題|五[、.．]\s*(?:[^\n。]{0,12})?存在的?主要问题", text)
    m6 = regex.search(r"六[、.．]\s*其他需要", text)
    if not m5 or not m6 or m6.start() < m5.start():
        return None
    return text[:m5.start()] + text[m6.start():]


def blank_procurement(text: str, r: Report) -> str | None:
    count, amount = r.cell("t2_9", "procurement", "count"), r.cell("t2_9", "procurement", "amount")
    if not (count and amount and count.is_number and count.value and amount.is_number):
        return None
    return replace_cell(text, amount, "")


def delete_fee_sentence(text: str, r: Report) -> str | None:
    if r.layout != "2021" or (r.year or 0) < 2021 or r.part("六") is None:
        return None
    six = text.rfind("其他需要报告的事项")
    if six < 0:
        return None
    six += len("其他需要报告的事项")
    tail = regex.sub(r"[^。\n]*(?:信息处理费|信息處理費|处理费|收费|收費)[^。\n]*[。]?", "", text[six:])
    return text[:six] + tail if tail != text[six:] else None


def insert_spam(text: str, r: Report) -> str | None:
    p = r.part("一")
    if p is None:
        return None
    marker = regex.search(r"[一1][、.．]\s*(?:总体情况|總體情況)", text)
    if not marker:
        return None
    at = marker.end()
    return text[:at] + "\n转发《关于做好澳门新葡京娱乐场防汛工作的通知》。\n" + text[at:]


MUTATIONS: list[tuple[str, Mutation, str]] = [
    ("blank-t3-cell", blank_t3_cell, "GX201"),
    ("total-plus-one", total_plus_one, "GX301"),
    ("unbalance", unbalance, "GX303"),
    ("t4-total", t4_total, "GX304"),
    ("title-year", title_year, "GX402|GX403"),
    ("body-year", body_year, "GX402"),
    ("delete-part-five", delete_part_five, "GX101"),
    ("blank-procurement", blank_procurement, "GX501"),
    ("delete-fee-sentence", delete_fee_sentence, "GX503"),
    ("insert-spam", insert_spam, "GX901"),
]


@pytest.mark.corpus
@pytest.mark.parametrize("source", FILES, ids=IDS)
@pytest.mark.parametrize("name,mutate,code", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_mutation_fires(tmp_path: Path, source: Path, name: str, mutate: Mutation, code: str) -> None:
    text, report = original(source)
    check(tmp_path, source, mutate(text, report), code)


@pytest.mark.corpus
def test_every_mutation_applies_somewhere() -> None:
    """Guard against a test suite that only skips: each mutation must apply to at least two files."""
    applied = {name: 0 for name, _, _ in MUTATIONS}
    for source in FILES:
        text, report = original(source)
        for name, mutate, _ in MUTATIONS:
            if mutate(text, report) is not None:
                applied[name] += 1
    assert all(n >= 2 for n in applied.values()), applied
