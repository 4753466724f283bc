"""md, html and txt through the Jinja2 templates in templates/write/ (shipped as gxlint.templates)."""

from __future__ import annotations

import functools

import jinja2

from gxlint.write.draft import Draft
from gxlint.write.view import TableBlock, layout_blocks


@functools.cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("gxlint.templates", "write"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["md_cell"] = _md_cell
    env.filters["txt_row"] = _txt_row
    env.tests["table"] = lambda block: isinstance(block, TableBlock)
    return env


def _md_cell(text: str) -> str:
    """A cell's text inside a pipe table: no line breaks, "|" escaped."""
    return " ".join(text.split("\n")).replace("|", "\\|")


def _txt_row(cells: list[str]) -> str:
    """One table row of the txt export: cells joined by " | ". An empty first or last cell gets an outer "|" (as
    markdown borders a row) so that it still counts as a cell."""
    flat = [" ".join(c.split("\n")) for c in cells]
    line = " | ".join(flat)
    if flat and not flat[0]:
        line = "| " + line
    if flat and not flat[-1]:
        line += " |"
    return line


def _render(template: str, draft: Draft, combine_t2: bool) -> bytes:
    blocks = layout_blocks(draft, combine_t2)
    text = _env().get_template(template).render(draft=draft, blocks=blocks)
    return text.encode("utf-8")


def write_md(draft: Draft) -> bytes:
    return _render("report.md.j2", draft, combine_t2=False)


def write_txt(draft: Draft) -> bytes:
    return _render("report.txt.j2", draft, combine_t2=False)


def write_html(draft: Draft) -> bytes:
    return _render("report.html.j2", draft, combine_t2=True)
