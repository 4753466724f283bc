"""Loading rule files: YAML (ruamel, safe, positions kept) → validated against the rule schema and the kind's own
options schema → Rule. A broken rule file is a RuleFileError naming file:line:col and what is wrong."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gxlint.check.expr import ExprError
from gxlint.check.kinds import KINDS, kind_module
from gxlint.check.rule import Example, Rule

if TYPE_CHECKING:
    import jsonschema

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "rule.schema.json"
# Rule files already parsed and validated, by hash of their text: (plain data, line of each example). A batch run
# points this at its cache (gxlint.cache keeps it as JSON: data only), so a run whose rule files did not change
# skips YAML parsing and schema validation. None: no store.
VALIDATED: MutableMapping[str, Any] | None = None
# The built-in rule files, parsed and validated when they were written, in the same form (rules/validated.json,
# written by `python -m gxlint.check.loader`): a one-file run such as a pre-commit hook then needs neither ruamel's
# round-trip parser nor jsonschema, cache or no cache (≈0.25 s of a 0.6 s run). Entries are keyed by the text's
# hash and the whole file by the schema's hash, so an edited rule file or schema is simply validated again.
SHIPPED_NAME = "validated.json"


def builtin_rules_dir() -> Path:
    """The shipped rule pack: top-level rules/ in a checkout, gxlint/rules once installed."""
    import gxlint.rules as pkg

    return Path(pkg.__file__).resolve().parent


class RuleFileError(Exception):
    def __init__(self, path: str, line: int | None, col: int | None, message: str) -> None:
        self.path, self.line, self.col, self.message = path, line, col, message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        return f"{where}: {self.message}"


@functools.lru_cache(maxsize=1)
def full_schema() -> dict[str, Any]:
    """The rule schema with each kind's options schema attached (if kind == X then check must match X's OPTIONS)."""
    base = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    base["properties"]["check"]["properties"]["kind"] = {"enum": sorted(KINDS)}
    branches = []
    for name in sorted(KINDS):
        opts = dict(kind_module(name).OPTIONS)
        props = dict(opts.get("properties", {}))
        props["kind"] = {"const": name}
        branch = {**opts, "properties": props}
        branches.append({"if": {"properties": {"kind": {"const": name}}},
                         "then": branch})
    base["properties"]["check"]["allOf"] = branches
    return base


def _position(node: Any, path: Iterable[Any]) -> tuple[int | None, int | None]:
    """Walk a ruamel tree along a jsonschema error path; return the deepest known 1-based line/col."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    line = col = None
    if hasattr(node, "lc"):
        line, col = node.lc.line + 1, node.lc.col + 1
    for key in path:
        if isinstance(node, CommentedMap) and key in node:
            try:
                ln, cl = node.lc.value(key)
                line, col = ln + 1, cl + 1
            except (KeyError, TypeError):
                pass
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
            try:
                ln, cl = node.lc.item(key)
                line, col = ln + 1, cl + 1
            except (KeyError, TypeError, IndexError):
                pass
            node = node[key]
        else:
            break
    return line, col


MAX_NODES = 100_000  # values in one rule file once YAML aliases are expanded (the built-in rules: a few hundred)


class _TooBig(Exception):
    pass


def _plain(node: Any, budget: list[int] | None = None) -> Any:
    """Plain dicts and lists. YAML aliases are shared references in the tree but copies here, so nine levels of
    ten aliases (a 1 KB "billion laughs") would be 10⁹ values: counted, and refused past MAX_NODES."""
    budget = [MAX_NODES] if budget is None else budget
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooBig
    if isinstance(node, dict):
        return {str(k): _plain(v, budget) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v, budget) for v in node]
    return node


def _validated(path: Path, text: str) -> tuple[dict[str, Any], list[int | None]]:
    """The rule file's data, checked against the schema, and the line of each of its examples."""
    # ruamel imported here: the built-in rules come from rules/validated.json, so a run that uses only them never
    # parses YAML (nor does one whose layouts come from layouts.json)
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import MarkedYAMLError

    yaml = YAML(typ="rt")  # round-trip loader: positions kept; it builds data only, never objects
    try:
        tree = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise RuleFileError(str(path), mark.line + 1 if mark else None, mark.column + 1 if mark else None,
                            f"YAML 语法错误：{exc.problem}") from exc
    if not isinstance(tree, CommentedMap):
        raise RuleFileError(str(path), 1, 1, "规则文件应是一个映射（code、name、level、check …）")
    try:
        data = _plain(tree)
    except (_TooBig, RecursionError):  # an alias bomb, or an alias inside its own anchor
        raise RuleFileError(str(path), 1, 1, f"规则文件展开 YAML 别名后超过 {MAX_NODES} 个值或含有循环引用，已拒绝"
                            ) from None
    errors = sorted(_validator().iter_errors(data), key=lambda e: (len(e.absolute_path), str(e.absolute_path)))
    if errors:
        err = _best(errors)
        line, col = _position(tree, err.absolute_path)
        where = "/".join(str(p) for p in err.absolute_path) or "(顶层)"
        raise RuleFileError(str(path), line, col, f"{where}: {err.message}")
    lines = [_position(tree, ["examples", i])[0] for i in range(len(data.get("examples", [])))]
    if not any(ex.get("fire") for ex in data.get("examples", [])):
        line, col = _position(tree, ["examples"])
        raise RuleFileError(str(path), line, col, "examples: 规则必须至少有一个应当报告（fire: true）的示例")
    return data, lines


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema

    return jsonschema.Draft7Validator(full_schema())


def load_rule_file(path: Path) -> Rule:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(str(path), None, None, f"无法读取规则文件：{exc}") from exc
    store = VALIDATED
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    known = shipped().get(key)
    if known is None and store is not None:
        known = store.get(key)
    if known is not None:
        data, lines = known["data"], known["lines"]
    else:
        data, lines = _validated(path, text)
        if store is not None:
            store[key] = {"data": data, "lines": lines}
    check = dict(data["check"])
    kind = check.pop("kind")
    try:
        compiled = kind_module(kind).compile(check)
    except (ExprError, ValueError, KeyError) as exc:
        line, col = _check_position(text)
        raise RuleFileError(str(path), line, col, f"check: {exc}") from exc
    except Exception as exc:  # a bad regex, for instance
        line, col = _check_position(text)
        raise RuleFileError(str(path), line, col, f"check: {type(exc).__name__}: {exc}") from exc
    examples = []
    for i, ex in enumerate(data.get("examples", [])):
        line = lines[i] if i < len(lines) else None
        examples.append(Example(ex.get("name", f"example {i + 1}"), bool(ex["fire"]), ex, line))
    return Rule(
        code=data["code"], name=data["name"], level=data["level"], kind=kind, options=check,
        message=data["message"], summary=data["summary"], description=data.get("description", ""),
        rationale=data.get("rationale", ""), references=tuple(data.get("references", [])),
        tags=tuple(data.get("tags", [])), message_en=data.get("message_en", ""), applies=data.get("applies", {}),
        examples=tuple(examples), source=str(path), enabled=data.get("enabled", True), compiled=compiled,
    )


def _check_position(text: str) -> tuple[int | None, int | None]:
    from ruamel.yaml import YAML

    tree = YAML(typ="rt").load(text)
    return _position(tree, ["check"])


def _best(errors: list[jsonschema.ValidationError]) -> jsonschema.ValidationError:
    """The most useful error: prefer the deepest, and inside if/then branches the concrete one."""
    import jsonschema

    best = jsonschema.exceptions.best_match(errors)
    return best or errors[0]


def load_rules(dirs: Iterable[Path]) -> list[Rule]:
    rules: dict[str, Rule] = {}
    for d in dirs:
        d = Path(d)
        files = sorted(d.rglob("*.yaml")) + sorted(d.rglob("*.yml")) if d.is_dir() else [d]
        for f in files:
            rule = load_rule_file(f)
            rules[rule.code] = rule  # a user pack may replace a built-in rule of the same code
    return sorted(rules.values(), key=lambda r: r.code)


@functools.lru_cache(maxsize=8)
def builtin_rules() -> tuple[Rule, ...]:
    return tuple(load_rules([builtin_rules_dir()]))


def schema_hash() -> str:
    """What a rule file is validated against (the rule schema and every kind's options), as one hash."""
    canonical = json.dumps(full_schema(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=1)
def shipped() -> dict[str, Any]:
    """rules/validated.json's entries (text hash → data and example lines), or none if it was written against
    another schema, is missing or unreadable."""
    try:
        index = json.loads((builtin_rules_dir() / SHIPPED_NAME).read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(index, dict) or index.get("schema") != schema_hash() or not isinstance(index.get("rules"), dict):
        return {}
    return index["rules"]


def shipped_text() -> str:
    """rules/validated.json as it should be for the rule files and schema of this checkout: one line per rule file,
    so a rule's change is a one-line diff. Fails (RuleFileError) like any run would on an invalid rule file."""
    folder = builtin_rules_dir()
    lines = []
    for path in sorted(folder.rglob("*.yaml")) + sorted(folder.rglob("*.yml")):
        text = path.read_text(encoding="utf-8")
        data, example_lines = _validated(path, text)
        entry = {"file": path.relative_to(folder).as_posix(), "data": data, "lines": example_lines}
        try:
            line = json.dumps(entry, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        except (TypeError, ValueError):  # a YAML date or the like: that file is validated on every run
            continue
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        lines.append(f"{json.dumps(key)}:{line}")
    return (f'{{"generated_by":"python -m gxlint.check.loader","schema":"{schema_hash()}","rules":{{\n'
            + ",\n".join(lines) + "\n}}\n")


if __name__ == "__main__":  # python -m gxlint.check.loader: rewrite rules/validated.json after editing rules
    target = builtin_rules_dir() / SHIPPED_NAME
    target.write_text(shipped_text(), encoding="utf-8")
    print(f"wrote {target}")
