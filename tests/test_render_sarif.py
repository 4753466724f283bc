"""SARIF 2.1.0 output: valid against the official OASIS schema (vendored, draft-04), and GitHub code scanning's
extra requirements asserted separately (the schema alone accepts logs GitHub rejects)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import jsonschema
import pytest
from _output_helpers import BLANK, EXAMPLES, UNBALANCED, cli, write_report
from conftest import REAL

from gxlint.api import ruleset
from gxlint.config import Config, find_config

SCHEMA = Path(__file__).resolve().parent.parent / "gxlint" / "schemas" / "sarif-schema-2.1.0.json"


@cache
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def sarif(*paths: str | Path) -> dict[str, Any]:
    res = cli(["check", "--no-cache", "-f", "sarif", *paths])
    assert res.code in (0, 1), res.stderr
    return json.loads(res.stdout)


def assert_valid(log: dict[str, Any]) -> None:
    errors = sorted(validator().iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, [(list(e.absolute_path), e.message[:200]) for e in errors[:5]]


def assert_github(log: dict[str, Any]) -> None:
    """What GitHub code scanning requires beyond the schema (docs: SARIF support for code scanning)."""
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1  # several runs of one tool and category are rejected
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "gxlint" and driver["version"]
    rules = driver["rules"]
    assert len({r["id"] for r in rules}) == len(rules)
    for r in rules:
        assert r["id"] and r["name"]
        for key in ("shortDescription", "fullDescription", "help"):
            assert r[key]["text"].strip(), (r["id"], key)
        assert r["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert isinstance(r["properties"]["tags"], list) and r["properties"]["tags"]
    assert run["columnKind"] == "unicodeCodePoints"
    bases = run["originalUriBaseIds"]
    for base in bases.values():
        assert urlparse(base["uri"]).scheme == "file" and base["uri"].endswith("/")
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] in ("error", "warning", "note")
        assert res["message"]["text"].strip()
        assert len(res["locations"]) == 1
        phys = res["locations"][0]["physicalLocation"]
        uri = phys["artifactLocation"]["uri"]
        assert uri and not urlparse(uri).scheme and not uri.startswith("/") and "\\" not in uri
        assert phys["artifactLocation"]["uriBaseId"] in bases
        region = phys["region"]
        assert region["startLine"] >= 1
        assert region.get("startColumn", 1) >= 1
        assert res["partialFingerprints"] and all(v for v in res["partialFingerprints"].values())
    inv = run["invocations"]
    assert len(inv) == 1 and isinstance(inv[0]["executionSuccessful"], bool)


@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    find_config.cache_clear()  # keyed by the path as given: a relative path means another file in each test


def test_sarif_is_valid_and_meets_github_requirements(tmp_path: Path) -> None:
    write_report(tmp_path / "reports" / "a.txt", cells=UNBALANCED)
    write_report(tmp_path / "reports" / "b.docx", cells=BLANK)
    write_report(tmp_path / "reports" / "报告 2024.html", cells=BLANK)
    log = sarif("reports")
    assert_valid(log)
    assert_github(log)
    run = log["runs"][0]
    assert run["invocations"][0]["executionSuccessful"] is True
    assert run["invocations"][0]["toolExecutionNotifications"] == []
    # every enabled rule is listed, with its three texts
    ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert {r.code for r in ruleset(Config())} <= ids
    by_uri = {}
    for r in run["results"]:
        by_uri.setdefault(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], []).append(r)
    assert set(by_uri) == {"reports/a.txt", "reports/b.docx", "reports/%E6%8A%A5%E5%91%8A%202024.html"}
    assert unquote("reports/%E6%8A%A5%E5%91%8A%202024.html") == "reports/报告 2024.html"
    # table cells carry a logical location naming the cell, besides the physical one
    cells = [r for r in run["results"] if r["ruleId"] in ("GX201", "GX301", "GX303")]
    assert cells
    for r in cells:
        ll = r["locations"][0]["logicalLocations"][0]
        assert ll["fullyQualifiedName"].startswith("表三/")
    gx201 = next(r for r in by_uri["reports/b.docx"] if r["ruleId"] == "GX201")
    assert gx201["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "表三/(一)予以公开/商业企业"
    # arithmetic: both values travel in the properties
    gx301 = next(r for r in by_uri["reports/a.txt"] if r["ruleId"] == "GX301")
    assert gx301["properties"]["values"]["left"] == 0 and gx301["properties"]["values"]["right"] == 5
    # a text file has 1-based lines and code-point columns
    region = gx301["locations"][0]["physicalLocation"]["region"]
    line = (tmp_path / "reports" / "a.txt").read_text(encoding="utf-8").splitlines()[region["startLine"] - 1]
    assert line.rstrip().endswith("| 0") and region["startColumn"] == len(line.rstrip())  # the 总计 cell, last
    assert region["startColumn"] < len(line.encode("utf-8"))  # code points, not bytes (the label is Chinese)


def test_fingerprints_are_the_baseline_content_hash(tmp_path: Path) -> None:
    from gxlint import baseline

    write_report(tmp_path / "a.txt", cells=UNBALANCED)
    log = sarif("a.txt")
    got = sorted(r["partialFingerprints"]["gxlintContentHash/v1"] for r in log["runs"][0]["results"])
    cli(["baseline", "create", "-o", "bl.json", "a.txt"])
    base = baseline.load(tmp_path / "bl.json")
    assert got == sorted(fp for codes in base.files.values() for fps in codes.values() for fp in fps)
    # and they do not depend on line numbers: add a line at the top of the body
    p = tmp_path / "a.txt"
    lines = p.read_text(encoding="utf-8").splitlines(keepends=True)
    p.write_text(lines[0] + "（本报告经局务会审议通过。）\n" + "".join(lines[1:]), encoding="utf-8")
    moved = sarif("a.txt")["runs"][0]["results"]
    assert sorted(r["partialFingerprints"]["gxlintContentHash/v1"] for r in moved) == got
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in moved] != \
        [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in log["runs"][0]["results"]]


def test_unreadable_file_is_a_tool_execution_notification(tmp_path: Path) -> None:
    (tmp_path / "broken.pdf").write_bytes(b"this is not a pdf at all")
    write_report(tmp_path / "ok.txt")
    log = sarif("broken.pdf", "ok.txt")
    assert_valid(log)
    assert_github(log)
    inv = log["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    notes = inv["toolExecutionNotifications"]
    assert len(notes) == 1 and "broken.pdf" in notes[0]["message"]["text"]
    assert notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.pdf"
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["GX001"]


def test_selection_limits_the_rules_listed(tmp_path: Path) -> None:
    write_report(tmp_path / "a.txt", cells=UNBALANCED)
    res = cli(["check", "--no-cache", "-f", "sarif", "--select", "GX3", "a.txt"])
    log = json.loads(res.stdout)
    ids = [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]]
    assert ids and all(i.startswith("GX3") for i in ids)
    assert_valid(log)
    assert_github(log)


def test_sarif_for_the_examples() -> None:
    log = sarif(str(EXAMPLES))
    assert_valid(log)
    assert_github(log)
    assert {r["ruleId"] for r in log["runs"][0]["results"]} == {"GX201", "GX303", "GX101", "GX403", "GX503",
                                                              "GX501"}


@pytest.mark.corpus
def test_sarif_on_the_real_corpus() -> None:
    log = sarif(str(REAL))
    assert_valid(log)
    assert_github(log)
    assert log["runs"][0]["results"]
