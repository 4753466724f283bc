"""The raw source text of a text-format report (txt, md, html), split into lines the way its reader numbers them.

Used to show the offending line in text output and to find inline suppression comments. docx and pdf have no lines:
`source_lines` returns None for them (and for a file that cannot be read or decoded).
"""

from __future__ import annotations

import functools
from pathlib import Path

TEXT_SUFFIXES = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md"}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
MAX_SOURCE_BYTES = 50 * 1024 * 1024


def source_kind(path: str) -> str | None:
    """txt / html for the formats that have lines, else None."""
    suffix = Path(path).suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return "txt"
    if suffix in HTML_SUFFIXES:
        return "html"
    return None


def source_lines(path: str) -> tuple[str, ...] | None:
    """The decoded lines of a txt/md/html file, numbered as its reader numbers them (index 0 is line 1).

    The text reader numbers `str.splitlines()`; the html reader numbers libxml2's lines, which break at "\\n" only.
    """
    kind = source_kind(path)
    if kind is None:
        return None
    try:
        st = Path(path).stat()
    except OSError:
        return None
    if st.st_size > MAX_SOURCE_BYTES:
        return None
    return _lines(str(path), kind, st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=32)
def _lines(path: str, kind: str, mtime_ns: int, size: int) -> tuple[str, ...] | None:
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    try:
        if kind == "html":
            from gxlint.read.html import decode_html

            text, _ = decode_html(data)
            return tuple(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
        from gxlint.read.encoding import decode

        text, _ = decode(data)
    except Exception:  # undecodable bytes: the reader reported it already (GX001)
        return None
    return tuple(text.splitlines())
