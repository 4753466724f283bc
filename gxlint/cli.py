"""The command line: arguments → api → renderer → exit code. Nothing else lives here."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from gxlint import __version__

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_enable=False,
                  help="gxlint — 政府信息公开工作年度报告合规检查工具")

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _fail(message: str) -> None:
    typer.echo(f"gxlint: {message}", err=True)
    raise typer.Exit(EXIT_USAGE)


def _codes(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(v.strip().upper() for v in value.split(",") if v.strip())


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(help="报告文件或文件夹")],
    select: Annotated[str | None, typer.Option(help="只检查这些规则（代码前缀，逗号分隔）")] = None,
    ignore: Annotated[str | None, typer.Option(help="不检查这些规则（代码前缀）")] = None,
    extend_select: Annotated[str | None, typer.Option("--extend-select", help="在配置之外追加的规则")] = None,
    config: Annotated[Path | None, typer.Option(help="配置文件（默认从目标向上查找 .gxlint.yaml）")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="输出格式")] = "text",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="写入文件而不是标准输出")] = None,
    template: Annotated[Path | None, typer.Option(help="用自己的 Jinja 模板渲染")] = None,
    fail_on: Annotated[str | None, typer.Option("--fail-on", help="error|warning|info|never")] = None,
    lang: Annotated[str | None, typer.Option(help="消息语言 zh|en")] = None,
) -> None:
    """检查报告，报告所有问题。"""
    from gxlint.check.engine import RuleRuntimeError
    from gxlint.check.loader import RuleFileError
    from gxlint.config import ConfigError
    from gxlint.findings import LEVEL_RANK
    from gxlint.render import FORMATS, render
    from gxlint.run import CheckOptions, UsageError, run_check

    if format not in FORMATS and template is None:
        _fail(f"未知的输出格式「{format}」，可选：{', '.join(FORMATS)}")
    if fail_on is not None and fail_on not in ("error", "warning", "info", "never"):
        _fail("--fail-on 应为 error、warning、info 或 never")
    opts = CheckOptions(paths=tuple(str(p) for p in paths), config=str(config) if config else None,
                        select=_codes(select), ignore=_codes(ignore), extend_select=_codes(extend_select) or (),
                        fail_on=fail_on, lang=lang)
    try:
        run = run_check(opts)
    except (ConfigError, RuleFileError, RuleRuntimeError, UsageError) as exc:
        _fail(str(exc))
    context = {"results": run.results, "rules": run.rules, "version": __version__}
    text = render(FORMATS.get(format, ""), context, str(template) if template else None)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    findings = run.findings
    counts = {lvl: sum(1 for f in findings if f.level == lvl) for lvl in ("error", "warning", "info")}
    typer.echo(f"检查了 {len(run.results)} 个文件：{counts['error']} 个错误，{counts['warning']} 个警告，"
               f"{counts['info']} 个提示", err=True)
    fail_level = run.config.fail_on
    if fail_level == "never":
        raise typer.Exit(EXIT_OK)
    threshold = LEVEL_RANK[fail_level]
    raise typer.Exit(EXIT_FINDINGS if any(f.rank >= threshold for f in findings) else EXIT_OK)


@app.command()
def parse(
    file: Annotated[Path, typer.Argument(help="一份报告")],
    format: Annotated[str, typer.Option("--format", "-f", help="table|json")] = "table",
) -> None:
    """显示 gxlint 从报告中识别出的内容：标题、年度、六个部分、统计表的每个单元格。"""
    from gxlint.api import parse_file
    from gxlint.read.document import ReadError
    from gxlint.report_json import report_to_json

    try:
        report = parse_file(str(file))
    except ReadError as exc:
        _fail(f"{file}: {exc.code} {exc.message}")
    if format == "json":
        typer.echo(json.dumps(report_to_json(report), ensure_ascii=False, indent=2))
        return
    from gxlint.render import render

    typer.echo(render("parse.j2", {"r": report, "json": report_to_json(report)}), nl=False)


@app.command()
def rules(
    format: Annotated[str, typer.Option("--format", "-f", help="table|json")] = "table",
    schema: Annotated[bool, typer.Option("--schema", help="输出规则文件的 JSON Schema")] = False,
    config: Annotated[Path | None, typer.Option(help="配置文件")] = None,
) -> None:
    """列出所有规则。"""
    from gxlint.api import all_rules
    from gxlint.check.loader import RuleFileError, full_schema
    from gxlint.config import ConfigError, config_for

    if schema:
        typer.echo(json.dumps(full_schema(), ensure_ascii=False, indent=2))
        return
    try:
        cfg = config_for(".", str(config) if config else None)
        rs = all_rules(cfg)
    except (ConfigError, RuleFileError) as exc:
        _fail(str(exc))
    if format == "json":
        typer.echo(json.dumps([{"code": r.code, "name": r.name, "level": cfg.levels.get(r.code, r.level),
                                "summary": r.summary, "applies": r.applies, "kind": r.kind,
                                "enabled": cfg.enabled(r.code) and cfg.levels.get(r.code) != "off"}
                               for r in rs], ensure_ascii=False, indent=2))
        return
    for r in rs:
        level = cfg.levels.get(r.code, r.level)
        applies = ",".join(r.applies.get("layouts", [])) or "全部"
        typer.echo(f"{r.code}  {level:<7}  {r.name:<34} [{applies}] {r.summary}")


@app.command()
def explain(code: Annotated[str, typer.Argument(help="规则代码，如 GX301")]) -> None:
    """显示一条规则的说明、依据和示例。"""
    from gxlint.api import all_rules
    from gxlint.render import render

    found = [r for r in all_rules() if r.code == code.upper()]
    if not found:
        _fail(f"没有规则 {code}")
    typer.echo(render("explain.j2", {"rule": found[0]}), nl=False)


@app.command("test")
def test_rules(
    rules_dirs: Annotated[list[Path] | None, typer.Argument(help="规则文件夹（默认：内置规则）")] = None,
) -> None:
    """运行每条规则自带的示例（应当报告 / 不应报告）。"""
    from gxlint.check.examples import run_all
    from gxlint.check.loader import RuleFileError, builtin_rules, load_rules

    try:
        rs = load_rules(rules_dirs) if rules_dirs else list(builtin_rules())
    except RuleFileError as exc:
        _fail(str(exc))
    results = run_all(rs)
    failed = [r for r in results if not r.ok]
    for r in failed:
        typer.echo(f"FAIL {r.rule.code} {r.example.name} ({r.rule.source}:{r.example.line}): {r.detail}")
    typer.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


@app.callback(invoke_without_command=True)
def main_callback(
    version: Annotated[bool, typer.Option("--version", help="显示版本")] = False,
) -> None:
    if version:
        typer.echo(f"gxlint {__version__}")
        raise typer.Exit(0)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # never a traceback for users; exit 2 like any other tool failure
        typer.echo(f"gxlint: 内部错误：{type(exc).__name__}: {exc}（请把命令和文件报告给 gxlint 维护者）", err=True)
        sys.exit(EXIT_USAGE)
