"""User rule packs and configuration files are data (issue 6): a catastrophic pattern is a rule error naming its file
(exit 2), not a hang; YAML never builds objects nor expands an alias bomb; nothing in the rule path can run code."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
import regex

from gxlint.check.engine import RuleRuntimeError, check_report
from gxlint.check.loader import RuleFileError, load_rule_file
from gxlint.config import ConfigError, load_config
from gxlint.read import read_bytes
from gxlint.recognise import recognise
from gxlint.write import write
from gxlint.write.draft import Draft

ROOT = Path(__file__).resolve().parent.parent
RULE = """\
code: GX950
name: user-rule
level: warning
summary: 用户规则
message: "用户规则：{match}"
check:
{check}
examples:
  - fire: true
    base: blank-2024
"""

# a pattern the `regex` module cannot shortcut: exponential on a run of "a" that ends in something else
SLOW_LONG = "(a|aa)+$"
# the same on a window of 20–60 characters (unless_near, allow_near, an agency name)
SLOW_SHORT = r"(?:(?:.|.)*){1,20}[§¶]"
RUN = "a" * 48 + "!"


def rule_file(folder: Path, check: str, code: str = "GX950") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{code}.yaml"
    body = textwrap.indent(textwrap.dedent(check).strip(), "  ")
    path.write_text(RULE.replace("GX950", code).replace("{check}", body), encoding="utf-8")
    return path


CASES: dict[str, tuple[str, str, str]] = {
    # name: (check options, text of part 一, agency)
    "text-patterns": (f"kind: text\nmode: present\npatterns: ['{SLOW_LONG}']", RUN, "某某县人民政府"),
    "text-absent": (f"kind: text\nmode: absent\npatterns: ['{SLOW_LONG}']", RUN, "某某县人民政府"),
    "text-require_all": (f"kind: text\nmode: require_all\npatterns: ['总体', '{SLOW_LONG}']", RUN, "某某县人民政府"),
    "text-unless": (f"kind: text\nmode: present\npatterns: ['总体']\nunless: ['{SLOW_LONG}']", RUN, "某某县人民政府"),
    "text-unless_near": (f"kind: text\nmode: present\npatterns: ['总体情况']\nunless_near: ['{SLOW_LONG}']\nnear: 60",
                         "总体情况" + RUN, "某某县人民政府"),
    "text-unless_before": (f"kind: text\nmode: present\npatterns: ['总体情况']\nunless_before: ['{SLOW_LONG}']\n"
                           "near: 60", RUN + "总体情况", "某某县人民政府"),
    "terms-allow_near": (f"kind: terms\nterms: ['博彩']\nallow_near: ['{SLOW_SHORT}']", "博彩" + "a" * 30, "某某县人民政府"),
    "years-stale_pattern": ("kind: years\ncheck: body\nstale_pattern: '(?P<y>(?:a|aa)+)$'", RUN, "某某县人民政府"),
    "years-government_pattern": (f"kind: years\ncheck: closing\ngovernment_pattern: '{SLOW_SHORT}'", "无",
                                 "某" * 40 + "人民政府"),
}


def _report_file(folder: Path, part_one: str, agency: str, name: str = "report.txt") -> Path:
    draft = Draft.blank(2024, agency=agency).with_part("一", part_one)
    path = folder / name
    path.write_bytes(write(draft, "txt"))
    return path


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_catastrophic_user_pattern_is_a_rule_error_not_a_hang(tmp_path: Path, case: str) -> None:
    check, part_one, agency = CASES[case]
    rule = rule_file(tmp_path / "pack", check)
    (tmp_path / ".gxlint.yaml").write_text("rules_paths: [pack]\n", encoding="utf-8")
    report = _report_file(tmp_path, part_one, agency)
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "gxlint", "check", str(report), "--no-cache"], capture_output=True,
                          text=True, cwd=tmp_path, timeout=120)
    assert time.monotonic() - started < 60
    assert proc.returncode == 2, (proc.returncode, proc.stdout[-1000:], proc.stderr[-1000:])
    assert str(rule) in proc.stderr or rule.name in proc.stderr, proc.stderr
    assert "GX950" in proc.stderr and "超时" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_catastrophic_pattern_in_a_parallel_batch(tmp_path: Path) -> None:
    """Through the worker pool too: the run stops with exit 2 and names the rule file."""
    check, part_one, agency = CASES["text-patterns"]
    rule = rule_file(tmp_path / "pack", check)
    (tmp_path / ".gxlint.yaml").write_text("rules_paths: [pack]\n", encoding="utf-8")
    reports = tmp_path / "reports"
    reports.mkdir()
    for i in range(8):
        _report_file(reports, part_one, agency, f"r{i}.txt")
    proc = subprocess.run([sys.executable, "-m", "gxlint", "check", str(reports), "--no-cache", "-j", "2"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=180)
    assert proc.returncode == 2, proc.stderr[-1000:]
    assert rule.name in proc.stderr and "超时" in proc.stderr


def test_a_classic_nested_quantifier_does_not_hang(tmp_path: Path) -> None:
    """(a+)+$ on "aaaa…b": the `regex` module answers at once; either way the run ends promptly."""
    rule = load_rule_file(rule_file(tmp_path, "kind: text\nmode: present\npatterns: ['(a+)+$']"))
    report = recognise(read_bytes("r.txt", write(Draft.blank(2024).with_part("一", "a" * 5000 + "b"), "txt")))
    started = time.monotonic()
    try:
        check_report(report, [rule])
    except RuleRuntimeError as exc:
        assert "GX950" in str(exc)
    assert time.monotonic() - started < 10


class _Spy:
    """A compiled user pattern that insists on a timeout whenever it runs."""

    calls: list[str] = []

    def __init__(self, pattern: regex.Pattern[str]) -> None:
        self._p = pattern

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._p, name)
        if name not in ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "splititer"):
            return attr

        def run(*args: Any, **kwargs: Any) -> Any:
            assert kwargs.get("timeout"), f"user pattern {self._p.pattern!r} ran {name}() without a timeout"
            _Spy.calls.append(self._p.pattern)
            return attr(*args, **kwargs)

        return run


def test_every_user_pattern_runs_with_a_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the unless lists hold a real regex each: lists of literal words are substring tests, which cannot hang
    checks = [
        "kind: text\nmode: present\npatterns: ['总体(?P<n>情)况']\nunless: ['UNLESS1|U2']\nunless_near: ['NEAR1|N2']\n"
        "unless_before: ['BEFORE1|B2']",
        "kind: text\nmode: absent\npatterns: ['ABSENT1']",
        "kind: text\nmode: require_all\npatterns: ['REQ1', '总体']",
        "kind: text\nmode: compare\npatterns: ['总体(?P<n>情)况']\nassert: 'n = 1'",
        "kind: terms\nterms: ['总体情况']\nallow_near: ['ALLOW1']",
        "kind: years\ncheck: body\nstale_pattern: '(?P<y>2024)STALE1'",
        "kind: years\ncheck: closing\ngovernment_pattern: 'GOV1'",
    ]
    files = [rule_file(tmp_path / f"p{i}", c, code=f"GX95{i}") for i, c in enumerate(checks)]
    data = write(Draft.blank(2024), "txt")
    # once unwatched, so every module the pipeline imports lazily compiles its own (built-in) patterns unspied
    check_report(recognise(read_bytes("r.txt", data)), [load_rule_file(f) for f in files])
    real = regex.compile
    monkeypatch.setattr(regex, "compile", lambda p, *a, **k: _Spy(real(p, *a, **k)))
    _Spy.calls = []
    rules = [load_rule_file(f) for f in files]
    report = recognise(read_bytes("r.txt", data))
    check_report(report, rules)
    seen = set(_Spy.calls)
    for pattern in ("UNLESS1|U2", "NEAR1|N2", "BEFORE1|B2", "ABSENT1", "REQ1", "ALLOW1", "(?P<y>2024)STALE1", "GOV1"):
        assert pattern in seen, (pattern, seen)


# ------------------------------------------------------------------------------------------------ YAML safety

PYTHON_TAGS = [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/new:os.system ['touch {marker}']",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/object/apply:subprocess.check_output [['touch', '{marker}']]",
    "!<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']",
]


@pytest.mark.parametrize("tag", PYTHON_TAGS)
def test_python_tags_in_a_config_file_do_nothing(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "pwned"
    for text in (f"select: {tag.format(marker=marker)}\n", f"x: {tag.format(marker=marker)}\n",
                 f"rules:\n  GX101: {tag.format(marker=marker)}\n"):
        cfg = tmp_path / ".gxlint.yaml"
        cfg.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError):
            load_config(cfg)
        assert not marker.exists()
    proc = subprocess.run([sys.executable, "-m", "gxlint", "check", str(_report_file(tmp_path, "无", "某县人民政府")),
                           "--no-cache"], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert not marker.exists()


@pytest.mark.parametrize("tag", PYTHON_TAGS)
def test_python_tags_in_a_rule_file_do_nothing(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "pwned"
    value = tag.format(marker=marker)
    for text in (RULE.replace('"用户规则：{match}"', value).replace("{check}", "  kind: text\n  mode: absent\n"
                                                                                  "  patterns: ['x']"),
                 RULE.replace("{check}", f"  kind: text\n  mode: absent\n  patterns: {value}")):
        path = tmp_path / "GX950.yaml"
        path.write_text(text, encoding="utf-8")
        try:  # the round-trip loader keeps a tagged node as plain data: refused by the schema, or a string
            rule = load_rule_file(path)
        except RuleFileError:
            pass
        else:
            assert all(isinstance(p, str) for p in rule.options["patterns"]) and isinstance(rule.message, str)
            check_report(recognise(read_bytes("r.txt", write(Draft.blank(2024), "txt"))), [rule])
        assert not marker.exists()


def _alias_bomb(levels: int = 9) -> str:
    lines = ['  a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"  a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "x-anchors:\n" + "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_in_a_rule_file_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "GX950.yaml"
    path.write_text(_alias_bomb() + RULE.replace("{check}", "  kind: text\n  mode: absent\n  patterns: ['x']")
                    .replace("summary: 用户规则", "summary: 用户规则\ndescription: *a8"), encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(RuleFileError, match="别名"):
        load_rule_file(path)
    assert time.monotonic() - started < 5


def _nested_alias_bomb(key: str, levels: int = 9) -> str:
    """`key:` holding a list whose items are the anchors of an alias bomb, the last item the biggest."""
    items = ['  - &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        items.append(f"  - &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return f"{key}:\n" + "\n".join(items) + "\n"


@pytest.mark.parametrize("key", ["select", "ignore", "extend-select", "exclude", "rules_paths", "extends", "rules",
                                 "per-file-ignores", "lang", "fail-on"])
def test_a_yaml_alias_bomb_in_a_config_file_is_harmless(tmp_path: Path, key: str) -> None:
    (tmp_path / ".gxlint.yaml").write_text(_nested_alias_bomb(key), encoding="utf-8")
    report = _report_file(tmp_path, "无", "某县人民政府")
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "gxlint", "check", str(report), "--no-cache"], capture_output=True,
                          text=True, cwd=tmp_path, timeout=60)
    assert time.monotonic() - started < 20
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-500:])
    assert "内部错误" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr[-500:]


def test_expressions_and_messages_cannot_reach_python(tmp_path: Path) -> None:
    for expr in ("__import__('os').system('x')", "open('/etc/passwd')", "().__class__", "lambda: 1", "t3[0]",
                 "x if y else z", "t3.r1.total.__class__()"):
        path = rule_file(tmp_path / "e", f"kind: text\nmode: compare\npatterns: ['总体']\nassert: \"{expr}\"")
        with pytest.raises(RuleFileError):
            load_rule_file(path)
    # a dotted name is a key into the report's tables, never an attribute: unknown, so the rule stays silent
    from gxlint.check.expr import Unknown, evaluate, parse
    from gxlint.check.kinds.common import CellResolver

    report = recognise(read_bytes("r.txt", write(Draft.blank(2024), "txt")))
    for name in ("t3.r1.total.__class__", "t3.__class__.__init__", "__builtins__.eval.x", "t3.r1.__dict__"):
        with pytest.raises(Unknown):
            evaluate(parse(name), CellResolver(report))
    rule = load_rule_file(rule_file(tmp_path / "m", "kind: text\nmode: present\npatterns: ['总体情况']"))
    rule = rule.__class__(**{**rule.__dict__, "message": "{match} {match.__class__} {0.__globals__} {__import__}"})
    assert rule.format({"match": "总体情况"}) == "总体情况 {match.__class__} {0.__globals__} {__import__}"


@pytest.mark.parametrize("kind", ["os", "../../etc/passwd", "gxlint.check.kinds.text", "__builtins__", "eval"])
def test_a_rule_cannot_name_a_module(tmp_path: Path, kind: str) -> None:
    path = rule_file(tmp_path, f"kind: '{kind}'\npatterns: ['x']")
    with pytest.raises(RuleFileError):
        load_rule_file(path)


# ------------------------------------------------------------------------------------- no code in the rule path

RULE_PATH = [ROOT / "gxlint" / "check", ROOT / "gxlint" / "config.py", ROOT / "gxlint" / "suppress.py"]
FORBIDDEN_CALLS = {"eval", "exec", "__import__", "execfile", "breakpoint", "input"}
FORBIDDEN_MODULES = {"pickle", "marshal", "shelve", "subprocess", "ctypes", "runpy", "code", "codeop", "dill"}


def _python_files() -> list[Path]:
    out: list[Path] = []
    for p in RULE_PATH:
        out.extend(sorted(p.rglob("*.py")) if p.is_dir() else [p])
    return out


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_eval_exec_or_dynamic_import_in_the_rule_path(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own_defs = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            if isinstance(f, ast.Name) and name in FORBIDDEN_CALLS:
                problems.append(f"{name}() at line {node.lineno}")
            if isinstance(f, ast.Name) and name == "compile" and "compile" not in own_defs:
                problems.append(f"builtin compile() at line {node.lineno}")
            if name in ("import_module", "system", "popen", "spawnv", "execv", "load_module", "exec_module"):
                # one allowed: kinds/__init__.py maps a validated kind name through the closed KINDS table
                allowed = (path.name == "__init__.py" and path.parent.name == "kinds" and name == "import_module"
                           and ast.unparse(node.args[0]) == "KINDS[name]")
                if not allowed:
                    problems.append(f"{ast.unparse(f)}() at line {node.lineno}")
            if name == "YAML":
                typ = next((ast.unparse(k.value) for k in node.keywords if k.arg == "typ"), "None")
                if typ not in ("'rt'", "'safe'", '"rt"', '"safe"'):
                    problems.append(f"YAML(typ={typ}) at line {node.lineno}")
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for n in names:
                if n.split(".")[0] in FORBIDDEN_MODULES:
                    problems.append(f"import {n} at line {node.lineno}")
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Call) and \
                isinstance(node.value.func, ast.Name) and node.value.func.id in ("globals", "locals", "vars"):
            # years.py and cross.py dispatch on their `check` option, which the schema restricts to an enum
            if (path.name, ast.unparse(node.slice)) not in (("years.py", "'_' + check"), ("cross.py", "'_' + name")):
                problems.append(f"{node.value.func.id}()[…] at line {node.lineno}")
    assert not problems, f"{path.relative_to(ROOT)}: {problems}"


@pytest.mark.parametrize("kind", ["years", "cross"])
def test_dispatch_by_name_is_closed_by_the_schema(kind: str) -> None:
    from gxlint.check.kinds import kind_module

    module = kind_module(kind)
    allowed = module.OPTIONS["properties"]["check"]["enum"]
    assert "check" in module.OPTIONS.get("required", []) or kind == "cross"
    assert module.OPTIONS.get("additionalProperties") is False
    for name in allowed:
        assert name.isidentifier() and not name.startswith("_")
        assert callable(getattr(module, "_" + name, None)) or kind == "cross"


# ------------------------------------------------------------------------------ built-in patterns on hostile text

def _compiled_patterns(rule: Any) -> list[Any]:
    c = rule.compiled if isinstance(rule.compiled, dict) else {}
    out: list[Any] = []
    for key in ("_patterns", "_unless", "_unless_near", "_unless_before", "allow", "_stale", "_gov", "total", "part"):
        v = c.get(key)
        if v is not None:
            out.extend(v if isinstance(v, list) else [v])
    return out


def test_builtin_patterns_stay_linear_on_long_runs() -> None:
    """A report holding 20,000 digits (or commas, 年, 一, 件) in a row, next to the words a pattern wants: a pattern
    that opens with (?P<n>\\d+) and no (?<!\\d) retries from every digit — quadratic — and a built-in rule that times
    out on one hostile file stops the whole batch (exit 2). 150 KB of digits did that to GX602 and GX603."""
    from gxlint.check.loader import builtin_rules

    context = write(Draft.blank(2024), "txt").decode() + write(Draft.blank(2019), "txt").decode()
    slow = []
    for rule in builtin_rules():
        for pattern in _compiled_patterns(rule):
            for head in ("2", "，", "年", "一", "件"):
                for tail in ("", "件", "年", "个"):
                    text = context + head * 20_000 + tail + context
                    started = time.monotonic()
                    try:
                        for _ in pattern.finditer(text, timeout=3):
                            pass
                    except TimeoutError:
                        slow.append((rule.code, pattern.pattern, head, tail, "timeout"))
                        continue
                    if time.monotonic() - started > 1.0:
                        slow.append((rule.code, pattern.pattern, head, tail, round(time.monotonic() - started, 1)))
    assert not slow, slow


def test_a_long_digit_run_does_not_stop_the_batch(tmp_path: Path) -> None:
    report = tmp_path / "digits.txt"
    report.write_bytes(write(Draft.blank(2024).with_part("一", "本年度共收到申请" + "1" * 150_000 + "件。"), "txt"))
    other = _report_file(tmp_path, "无", "某县人民政府", "other.txt")
    proc = subprocess.run([sys.executable, "-m", "gxlint", "check", str(report), str(other), "--no-cache"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr[-1000:]
