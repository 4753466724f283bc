"""Rule files: validated against the schema and the kind's own options; errors name file:line:col; exit code 2."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gxlint.check.loader import RuleFileError, builtin_rules, full_schema, load_rule_file

GOOD = textwrap.dedent("""\
    code: GX950
    name: province-extra
    level: warning
    summary: 省里的附加要求
    message: "第六部分没有写人大代表建议办理情况"
    check:
      kind: text
      mode: absent
      scope: "part:六"
      patterns: ['建议|提案']
    examples:
      - fire: true
        base: blank-2024
      - fire: false
        base: blank-2024
        part: {六: "本年度未收取信息处理费。人大代表建议和政协提案办理结果已公开。"}
""")


def write(tmp_path: Path, text: str, name: str = "GX950.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_builtin_pack_loads_and_schema_names_every_kind() -> None:
    rules = builtin_rules()
    assert len(rules) >= 46
    kinds = full_schema()["properties"]["check"]["properties"]["kind"]["enum"]
    assert {"equation", "text", "cell", "cross", "terms", "years"} <= set(kinds)


def test_user_rule_loads(tmp_path: Path) -> None:
    rule = load_rule_file(write(tmp_path, GOOD))
    assert rule.code == "GX950" and rule.kind == "text"


def test_unknown_option_is_reported_at_its_line(tmp_path: Path) -> None:
    bad = GOOD.replace("  mode: absent\n", "  mode: absent\n  colour: red\n")
    assert bad != GOOD
    with pytest.raises(RuleFileError) as err:
        load_rule_file(write(tmp_path, bad))
    assert err.value.line == 7 and "colour" in err.value.message
    assert str(err.value).startswith(str(tmp_path / "GX950.yaml") + ":7:")


def test_bad_level_is_reported_at_its_line(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError) as err:
        load_rule_file(write(tmp_path, GOOD.replace("level: warning", "level: fatal")))
    assert err.value.line == 3 and err.value.col == 8


def test_yaml_syntax_error_has_position(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError) as err:
        load_rule_file(write(tmp_path, GOOD.replace("kind: text", "kind: [text")))
    assert err.value.line is not None and "YAML" in err.value.message


def test_bad_expression_and_bad_regex_are_rule_errors(tmp_path: Path) -> None:
    eq = GOOD.replace("  kind: text\n  mode: absent\n  scope: \"part:六\"\n  patterns: ['建议|提案']\n",
                      "  kind: equation\n  table: t3\n  assert: \"t3.r1.total = = 1\"\n")
    assert eq != GOOD
    with pytest.raises(RuleFileError) as err:
        load_rule_file(write(tmp_path, eq))
    assert "check" in err.value.message
    with pytest.raises(RuleFileError):
        load_rule_file(write(tmp_path, GOOD.replace("['建议|提案']", "['(unclosed']")))


def test_rule_without_a_firing_example_is_an_error(tmp_path: Path) -> None:
    bad = GOOD.replace("  - fire: true\n    base: blank-2024\n", "")
    assert bad != GOOD
    with pytest.raises(RuleFileError) as err:
        load_rule_file(write(tmp_path, bad))
    assert "fire: true" in err.value.message


def test_python_tags_are_not_constructed(tmp_path: Path) -> None:
    evil = GOOD + "x: !!python/object/apply:os.system ['echo pwned > " + str(tmp_path / "pwned") + "']\n"
    with pytest.raises(RuleFileError):
        load_rule_file(write(tmp_path, evil))
    assert not (tmp_path / "pwned").exists()


def test_cli_exit_code_2_for_a_broken_rule_pack(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    write(pack, GOOD.replace("level: warning", "level: fatal"))
    (tmp_path / ".gxlint.yaml").write_text("rules_paths: [pack]\n", encoding="utf-8")
    report = tmp_path / "r.txt"
    report.write_text("某县人民政府2024年政府信息公开工作年度报告\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "gxlint", "check", str(report)], capture_output=True, text=True,
                          cwd=tmp_path)
    assert proc.returncode == 2
    assert "GX950.yaml:3:8" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_gxlint_test_runs_a_user_pack(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    write(pack, GOOD)
    proc = subprocess.run([sys.executable, "-m", "gxlint", "test", str(pack)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 passed, 0 failed" in proc.stdout
