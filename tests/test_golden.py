"""Recognition against goldens read by hand (tests/golden/*.json, see tests/goldens.py), plus two properties no
golden can express: a traditional-script report reads the same as its simplified conversion, and a crawler's fused
digits never come out as a number the published page contradicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REAL, SEEDS
from goldens import GOLDEN, diff, golden_path, snapshot, snapshot_path

from gxlint.read import read_path
from gxlint.recognise import recognise
from gxlint.report import NUMBER, UNREADABLE

FORMATS = {".txt", ".md", ".html", ".htm", ".pdf", ".docx"}
NOT_REPORTS = {"SOURCES.md", "EXPECTED.md"}


def _corpus_files() -> list[Path]:
    out: list[Path] = []
    for folder in (SEEDS, REAL):
        if folder.is_dir():
            out.extend(sorted(p for p in folder.iterdir() if p.suffix.lower() in FORMATS and p.name not in NOT_REPORTS))
    return out


def _source(golden: Path) -> Path:
    name = golden.name[: -len(".json")]
    for folder in (SEEDS, REAL):
        if (folder / name).exists():
            return folder / name
    pytest.skip(f"{name} is not in the corpus")


GOLDENS = sorted(GOLDEN.glob("*.json"))


@pytest.mark.corpus
@pytest.mark.parametrize("golden", GOLDENS, ids=[g.name[: -len(".json")] for g in GOLDENS])
def test_golden(golden: Path) -> None:
    source = _source(golden)
    want = json.loads(golden.read_text(encoding="utf-8"))
    try:
        got = snapshot_path(source)
    except ImportError as exc:  # a reader that is not installed here
        pytest.skip(str(exc))
    problems = diff(want, got)
    assert not problems, f"{source.name}: {len(problems)} difference(s) from {golden.name}:\n  " + "\n  ".join(problems)


@pytest.mark.corpus
def test_every_corpus_file_has_a_golden() -> None:
    files = _corpus_files()
    if not files:
        pytest.skip("no corpus")
    missing = [p.name for p in files if not golden_path(p).exists()]
    assert not missing, f"corpus files without a golden in tests/golden: {missing}"


def test_goldens_are_sorted_json() -> None:
    """Goldens are hand-edited: they must stay valid JSON with the fields the comparison expects."""
    for golden in GOLDENS:
        data = json.loads(golden.read_text(encoding="utf-8"))
        assert {"layout", "year", "title", "agency", "parts", "tables", "missing_rows"} <= set(data), golden.name
        for table in data["tables"].values():
            for row in table.values():
                for value in row.values():
                    assert isinstance(value, str) and value, (golden.name, value)


# -- traditional script ------------------------------------------------------------------------------------------


@pytest.mark.corpus
def test_traditional_seed_reads_like_its_simplified_conversion(tmp_path: Path) -> None:
    import opencc

    source = SEEDS / "003_2ee7e895fb2dacb9.txt"
    text = source.read_text(encoding="utf-8")
    simplified = opencc.OpenCC("t2s").convert(text)
    assert simplified != text  # the seed really is traditional
    converted = tmp_path / "003_simplified.txt"
    converted.write_text(simplified, encoding="utf-8")

    trad = recognise(read_path(source))
    simp = recognise(read_path(converted))
    assert trad.layout == simp.layout == "2021"
    assert trad.year == simp.year
    assert [(p.number, p.heading) for p in trad.parts] == [(p.number, p.heading) for p in simp.parts]
    assert len(trad.parts) == 6

    def cells(r: object) -> dict[tuple[str, str, str], tuple[str, object]]:
        return {(c.table, c.row, c.col): (c.state, c.value)
                for t in r.tables.values() for row in t.rows for c in row.cells}  # type: ignore[attr-defined]

    assert cells(trad) == cells(simp)
    assert len(cells(trad)) == 10 + 175 + 15
    # and both agree with the hand-checked golden (same snapshot apart from nothing script-dependent)
    assert snapshot(trad)["tables"] == snapshot(simp)["tables"]


# -- Pingtan crawler dumps against the published pages -----------------------------------------------------------

T3 = ("natural", "business", "research", "charity", "legal", "other", "total")
T4 = ("review_upheld", "review_corrected", "review_other", "review_pending", "review_total",
      "direct_upheld", "direct_corrected", "direct_other", "direct_pending", "direct_total",
      "after_upheld", "after_corrected", "after_other", "after_pending", "after_total")


def _row(table: str, row: str, values: tuple[float, ...], cols: tuple[str, ...] = T3) -> dict[tuple[str, str, str], float]:
    return {(table, row, c): v for c, v in zip(cols, values, strict=True)}


def _t2_21(normative: tuple[int, int, int], licensing: int, penalty: int, coercion: int,
           fees: float) -> dict[tuple[str, str, str], float]:
    out = _row("t2_1", "normative", normative, ("made", "repealed", "valid"))
    out |= {("t2_1", "rules", c): 0 for c in ("made", "repealed", "valid")}
    out |= {("t2_5", "licensing", "decisions"): licensing, ("t2_6", "penalty", "decisions"): penalty,
            ("t2_6", "coercion", "decisions"): coercion, ("t2_8", "fees", "fee_amount"): fees}
    return out


# The numbers ../shared/corpus/real/SOURCES.md gives for each report's published page (.html): written out here
# from SOURCES.md, not from any recognition output.
PUBLISHED: dict[int, dict[tuple[str, str, str], float]] = {
    2019: {
        ("t2_9", "procurement", "count"): 135, ("t2_9", "procurement", "amount"): 75394432.52,
        ("t3", "r1", "total"): 23, ("t3", "r2", "total"): 0, ("t3", "r3_7", "total"): 23, ("t3", "r4", "total"): 0,
        **_row("t4", "data", (0,) * 15, T4),
    },
    2021: {
        **_row("t3", "r1", (64, 0, 0, 2, 0, 4, 70)), ("t3", "r2", "total"): 0,
        **_row("t3", "r3_7", (63, 0, 0, 2, 0, 4, 69)), **_row("t3", "r4", (1, 0, 0, 0, 0, 0, 1)),
        **_row("t4", "data", (1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0), T4),
        **_t2_21((69, 3, 665), 2293, 1282, 42, 24252.311082),
    },
    2022: {
        ("t3", "r1", "natural"): 71, ("t3", "r1", "business"): 3, ("t3", "r1", "total"): 74,
        ("t3", "r2", "total"): 1,
        ("t3", "r3_7", "natural"): 72, ("t3", "r3_7", "business"): 3, ("t3", "r3_7", "total"): 75,
        ("t3", "r4", "total"): 0,
        **_row("t4", "data", (0, 1, 1, 0, 2, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0), T4),
        **_t2_21((88, 55, 698), 10690, 2113, 0, 9116.36),
    },
    2024: {
        ("t3", "r1", "natural"): 217, ("t3", "r1", "business"): 1, ("t3", "r1", "total"): 218,
        ("t3", "r2", "total"): 0,
        ("t3", "r3_7", "natural"): 217, ("t3", "r3_7", "business"): 1, ("t3", "r3_7", "total"): 218,
        ("t3", "r4", "total"): 0,
        **_row("t4", "data", (2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19), T4),
        **_t2_21((62, 33, 440), 4529, 1100, 65, 18651.06),
    },
    2025: {
        ("t3", "r1", "natural"): 151, ("t3", "r1", "business"): 3, ("t3", "r1", "total"): 154,
        ("t3", "r2", "total"): 0,
        ("t3", "r3_7", "natural"): 147, ("t3", "r3_7", "business"): 1, ("t3", "r3_7", "total"): 148,
        ("t3", "r4", "natural"): 4, ("t3", "r4", "business"): 2, ("t3", "r4", "total"): 6,
        **_row("t4", "data", (25, 3, 8, 0, 36, 3, 3, 0, 0, 6, 3, 0, 0, 0, 3), T4),
        **_t2_21((58, 45, 546), 2418, 644, 64, 4166.241619),
    },
}


@pytest.mark.corpus
@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_pingtan_fused_dump_never_contradicts_the_published_page(year: int) -> None:
    """The crawler's text dump runs every table row's digits together. Each cell is either the number the published
    page shows or UNREADABLE (several splits fit the sums) — never another number, never left out."""
    source = REAL / f"fujian_pingtan_zone_{year}_page.txt"
    if not source.exists():
        pytest.skip("no corpus")
    report = recognise(read_path(source))
    wrong: list[str] = []
    read = 0
    for (table, row, col), want in PUBLISHED[year].items():
        cell = report.cell(table, row, col)
        if cell is None:
            wrong.append(f"{table}/{row}/{col}: not recognised at all (published {want})")
        elif cell.state == UNREADABLE:
            continue
        elif cell.state != NUMBER or cell.value is None or abs(cell.value - want) > 1e-9:
            wrong.append(f"{table}/{row}/{col}: {cell.state} {cell.raw!r}, published {want}")
        else:
            read += 1
    assert not wrong, "\n".join(wrong)
    assert read >= len(PUBLISHED[year]) // 2, f"only {read} of {len(PUBLISHED[year])} published cells were read"
    # every row cut out of a fused run is a whole row of numbers or wholly unreadable
    for table in report.tables.values():
        for r in table.rows:
            states = {c.state for c in r.cells}
            if any(c.note and "粘连" in c.note for c in r.cells):
                assert states in ({NUMBER}, {UNREADABLE}), (table.id, r.id, states)
