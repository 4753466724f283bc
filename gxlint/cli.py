"""The command line: arguments → api → renderer → exit code. Nothing else lives here."""

from __future__ import annotations

import dataclasses
import gc
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gxlint import __version__

if TYPE_CHECKING:
    from gxlint.run import RunResult

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
    baseline: Annotated[Path | None, typer.Option("--baseline", help="基线文件：其中已接受的问题不再报告")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="不在标准错误输出摘要")] = False,
    color: Annotated[str, typer.Option("--color", help="auto|always|never（auto：终端才着色，遵从 NO_COLOR、FORCE_COLOR）")]
    = "auto",
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="并行进程数（默认：CPU 核数）")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="不读也不写缓存")] = False,
    cache_dir: Annotated[Path | None, typer.Option("--cache-dir", help="缓存目录（默认：配置文件旁或当前目录的 .gxlint_cache/）")]
    = None,
    statistics: Annotated[bool, typer.Option("--statistics", help="在标准错误输出按规则统计的问题数和用时")] = False,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="排除的文件或目录（glob，可多次给出）")] = None,
) -> None:
    """检查报告，报告所有问题。"""
    from gxlint.baseline import BaselineError
    from gxlint.check.engine import RuleRuntimeError
    from gxlint.check.loader import RuleFileError
    from gxlint.config import ConfigError
    from gxlint.render import FORMATS, needs_reports
    from gxlint.run import CheckOptions, UsageError, run_check

    if format not in FORMATS and template is None:
        _fail(f"未知的输出格式「{format}」，可选：{', '.join(FORMATS)}")
    if fail_on is not None and fail_on not in ("error", "warning", "info", "never"):
        _fail("--fail-on 应为 error、warning、info 或 never")
    if color not in ("auto", "always", "never"):
        _fail("--color 应为 auto、always 或 never")
    if template is not None and not template.is_file():
        _fail(f"找不到模板文件：{template}")
    opts = CheckOptions(paths=tuple(str(p) for p in paths), config=str(config) if config else None,
                        select=_codes(select), ignore=_codes(ignore), extend_select=_codes(extend_select) or (),
                        fail_on=fail_on, lang=lang, baseline=str(baseline) if baseline else None,
                        **_batch_options(jobs, no_cache, cache_dir, exclude, format, output, quiet))
    if needs_reports(format, str(template) if template else None) == "all":  # the output draws every report
        opts = dataclasses.replace(opts, keep_reports=True)
    try:
        run = run_check(opts)
    except (ConfigError, RuleFileError, RuleRuntimeError, UsageError, BaselineError) as exc:
        _fail(str(exc))
    _emit(run, format, output, template, color, quiet)
    if statistics:
        _statistics(run)
    raise typer.Exit(_exit_code(run))


def _batch_options(jobs: int | None, no_cache: bool, cache_dir: Path | None, exclude: list[str] | None, format: str,
                   output: Path | None, quiet: bool) -> dict[str, object]:
    """The batch side of `check`: workers, cache, excludes, progress (stderr on a terminal, never machine formats).
    Reports are not kept in memory: the HTML renderer parses again the few files whose tables it draws."""
    from gxlint.render import MACHINE_FORMATS

    progress = not quiet and format not in MACHINE_FORMATS and sys.stderr.isatty()
    return {"jobs": jobs, "cache": not no_cache, "cache_dir": str(cache_dir) if cache_dir else None,
            "exclude": tuple(exclude or ()), "progress": progress}


def _statistics(run: RunResult) -> None:
    """--statistics: findings per rule (ruff style), then files, cache hits and time, on stderr."""
    counts: dict[str, int] = {}
    for f in run.findings:
        counts[f.code] = counts.get(f.code, 0) + 1
    names = {r.code: (r.name, r.level) for r in run.rules}
    levels = {f.code: f.level for f in run.findings}
    out = []
    for code in sorted(counts, key=lambda c: (-counts[c], c)):
        name, _ = names.get(code, ("", ""))
        out.append(f"{counts[code]:>7}  {code}  [{levels[code]}]  {name}")
    st = run.stats
    if st:
        secs = st.get("seconds", 0.0)
        rate = st["files"] / secs if secs > 0 else 0.0
        out.append(f"{st['files']} 个文件（缓存命中 {st['cached']}，检查 {st['linted']}），{st['jobs']} 个进程，"
                   f"用时 {secs:.2f} 秒（{rate:.0f} 份/秒；跨报告检查 {st.get('cross_seconds', 0.0):.2f} 秒）")
    sys.stderr.write("\n".join(out) + "\n")


@app.command()
def clean(
    cache_dir: Annotated[Path | None, typer.Option("--cache-dir", help="缓存目录（默认：配置文件旁或当前目录的 .gxlint_cache/）")]
    = None,
    config: Annotated[Path | None, typer.Option(help="配置文件")] = None,
) -> None:
    """删除缓存目录（.gxlint_cache/）。"""
    from gxlint.cache import clean as clean_cache
    from gxlint.cache import default_cache_dir
    from gxlint.config import ConfigError, config_for

    try:
        where = cache_dir or default_cache_dir(config_for(".", str(config) if config else None))
    except ConfigError as exc:
        _fail(str(exc))
    try:
        removed = clean_cache(where)
    except (ValueError, OSError) as exc:
        _fail(str(exc))
    typer.echo(f"已删除缓存 {where}" if removed else f"没有缓存 {where}", err=True)


def _emit(run: RunResult, format: str, output: Path | None, template: Path | None, color: str, quiet: bool) -> None:
    """Render the findings to stdout or `output`, and the summary to stderr (unless quiet)."""
    import jinja2

    from gxlint.render import MACHINE_FORMATS, render_run, use_color

    colored = output is None and template is None and format not in MACHINE_FORMATS and \
        use_color(color, sys.stdout)
    try:
        text, summary = render_run(run, format, str(template) if template else None, color=colored,
                                   color_summary=use_color(color, sys.stderr))
    except jinja2.TemplateError as exc:
        where = f"{exc.filename}:{exc.lineno}: " if isinstance(exc, jinja2.TemplateSyntaxError) else ""
        _fail(f"模板出错：{where}{type(exc).__name__}: {exc}")
    if output:
        from gxlint.atomic import write_atomic

        try:  # a temporary file renamed over the old one: a crash mid-write leaves the old report whole
            write_atomic(output, text)
        except OSError as exc:
            _fail(f"无法写入 {output}：{exc.strerror or exc}")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    if not quiet:
        sys.stderr.write(summary)


def _exit_code(run: RunResult) -> int:
    """0: nothing at or above fail-on; 1: findings at or above it (fail-on never: always 0)."""
    from gxlint.findings import LEVEL_RANK

    fail_level = run.config.fail_on
    if fail_level == "never":
        return EXIT_OK
    threshold = LEVEL_RANK[fail_level]
    return EXIT_FINDINGS if any(f.rank >= threshold for f in run.findings) else EXIT_OK


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
    from gxlint.render.model import column_labels

    columns = {tid: column_labels(report, tid) for tid in report.tables}  # the clerk reads labels, not column ids
    typer.echo(render("parse.j2", {"r": report, "json": report_to_json(report), "columns": columns}), nl=False)


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


@app.command()
def new(
    year: Annotated[int, typer.Option("--year", "-y", help="报告年度，如 2024（2019–2020 用 2019 年版格式，2021 起用 2021 年版）")],
    format: Annotated[str, typer.Option("--format", "-f", help="docx|md|html|txt|pdf")] = "docx",
    output: Annotated[str | None, typer.Option("--output", "-o", help="输出文件（- 为标准输出；默认：标题.扩展名）")] = None,
    agency: Annotated[str, typer.Option("--agency", help="机关名称")] = "某某县人民政府",
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件")] = False,
) -> None:
    """生成一份空白的官方格式年度报告（每个单元格都是 0），供填报起步。"""
    from gxlint.write import FORMATS as WRITE_FORMATS
    from gxlint.write import WriteError, write
    from gxlint.write.draft import Draft

    fmt = format.lower().lstrip(".")
    if fmt not in WRITE_FORMATS:
        _fail(f"未知的格式「{format}」，可选：{', '.join(WRITE_FORMATS)}")
    if not 2008 <= year <= 2100:
        _fail(f"年度 {year} 不合理（政府信息公开条例自 2008 年施行）")
    if year < 2019:
        _fail("2019 年以前的报告没有统一的官方表格格式；请用 --year 2019 或更晚的年度")
    if not agency.strip() or any(ch in agency for ch in "/\\\n\r\t"):
        _fail("--agency 应是机关名称（不能含 / \\ 或换行）")
    try:
        data = write(Draft.blank(year, agency=agency.strip()), fmt)
    except WriteError as exc:
        _fail(str(exc))
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    target = Path(output) if output else Path(f"{agency.strip()}{year}年政府信息公开工作年度报告.{fmt}")
    if target.exists() and not force:
        _fail(f"{target} 已存在（用 --force 覆盖，或用 -o 指定其他文件名）")
    from gxlint.atomic import write_atomic

    try:
        write_atomic(target, data)
    except OSError as exc:
        _fail(f"无法写入 {target}：{exc.strerror or exc}")
    typer.echo(f"已生成 {target}（{year}年度，{'2019' if year <= 2020 else '2021'}年版格式，所有单元格为 0）", err=True)


baseline_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_enable=False,
                           help="基线：接受旧报告现有的问题，只报告新出现的问题")
app.add_typer(baseline_app, name="baseline")


@baseline_app.command("create")
def baseline_create(
    paths: Annotated[list[Path], typer.Argument(help="报告文件或文件夹")],
    output: Annotated[Path, typer.Option("--output", "-o", help="基线文件")] = Path(".gxlint-baseline.json"),
    config: Annotated[Path | None, typer.Option(help="配置文件")] = None,
    select: Annotated[str | None, typer.Option(help="只检查这些规则（代码前缀）")] = None,
    ignore: Annotated[str | None, typer.Option(help="不检查这些规则（代码前缀）")] = None,
) -> None:
    """检查 PATHS，把现有的全部问题写入基线文件；之后 gxlint check --baseline 文件 只报告新问题。"""
    from gxlint import baseline as bl

    run = _run_quietly(paths, config, select, ignore)
    base = bl.create(run.results, output)
    try:
        base.write(output)
    except OSError as exc:
        _fail(f"无法写入 {output}：{exc.strerror or exc}")
    typer.echo(f"已写入 {output}：{len(base.files)} 个文件的 {base.total()} 个问题", err=True)


@baseline_app.command("prune")
def baseline_prune(
    paths: Annotated[list[Path] | None, typer.Argument(help="要重新检查的文件（默认：基线中列出的文件）")] = None,
    baseline: Annotated[Path, typer.Option("--baseline", "-b", help="基线文件")] = Path(".gxlint-baseline.json"),
    config: Annotated[Path | None, typer.Option(help="配置文件")] = None,
) -> None:
    """删除基线中已不再出现的问题（已改正的），以及已删除文件的条目。"""
    from gxlint import baseline as bl

    try:
        base = bl.load(baseline)
    except bl.BaselineError as exc:
        _fail(str(exc))
    if not paths:
        paths = [base.folder / rel for rel in base.files if (base.folder / rel).exists()]
    run = _run_quietly(paths, config, None, None) if paths else None
    pruned, dropped = bl.prune(base, run.results if run else [])
    try:
        pruned.write(baseline)
    except OSError as exc:
        _fail(f"无法写入 {baseline}：{exc.strerror or exc}")
    typer.echo(f"已更新 {baseline}：删除 {dropped} 项，保留 {pruned.total()} 项", err=True)


def _run_quietly(paths: list[Path], config: Path | None, select: str | None, ignore: str | None) -> RunResult:
    from gxlint.check.engine import RuleRuntimeError
    from gxlint.check.loader import RuleFileError
    from gxlint.config import ConfigError
    from gxlint.run import CheckOptions, UsageError, run_check

    opts = CheckOptions(paths=tuple(str(p) for p in paths), config=str(config) if config else None,
                        select=_codes(select), ignore=_codes(ignore))
    try:
        return run_check(opts)
    except (ConfigError, RuleFileError, RuleRuntimeError, UsageError) as exc:
        _fail(str(exc))
        raise  # unreachable: _fail exits


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
    finally:
        # The process ends here. The cycle collections the interpreter runs at shutdown walk every object still
        # alive (rules, layouts, modules): ~30 ms of a 0.3 s one-file run (a pre-commit hook), for memory the OS
        # takes back anyway. Frozen objects are skipped; atexit handlers and the flushing of stdout/stderr still run.
        gc.freeze()
