"""The HTML report against hostile report text (issue 6): scripts, event handlers, javascript: links, CSS and template
injection in report text, table cells, the agency name, a file name and a user rule's message are shown as text. In a
real headless Chromium no script of theirs runs, no dialog opens, no request leaves the page, and the page carries a
Content-Security-Policy meta tag.

The reports are written with gxlint's own writer (txt and html), so the attack reaches the report through the same
reader path an agency's upload would take."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gxlint.write import write
from gxlint.write.draft import Draft

CHROMIUM = "/usr/bin/chromium"
EVIL = "http://127.0.0.1:9/evil"  # port 9 (discard): nothing listens; the route handler sees any attempt first
HOSTILE = [
    "<script>window.__pwned=1;alert(1)</script>",
    '"><img src=x onerror="window.__pwned=2;alert(2)">',
    "'><svg onload=window.__pwned=3>",
    '<a href="javascript:window.__pwned=4">点此查看</a>',
    "javascript:window.__pwned=5",
    f"</style><style>body{{background:url({EVIL}/css)}}</style>",
    f'<link rel=stylesheet href="{EVIL}/link.css">',
    f'<meta http-equiv="refresh" content="0;url={EVIL}/refresh">',
    f'<base href="{EVIL}/">',
    f'<iframe src="{EVIL}/frame"></iframe>',
    "{{ 7*7 }}{% raw %}${7*7}",
    "</textarea></title><script>window.__pwned=6</script>",
]
MARKERS = ("<script>window.__pwned=1", "onerror=", "javascript:window.__pwned=4", "</style><style>")


def _write(path: Path, draft: Draft) -> Path:
    path.write_bytes(write(draft, path.suffix.lstrip(".")))
    return path


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("hostile-html")
    reports = root / "reports"
    reports.mkdir()
    blank = Draft.blank(2024)
    cells = list(blank.iter_cells())
    for suffix in ("txt", "html"):
        d = blank
        for (table, row, col, _), text in zip(cells, HOSTILE, strict=False):
            d = d.with_cell(table, row, col, text)
        _write(reports / f"cells.{suffix}", d)
        # the spam rule (GX901) quotes the words around 博彩: each attack right after it
        _write(reports / f"part.{suffix}", blank.with_part("一", "。".join("博彩" + h for h in HOSTILE)))
    _write(reports / "agency.txt", Draft.blank(2024, agency="<script>window.__pwned=7</script>某县人民政府"))
    _write(reports / "x'><svg onload=window.__pwned=8>.txt", blank.with_part("一", "博彩" + HOSTILE[0]))
    pack = root / "pack"
    pack.mkdir()
    (pack / "GX950.yaml").write_text(textwrap.dedent("""\
        code: GX950
        name: user-markup
        level: warning
        summary: "<b onmouseover=window.__pwned=9>用户规则</b>"
        message: "<img src=x onerror=window.__pwned=10>「{match}」<script>window.__pwned=11</script>"
        check:
          kind: text
          mode: present
          patterns: ['博彩[^。]{0,40}']
        examples:
          - fire: true
            base: blank-2024
        """), encoding="utf-8")
    (root / ".gxlint.yaml").write_text("rules_paths: [pack]\n", encoding="utf-8")
    out = root / "report.html"
    proc = subprocess.run([sys.executable, "-m", "gxlint", "check", "reports", "--no-cache", "--format", "html",
                           "-o", str(out)], capture_output=True, text=True, cwd=root, timeout=300)
    assert proc.returncode == 1, proc.stderr[-2000:]
    return {"path": out, "html": out.read_text(encoding="utf-8")}


def _attributes(html: str, bad: Any) -> list[tuple[str, str, str | None]]:
    """Attributes (as a browser's tokenizer sees them, not text that looks like one) for which bad(name, value)."""
    from html.parser import HTMLParser

    found: list[tuple[str, str, str | None]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.extend((tag, n, v) for n, v in attrs if bad(n, v))

    Collect().feed(html)
    return found


def test_hostile_text_is_escaped_in_the_file(hostile_report: dict[str, Any]) -> None:
    html = hostile_report["html"]
    assert re.search(r'<meta http-equiv="Content-Security-Policy" content="[^"]*default-src \'none\'', html)
    assert len(re.findall(r"<script\b", html, re.I)) == 1  # the report's own, allowed by its hash
    assert len(re.findall(r"<style\b", html, re.I)) == 1
    for tag in ("<img", "<svg", "<iframe", "<base", "<a href=\"javascript", "<meta http-equiv=\"refresh"):
        assert tag not in html.lower()
    assert re.findall(r"<link\b[^>]*>", html, re.I) == ['<link rel="icon" href="data:,">']  # the report's own
    assert _attributes(html, lambda name, value: name.startswith("on")) == []
    assert _attributes(html, lambda name, value: name in ("href", "src", "action", "formaction")
                       and not (value or "").startswith(("#", "data:"))) == []
    assert "&lt;script&gt;window.__pwned=1" in html  # there, as text
    assert "{{ 7*7 }}" in html or "{{ 7*7 }}".replace(" ", "") in html.replace(" ", "")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


@pytest.mark.browser
def test_no_hostile_script_runs_and_nothing_leaves_the_page(browser: Any, hostile_report: dict[str, Any]) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    url = hostile_report["path"].as_uri()
    requests: list[str] = []
    dialogs: list[str] = []
    errors: list[str] = []

    def route(r: Any) -> None:
        requests.append(r.request.url)
        if r.request.url == url:
            r.continue_()
        else:
            r.abort()

    def on_dialog(d: Any) -> None:
        dialogs.append(d.message)
        d.dismiss()

    context.route("**/*", route)
    page.on("dialog", on_dialog)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_load_state("load")
    # open everything that can be opened and hover everything that has a title: hidden attacks get their chance
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    for el in page.query_selector_all("[title], a, button")[:200]:
        try:
            el.hover(timeout=200)
        except Exception:  # off-screen or hidden: fine
            pass
    for el in page.query_selector_all("a[href]")[:100]:
        href = el.get_attribute("href") or ""
        assert not href.lower().lstrip().startswith(("javascript:", "data:text/html", "vbscript:")), href
        if href.startswith("#"):
            el.click(timeout=500)
    page.wait_for_timeout(500)

    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert dialogs == []
    assert requests == [url], requests  # the file itself, nothing else
    assert errors == []
    found = page.evaluate("""() => {
        const bad = [];
        for (const el of document.querySelectorAll('*')) {
            for (const a of el.attributes) if (/^on/i.test(a.name)) bad.push(el.tagName + ' ' + a.name);
            if (['IFRAME', 'OBJECT', 'EMBED', 'BASE', 'IMG', 'SVG'].includes(el.tagName.toUpperCase()))
                bad.push(el.tagName);
            if (el.tagName === 'LINK' && !(el.getAttribute('href') || '').startsWith('data:')) bad.push('LINK');
        }
        return bad;
    }""")
    assert found == []
    assert page.evaluate("() => document.scripts.length") == 1
    assert page.evaluate("() => getComputedStyle(document.body).backgroundImage") == "none"
    csp = page.evaluate("() => document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]')?.content")
    assert csp and "default-src 'none'" in csp and "script-src 'sha256-" in csp
    text = page.inner_text("body")
    assert any(m in text for m in MARKERS), "the hostile text should be visible, as text"
    assert "<script>window.__pwned=1" in text
    context.close()
