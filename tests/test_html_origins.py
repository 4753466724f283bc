"""Where a finding in an HTML report points: at the character in the page, not at its paragraph's start tag shifted
by the length of the text before it (which lands inside the markup on every real page: styled spans, entities,
Word exports breaking lines mid-sentence)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from _output_helpers import write_report
from hypothesis import given
from hypothesis import strategies as st

from gxlint.api import lint_path
from gxlint.config import Config
from gxlint.origin import MappedOrigin, Origin
from gxlint.read import read_path
from gxlint.read.document import Line
from gxlint.read.html import _collapse, _collapse_map
from gxlint.source import source_lines

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
PERIOD = "本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。"
# the same sentence as a Word export writes it: styled spans, an entity, a line break inside the sentence
MARKED_UP = ('本报告中所列<span style="font-family:仿宋_GB2312"><b>数据</b>的统计</span>期限&nbsp;自\n'
             "2023年1月1日起至2023年12月31日止。")


def _page(tmp_path: Path) -> Path:
    page = write_report(tmp_path / "r.html", 2024)
    text = page.read_text(encoding="utf-8")
    assert PERIOD in text
    page.write_text(text.replace(PERIOD, MARKED_UP), encoding="utf-8")
    return page


def _at(path: Path, origin: Origin) -> str:
    lines = source_lines(str(path))
    assert lines is not None and origin.line is not None and origin.col is not None
    return lines[origin.line - 1][origin.col - 1:]


def test_a_finding_points_at_its_text_through_spans_and_tails(tmp_path: Path) -> None:
    page = _page(tmp_path)
    found = [f for f in lint_path(str(page), Config()).findings if f.code == "GX403"]
    assert len(found) == 1 and found[0].snippet.startswith("统计期限")
    # "统计" is the tail of <b>, inside a <span>: the finding's column is where it stands in the page
    assert _at(page, found[0].origin).startswith("统计</span>期限")


def test_characters_after_an_entity_and_a_line_break(tmp_path: Path) -> None:
    page = _page(tmp_path)
    line = next(b for b in read_path(str(page)).blocks if isinstance(b, Line) and "统计期限" in b.text)
    assert isinstance(line.origin, MappedOrigin)
    after_entity = line.origin.shifted(line.text.index("自"))
    assert _at(page, after_entity).startswith("自\n") or _at(page, after_entity) == "自"
    next_line = line.origin.shifted(line.text.index("2023年1月1日"))
    assert next_line.col == 1 and _at(page, next_line).startswith("2023年1月1日")
    assert next_line.line == after_entity.line + 1  # type: ignore[operator]


def test_mapped_origins_compare_and_travel_as_plain_ones(tmp_path: Path) -> None:
    line = next(b for b in read_path(str(_page(tmp_path))).blocks if isinstance(b, Line))
    o = line.origin
    assert isinstance(o, MappedOrigin)
    plain = Origin(*o.as_tuple())
    assert o == plain and plain == o and hash(o) == hash(plain) and o.as_dict() == plain.as_dict()
    back = pickle.loads(pickle.dumps(o))
    assert type(back) is Origin and back == plain
    o.settle()  # checked: the page is let go, and a shift falls back to the line's own place
    assert o.shifted(5) == plain


@given(st.text(alphabet="ab中文 \t\n\f\u3000\u00a0", max_size=40))
def test_collapse_map_follows_collapse(text: str) -> None:
    out = _collapse(text)
    index = _collapse_map(text)
    assert len(index) == len(out)
    assert index == sorted(set(index))
    for ch, i in zip(out, index, strict=True):
        assert ch == text[i] or (ch == " " and text[i] in " \t\n\f")


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")
def test_pingtan_2019_gx606_points_at_the_total_in_a_165_kb_line() -> None:
    """The page is one minified line of 166,000 characters; the total sits in the tail of a nested span."""
    page = CORPUS / "real" / "fujian_pingtan_zone_2019_page.html"
    found = [f for f in lint_path(str(page), Config()).findings if f.code == "GX606"]
    assert len(found) == 1
    assert _at(page, found[0].origin).startswith("2599条，(其中机构职能类信息25条")


def test_text_output_shows_the_page_text_around_an_html_finding(tmp_path: Path) -> None:
    """The excerpt under a finding is the line as a reader sees it (tags out, entities decoded), not markup."""
    import subprocess
    import sys

    page = _page(tmp_path)
    out = subprocess.run([sys.executable, "-m", "gxlint", "check", str(page), "--no-cache", "--color", "never"],
                         capture_output=True, text=True, cwd=tmp_path).stdout
    (excerpt,) = [line for line in out.splitlines() if "│" in line]
    assert "本报告中所列数据的统计期限\u00a0自" in excerpt and "<" not in excerpt and "&nbsp;" not in excerpt


def test_page_text_maps_the_column_and_breaks_cells() -> None:
    from gxlint.render.model import _page_text

    line = '<tr><td style="a">行政规范性文件</td><td>58</td><td><p>45</p></td><td>546</td></tr>'
    text, at = _page_text(line, line.index("<td>546") )  # a cell's origin is its start tag
    assert text.startswith("行政规范性文件 58 45 546") and text[at:].startswith("546")
    text, at = _page_text("a &amp; b<b>c</b>d", len("a &amp; b<b>"))
    assert text == "a & bcd" and text[at] == "c"
    long = "<p>" + "字" * 50_000 + "<span>目标</span>" + "字" * 50_000 + "</p>"
    text, at = _page_text(long, long.index("目标"))  # a minified page: only a stretch is looked at
    assert text[at:].startswith("目标") and len(text) < 2_000


def test_many_positions_in_one_huge_paragraph_stay_cheap(tmp_path: Path) -> None:
    """A whole report in one paragraph, thick with entities and inline tags: asking for thousands of positions
    costs one pass over the line, not one per question (the map is kept), and each answer is bounded."""
    import time

    unit = "第&nbsp;<b>2023</b>&nbsp;年度&amp;"
    page = tmp_path / "big.html"
    page.write_text(f"<html><body><p>{unit * 20_000}</p></body></html>", encoding="utf-8")
    (line,) = [b for b in read_path(str(page)).blocks if isinstance(b, Line)]
    assert isinstance(line.origin, MappedOrigin)
    started = time.process_time()
    first = line.origin.shifted(line.text.index("2023"))
    for k in range(0, len(line.text), max(1, len(line.text) // 3000)):
        line.origin.shifted(k)
    assert time.process_time() - started < 5
    assert _at(page, first).startswith("2023</b>")


@given(st.text(alphabet="<>&;/ab中 \"'=p", max_size=300), st.integers(min_value=0, max_value=400))
def test_page_text_never_fails(line: str, i: int) -> None:
    """Any line (unclosed tags, a bare "<", broken entities) and any column give some text and a place in it."""
    from gxlint.render.model import _page_text

    i = min(i, len(line))
    text, at = _page_text(line, i)
    assert 0 <= at <= len(text)
