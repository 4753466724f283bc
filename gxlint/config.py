"""Configuration: `.gxlint.yaml` found upward from each target (yamllint style), `--config`, `extends:`; rule
selection by code prefix (ruff style), level overrides, user rule packs, per-file ignores."""

from __future__ import annotations

import fnmatch
import functools
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

CONFIG_NAMES = (".gxlint.yaml", ".gxlint.yml", "gxlint.yaml")
LEVELS = ("error", "warning", "info")


def resolved(path: str | os.PathLike[str]) -> Path:
    """Path.resolve() for an input path that may be a symlink loop (Python < 3.13 raises RuntimeError there; the
    file itself gets GX001 when read): the absolute path then."""
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


class ConfigError(Exception):
    """A configuration the user must fix: exit code 2."""


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ("GX",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    levels: dict[str, str] = field(default_factory=dict)  # code → level
    rules_paths: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)  # glob → codes
    exclude: tuple[str, ...] = ()
    fail_on: str = "error"
    lang: str = "zh"
    source: str | None = None  # the file it came from
    root: str | None = None  # the folder relative paths in it are relative to

    def enabled(self, code: str) -> bool:
        selectors = self.select + self.extend_select
        best_select = max((len(s) for s in selectors if code.startswith(s)), default=-1)
        best_ignore = max((len(s) for s in self.ignore if code.startswith(s)), default=-1)
        return best_select >= 0 and best_select > best_ignore

    def ignored_for(self, path: str, code: str) -> bool:
        rel = self.relative(path)
        for pattern, codes in self.per_file_ignores.items():
            if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(Path(rel).name, pattern):
                if any(code.startswith(c) for c in codes):
                    return True
        return False

    def relative(self, path: str) -> str:
        p = resolved(path)
        if self.root:
            try:
                return p.relative_to(Path(self.root).resolve()).as_posix()
            except ValueError:
                pass
        return Path(path).as_posix()

    def with_cli(self, **overrides: Any) -> Config:
        clean = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **clean)


def _codes(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: 应为规则代码列表（如 [GX2, GX301]）")
    return tuple(v.strip().upper() for v in value)


def _load_yaml(path: Path) -> dict[str, Any]:
    from ruamel.yaml import YAML  # only when there is a configuration file to read
    from ruamel.yaml.error import YAMLError

    yaml = YAML(typ="safe")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: 无法读取配置文件：{exc}") from exc
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise ConfigError(f"{where}: YAML 语法错误：{getattr(exc, 'problem', exc)}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: 配置文件应是一个映射")
    return data


KNOWN_KEYS = {"extends", "select", "extend-select", "extend_select", "ignore", "rules", "rules_paths",
              "per-file-ignores", "per_file_ignores", "exclude", "fail-on", "fail_on", "lang"}


_SHAPES: dict[str, tuple[type, str]] = {
    "extends": (str, "一个文件路径"), "rules": (dict, "规则代码到级别的映射"), "rules_paths": (list, "文件夹路径列表"),
    "per-file-ignores": (dict, "文件模式到规则代码的映射"), "per_file_ignores": (dict, "文件模式到规则代码的映射"),
    "exclude": (list, "文件模式列表"), "lang": (str, "zh 或 en"),
}


def _check_shapes(path: Path, data: dict[str, Any]) -> None:
    """Each key's type before any use: a list where a path belongs must be a ConfigError, not a crash — nor a hang,
    for str() of a YAML alias bomb would spell out a billion items."""
    for key, (want, what) in _SHAPES.items():
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, want):
            raise ConfigError(f"{path}: {key} 应为{what}")
        if isinstance(value, list) and not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{path}: {key} 应为{what}（每一项是一个字符串）")
        if isinstance(value, dict) and not all(isinstance(k, str | int) for k in value):
            raise ConfigError(f"{path}: {key} 应为{what}")
    if data.get("lang") not in (None, "zh", "en"):
        raise ConfigError(f"{path}: lang 应为 zh 或 en")


def load_config(path: Path, _seen: frozenset[Path] = frozenset()) -> Config:
    path = path.resolve()
    if path in _seen:
        raise ConfigError(f"{path}: extends 形成循环")
    data = _load_yaml(path)
    unknown = set(data) - KNOWN_KEYS
    if unknown:
        raise ConfigError(f"{path}: 未知的配置项：{', '.join(sorted(map(str, unknown)))}")
    _check_shapes(path, data)
    base = Config()
    if data.get("extends"):
        parent = (path.parent / str(data["extends"])).resolve()
        if not parent.is_file():
            raise ConfigError(f"{path}: extends 指向的文件不存在：{parent}")
        base = load_config(parent, _seen | {path})
    levels = dict(base.levels)
    for code, setting in (data.get("rules") or {}).items():
        code = str(code).upper()
        if setting in ("off", "disable", False):
            levels[code] = "off"
        elif setting in LEVELS:
            levels[code] = setting
        elif isinstance(setting, dict) and setting.get("level") in (*LEVELS, "off"):
            levels[code] = setting["level"]
        else:
            raise ConfigError(f"{path}: rules.{code}: 应为 error、warning、info 或 off")
    rules_paths = base.rules_paths + tuple(str((path.parent / p).resolve()) for p in data.get("rules_paths") or [])
    pfi = dict(base.per_file_ignores)
    for glob, codes in (data.get("per-file-ignores") or data.get("per_file_ignores") or {}).items():
        pfi[str(glob)] = _codes(codes, f"{path}: per-file-ignores.{glob}")
    fail_on = data.get("fail-on", data.get("fail_on", base.fail_on))
    if fail_on not in (*LEVELS, "never"):
        raise ConfigError(f"{path}: fail-on 应为 error、warning、info 或 never")
    return Config(
        select=_codes(data["select"], f"{path}: select") if "select" in data else base.select,
        extend_select=base.extend_select + _codes(data.get("extend-select", data.get("extend_select")),
                                                  f"{path}: extend-select"),
        ignore=base.ignore + _codes(data.get("ignore"), f"{path}: ignore"),
        levels=levels, rules_paths=rules_paths, per_file_ignores=pfi,
        exclude=base.exclude + tuple(data.get("exclude") or []), fail_on=fail_on,
        lang=data.get("lang", base.lang), source=str(path), root=str(path.parent),
    )


@functools.lru_cache(maxsize=256)
def find_config(start: str) -> Path | None:
    """The nearest config file in `start` (a folder or a file's folder) or above it."""
    p = resolved(start)
    if p.is_file() or not p.exists():
        p = p.parent
    for folder in (p, *p.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


def config_for(target: str, explicit: str | None = None) -> Config:
    if explicit:
        return load_config(Path(explicit))
    found = find_config(target)
    return load_config(found) if found else Config()


def unknown_codes(codes: tuple[str, ...] | list[str], known: set[str] | frozenset[str]) -> list[str]:
    """The selectors among `codes` that name no rule: neither a rule's code nor a prefix of one ("GX3" selects a
    family). A typo ("GX60l", "GX6O1") would otherwise select or silence nothing, silently."""
    return [c for c in codes if not any(k.startswith(c) for k in known)]


def no_such_codes(bad: list[str]) -> str:
    return f"没有这样的规则代码：{'、'.join(bad)}（gxlint rules 列出所有规则）"


def check_codes(config: Config, known: set[str] | frozenset[str]) -> None:
    """Every rule code a configuration file names (select, extend-select, ignore, per-file-ignores, rules) names a
    rule, built-in or from its rule packs: a ConfigError naming the file otherwise."""
    where = config.source or "配置"
    named: list[tuple[str, tuple[str, ...]]] = [
        ("select", config.select), ("extend-select", config.extend_select), ("ignore", config.ignore),
        ("rules", tuple(config.levels))]
    named += [(f"per-file-ignores.{glob}", codes) for glob, codes in config.per_file_ignores.items()]
    for key, codes in named:
        bad = unknown_codes(codes, known)
        if bad:
            raise ConfigError(f"{where}: {key}: {no_such_codes(bad)}")
