"""Writers: a Draft rendered as txt, md, html, docx or pdf bytes.

`write(draft, fmt)` looks the format up in WRITERS (format → module and function, imported only when used, so the
docx and pdf libraries load only for those formats).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from gxlint.write.draft import Draft

__all__ = ["Draft", "FORMATS", "WRITERS", "WriteError", "write", "writer"]

# format → (module, function); the function takes a Draft and returns the file's bytes
WRITERS: dict[str, tuple[str, str]] = {
    "txt": ("gxlint.write.markup", "write_txt"),
    "md": ("gxlint.write.markup", "write_md"),
    "html": ("gxlint.write.markup", "write_html"),
    "docx": ("gxlint.write.docx", "write_docx"),
    "pdf": ("gxlint.write.pdf", "write_pdf"),
}
FORMATS = tuple(WRITERS)


class WriteError(Exception):
    """A draft that cannot be written in the asked format (unknown format, no CJK font for pdf)."""


def writer(fmt: str) -> Callable[[Draft], bytes]:
    key = fmt.lower().lstrip(".")
    if key not in WRITERS:
        raise WriteError(f"unknown format {fmt!r} (supported: {', '.join(FORMATS)})")
    module, func = WRITERS[key]
    return getattr(importlib.import_module(module), func)


def write(draft: Draft, fmt: str) -> bytes:
    """The report `draft` as a file of format `fmt` (txt, md, html, docx, pdf)."""
    return writer(fmt)(draft)
