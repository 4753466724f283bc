"""Rendering: every output format is a Jinja template in templates/ fed from one findings model
(gxlint/render/model.py). Adding a format is adding a template and a line in FORMATS; there are no Python branches
per format. Templates that build JSON assemble plain data with `{% do %}` and print it with the `json` filter.

Filters every template may use:
    json            → JSON text (UTF-8, not ASCII-escaped; `json(2)` indents)
    paint(style)    → ANSI colour when the context's `color` is on, the text unchanged otherwise
    dwidth          → display width on a terminal (a Chinese character is 2 columns)
    ljust_w(n) / rjust_w(n) / center_w(n) → padded to n display columns
    gh_data / gh_prop → escaped for GitHub workflow commands (message / property value)
    xml_text        → characters XML 1.0 cannot hold removed (autoescape does the rest)
"""

from __future__ import annotations

import functools
import json
import os
import re
import unicodedata
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import jinja2
import markupsafe

if TYPE_CHECKING:
    from gxlint.run import RunResult

FORMATS: dict[str, str] = {
    "text": "text.j2",
    "concise": "concise.j2",
    "json": "json.j2",
    "sarif": "sarif.j2",
    "github": "github.j2",
    "junit": "junit.xml.j2",
    "html": "html/report.html.j2",
}
# formats whose output is a document for machines: never coloured
MACHINE_FORMATS = ("json", "sarif", "junit", "html", "github")
# which files' recognised Reports a format draws from: "all" (the run keeps them: no cache hits) or "none". A user's
# template gets "all". A finding carries its own table row (findings.RowContext), so the text format needs none.
NEEDS_REPORTS: dict[str, str] = {"html": "all", "json": "all"}


# formats that show a finding's source line (the model's `source`: the file read again); a user's template gets them
NEEDS_SOURCES = frozenset({"text"})
# formats whose templates read only a finding's brief fields (model.BRIEF_FIELDS): one line per finding, for batches
# of thousands of files. A user's template gets the whole model
BRIEF = frozenset({"concise", "github"})


def needs_reports(fmt: str, user_template: str | None = None) -> str:
    return "all" if user_template else NEEDS_REPORTS.get(fmt, "none")


def needs_sources(fmt: str, user_template: str | None = None) -> bool:
    return bool(user_template) or fmt in NEEDS_SOURCES

STYLES = {
    "error": "\x1b[1;31m", "warning": "\x1b[1;33m", "info": "\x1b[1;36m", "path": "\x1b[1;4m", "code": "\x1b[1m",
    "dim": "\x1b[2m", "mark": "\x1b[1;7;31m", "involved": "\x1b[4m", "ok": "\x1b[1;32m", "bold": "\x1b[1m",
}
RESET = "\x1b[0m"


def templates_dir() -> Path:
    import gxlint.templates as pkg

    return Path(pkg.__file__).resolve().parent


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def dwidth(text: Any) -> int:
    """Columns the text takes on a terminal: wide (CJK) characters 2, combining marks 0, colour codes 0."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else (0 if unicodedata.combining(ch) else 1)
               for ch in _ANSI.sub("", str(text)))


def ljust_w(text: Any, width: int) -> str:
    s = str(text)
    return s + " " * max(0, width - dwidth(s))


def rjust_w(text: Any, width: int) -> str:
    s = str(text)
    return " " * max(0, width - dwidth(s)) + s


def center_w(text: Any, width: int) -> str:
    s = str(text)
    pad = max(0, width - dwidth(s))
    return " " * (pad // 2) + s + " " * (pad - pad // 2)


@jinja2.pass_context
def paint(ctx: jinja2.runtime.Context, text: Any, style: str) -> str:
    s = str(text)
    if not ctx.get("color") or style not in STYLES or not s:
        return s
    return f"{STYLES[style]}{s}{RESET}"


def to_json(value: Any, indent: int | None = None) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent)


def csp_hash(text: Any) -> str:
    """The CSP source expression allowing exactly this inline script ('sha256-…')."""
    import base64
    import hashlib

    digest = hashlib.sha256(str(text).encode("utf-8")).digest()
    return markupsafe.Markup(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")  # base64 only: safe as is


def gh_data(text: Any) -> str:
    return str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def gh_prop(text: Any) -> str:
    return gh_data(text).replace(":", "%3A").replace(",", "%2C")


_XML_BAD = dict.fromkeys([c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)] + [0xFFFE, 0xFFFF])


def xml_text(text: Any) -> str:
    return str(text).translate(_XML_BAD)


def autoescape(name: str | None) -> bool:
    """On for HTML and XML templates (report text is untrusted): report.html.j2, junit.xml.j2, my.htm …"""
    if not name:
        return False
    low = name.lower().removesuffix(".j2").removesuffix(".jinja2").removesuffix(".jinja")
    return low.endswith((".html", ".htm", ".xml", ".xhtml", ".svg"))


@functools.lru_cache(maxsize=8)
def environment(extra: str | None = None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(templates_dir()))]
    if extra:
        loaders.insert(0, jinja2.FileSystemLoader(extra))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=autoescape,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"], bytecode_cache=_bytecode_cache(),
    )
    env.filters.update(json=to_json, paint=paint, dwidth=dwidth, ljust_w=ljust_w, rjust_w=rjust_w,
                       center_w=center_w, gh_data=gh_data, gh_prop=gh_prop, xml_text=xml_text,
                       csp_hash=csp_hash)
    return env


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Jinja's own cache of compiled templates (a private folder of the user's under the temp dir, checked by the
    template's checksum): compiling text.j2 and summary.j2 is ~20 ms of every run. None where that folder cannot
    be made safely."""
    try:
        return _QuietBytecodeCache()
    except (OSError, RuntimeError):
        return None


class _QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
    """A cache that cannot be written (its folder removed by a temp cleaner, a full disk) is no error: the template
    was compiled all the same."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def render(template: str, context: dict[str, Any], user_template: str | None = None) -> str:
    if user_template:
        path = Path(user_template).resolve()
        env = environment(str(path.parent))
        return env.get_template(path.name).render(**context)
    return environment().get_template(template).render(**context)


def use_color(choice: str, stream: IO[str] | None, env: dict[str, str] | None = None) -> bool:
    """--color always|never|auto. auto: FORCE_COLOR (not "0") turns colour on, NO_COLOR turns it off, otherwise
    colour only when the stream is a terminal (and TERM is not "dumb")."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    env = os.environ if env is None else env
    force = env.get("FORCE_COLOR")
    if force is not None and force not in ("0", "false"):
        return True
    if env.get("NO_COLOR"):
        return False
    if env.get("TERM") == "dumb":
        return False
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):
        return False


def context_for(run: RunResult, color: bool = False, cwd: Path | None = None, reports: str = "all",
                sources: bool = True, brief: bool = False) -> dict[str, Any]:
    """What every template gets: the model (also spread at the top level) and the raw results for custom
    templates written against the Python objects."""
    from gxlint import __version__
    from gxlint.render.model import build

    model = build(run, cwd=cwd, reports=reports, sources=sources, brief=brief)
    import datetime

    generated = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    return {**model, "model": model, "color": color, "results": run.results, "version": __version__,
            "generated": generated}


def render_run(run: RunResult, fmt: str = "text", user_template: str | None = None, color: bool = False,
               cwd: Path | None = None, color_summary: bool = False) -> tuple[str, str]:
    """(the findings in format `fmt` or through the user's template, the summary lines for stderr)."""
    from gxlint.gcpause import paused

    with paused():  # the model is a few dicts per finding, all alive until the output is written
        context = context_for(run, color=color, cwd=cwd, reports=needs_reports(fmt, user_template),
                              sources=needs_sources(fmt, user_template), brief=not user_template and fmt in BRIEF)
        out = render(FORMATS.get(fmt, ""), context, user_template)
        from gxlint.read import SUPPORTED

        return out, render("summary.j2", {**context, "color": color_summary, "supported": " ".join(SUPPORTED)})
