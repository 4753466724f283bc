"""Rendering: every output format is a Jinja template in templates/ fed from one findings model. Adding a format is
adding a template (and a line in FORMATS); no Python branches per format."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2

FORMATS: dict[str, str] = {
    "text": "text.j2",
    "concise": "concise.j2",
}


def templates_dir() -> Path:
    import gxlint.templates as pkg

    return Path(pkg.__file__).resolve().parent


@functools.lru_cache(maxsize=4)
def environment(extra: str | None = None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(templates_dir()))]
    if extra:
        loaders.insert(0, jinja2.FileSystemLoader(extra))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2", "xml", "xml.j2"),
                                            default_for_string=False),
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
    )
    return env


def render(template: str, context: dict[str, Any], user_template: str | None = None) -> str:
    if user_template:
        path = Path(user_template)
        env = environment(str(path.resolve().parent))
        return env.get_template(path.name).render(**context)
    return environment().get_template(template).render(**context)
