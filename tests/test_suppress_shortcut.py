"""The suppression pass's shortcut: a file said to hold no directive (from its bytes, without decoding lines) holds
none when its lines are read and parsed the slow way — whatever its encoding; and files with directives are not
said to be without them."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gxlint.source import source_lines
from gxlint.suppress import parse_directives, surely_without_directives

EXAMPLES = settings(max_examples=300, deadline=None, derandomize=True, database=None)

PIECES = st.sampled_from(["政府信息公开", "<!-- gxlint-disable GX201 -->", "<!-- GXLINT-enable -->", "gxlint", "lint-",
                          "<!-- gxlint-disable-next-line -->", "\n", "\r\n", "GX-", "ｇｘｌｉｎｔ-", "表三", "12"])
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "big5", "utf-16", "utf-16-le", "utf-16-be"])


def _slow_none(path: Path) -> bool:
    lines = source_lines(str(path))
    return lines is None or parse_directives(lines) == ([], [])


@EXAMPLES
@given(pieces=st.lists(PIECES, max_size=8), encoding=ENCODINGS, suffix=st.sampled_from([".txt", ".md", ".html"]),
       charset=st.sampled_from(["", "utf-8", "gbk", "utf-7", "shift_jis"]), given_bytes=st.booleans())
def test_said_without_directives_means_none_are_parsed(pieces: list[str], encoding: str, suffix: str, charset: str,
                                                       given_bytes: bool) -> None:
    text = "".join(pieces)
    if suffix == ".html" and charset:
        text = f'<html><head><meta charset="{charset}"></head><body>{text}</body></html>'
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"r{suffix}"
        path.write_bytes(data)
        if surely_without_directives(str(path), data if given_bytes else None):
            assert _slow_none(path), (text, encoding)


@pytest.mark.parametrize(("text", "encoding"), [
    ("正文\n<!-- gxlint-disable GX201 -->\n", "utf-8"),
    ("正文\n<!-- GXLint-Disable-Next-Line -->\n", "gb18030"),
    ("正文\n<!-- gxlint-enable -->\n", "big5"),
    ("正文\n<!-- gxlint-disable GX201 -->\n", "utf-16"),  # no "gxlint-" among the bytes, but one in the text
])
def test_files_with_directives_are_read(tmp_path: Path, text: str, encoding: str) -> None:
    path = tmp_path / "r.txt"
    path.write_bytes(text.encode(encoding))
    assert not _slow_none(path)
    assert not surely_without_directives(str(path))


def test_the_shortcut_is_taken(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_bytes("政府信息公开工作年度报告\n一、总体情况\n".encode("gb18030"))
    assert surely_without_directives(str(path))
    html = tmp_path / "r.html"
    html.write_bytes('<meta charset="utf-7"><p>正文</p>'.encode())
    assert not surely_without_directives(str(html))  # utf-7 can spell "gxlint-" without those bytes
    assert surely_without_directives(str(tmp_path / "r.docx"))
    assert surely_without_directives(str(tmp_path / "missing.txt"))
