"""The warm path of a batch: compact cache entries (findings as rows over a string table), the cross-report pass's
entry holding what merging its findings did to each file, entries that parse as JSON but do not decode, the
collector paused, and the brief findings model of the line-per-finding formats."""

from __future__ import annotations

import gc
import json
import random
from pathlib import Path

import pytest

from gxlint.cache import FORMAT, FindingPacker, FindingUnpacker
from gxlint.findings import CellRef, Finding, RowContext
from gxlint.origin import Origin
from gxlint.run import CheckOptions, run_check
from gxlint.write import write
from gxlint.write.draft import Draft

AGENCY = "某某县人民政府"


def _run(folder: Path, cache_dir: Path, **kw: object):  # type: ignore[no-untyped-def]
    return run_check(CheckOptions(paths=(str(folder),), jobs=1, cache_dir=str(cache_dir), **kw))  # type: ignore


def _state(run) -> dict[str, tuple[list, list, list]]:  # type: ignore[no-untyped-def]
    """Each file's findings and suppressed findings, whole (the row context too: Finding's == leaves it out)."""
    return {Path(r.path).name: ([(f, f.context) for f in r.findings], [(f, f.context) for f in r.suppressed],
                                [f.fingerprint() for f in r.findings]) for r in run.results}


def _entries(cache_dir: Path, marker: bytes) -> list[Path]:
    return sorted(p for p in (cache_dir / FORMAT).rglob("*.json") if marker in p.read_bytes())


def _head(entry: Path) -> dict:  # type: ignore[type-arg]
    """An entry's first line: the findings (a second line, when there is one, is the file's cross summary)."""
    return json.loads(entry.read_bytes().partition(b"\n")[0])


# -- the rows ---------------------------------------------------------------------------------------------------

def _findings() -> list[Finding]:
    cell = CellRef("t3", "r2", "business", "表三", "二、上年结转政府信息公开申请数量", "商业企业")
    other = CellRef("t3", "r1", "total")
    return [
        Finding(code="GX301", level="error", message="表三「总计」列为 9，应为 7", path="a.txt",
                origin=Origin(line=44, col=52, end_line=44, end_col=53), cell=cell,
                values={"left": 9, "right": 7, "expression": "a + b", "nested": {"x": [1, 2.5, None]}},
                cells=(cell, other), rule_name="row-sum", snippet="9", message_en="total is 9, should be 7",
                context=RowContext("（七）总计", (("natural", "自然人", "1"), ("total", "总计", "9")), ("9", ""))),
        Finding(code="GX002", level="warning", message="看不出是年度报告", path="a.txt", snippet="GX002"),
        Finding(code="GX101", level="info", message="第2页", path="a.txt",
                origin=Origin(page=2, bbox=(1.5, 2.0, 300.25, 14.0), table=1, row=3, cell=2)),
        Finding(code="GX102", level="info", message="段落", path="a.txt", origin=Origin(paragraph=7), cell=cell),
    ]


def test_rows_round_trip_through_json() -> None:
    pack = FindingPacker()
    rows = pack.rows(_findings())
    data = json.loads(json.dumps({"rows": rows, "strings": pack.strings}, ensure_ascii=False))
    back = FindingUnpacker(data["strings"]).findings(data["rows"], "a.txt")
    for f, g in zip(_findings(), back, strict=True):
        assert g == f and g.context == f.context and g.fingerprint() == f.fingerprint()
        assert type(g.origin.bbox) is type(f.origin.bbox) and type(g.cells) is tuple and type(g.values) is dict
        assert vars(g).keys() == vars(f).keys()  # every field, as Finding's own __init__ sets them
    assert back[0].cell is back[0].cells[0] is back[3].cell  # one CellRef per cell of an entry
    assert len(pack.strings) == len(set(pack.strings))


def test_rows_keep_the_path_they_are_read_for() -> None:
    pack = FindingPacker()
    rows = pack.rows(_findings())
    back = FindingUnpacker(pack.strings).findings(rows, "elsewhere/b.txt")
    assert {f.path for f in back} == {"elsewhere/b.txt"}


@pytest.mark.parametrize("damage", [
    lambda e: e.update(strings=e["strings"][:1]),  # an index past the table
    lambda e: e.update(strings={"0": "x"}),
    lambda e: e["findings"][0].pop(),  # a row one field short
    lambda e: e["findings"][0].__setitem__(3, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),  # an origin too long
    lambda e: e["findings"][0].__setitem__(5, [1, 2]),  # values not a dict
    lambda e: e.update(findings={"a": 1}),
    lambda e: e.update(about=["x"]),
    lambda e: e.pop("strings"),
])
def test_entries_that_parse_but_do_not_decode_are_misses(tmp_path: Path, damage) -> None:  # type: ignore
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "a.txt").write_bytes(write(Draft.blank(2024).with_cell("t3", "r1", "natural", "9999"), "txt"))
    cache_dir = tmp_path / "c"
    cold = _state(_run(folder, cache_dir))
    (entry,) = _entries(cache_dir, b'"findings"')
    data = _head(entry)
    assert data["findings"]
    damage(data)
    entry.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    warm = _run(folder, cache_dir)
    assert warm.stats["linted"] == 1 and _state(warm) == cold
    again = _run(folder, cache_dir)  # rewritten
    assert again.stats["cached"] == 1 and _state(again) == cold


# -- the cross-report pass's entry ----------------------------------------------------------------------------------

def _pair(folder: Path) -> Path:
    """2024 and 2025 of one agency (GX802 fires on 2025, and GX803) and another agency's report; on 2025 a bare
    directive on the line before GX802's: it suppresses GX802, so the own pass's GX004 for it is withdrawn."""
    folder.mkdir(parents=True, exist_ok=True)
    last = Draft.blank(2024, agency=AGENCY).with_cell("t2_1", "normative", "valid", "20")
    this = Draft.blank(2025, agency=AGENCY).with_cell("t2_1", "normative", "made", "2") \
        .with_cell("t2_1", "normative", "valid", "10")
    (folder / "r2024.txt").write_bytes(write(last, "txt"))
    (folder / "other.txt").write_bytes(write(Draft.consistent_random(random.Random(3), 2024, agency="乙县人民政府"),
                                             "txt"))
    path = folder / "r2025.txt"
    path.write_bytes(write(this, "txt"))
    run = run_check(CheckOptions(paths=(str(folder),), jobs=1, cache=False))
    (gx802,) = [f for r in run.results for f in r.findings if f.code == "GX802"]
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(gx802.origin.line - 1, "<!-- gxlint-disable-next-line -->")  # type: ignore[operator]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_warm_batch_takes_the_merged_cross_pass_from_the_cache(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "r"
    _pair(folder)
    cache_dir = tmp_path / "c"
    cold = _run(folder, cache_dir)
    mine = next(r for r in cold.results if r.path.endswith("r2025.txt"))
    assert [f.code for f in mine.suppressed] == ["GX802"] and not any(f.code == "GX004" for f in mine.findings)
    assert any(f.code.startswith("GX80") for f in mine.findings)

    import gxlint.batch
    import gxlint.source
    import gxlint.suppress

    def boom(*a: object, **k: object) -> None:
        raise AssertionError("a warm batch neither reads sources, nor merges, nor runs the cross pass")

    monkeypatch.setattr(gxlint.source, "source_lines", boom)
    monkeypatch.setattr(gxlint.suppress, "apply_late", boom)
    monkeypatch.setattr(gxlint.batch, "cross_pass", boom)
    monkeypatch.setattr(gxlint.batch, "_pooled", boom)  # no pool when every file is a hit
    warm = run_check(CheckOptions(paths=(str(folder),), jobs=2, cache_dir=str(cache_dir)))
    assert warm.stats["cached"] == 3
    assert _state(warm) == _state(cold)


def test_a_damaged_cross_entry_is_computed_again(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    _pair(folder)
    cache_dir = tmp_path / "c"
    cold = _state(_run(folder, cache_dir))
    (entry,) = _entries(cache_dir, b'"merged"')
    data = json.loads(entry.read_bytes())
    data["strings"] = data["strings"][:2]
    entry.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert _state(_run(folder, cache_dir)) == cold
    assert json.loads(entry.read_bytes())["strings"] != data["strings"]  # stored again, whole
    entry.write_bytes(b'{"format":"' + FORMAT.encode() + b'","merged":{"99":[[],[],[]]},"strings":[]}')  # a file the batch has not
    assert _state(_run(folder, cache_dir)) == cold


def test_the_stored_merge_applies_to_a_file_linted_again(tmp_path: Path) -> None:
    """A file whose own entry is gone is linted again; the batch's stored cross pass still applies to it."""
    folder = tmp_path / "r"
    _pair(folder)
    cache_dir = tmp_path / "c"
    cold = _state(_run(folder, cache_dir))
    (gone,) = [e for e in _entries(cache_dir, b'"findings"') if _head(e)["about"]["year"] == 2025]
    gone.unlink()
    warm = _run(folder, cache_dir)
    assert (warm.stats["linted"], warm.stats["cached"]) == (1, 2) and _state(warm) == cold


# -- the collector --------------------------------------------------------------------------------------------------

def test_the_collector_is_paused_and_restored() -> None:
    from gxlint.gcpause import paused

    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause does not end the outer one
    assert gc.isenabled()
    with pytest.raises(ValueError), paused():
        raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()  # off before, off after
    finally:
        gc.enable()


# -- the brief model ------------------------------------------------------------------------------------------------

def test_the_brief_model_is_the_full_one_cut_down(tmp_path: Path) -> None:
    from gxlint.render import BRIEF, FORMATS, context_for, render
    from gxlint.render.model import BRIEF_FIELDS, build

    folder = tmp_path / "r"
    _pair(folder)
    (folder / "bad.txt").write_bytes(write(Draft.blank(2024).with_cell("t3", "r1", "natural", "9999"), "txt"))
    run = _run(folder, tmp_path / "c")
    full = build(run, cwd=tmp_path, reports="none")
    brief = build(run, cwd=tmp_path, reports="none", brief=True)
    assert full["findings"] and len(brief["findings"]) == len(full["findings"])
    for b, f in zip(brief["findings"], full["findings"], strict=True):
        assert tuple(b) == BRIEF_FIELDS and b == {k: f[k] for k in BRIEF_FIELDS}
    assert {k: v for k, v in brief.items() if k not in ("files", "findings")} == \
        {k: v for k, v in full.items() if k not in ("files", "findings")}
    for fmt in BRIEF:  # the brief formats print the same from either model
        for color in (False, True):
            outs = [render(FORMATS[fmt], {**m, "model": m, "color": color, "results": run.results})
                    for m in (full, brief)]
            assert outs[0] == outs[1] and outs[0]
    ctx = context_for(run, cwd=tmp_path, reports="none", sources=False)
    assert all(f["source"] is None for f in ctx["findings"])
    with_sources = context_for(run, cwd=tmp_path, reports="none")
    assert any(f["source"] is not None for f in with_sources["findings"])


# -- reading ---------------------------------------------------------------------------------------------------------

def test_read_file_bytes_reads_past_one_chunk_and_stops_at_the_limit(tmp_path: Path) -> None:
    from gxlint.read import read_file_bytes
    from gxlint.read.document import ReadError

    data = bytes(random.Random(1).getrandbits(8) for _ in range(300_000))
    p = tmp_path / "big.txt"
    p.write_bytes(data)
    assert read_file_bytes(p) == data
    assert read_file_bytes(p, max_bytes=len(data)) == data
    with pytest.raises(ReadError):
        read_file_bytes(p, max_bytes=len(data) - 1)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert read_file_bytes(empty) == b""


def test_cache_entries_of_any_size_are_read_whole(tmp_path: Path) -> None:
    from gxlint.cache import ENTRY_LIMIT
    from gxlint.read import read_file_bytes

    for size in (0, 1, (1 << 16) - 1, 1 << 16, (1 << 16) + 1, 3 << 20):
        p = tmp_path / f"e{size}"
        data = bytes(i % 251 for i in range(size))
        p.write_bytes(data)
        assert read_file_bytes(str(p), ENTRY_LIMIT) == data
