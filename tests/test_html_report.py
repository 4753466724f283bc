"""The supervisor's HTML report: self-contained and safe as a static file, then opened in a real headless Chromium
(Playwright driving Debian's chromium): no console error, no network request, filtering and sorting work, an
arithmetic finding's cell is highlighted and shows both values. Browser tests save screenshots in tests/artifacts/."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _output_helpers import EXAMPLES, cli, write_report

from gxlint.config import find_config

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
HOSTILE = "<img src=x onerror=alert(1)></script><script>alert(2)</script>"  # a cell's text, printed in messages


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The examples, an unreadable file and a report whose agency name is an attack, rendered as html and json."""
    root = tmp_path_factory.mktemp("html")
    shutil.copytree(EXAMPLES, root / "examples")
    (root / "examples" / "defects" / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    write_report(root / "examples" / "defects" / "x<svg onload=alert(3)>.txt", cells={"t2_5/licensing/decisions": HOSTILE})
    import os

    old = os.getcwd()
    os.chdir(root)
    find_config.cache_clear()
    try:
        res = cli(["check", "--no-cache", "-f", "html", "-o", "report.html", "examples"])
        assert res.code == 1, res.stderr
        doc = json.loads(cli(["check", "--no-cache", "-f", "json", "examples"]).stdout)
    finally:
        os.chdir(old)
        find_config.cache_clear()
    path = root / "report.html"
    return {"path": path, "html": path.read_text(encoding="utf-8"), "json": doc}


# -- the file itself --------------------------------------------------------------------------------------------------

def test_self_contained_with_a_strict_csp(built: dict[str, Any]) -> None:
    html = built["html"]
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert csp, "no CSP meta tag"
    policy = dict(part.strip().split(" ", 1) for part in csp.group(1).split(";") if part.strip())
    assert policy["default-src"] == "'none'"
    assert policy["style-src"] == "'unsafe-inline'" and policy["img-src"] == "data:"
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode("utf-8")).digest()).decode("ascii")
    assert policy["script-src"] == f"'sha256-{digest}'"  # only this script may run
    assert not re.search(r"https?://", html)  # no CDN, no font, no analytics
    for attr in re.findall(r'\s(?:src|href)="([^"]*)"', html):
        assert attr.startswith(("#", "data:")), attr
    assert "<link rel=\"stylesheet\"" not in html and "@import" not in html
    assert 'lang="zh-CN"' in html and "政府信息公开工作年度报告检查结果" in html


def test_untrusted_text_is_escaped(built: dict[str, Any]) -> None:
    html = built["html"]
    assert "<img src=x" not in html and "<script>alert(2)" not in html and "<svg" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "x&lt;svg onload=alert(3)&gt;.txt" in html


def test_overview_counts(built: dict[str, Any]) -> None:
    html, s = built["html"], built["json"]["summary"]
    for key, value in (("n-files", s["files"]), ("n-clean", s["clean"]), ("n-error", s["by_level"]["error"]),
                       ("n-unreadable", s["unreadable"])):
        assert f'id="{key}">{value}<' in html
    for rule in s["by_rule"]:
        assert f'<td class="code">{rule["code"]}</td>' in html
    assert "北湖区人民政府" in html and "按机关和年度" in html and "没有问题的报告（4 份）" in html


# -- in a real browser -------------------------------------------------------------------------------------------------

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


@pytest.fixture
def page(browser: Any, built: dict[str, Any]) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    url = built["path"].as_uri()
    requests: list[str] = []
    problems: list[str] = []

    def route(r: Any) -> None:
        requests.append(r.request.url)
        if r.request.url == url:
            r.continue_()
        else:
            r.abort()

    context.route("**/*", route)
    pg.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning")
          else None)
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    pg.goto(url)
    pg.wait_for_load_state("load")
    pg.gxlint = {"requests": requests, "problems": problems, "url": url}
    yield pg
    context.close()


def _visible_rows(pg: Any) -> list[str]:
    return pg.eval_on_selector_all("#report-list tbody tr:not(.hidden)", "rs => rs.map(r => r.dataset.path)")


@pytest.mark.browser
def test_loads_without_errors_or_requests(page: Any) -> None:
    page.wait_for_timeout(300)
    assert page.gxlint["problems"] == []
    assert page.gxlint["requests"] == [page.gxlint["url"]]  # the file itself, nothing else
    assert page.inner_text("#list-count") == "显示 12 / 12 份报告"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "html-report.png"), full_page=True)


@pytest.mark.browser
def test_filtering(page: Any) -> None:
    page.fill("#filter-text", "hexi")
    assert _visible_rows(page) == ["examples/defects/hexi-district-2022-unbalanced.html"]
    assert page.is_visible("article[data-path='examples/defects/hexi-district-2022-unbalanced.html']")
    assert not page.is_visible("article[data-path='examples/clean/qingshan-county-2024.docx']")
    assert page.inner_text("#list-count") == "显示 1 / 12 份报告"
    page.fill("#filter-text", "")
    page.select_option("#filter-status", "clean")
    assert sorted(_visible_rows(page)) == sorted(
        ["examples/clean/beihu-district-2020.html", "examples/clean/linjiang-education-2023.md",
         "examples/clean/qingshan-county-2024.docx", "examples/clean/yuntai-justice-2024-suppressed.html"])
    page.select_option("#filter-status", "unreadable")
    assert _visible_rows(page) == ["examples/defects/broken.pdf"]
    page.select_option("#filter-status", "")
    page.select_option("#filter-year", "2019")
    assert _visible_rows(page) == ["examples/defects/pingan-county-2019-procurement.txt"]
    page.select_option("#filter-year", "")
    page.select_option("#filter-rule", "GX303")
    assert _visible_rows(page) == ["examples/defects/hexi-district-2022-unbalanced.html"]
    page.select_option("#filter-rule", "")
    page.fill("#filter-text", "北湖区")  # by agency, in Chinese
    assert _visible_rows(page) == ["examples/clean/beihu-district-2020.html"]
    assert page.gxlint["problems"] == []


@pytest.mark.browser
def test_sorting(page: Any) -> None:
    def column(attr: str) -> list[str]:
        return page.eval_on_selector_all("#report-list tbody tr", f"rs => rs.map(r => r.dataset.{attr})")

    page.click("#report-list th[data-sort=error]")
    errors = [int(x) for x in column("error")]
    assert errors == sorted(errors)
    assert page.get_attribute("#report-list th[data-sort=error]", "aria-sort") == "ascending"
    page.click("#report-list th[data-sort=error]")
    errors = [int(x) for x in column("error")]
    assert errors == sorted(errors, reverse=True) and errors[0] == 2
    assert page.get_attribute("#report-list th[data-sort=error]", "aria-sort") == "descending"
    page.click("#report-list th[data-sort=year]")
    years = [int(x) if x else 0 for x in column("year")]
    assert years == sorted(years)
    assert page.get_attribute("#report-list th[data-sort=error]", "aria-sort") is None
    page.click("#report-list th[data-sort=path]")
    paths = column("path")
    assert paths == sorted(paths)
    assert page.gxlint["problems"] == []


@pytest.mark.browser
def test_arithmetic_cell_is_highlighted_with_both_values(page: Any, built: dict[str, Any]) -> None:
    file = next(f for f in built["json"]["files"] if f["path"].endswith("hexi-district-2022-unbalanced.html"))
    finding = file["findings"][0]
    assert finding["code"] == "GX303"
    left, right = finding["values"]["left"], finding["values"]["right"]
    article = "article[data-path='examples/defects/hexi-district-2022-unbalanced.html']"
    cell = page.locator(f"{article} td.cell.mark-main").first
    cell.scroll_into_view_if_needed()
    assert cell.is_visible()
    assert cell.locator(".vs").inner_text() == f"{left} ≠ {right}"
    style = cell.evaluate("el => { const s = getComputedStyle(el); return [s.backgroundColor, s.outlineStyle,"
                          " s.outlineColor]; }")
    assert style[0] not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)") and style[1] == "solid"
    plain = page.locator(f"{article} td.cell:not(.mark-main):not(.mark-involved)").first
    assert plain.evaluate("el => getComputedStyle(el).backgroundColor") != style[0]
    # the finding in the list says both values too and links to the cell
    item = page.locator(f"{article} li.finding").first
    assert f"{left} ≠ {right}" in item.inner_text()
    link = item.locator("a.to-cell")
    target = link.get_attribute("href")
    link.click()
    assert page.evaluate("location.hash") == target
    assert page.locator(target).evaluate("el => el.classList.contains('mark-main')")
    # involved cells of the relation are marked too
    assert page.locator(f"{article} td.cell.mark-involved").count() >= 3
    cell.screenshot(path=str(ARTIFACTS / "html-report-cell.png"))
    page.locator(f"{article}").screenshot(path=str(ARTIFACTS / "html-report-article.png"))
    assert page.gxlint["problems"] == []


@pytest.mark.browser
def test_blank_cell_is_marked(page: Any) -> None:
    article = "article[data-path='examples/defects/shimen-transport-2024-blank-cell.txt']"
    cell = page.locator(f"{article} td.cell.mark-main")
    assert cell.count() == 1 and cell.inner_text() == "空白" and "empty" in cell.get_attribute("class")


@pytest.mark.browser
def test_prints_cleanly(page: Any) -> None:
    page.emulate_media(media="print")
    assert not page.is_visible(".toolbar")
    assert page.evaluate("getComputedStyle(document.querySelector('header.page')).backgroundColor") == \
        "rgb(255, 255, 255)"
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.evaluate("[...document.querySelectorAll('details')].every(d => d.open)")
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF" and len(pdf) > 10_000
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert not page.evaluate("[...document.querySelectorAll('details')].every(d => d.open)")


@pytest.mark.browser
def test_an_unreadable_row_is_drawn_as_unreadable(browser: Any, tmp_path: Path) -> None:
    """A 表二 row printed with two values for three columns ("规章 | 22 | 235") is unreadable: its cells read
    无法读取 in the drawn table (the text read in a tooltip), never its first value in every column."""
    from gxlint.write import write
    from gxlint.write.draft import Draft

    text = write(Draft.blank(2024), "txt").decode("utf-8")
    (tmp_path / "a.txt").write_text(text.replace("规章 | 0 | 0 | 0", "规章 | 22 | 235"), encoding="utf-8")
    res = cli(["check", "--no-cache", "-f", "html", "-o", str(tmp_path / "r.html"), str(tmp_path / "a.txt")])
    assert res.code == 0, res.stderr  # GX003 is a warning
    pg = browser.new_page()
    try:
        pg.goto((tmp_path / "r.html").as_uri())
        rows = pg.eval_on_selector_all("table tr", "rs => rs.map(r => Array.from(r.cells).map(c => c.innerText))")
        row = next(r for r in rows if r and r[0].strip() == "规章")
        assert [c.strip() for c in row[1:]] == ["无法读取"] * 3, rows
        tips = pg.eval_on_selector_all("td span.unreadable", "ss => ss.map(s => s.title)")
        assert tips and all("22" in t for t in tips)
    finally:
        pg.close()
