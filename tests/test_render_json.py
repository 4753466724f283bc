"""--format json: the documented, versioned schema gxlint-findings/1 (gxlint/schemas/findings.schema.json)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from _output_helpers import BLANK, EXAMPLES, UNBALANCED, cli, write_report
from conftest import REAL

from gxlint.config import find_config

SCHEMA = Path(__file__).resolve().parent.parent / "gxlint" / "schemas" / "findings.schema.json"


@cache
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def check_json(*args: str | Path) -> dict[str, Any]:
    res = cli(["check", "--no-cache", "-f", "json", *args])
    assert res.code in (0, 1), res.stderr
    doc = json.loads(res.stdout)
    errors = list(validator().iter_errors(doc))
    assert not errors, [(list(e.absolute_path), e.message[:200]) for e in errors[:5]]
    return doc


@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    find_config.cache_clear()  # keyed by the path as given: a relative path means another file in each test


def test_json_document(tmp_path: Path) -> None:
    write_report(tmp_path / "a.txt", cells=UNBALANCED)
    write_report(tmp_path / "b.docx", cells=BLANK, agency="某某市教育局", year=2023)
    write_report(tmp_path / "c.html")
    (tmp_path / "d.pdf").write_bytes(b"not a pdf")
    doc = check_json("--ignore", "GX8", "a.txt", "b.docx", "c.html", "d.pdf")  # same boilerplate: no copy checks
    assert doc["schema"] == "gxlint-findings/1"
    s = doc["summary"]
    assert s["files"] == 4 and s["clean"] == 1 and s["unreadable"] == 1
    assert s["findings"] == sum(len(f["findings"]) for f in doc["files"])
    assert s["by_level"]["error"] == s["findings"]
    files = {f["path"]: f for f in doc["files"]}
    assert files["b.docx"]["report"] == {"title": "某某市教育局2023年政府信息公开工作年度报告", "agency": "某某市教育局",
                                         "year": 2023, "layout": "2021"}
    assert files["d.pdf"]["report"] is None and files["d.pdf"]["error"]
    assert files["c.html"]["clean"] is True and files["c.html"]["findings"] == []
    gx301 = next(f for f in files["a.txt"]["findings"] if f["code"] == "GX301")
    assert gx301["values"]["left"] == 0 and gx301["values"]["right"] == 5
    assert gx301["cell"]["path"] == "表三/一、本年新收政府信息公开申请数量/总计"
    assert gx301["line"] and gx301["col"] and gx301["location"].startswith("第")
    gx201 = files["b.docx"]["findings"][0]
    assert gx201["code"] == "GX201" and gx201["line"] is None and gx201["origin"]["table"] >= 1


def test_json_for_the_examples() -> None:
    doc = check_json(EXAMPLES)
    assert doc["summary"]["files"] == 10 and doc["summary"]["suppressed"] == 1


@pytest.mark.corpus
def test_json_on_the_real_corpus() -> None:
    doc = check_json(REAL)
    assert doc["summary"]["files"] >= 20
