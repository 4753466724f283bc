"""The content cache: hits, misses, invalidation by content / config / rules / path, atomic JSON entries, a damaged
entry, `--no-cache`, `--cache-dir`, `gxlint clean`, and the findings it serves equal to the ones it stored."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gxlint.cache import FORMAT, Cache, FindingPacker, FindingUnpacker, clean, default_cache_dir
from gxlint.config import Config
from gxlint.run import CheckOptions, run_check


def _report(seed: int, defect: bool = False, fmt: str = "txt", agency: str = "某某县人民政府", year: int = 2024) -> bytes:
    import random

    from gxlint.write import write
    from gxlint.write.draft import Draft

    draft = Draft.consistent_random(random.Random(seed), year, agency=agency)
    if defect:
        draft = draft.with_cell("t3", "r1", "natural", "9999")
    return write(draft, fmt)


def _run(paths: list[Path], cache_dir: Path, **kw: object) -> tuple[dict[str, list[dict]], dict]:
    from gxlint.config import find_config

    find_config.cache_clear()  # config files appear between runs of this one process
    run = run_check(CheckOptions(paths=tuple(str(p) for p in paths), cache_dir=str(cache_dir),
                                 **{"jobs": 1, **kw}))  # type: ignore[arg-type]
    return {Path(r.path).name: [f.as_dict() for f in r.findings] for r in run.results}, run.stats


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "reports"
    d.mkdir()
    for i in range(4):
        (d / f"r{i}.txt").write_bytes(_report(i, defect=i == 1))
    (d / "r4.html").write_bytes(_report(4, fmt="html"))
    return d


def test_miss_then_hit_with_the_same_findings(folder: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    cold, s1 = _run([folder], cache_dir)
    warm, s2 = _run([folder], cache_dir)
    assert (s1["cached"], s1["linted"]) == (0, 5)
    assert (s2["cached"], s2["linted"]) == (5, 0)
    assert cold == warm
    assert any(f["code"] == "GX301" for f in cold["r1.txt"])
    assert (cache_dir / "CACHEDIR.TAG").is_file() and (cache_dir / ".gitignore").read_text().strip().endswith("*")
    assert not list(cache_dir.rglob(".tmp-*"))  # atomic writes leave no temporaries


def test_content_change_invalidates_that_file_only(folder: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    _run([folder], cache_dir)
    (folder / "r2.txt").write_bytes(_report(2, defect=True))
    found, stats = _run([folder], cache_dir)
    assert (stats["cached"], stats["linted"]) == (4, 1)
    assert any(f["code"] == "GX301" for f in found["r2.txt"])


def test_config_change_invalidates(folder: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    _run([folder], cache_dir)
    (folder / ".gxlint.yaml").write_text("rules:\n  GX301: warning\n", encoding="utf-8")
    found, stats = _run([folder], cache_dir)
    assert stats["linted"] == 5
    assert {f["level"] for f in found["r1.txt"] if f["code"] == "GX301"} == {"warning"}
    _, again = _run([folder], cache_dir)
    assert again["cached"] == 5
    # the command line's selection is part of the configuration too
    _, narrowed = _run([folder], cache_dir, select=("GX3",))
    assert narrowed["linted"] == 5


def test_rule_change_invalidates(folder: Path, tmp_path: Path) -> None:
    from gxlint.check.loader import builtin_rules_dir

    pack = tmp_path / "pack"
    pack.mkdir()
    rule = (builtin_rules_dir() / "GX301.yaml").read_text(encoding="utf-8")
    (pack / "GX301.yaml").write_text(rule, encoding="utf-8")
    (folder / ".gxlint.yaml").write_text(f"rules_paths: [{pack}]\n", encoding="utf-8")
    cache_dir = tmp_path / "cache"
    _run([folder], cache_dir)
    _, same = _run([folder], cache_dir)
    assert same["cached"] == 5
    (pack / "GX301.yaml").write_text(rule.replace("level: error", "level: info"), encoding="utf-8")
    from gxlint.cache import rules_fingerprint

    rules_fingerprint.cache_clear()
    import gxlint.api

    gxlint.api._rules_for.cache_clear()
    found, changed = _run([folder], cache_dir)
    assert changed["linted"] == 5
    assert {f["level"] for f in found["r1.txt"] if f["code"] == "GX301"} == {"info"}


def test_same_bytes_elsewhere_is_a_separate_entry(folder: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    _run([folder / "r1.txt"], cache_dir)
    other = tmp_path / "elsewhere.txt"
    other.write_bytes((folder / "r1.txt").read_bytes())
    found, stats = _run([other], cache_dir)
    assert stats["linted"] == 1
    assert all(f["path"] == str(other) for f in found["elsewhere.txt"])


def test_damaged_entries_are_misses_and_get_rewritten(folder: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    cold, _ = _run([folder], cache_dir)
    entries = sorted(e for e in (cache_dir / FORMAT).rglob("*.json") if b'"findings"' in e.read_bytes())
    assert len(entries) == 5  # one per file (the cross-report pass over them has an entry of its own)
    entries[0].write_bytes(b'{"format": "' + FORMAT.encode() + b'", "findi')
    entries[1].write_text(json.dumps({"format": "v0"}), encoding="utf-8")
    found, stats = _run([folder], cache_dir)
    assert stats["linted"] == 2 and found == cold
    _, again = _run([folder], cache_dir)
    assert again["cached"] == 5


def test_unreadable_files_are_never_cached(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    cache_dir = tmp_path / "cache"
    for _ in range(2):
        found, stats = _run([bad], cache_dir)
        assert [f["code"] for f in found["bad.pdf"]] == ["GX001"]
        assert stats["linted"] == 1


def test_no_cache_writes_nothing(folder: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    _, stats = _run([folder], cache_dir, cache=False)
    assert not cache_dir.exists() and stats["cached"] == 0


def test_default_cache_dir_is_next_to_the_config(folder: Path, tmp_path: Path) -> None:
    (folder / ".gxlint.yaml").write_text("ignore: [GX7]\n", encoding="utf-8")
    from gxlint.config import config_for

    assert default_cache_dir(config_for(str(folder / "r0.txt"))) == folder.resolve() / ".gxlint_cache"
    assert default_cache_dir(Config(), cwd=str(tmp_path)) == tmp_path / ".gxlint_cache"
    env = {**os.environ, "NO_COLOR": "1"}
    subprocess.run([sys.executable, "-c", "from gxlint.cli import main; main()", "check", "."], cwd=folder, env=env,
                   capture_output=True, check=False)
    assert (folder / ".gxlint_cache" / FORMAT).is_dir()


def test_gxlint_clean(folder: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    _run([folder], cache_dir)
    cli = [sys.executable, "-c", "from gxlint.cli import main; main()"]
    proc = subprocess.run([*cli, "clean", "--cache-dir", str(cache_dir)], capture_output=True, text=True)
    assert proc.returncode == 0 and not cache_dir.exists()
    proc = subprocess.run([*cli, "clean", "--cache-dir", str(cache_dir)], capture_output=True, text=True)
    assert proc.returncode == 0  # nothing to remove is fine
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("x")
    proc = subprocess.run([*cli, "clean", "--cache-dir", str(precious)], capture_output=True, text=True)
    assert proc.returncode == 2 and (precious / "keep.txt").exists()
    with pytest.raises(ValueError):
        clean(precious)


def test_findings_round_trip_through_json(folder: Path) -> None:
    from gxlint.api import lint_path, ruleset

    result = lint_path(str(folder / "r1.txt"), Config(), ruleset(Config()))
    assert result.findings
    pack = FindingPacker()
    rows, strings = json.loads(json.dumps([pack.rows(result.findings), pack.strings]))
    for f, back in zip(result.findings, FindingUnpacker(strings).findings(rows, result.path), strict=True):
        assert back == f and back.fingerprint() == f.fingerprint()


def test_key_depends_on_bytes_path_and_config(tmp_path: Path) -> None:
    c = Cache(tmp_path / "c")
    k = c.key(b"abc", "x.txt", Config())
    assert k == c.key(b"abc", "x.txt", Config())
    assert k != c.key(b"abd", "x.txt", Config())
    assert k != c.key(b"abc", "y.txt", Config())
    assert k != c.key(b"abc", "x.txt", Config(ignore=("GX7",)))


def test_cross_findings_survive_a_warm_run(tmp_path: Path) -> None:
    d = tmp_path / "two-years"
    d.mkdir()
    (d / "2023.txt").write_bytes(_report(1, agency="甲县人民政府", year=2023))
    (d / "2024.txt").write_bytes(_report(1, agency="甲县人民政府", year=2024))
    cache_dir = tmp_path / "cache"
    cold, _ = _run([d], cache_dir)
    warm, stats = _run([d], cache_dir)
    assert stats["cached"] == 2 and cold == warm
    assert any(f["code"].startswith("GX80") for fs in cold.values() for f in fs)
    # a one-file run stores no cross summary; a later batch run recomputes that file
    one = tmp_path / "one"
    one.mkdir()
    (one / "2024.txt").write_bytes((d / "2024.txt").read_bytes())
    (one / "2023.txt").write_bytes((d / "2023.txt").read_bytes())
    _run([one / "2024.txt"], cache_dir)
    found, batch_stats = _run([one], cache_dir)
    assert batch_stats["linted"] == 2
    assert {k: [f["code"] for f in v] for k, v in found.items()} == \
        {k: [f["code"] for f in v] for k, v in cold.items()}


def test_summaries_are_read_only_when_the_cross_pass_runs(tmp_path: Path) -> None:
    d = tmp_path / "years"
    d.mkdir()
    (d / "2023.txt").write_bytes(_report(1, agency="甲县人民政府", year=2023))
    (d / "2024.txt").write_bytes(_report(1, agency="甲县人民政府", year=2024))
    cache_dir = tmp_path / "cache"
    cold, _ = _run([d], cache_dir)
    # each file's summary is the second line of its entry, its signature and shingles after it as they are (the
    # cross pass's own entry has none)
    with_summary = [p for p in cache_dir.rglob("*.json") if b"\n" in p.read_bytes()]
    assert len(with_summary) == 2
    for p in with_summary:
        head, _, rest = p.read_bytes().partition(b"\n")
        summary, _, blobs = rest.partition(b"\n")
        line = json.loads(summary)
        assert line["year"] in (2023, 2024) and json.loads(head)["summary"] is True
        assert line["_blobs"]["sig"] == 1024 and sum(line["_blobs"].values()) == len(blobs)
        p.write_bytes(head)  # gone (a user pruned the cache by hand): the pass recomputes what it needs
    (d / "2022.txt").write_bytes(_report(2, agency="乙县人民政府", year=2022))  # a new batch: the pass runs again
    found, stats = _run([d], cache_dir)
    assert stats["cached"] == 2 and stats["linted"] == 1
    same_agency = [f for f in found["2024.txt"] if f["code"] != "GX804"]  # 乙县's writer-made text is a "copy"
    assert same_agency == cold["2024.txt"] and any(f["code"].startswith("GX80") for f in same_agency)


def test_warm_text_output_equals_cold(folder: Path, tmp_path: Path) -> None:
    """The text output of cached results shows the same header (agency, year, layout) and the same row view of the
    wrong cell as a fresh run: both come from what the cache stored, not from parsing the file again."""
    cmd = [sys.executable, "-m", "gxlint", "check", str(folder), "--cache-dir", str(tmp_path / "c"), "-j", "1",
           "--color", "never"]
    env = {**os.environ, "NO_COLOR": "1"}
    cold = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path)
    warm = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert cold.returncode == warm.returncode == 1
    assert warm.stdout == cold.stdout
    # the defective file's block: its header names the agency and year, the row view marks the cell 9999
    block = cold.stdout.split("r1.txt", 1)[1]
    assert "某某县人民政府 2024年" in block.splitlines()[0]
    assert "[9999]" in block and "自然人" in block


def test_entries_are_written_whole_whatever_happens_to_the_folder(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries go through a short path (own temporary name, no mkdir per write) once their folder exists: a
    folder removed meanwhile (`gxlint clean` in another shell) or a stale temporary file of the same name (a
    process that died with this pid earlier) still gives a whole entry, and no temporary file is left."""
    import itertools

    import gxlint.cache

    monkeypatch.setattr(gxlint.cache, "_SERIAL", itertools.count())  # the names this test takes are the next ones
    cache = Cache(tmp_path / "c")
    cache.prepare()
    keys = [f"{i:02x}" * 32 for i in range(4)]
    entry = {"findings": [], "suppressed": [], "summary": False, "about": {"n": 1}, "strings": []}
    assert cache.put(keys[0], entry)  # the folder made: the general way
    assert cache.put("00" + keys[1][2:], entry)  # same folder: the short way
    assert cache.get("00" + keys[1][2:]) is not None
    shutil.rmtree(tmp_path / "c" / FORMAT / "00")
    assert cache.put("00" + keys[2][2:], entry)  # the folder gone: the general way again
    folder = tmp_path / "c" / FORMAT / "00"
    for n in range(64):  # every temporary name this process could pick next is taken
        (folder / f".tmp-{os.getpid()}-{n}.json").write_bytes(b"stale")
    assert cache.put("00" + keys[3][2:], entry)
    for key in ("00" + keys[2][2:], "00" + keys[3][2:]):
        got = cache.get(key)
        assert got is not None and got["about"] == {"n": 1}, key
    left = [p.name for p in folder.iterdir() if p.name.startswith(".tmp-") and p.read_bytes() != b"stale"]
    assert left == []


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_mostly_changed_batch_is_looked_up_by_the_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            jobs: int) -> None:
    """After the first files of a run are mostly misses, the workers make the keys and look in the cache
    themselves (run._PROBE files decide; made 4 here): the same findings — cross-report ones included — the same
    counts of cached and linted files, and a warm run after it finds everything, as when the main process looks."""
    import gxlint.run

    monkeypatch.setattr(gxlint.run, "_PROBE", 4)
    d = tmp_path / "batch"
    d.mkdir()
    for i in range(12):
        agency = f"{'甲乙丙丁'[i % 4]}县人民政府"
        (d / f"r{i:02}.txt").write_bytes(_report(i, defect=i % 5 == 0, agency=agency, year=2021 + i // 4))
    cache_dir = tmp_path / "cache"
    reference, _ = _run([d], tmp_path / "unused", cache=False, jobs=jobs)
    assert any(f["code"].startswith("GX80") for fs in reference.values() for f in fs)
    cold, s1 = _run([d], cache_dir, jobs=jobs)
    assert cold == reference and (s1["cached"], s1["linted"]) == (0, 12)
    changed = [0, 1, 2, 3, 4, 6, 8, 9, 11]  # the first four all changed: the rest goes to the workers
    for i in changed:
        p = d / f"r{i:02}.txt"
        p.write_bytes(p.read_bytes() + "\n本报告所列数据统计期限自1月1日起至12月31日止。\n".encode())
    reference, _ = _run([d], tmp_path / "unused", cache=False, jobs=jobs)
    mixed, s2 = _run([d], cache_dir, jobs=jobs)
    assert mixed == reference
    assert (s2["cached"], s2["linted"]) == (3, 9)  # r05, r07, r10 found by the workers' lookups
    warm, s3 = _run([d], cache_dir, jobs=jobs)
    assert warm == reference and (s3["cached"], s3["linted"]) == (12, 0)


def test_a_summary_entry_round_trips_its_bytes_exactly(tmp_path: Path) -> None:
    """A summary's byte strings follow its JSON line as they are — newlines, NULs and all — and come back exactly;
    an entry cut short or with the wrong lengths is a miss (the file is summarised again), and an entry written
    with the strings in base64 inside the JSON (as_json) still reads."""
    from gxlint.check.kinds.cross import Summary

    cache = Cache(tmp_path / "c")
    cache.prepare()
    s = Summary(path="a.txt", format="txt", agency="甲县", agency_key="甲县", year=2024, layout="2021",
                cells={"t3/r2/total": (3, "3", (1, 2, None, None, None, None, None, None, None, None))},
                body_len=900, shingle_count=3, sig=bytes(range(256)) * 4, shingles=b"\n\x00\n\r\n" * 3)
    key = "ab" + "0" * 62
    assert cache.put_result(key, [], [], s.fields(), {}, {"sig": s.sig, "shingles": s.shingles})
    back = cache.get_summary(key)
    assert back is not None and Summary.from_json(back) == s
    assert cache.get_result(key, "a.txt") is not None  # the findings line is read as before

    entry = Path(cache._path(key))
    whole = entry.read_bytes()
    entry.write_bytes(whole[:-1])  # cut short
    assert cache.get_summary(key) is None
    entry.write_bytes(whole + b"x")  # longer than its lengths say
    assert cache.get_summary(key) is None

    assert cache.put_result(key, [], [], s.as_json(), {})  # no blobs: base64 in the JSON line
    back = cache.get_summary(key)
    assert back is not None and Summary.from_json(back) == s
