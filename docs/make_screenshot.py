"""Regenerate docs/screenshot-report.png (the README's picture of the HTML report) from examples/.

    python docs/make_screenshot.py

Needs Debian's chromium and Playwright (`pip install -e ".[test]"`); nothing is downloaded. The picture stitches the
overview, the list of reports and one report's findings with its 表三 drawn and the offending cells highlighted.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "article[data-path='examples/defects/hexi-district-2022-unbalanced.html']"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "report.html"
        subprocess.run([sys.executable, "-m", "gxlint", "check", "--no-cache", "-q", "-f", "html", "-o", str(html),
                        "examples"], cwd=ROOT, check=False)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(html.as_uri())

            def span(selector: str) -> tuple[int, int]:
                top, bottom = page.evaluate(
                    "s => { const r = document.querySelector(s).getBoundingClientRect();"
                    " return [r.top + scrollY, r.bottom + scrollY]; }", selector)
                return int(top), int(bottom)

            overview, reports, article = span(".grid2"), span("#reports"), span(ARTICLE)
            full = Image.open(io.BytesIO(page.screenshot(full_page=True)))
            browser.close()
    width = full.width
    pieces = [full.crop((0, 0, width, overview[1] + 16)),
              full.crop((0, reports[0] - 4, width, reports[1] + 8)),
              full.crop((0, article[0] - 8, width, article[0] + 600))]
    out = Image.new("RGB", (width, sum(p.height for p in pieces)), (246, 248, 250))
    y = 0
    for piece in pieces:
        out.paste(piece, (0, y))
        y += piece.height
    target = ROOT / "docs" / "screenshot-report.png"
    out.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)
    print(target, out.size)


if __name__ == "__main__":
    main()
