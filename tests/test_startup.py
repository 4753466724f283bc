"""What a one-file run (a pre-commit hook) does before it reads the file: the built-in rules come from
rules/validated.json (no YAML round-trip parse, no jsonschema), only the report's own layout is compiled."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gxlint.check import loader
from gxlint.check.rule import Rule


def _fields(rule: Rule) -> tuple:
    """Everything a Rule holds but its compiled form (patterns compare by identity)."""
    return (rule.code, rule.name, rule.level, rule.kind, rule.options, rule.message, rule.summary, rule.description,
            rule.rationale, rule.references, rule.tags, rule.message_en, rule.applies, rule.source, rule.enabled,
            [(e.name, e.fire, e.spec, e.line) for e in rule.examples])


def test_shipped_index_is_current() -> None:
    path = loader.builtin_rules_dir() / loader.SHIPPED_NAME
    assert path.read_text(encoding="utf-8") == loader.shipped_text(), (
        f"{path} is out of date with the rule files or the rule schema: run  python -m gxlint.check.loader")


def test_shipped_rules_equal_validated_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    files = sorted(loader.builtin_rules_dir().glob("*.yaml"))
    assert len(loader.shipped()) == len(files)  # every built-in rule file is in the index
    shipped = [_fields(loader.load_rule_file(f)) for f in files]
    monkeypatch.setattr(loader, "shipped", lambda: {})
    validated = [_fields(loader.load_rule_file(f)) for f in files]
    assert shipped == validated


def test_index_of_another_schema_is_not_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    loader.shipped.cache_clear()
    monkeypatch.setattr(loader, "schema_hash", lambda: "0" * 64)
    try:
        assert loader.shipped() == {}
        rule = loader.load_rule_file(loader.builtin_rules_dir() / "GX101.yaml")  # validated again: still loads
        assert rule.code == "GX101"
    finally:
        loader.shipped.cache_clear()


def test_edited_rule_file_is_validated_again(tmp_path: Path) -> None:
    text = (loader.builtin_rules_dir() / "GX101.yaml").read_text(encoding="utf-8")
    edited = tmp_path / "GX101.yaml"
    edited.write_text(text.replace("level: ", "level: fatal-", 1), encoding="utf-8")
    with pytest.raises(loader.RuleFileError) as err:
        loader.load_rule_file(edited)
    assert err.value.line is not None and "level" in err.value.message


@pytest.mark.parametrize("cache", [False, True])
def test_one_file_run_needs_no_schema_validator_and_one_layout(tmp_path: Path, cache: bool) -> None:
    from gxlint.write import write
    from gxlint.write.draft import Draft

    report = tmp_path / "one.txt"
    report.write_bytes(write(Draft.blank(2024, agency="某某县审计局"), "txt"))
    opts = ["--cache-dir", str(tmp_path / "cache")] if cache else ["--no-cache"]
    code = ("import sys\n"
            "from gxlint.cli import main\n"
            f"sys.argv = ['gxlint', 'check', {str(report)!r}, *{opts!r}]\n"
            "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
            "from gxlint.recognise.layouts import layout\n"
            "compiled = [i for i in ('2019', '2021') if 'tables' in vars(layout(i))]\n"
            "print('JSONSCHEMA', 'jsonschema' in sys.modules, 'YAML', 'ruamel.yaml' in sys.modules,\n"
            "      'COMPILED', compiled, 'EXIT', code)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    # no configuration file here: nothing is parsed from YAML (rules from validated.json, layouts from layouts.json)
    assert "JSONSCHEMA False YAML False COMPILED ['2021'] EXIT 0" in proc.stdout, proc.stdout + proc.stderr


def test_shipped_layouts_are_current() -> None:
    from gxlint.recognise import layouts

    assert layouts.SHIPPED.read_text(encoding="utf-8") == layouts.shipped_text(), (
        f"{layouts.SHIPPED} is out of date with the layout files: run  python -m gxlint.recognise.layouts")
    assert layouts.layout_files() == layouts._parse(layouts._sources())  # JSON holds the YAML's data as it is


def test_layouts_edited_since_are_parsed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A layout file that no longer matches layouts.json (edited, or the JSON missing or damaged) is parsed from
    its YAML: what recognition uses is always the files'."""
    import shutil

    from gxlint.recognise import layouts

    folder = tmp_path / "layouts"
    shutil.copytree(layouts.LAYOUT_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    parts = folder / "parts.yaml"
    parts.write_text(parts.read_text(encoding="utf-8") + "\nadded_for_test: 1\n", encoding="utf-8")
    monkeypatch.setattr(layouts, "LAYOUT_DIR", folder)
    for shipped in (folder / "layouts.json", folder / "missing.json"):
        monkeypatch.setattr(layouts, "SHIPPED", shipped)
        layouts.layout_files.cache_clear()
        try:
            assert layouts.layout_files()["parts.yaml"]["added_for_test"] == 1
        finally:
            layouts.layout_files.cache_clear()
    (folder / "layouts.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(layouts, "SHIPPED", folder / "layouts.json")
    try:
        assert layouts.layout_files()["parts.yaml"]["added_for_test"] == 1
    finally:
        layouts.layout_files.cache_clear()


def _fresh(code: str) -> str:
    """What `code` prints in a fresh interpreter (this one has compiled the layouts already), and its errors."""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    return proc.stdout + proc.stderr


def test_boilerplate_compiles_no_layout_and_holds_every_label() -> None:
    """The cross-report boiler-plate comes from the layout files' data, so a batch of 2021 reports never compiles
    the 2019 layout's label patterns; its strings are the compiled tables' own (names, captions, notes, labels)."""
    code = ("from gxlint.check.kinds.cross import boilerplate\n"
            "from gxlint.recognise.layouts import layout\n"
            "n = len(boilerplate())\n"
            "print('COMPILED', [i for i in ('2019', '2021') if 'tables' in vars(layout(i))], n > 0)\n")
    out = _fresh(code)
    assert "COMPILED [] True" in out, out

    import numpy as np

    from gxlint.check.kinds.cross import boilerplate
    from gxlint.recognise.layouts import load_layouts
    from gxlint.similarity import shingle_array

    texts: list[str] = []
    for lay in load_layouts():
        texts.extend(lay.fingerprints)
        for t in lay.tables:  # the compiled specs: what recognition reads the labels as
            texts.extend(x for x in (t.name, t.caption, t.note) if x)
            texts.append("".join(c.label for c in t.columns))
            texts.append("".join(r.prefix + r.label for r in t.rows))
            texts.extend(r.prefix + r.label for r in t.rows)
    from_specs = np.unique(np.concatenate([shingle_array(t) for t in texts]))
    assert np.isin(from_specs, boilerplate()).all()  # every label's shingles are boiler-plate


def test_table_labels_equal_the_compiled_specs_and_compile_nothing() -> None:
    """Layout.labels gives the cross-report pass and the renderers a table's name and labels from the layout file's
    data: the same texts as the compiled TableSpec's, without compiling its patterns (which the main process of a
    batch used to do at the end of every run with a cross-report finding, ~45 ms)."""
    code = ("from gxlint.recognise.layouts import layout\n"
            "lay = layout('2021')\n"
            "n = lay.labels('t3').rows['r3_7']\n"
            "print('COMPILED', 'tables' in vars(lay), n)\n")
    out = _fresh(code)
    assert "COMPILED False (七)总计" in out, out

    from gxlint.recognise.layouts import load_layouts

    for lay in load_layouts():
        assert set(lay.table_labels) == {t.id for t in lay.tables}
        for spec in lay.tables:
            labels = lay.labels(spec.id)
            assert labels is not None
            assert labels.name == spec.name and labels.single_row == spec.single_row
            assert labels.columns == {c.id: c.label for c in spec.columns}
            assert labels.rows == {r.id: r.prefix + r.label for r in spec.rows}
        assert lay.labels("no-such-table") is None
