"""`gxlint check` as users drive it: the exit-code matrix (0/1/2, --fail-on), selection by code prefix
(--select/--ignore/--extend-select and config), configuration found upward from each target, --config, and
per-file-ignores."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from _output_helpers import BLANK, UNBALANCED, cli, write_report

from gxlint.config import find_config


@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    find_config.cache_clear()  # keyed by the path as given: a relative path means another file in each test


def codes(*args: str | Path) -> list[str]:
    res = cli(["check", "--no-cache", "-f", "json", *args])
    assert res.code in (0, 1), res.stderr
    return sorted(f["code"] for file in json.loads(res.stdout)["files"] for f in file["findings"])


def _warning_only(tmp_path: Path) -> Path:
    """A report whose only finding is a warning (GX205: a unit typed into a number cell)."""
    return write_report(tmp_path / "warn.txt", cells={"t2_5/licensing/decisions": "3件"})


# -- exit codes ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("cells", "fail_on", "expected"), [
    ({}, None, 0),
    (BLANK, None, 1),
    (BLANK, "error", 1),
    (BLANK, "never", 0),
    ("warning", None, 0),
    ("warning", "warning", 1),
    ("warning", "info", 1),
    ("warning", "error", 0),
    ({}, "info", 0),
])
def test_exit_code_matrix(tmp_path: Path, cells: dict[str, str] | str, fail_on: str | None, expected: int) -> None:
    path = _warning_only(tmp_path) if cells == "warning" else write_report(tmp_path / "a.txt", cells=cells)
    args = ["check", "--no-cache", str(path)] + (["--fail-on", fail_on] if fail_on else [])
    assert cli(args).code == expected


def test_info_level_and_fail_on_info(tmp_path: Path) -> None:
    write_report(tmp_path / "a.txt", cells=BLANK)
    (tmp_path / ".gxlint.yaml").write_text("rules:\n  GX201: info\n", encoding="utf-8")
    assert cli(["check", "--no-cache", "a.txt"]).code == 0
    assert cli(["check", "--no-cache", "a.txt", "--fail-on", "warning"]).code == 0
    res = cli(["check", "--no-cache", "a.txt", "--fail-on", "info", "-f", "concise"])
    assert res.code == 1 and "[info]" in res.stdout


def test_fail_on_from_config(tmp_path: Path) -> None:
    _warning_only(tmp_path)
    (tmp_path / ".gxlint.yaml").write_text("fail-on: warning\n", encoding="utf-8")
    assert cli(["check", "--no-cache", "warn.txt"]).code == 1
    assert cli(["check", "--no-cache", "warn.txt", "--fail-on", "error"]).code == 0  # the command line wins


@pytest.mark.parametrize("args", [
    ["check", "--no-cache", "missing.txt"],
    ["check", "--no-cache", "-f", "xml", "a.txt"],
    ["check", "--no-cache", "--fail-on", "sometimes", "a.txt"],
    ["check", "--no-cache", "--color", "rainbow", "a.txt"],
    ["check", "--no-cache", "--baseline", "missing.json", "a.txt"],
    ["check", "--no-cache", "--config", "missing.yaml", "a.txt"],
    ["check"],
    ["no-such-command"],
])
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    write_report(tmp_path / "a.txt")
    res = cli(args)
    assert res.code == 2, (res.stdout, res.stderr)
    assert "Traceback" not in res.stderr + res.stdout


def test_config_and_rule_file_errors_exit_2(tmp_path: Path) -> None:
    write_report(tmp_path / "a.txt")
    (tmp_path / ".gxlint.yaml").write_text("select: [GX3\n", encoding="utf-8")
    res = cli(["check", "--no-cache", "a.txt"])
    assert res.code == 2 and ".gxlint.yaml" in res.stderr
    (tmp_path / ".gxlint.yaml").write_text("rules_paths: [myrules]\n", encoding="utf-8")
    (tmp_path / "myrules").mkdir()
    (tmp_path / "myrules" / "GX950.yaml").write_text("code: GX950\nname: x\nlevel: loud\n", encoding="utf-8")
    res = cli(["check", "--no-cache", "a.txt"])
    assert res.code == 2 and "GX950.yaml" in res.stderr



@pytest.mark.parametrize(("flag", "code"), [("--select", "GX999"), ("--ignore", "GX60l"), ("--ignore", "GX6O1"),
                                            ("--extend-select", "GXX")])
def test_a_rule_code_that_names_no_rule_is_a_usage_error(tmp_path: Path, flag: str, code: str) -> None:
    """A typo in a selection would select or silence nothing, silently (ruff refuses it too)."""
    write_report(tmp_path / "a.txt")
    res = cli(["check", "--no-cache", flag, code, "a.txt"])
    assert res.code == 2, (res.stdout, res.stderr)
    assert flag in res.stderr and code.upper() in res.stderr and "没有这样的规则代码" in res.stderr


@pytest.mark.parametrize("text", ["ignore: [GX6O1]\n", "select: [GX3, GX1O]\n", "extend-select: [GX99]\n",
                                  "rules: {GX3O1: warning}\n", "per-file-ignores: {'*.txt': [GX2, GXX]}\n"])
def test_a_config_code_that_names_no_rule_is_a_config_error(tmp_path: Path, text: str) -> None:
    write_report(tmp_path / "a.txt")
    (tmp_path / ".gxlint.yaml").write_text(text, encoding="utf-8")
    res = cli(["check", "--no-cache", "a.txt"])
    assert res.code == 2, (res.stdout, res.stderr)
    assert ".gxlint.yaml" in res.stderr and "没有这样的规则代码" in res.stderr
    assert text.split(":")[0] in res.stderr  # the key that names it


def test_prefixes_and_a_packs_own_codes_are_known(tmp_path: Path) -> None:
    """A family prefix, any case, and a code a configured rule pack defines are rule codes."""
    write_report(tmp_path / "a.txt")
    assert cli(["check", "--no-cache", "--select", "GX3,gx601", "--ignore", "GX8", "a.txt"]).code == 0
    (tmp_path / "pack").mkdir()
    (tmp_path / "pack" / "GX950.yaml").write_text(
        "code: GX950\nname: province-extra\nlevel: warning\nsummary: 附加要求\nmessage: 缺少\n"
        "check: {kind: text, mode: absent, scope: 'part:六', patterns: ['建议|提案']}\n"
        "examples: [{fire: true, base: blank-2024}]\n", encoding="utf-8")
    (tmp_path / ".gxlint.yaml").write_text("rules_paths: [pack]\nrules: {GX950: info}\n", encoding="utf-8")
    find_config.cache_clear()  # (one process, several runs: the lookup is memoised per folder)
    res = cli(["check", "--no-cache", "--extend-select", "GX950", "a.txt"])
    assert res.code == 0 and "GX950" in res.stdout, (res.stdout, res.stderr)
    (tmp_path / ".gxlint.yaml").unlink()  # without the pack, GX950 is no rule
    find_config.cache_clear()
    assert cli(["check", "--no-cache", "--extend-select", "GX950", "a.txt"]).code == 2


def test_a_folder_with_nothing_to_check_says_so(tmp_path: Path) -> None:
    """A folder holding no report file (a .doc, a .xlsx) is no error, but the summary says nothing was found
    rather than "没有发现问题", which reads as a clean audit."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.doc").write_bytes(b"x")
    res = cli(["check", "--no-cache", "in"])
    assert res.code == 0
    assert "没有找到要检查的文件" in res.stderr and "没有发现问题" not in res.stderr


def test_documents_gxlint_cannot_read_are_counted_not_passed_over(tmp_path: Path) -> None:
    """A folder of submissions holds .doc and .wps files beside the reports: they are not read, and the run says
    how many were left out and what to do, on stderr, in the JSON notes and in the HTML report — never silently
    (a supervisor would take the folder for audited). A page's images are not counted, nor excluded files."""
    import json

    write_report(tmp_path / "in" / "r.txt")
    for name in ("a.doc", "sub/b.doc", "c.wps", "img.png", "old/x.doc"):
        (tmp_path / "in" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "in" / name).write_bytes(b"x")
    note = "另有 3 个文件未检查（.doc 2 个、.wps 1 个）"
    res = cli(["check", "--no-cache", "--exclude", "old", "in"])
    assert res.code == 0 and note in res.stderr, res.stderr
    doc = json.loads(cli(["check", "--no-cache", "--exclude", "old", "-f", "json", "in"]).stdout)
    assert any(n.startswith(note) for n in doc["notes"])
    cli(["check", "--no-cache", "--exclude", "old", "-f", "html", "-o", "r.html", "in"])
    assert note in (tmp_path / "r.html").read_text(encoding="utf-8")
    res = cli(["check", "--no-cache", "in/r.txt"])  # a file named on the command line: nothing to say
    assert "未检查" not in res.stderr

def test_never_a_traceback_from_the_real_entry_point(tmp_path: Path) -> None:
    write_report(tmp_path / "a.txt")
    (tmp_path / ".gxlint.yaml").write_text("unknown_key: 1\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "gxlint", "check", "--no-cache", "a.txt"], capture_output=True,
                          text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "unknown_key" in proc.stderr


# -- selection ---------------------------------------------------------------------------------------------------------

def test_select_ignore_extend_select(tmp_path: Path) -> None:
    write_report(tmp_path / "a.txt", cells={**UNBALANCED, **BLANK})
    assert codes("a.txt") == ["GX201", "GX301", "GX303"]
    assert codes("a.txt", "--select", "GX3") == ["GX301", "GX303"]
    assert codes("a.txt", "--select", "GX301,GX201") == ["GX201", "GX301"]
    assert codes("a.txt", "--ignore", "GX3") == ["GX201"]
    assert codes("a.txt", "--select", "GX3", "--ignore", "GX303") == ["GX301"]
    assert codes("a.txt", "--select", "GX2", "--extend-select", "GX301") == ["GX201", "GX301"]
    # the longer prefix wins (ruff): select GX30 over ignore GX3
    assert codes("a.txt", "--ignore", "GX3", "--select", "GX30") == ["GX301", "GX303"]


def test_selection_in_config(tmp_path: Path) -> None:
    write_report(tmp_path / "a.txt", cells={**UNBALANCED, **BLANK})
    (tmp_path / ".gxlint.yaml").write_text("select: [GX3]\nignore: [GX301]\n", encoding="utf-8")
    assert codes("a.txt") == ["GX303"]
    assert codes("a.txt", "--extend-select", "GX2") == ["GX201", "GX303"]
    assert codes("a.txt", "--select", "GX2") == ["GX201"]  # the command line replaces the config's select


# -- configuration discovery -------------------------------------------------------------------------------------------

def test_config_found_upward_from_each_target(tmp_path: Path) -> None:
    write_report(tmp_path / "org" / "county" / "2024" / "a.txt", cells={**UNBALANCED, **BLANK})
    write_report(tmp_path / "org" / "city" / "b.txt", cells={**UNBALANCED, **BLANK})
    (tmp_path / "org" / ".gxlint.yaml").write_text("ignore: [GX3]\n", encoding="utf-8")
    (tmp_path / "org" / "county" / ".gxlint.yaml").write_text("select: [GX303]\n", encoding="utf-8")
    res = cli(["check", "--no-cache", "-f", "json", "org"])
    files = {f["path"]: sorted(x["code"] for x in f["findings"]) for f in json.loads(res.stdout)["files"]}
    assert files == {"org/city/b.txt": ["GX201"], "org/county/2024/a.txt": ["GX303"]}  # the nearest config wins


def test_explicit_config_overrides_discovery(tmp_path: Path) -> None:
    write_report(tmp_path / "a.txt", cells={**UNBALANCED, **BLANK})
    (tmp_path / ".gxlint.yaml").write_text("ignore: [GX2]\n", encoding="utf-8")
    (tmp_path / "strict.yaml").write_text("select: [GX2]\n", encoding="utf-8")
    assert codes("a.txt") == ["GX301", "GX303"]
    assert codes("a.txt", "--config", "strict.yaml") == ["GX201"]


def test_config_extends_relative_to_the_config_file(tmp_path: Path) -> None:
    write_report(tmp_path / "proj" / "a.txt", cells={**UNBALANCED, **BLANK})
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "base.yaml").write_text("select: [GX3]\n", encoding="utf-8")
    (tmp_path / "proj" / ".gxlint.yaml").write_text("extends: ../shared/base.yaml\nignore: [GX301]\n",
                                                     encoding="utf-8")
    assert codes("proj/a.txt") == ["GX303"]


def test_per_file_ignores(tmp_path: Path) -> None:
    write_report(tmp_path / "legacy" / "2019" / "old.txt", cells={**UNBALANCED, **BLANK})
    write_report(tmp_path / "legacy" / "new.txt", cells={**UNBALANCED, **BLANK})
    write_report(tmp_path / "scan.docx", cells=BLANK)
    (tmp_path / ".gxlint.yaml").write_text(
        "per-file-ignores:\n  'legacy/2019/*': [GX3]\n  '*.docx': [GX201]\n", encoding="utf-8")
    res = cli(["check", "--no-cache", "-f", "json", "."])
    files = {f["path"]: sorted(x["code"] for x in f["findings"]) for f in json.loads(res.stdout)["files"]}
    assert files["legacy/2019/old.txt"] == ["GX201"]
    assert files["legacy/new.txt"] == ["GX201", "GX301", "GX303"]
    assert files["scan.docx"] == []
