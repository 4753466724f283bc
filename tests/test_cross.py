"""Cross-report rules GX801–GX805 in batch runs, on the Pingtan reports 2015–2025 (one agency, several years) and on
hand-built summaries; MinHash/LSH finds copies without comparing every pair.

What the Pingtan html reports say (verified by reading them; SOURCES.md agrees):
  表三 二、上年结转 / 四、结转下年度 (自然人, 总计): 2021 0/0 → 1/1; 2022 1/1 → 0/0; 2024 0/0 → 0/0; 2025 0/0 → 4/6
  表二 行政规范性文件 制发/废止/现行有效: 2021 69/3/665; 2022 88/55/698; 2024 62/33/440; 2025 58/45/546
so 2022 carries over the 1 that 2021 carried forward, 2025 the 0 of 2024 (GX801 silent); 665 + 88 − 55 = 698 (GX802
silent for 2022) but 440 + 58 − 45 = 453 ≠ 546 (GX802 fires on 2025: a real inconsistency). 2020 and 2023 are missing,
so 2021 and 2024 have no previous year. Consecutive bodies overlap 25–46 % (GX803 silent at 80 %), no two years have
the same 表三/表四 (GX805 silent).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from _output_helpers import write_report

from gxlint.batch import cross_pass
from gxlint.check.kinds.cross import Summary, previous_of, summarise
from gxlint.origin import Origin
from gxlint.run import CheckOptions, run_check

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "real"  # as in conftest.py

PINGTAN = [f"fujian_pingtan_zone_{y}_page.html" for y in (2015, 2018, 2019, 2021, 2022, 2024, 2025)]


def _batch(folder: Path, jobs: int = 1, **kw: object) -> dict[str, list]:
    run = run_check(CheckOptions(paths=(str(folder),), jobs=jobs, cache=False, **kw))  # type: ignore[arg-type]
    return {Path(r.path).name: [f for f in r.findings if f.code.startswith("GX8")] for r in run.results}


def _copy(names: list[str], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in names:
        shutil.copy(REAL / n, folder / n)


@pytest.mark.corpus
def test_pingtan_2015_to_2025(tmp_path: Path) -> None:
    _copy(PINGTAN, tmp_path)
    found = _batch(tmp_path)
    codes = {name: sorted(f.code for f in fs) for name, fs in found.items()}
    assert codes == {n: [] for n in PINGTAN} | {"fujian_pingtan_zone_2025_page.html": ["GX802"]}
    (f,) = found["fujian_pingtan_zone_2025_page.html"]
    assert f.cell is not None and (f.cell.table, f.cell.row, f.cell.col) == ("t2_1", "normative", "valid")
    assert f.values == {"left": 546, "right": 453}
    assert "2024" in f.message and "546" in f.message and "453" in f.message


@pytest.mark.corpus
def test_pingtan_summaries_read_the_carryover_cells() -> None:
    from gxlint.api import parse_file

    s = {y: summarise(parse_file(str(REAL / f"fujian_pingtan_zone_{y}_page.html"))) for y in (2021, 2022, 2024, 2025)}
    assert {s[y].agency_key for y in s} == {"平潭综合实验区"}
    assert [s[2021].num("t3", "r4", "total"), s[2022].num("t3", "r2", "total")] == [1, 1]
    assert [s[2024].num("t3", "r4", "total"), s[2025].num("t3", "r2", "total")] == [0, 0]
    assert s[2025].num("t3", "r4", "natural") == 4 and s[2025].num("t3", "r4", "total") == 6
    assert previous_of(s[2025], list(s.values())) is s[2024]
    assert previous_of(s[2024], list(s.values())) is None  # no 2023 report
    assert previous_of(s[2022], list(s.values())) is s[2021]


@pytest.mark.corpus
def test_pingtan_txt_and_html_of_the_same_year_are_not_copies(tmp_path: Path) -> None:
    """The same report in two formats: one agency, so neither GX804 (another agency) nor a wrong pairing: each
    format is paired with last year's report in the same format."""
    names = [f"fujian_pingtan_zone_{y}_page.{ext}" for y in (2024, 2025) for ext in ("txt", "html")]
    _copy(names, tmp_path)
    found = _batch(tmp_path, jobs=2)
    assert not any(f.code == "GX804" for fs in found.values() for f in fs)
    assert [f.code for f in found["fujian_pingtan_zone_2025_page.html"]] == ["GX802"]


@pytest.mark.corpus
def test_gx801_and_gx802_fire_when_last_years_report_does_not_connect(tmp_path: Path) -> None:
    """The 2024 report relabelled as 2021's: 2022 carried over 1 application that this "2021" never carried
    forward (GX801 on 自然人 and 总计), and 473 = 440 + 88 − 55 valid documents are not 2022's 698 (GX802)."""
    text = (REAL / "fujian_pingtan_zone_2024_page.html").read_text(encoding="utf-8")
    (tmp_path / "pingtan_2021_relabelled.html").write_text(text.replace("2024年度", "2021年度"), encoding="utf-8")
    _copy(["fujian_pingtan_zone_2022_page.html"], tmp_path)
    found = _batch(tmp_path)
    mine = found["fujian_pingtan_zone_2022_page.html"]
    gx801 = sorted(f.cell.col for f in mine if f.code == "GX801" and f.cell)
    assert gx801 == ["natural", "total"]
    assert all(f.values == {"left": 1, "right": 0} for f in mine if f.code == "GX801")
    (gx802,) = [f for f in mine if f.code == "GX802"]
    assert gx802.values == {"left": 698, "right": 473}


@pytest.mark.corpus
def test_gx803_and_gx805_fire_on_a_report_republished_as_next_year(tmp_path: Path) -> None:
    """Pingtan 2024 published again as 2025: same text (GX803), same 表三 and 表四 (GX805, two findings)."""
    text = (REAL / "fujian_pingtan_zone_2024_page.html").read_text(encoding="utf-8")
    _copy(["fujian_pingtan_zone_2024_page.html"], tmp_path)
    (tmp_path / "pingtan_2025_stale.html").write_text(text.replace("2024年度", "2025年度"), encoding="utf-8")
    found = _batch(tmp_path)
    codes = sorted(f.code for f in found["pingtan_2025_stale.html"])
    # carry-over 0 = 0 (no GX801); 440 valid documents again although 62 were made and 33 repealed (GX802: 469)
    assert codes == ["GX802", "GX803", "GX805", "GX805"]
    assert [f.values for f in found["pingtan_2025_stale.html"] if f.code == "GX802"] == [{"left": 440, "right": 469}]
    gx803 = [f for f in found["pingtan_2025_stale.html"] if f.code == "GX803"][0]
    assert gx803.values["similarity"] >= 0.99
    assert found["fujian_pingtan_zone_2024_page.html"] == []  # the earlier year is not blamed


@pytest.mark.corpus
def test_gx804_fires_on_both_agencies_of_a_copied_report(tmp_path: Path) -> None:
    text = (REAL / "fujian_pingtan_zone_2024_page.html").read_text(encoding="utf-8")
    _copy(["fujian_pingtan_zone_2024_page.html", "fujian_pingtan_zone_2022_page.html"], tmp_path)
    (tmp_path / "copied_by_another.html").write_text(text.replace("平潭综合实验区", "某某县"), encoding="utf-8")
    found = _batch(tmp_path)
    a = [f for f in found["copied_by_another.html"] if f.code == "GX804"]
    b = [f for f in found["fujian_pingtan_zone_2024_page.html"] if f.code == "GX804"]
    assert len(a) == 1 and len(b) == 1
    assert "平潭综合实验区" in a[0].message and "某某县" in b[0].message
    assert a[0].values["other"].endswith("fujian_pingtan_zone_2024_page.html")
    assert not any(f.code == "GX804" for f in found["fujian_pingtan_zone_2022_page.html"])


@pytest.mark.corpus
def test_cross_rules_follow_the_selection(tmp_path: Path) -> None:
    _copy(PINGTAN[-2:], tmp_path)
    assert not any(_batch(tmp_path, ignore=("GX802",)).values())
    assert not any(_batch(tmp_path, cross=False).values())


# -- summaries and LSH at scale --------------------------------------------------------------------------------------

def _summary(path: str, agency: str, year: int, text: str = "", **cells: float) -> Summary:
    from gxlint.check.kinds.cross import agency_key, text_shingles
    from gxlint.similarity import pack_shingles, shingle_array, signature_bytes

    arr = text_shingles(text) if text else shingle_array("")
    return Summary(path=path, format="txt", agency=agency, agency_key=agency_key(agency), year=year, layout="2021",
                   cells={k.replace("__", "/"): (v, str(v), Origin(line=1, col=1).as_tuple())
                          for k, v in cells.items()},
                   body_len=len(text), shingle_count=len(arr), sig=signature_bytes(arr) if text else b"",
                   shingles=pack_shingles(arr) if text else b"")


def _rules(*codes: str) -> list:
    from gxlint.check.loader import builtin_rules

    return [r for r in builtin_rules() if r.code in codes]


def test_summary_json_round_trip() -> None:
    s = _summary("a.txt", "甲县", 2024, "一、总体情况" * 80, t3__r2__natural=3)
    back = Summary.from_json(json.loads(json.dumps(s.as_json())))  # as the cache stores it
    assert back == s


@pytest.mark.parametrize("suffix", [".txt", ".pdf"])  # line/col origins, and page/box ones
def test_summary_of_a_real_report_survives_pickling_and_json(tmp_path: Path, suffix: str) -> None:
    """Workers send summaries to the main process by pickling, and the cache stores them as JSON: both must give
    back the same cells (with their origins) and tables."""
    import pickle

    from gxlint.api import parse_file

    s = summarise(parse_file(str(write_report(tmp_path / f"r{suffix}", 2023, "某某县财政局"))))
    assert len(s.cells) >= 14 and set(s.tables) == {"t3", "t4"}
    origin = Origin(*s.cells["t3/r2/natural"][2])
    assert (origin.line is not None) if suffix == ".txt" else (origin.page is not None and origin.bbox is not None)
    assert pickle.loads(pickle.dumps(s)) == s
    assert Summary.from_json(json.loads(json.dumps(s.as_json()))) == s  # the box, a tuple, is a list in JSON


def test_agency_names_group_across_scripts_and_widths() -> None:
    from gxlint.check.kinds.cross import agency_key

    assert agency_key("平潭綜合實驗區") == agency_key("平潭综合实验区") == agency_key(" 平潭综合实验区 ")
    assert agency_key("某某县（市）人民政府") == agency_key("某某县(市)人民政府")
    assert agency_key(None) is None and agency_key("") is None


def test_carryover_on_summaries_and_previous_year_choice() -> None:
    now = _summary("b/2025.txt", "甲县", 2025, t3__r2__natural=2, t3__r2__total=2)
    prev_txt = _summary("a/2024.txt", "甲县", 2024, t3__r4__natural=2, t3__r4__total=3)
    other = _summary("c/2024.txt", "乙县", 2024, t3__r4__natural=0, t3__r4__total=0)
    rules = _rules("GX801")
    found = cross_pass([now, prev_txt, other], lambda i: rules)
    assert list(found) == [0]
    (f,) = found[0]
    assert f.cell is not None and f.cell.col == "total" and f.values == {"left": 2, "right": 3}


def _prose(rng: object, n: int) -> str:
    import random

    assert isinstance(rng, random.Random)
    words = ["公开", "政府", "信息", "申请", "办理", "平台", "制度", "建设", "监督", "保障", "政策", "解读", "回应",
             "关切", "网站", "栏目", "更新", "考核", "培训", "规范", "文件", "清理", "审查", "发布", "工作"]
    return "".join(rng.choice(words) for _ in range(n))


def test_lsh_finds_the_copy_among_many_without_all_pairs() -> None:
    import random

    rng = random.Random(7)
    n = 400
    texts = [_prose(rng, 400) for _ in range(n)]
    texts[123] = texts[45].replace("公开", "公布", 2)  # agency 123 copied agency 45's report
    summaries = [_summary(f"r{i:03d}.txt", f"机关{i}", 2024, texts[i]) for i in range(n)]
    from gxlint.batch import CrossStats

    stats = CrossStats()
    rules = _rules("GX804")
    found = cross_pass(summaries, lambda i: rules, stats)
    assert sorted(found) == [45, 123]
    assert found[123][0].values["other"] == "r045.txt"
    assert stats.candidates < n * (n - 1) // 2 // 100  # LSH compared a handful of pairs, not 79,800


def test_text_repeat_needs_min_chars() -> None:
    short = _summary("a.txt", "甲县", 2025, "本年度无变化。")
    prev = _summary("b.txt", "甲县", 2024, "本年度无变化。")
    assert cross_pass([short, prev], lambda i: _rules("GX803")) == {}


@pytest.mark.corpus
def test_hongze_2023_and_2024_are_one_agency(tmp_path: Path) -> None:
    """Huai'an Hongze district: the 2023 report is titled 洪泽区人民政府…, the 2024 one 淮安市洪泽区人民政府… — one
    agency. Read from the PDFs: 表二 行政规范性文件 2023 0/5/5, 2024 3/0/8 (5 + 3 − 0 = 8); 表三 二 (2024) and 四
    (2023) are 0 in every column; the bodies overlap about 49 %. So the two are paired and nothing fires."""
    from gxlint.api import parse_file
    from gxlint.check.kinds.cross import canonical_agencies

    names = ["jiangsu_huaian_hongze_district_2023.pdf", "jiangsu_huaian_hongze_district_2024.pdf"]
    a, b = (summarise(parse_file(str(REAL / n))) for n in names)
    assert (a.agency_key, b.agency_key) == ("洪泽区人民政府", "淮安市洪泽区人民政府")
    assert canonical_agencies([a.agency_key, b.agency_key])[b.agency_key] == a.agency_key
    assert [a.num("t2_1", "normative", c) for c in ("made", "repealed", "valid")] == [0, 5, 5]
    assert [b.num("t2_1", "normative", c) for c in ("made", "repealed", "valid")] == [3, 0, 8]
    assert b.num("t3", "r2", "total") == 0 and a.num("t3", "r4", "total") == 0
    from gxlint.batch import CrossStats

    stats = CrossStats()
    assert cross_pass([a, b], lambda i: _rules("GX801", "GX802", "GX803", "GX804", "GX805"), stats) == {}
    assert stats.groups == 1 and stats.pairs_previous == 1
    _copy(names, tmp_path)
    assert not any(_batch(tmp_path).values())


def test_enclosing_jurisdiction_is_dropped_only_for_real_names() -> None:
    from gxlint.check.kinds.cross import canonical_agencies

    got = canonical_agencies(["淮安市洪泽区人民政府", "洪泽区人民政府", "江苏省淮安市人民政府", "淮安市人民政府",
                              "人民政府", "某某县教育局", "教育局"])
    assert got["淮安市洪泽区人民政府"] == "洪泽区人民政府"
    assert got["江苏省淮安市人民政府"] == "淮安市人民政府"
    assert got["淮安市人民政府"] == "淮安市人民政府"  # not "人民政府"
    assert got["某某县教育局"] == "某某县教育局"  # 县 is not an enclosing jurisdiction of a bureau's name here


@pytest.mark.corpus
def test_packed_shingles_give_the_exact_overlap() -> None:
    """A summary keeps its body's shingles in 32-bit form: the overlap computed from them is the one of the full
    64-bit sets (to the printed percent), and they are the text's own shingle set, made where the report was read."""
    from gxlint.api import parse_file
    from gxlint.check.kinds.cross import body_of, text_shingles
    from gxlint.similarity import containment

    reports = [parse_file(str(REAL / n)) for n in PINGTAN]
    summaries = [summarise(r) for r in reports]
    full = [text_shingles(body_of(r)) for r in reports]
    for s, f in zip(summaries, full, strict=True):
        assert s.shingle_count == len(f) > 500
        assert len(s.shingle_set()) == len({int(x) & 0xFFFFFFFF for x in f.tolist()})
    for i in range(len(summaries)):
        for j in range(len(summaries)):
            exact = containment(full[i], full[j])
            assert abs(containment(summaries[i].shingle_set(), summaries[j].shingle_set()) - exact) < 0.005, (i, j)


def _minutes() -> str:
    """Long prose that is not an annual report (no title, parts or tables): meeting minutes."""
    words = ["项目", "计划", "安排", "会议", "记录", "方案", "结果", "进展", "情况", "说明", "资料", "数据"]
    lines = ["# 会议纪要 2024", ""]
    for i in range(40):
        lines.append("，".join(words[(i * 7 + k * 5) % 12] + words[(i + k * 3) % 12] for k in range(12)) + "。")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("jobs", [1, 2])
def test_files_that_are_not_reports_take_no_part_in_cross_checks(tmp_path: Path, jobs: int) -> None:
    """Two copies of the same minutes are GX002 (not reports) and nothing more: no GX804 "正文与…的报告重合度为
    100%" (which they got when non-reports were summarised like reports), no year or layout said of them; the
    reports beside them are still compared. Cold and warm cache alike."""
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text(_minutes(), encoding="utf-8")
    write_report(tmp_path / "r2023.txt", year=2023, agency="某某县审计局")
    write_report(tmp_path / "r2024.txt", year=2024, agency="某某县审计局", cells={"t2_1/normative/valid": "5"})
    for cache in (False, True, True):
        run = run_check(CheckOptions(paths=(str(tmp_path),), jobs=jobs, cache=cache,
                                     cache_dir=str(tmp_path / ".c")))
        by_name = {Path(r.path).name: r for r in run.results}
        for name in ("a.md", "b.md"):
            assert [f.code for f in by_name[name].findings] == ["GX002"]
            about = by_name[name].about
            assert about.get("year") is None and about.get("layout") is None and about.get("agency") is None
        assert any(f.code == "GX802" for f in by_name["r2024.txt"].findings)  # the reports are still compared
