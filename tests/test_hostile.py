"""Hostile files (issue 6): each one gives a clear GX001 (or, when it is readable after all, an ordinary result) in
bounded time and memory, never a crash, a hang, a resolved external entity or a network request.

Each file is linted in a child process under RLIMIT_AS and a timeout; the child reports its own peak RSS and the
seconds each file took, so a regression shows as a number, not as a dead CI machine.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import random
import resource
import socket
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gxlint.read import MAX_BYTES, read_bytes
from gxlint.read.document import MAX_GRID_CELLS, MAX_PIECES, Document, Line, RawCell, ReadError, Table
from gxlint.write import write
from gxlint.write.draft import Draft

ROOT = Path(__file__).resolve().parent.parent
MEMORY_LIMIT = 2 * 1024**3  # RLIMIT_AS of the child: a bomb that gets past a guard dies instead of taking the host

CHILD = r"""
import importlib, json, resource, sys, time
patches, paths = json.loads(sys.argv[1])
for module, name, value in patches:  # lower a limit so a test runs in seconds (e.g. the PDF deadline)
    setattr(importlib.import_module(module), name, value)
from gxlint.api import lint_path
from gxlint.config import Config
out = []
for p in paths:
    t = time.monotonic()
    r = lint_path(p, Config())
    out.append({"path": p, "seconds": time.monotonic() - t, "error": r.error,
                "findings": [f.as_dict() for f in r.findings]})
try:  # this process's own high-water mark (ru_maxrss would include the forking parent's, kept across exec)
    with open("/proc/self/status") as fh:
        peak = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:")) / 1024
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"results": out, "maxrss_mb": peak}, ensure_ascii=False))
"""


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def isolated(*paths: Path, timeout: float = 120, patches: tuple[tuple[str, str, Any], ...] = ()) -> dict[str, Any]:
    """lint_path on each file in a child process with a memory cap and a timeout."""
    proc = subprocess.run([sys.executable, "-c", CHILD, json.dumps([list(patches), [str(p) for p in paths]])],
                          capture_output=True, text=True, timeout=timeout, preexec_fn=_limit_memory, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def one(path: Path, *, seconds: float = 20, rss_mb: float = 600, **kw: Any) -> dict[str, Any]:
    out = isolated(path, **kw)
    result = out["results"][0]
    assert result["seconds"] < seconds, result
    assert out["maxrss_mb"] < rss_mb, out["maxrss_mb"]
    return result


def gx001(result: dict[str, Any], *fragments: str) -> str:
    codes = [f["code"] for f in result["findings"]]
    assert codes == ["GX001"], (codes, result["findings"][:3])
    message = result["findings"][0]["message"]
    assert any(f in message for f in fragments), message
    assert "读取文件时出错" not in message  # the catch-all in api.py: a hostile file must meet a real guard
    return message


# ------------------------------------------------------------------------------------------------------- docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@pytest.fixture(scope="module")
def docx_base() -> bytes:
    return write(Draft.blank(2021), "docx")


def docx_with(base: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None,
              compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", compression) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info)))
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    return out.getvalue()


def document_xml(body: str, doctype: str = "", decl: str = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 ) -> str:
    return (f"{decl}\n{doctype}<w:document xmlns:w=\"{W}\"><w:body>"
            f"<w:p><w:r><w:t>某县人民政府2024年政府信息公开工作年度报告</w:t></w:r></w:p>{body}</w:body></w:document>")


def test_zip_bomb_docx_total_size(tmp_path: Path, docx_base: bytes) -> None:
    """210 MB of XML (declared honestly) in a ~200 KB file: refused from the sizes the archive declares."""
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(io.BytesIO(docx_base)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info.filename, src.read(info))
        with dst.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(document_xml("").encode()[:-len("</w:body></w:document>")])
            chunk = b"<w:p/>" + b" " * (1024 * 1024 - 6)
            for _ in range(210):
                fh.write(chunk)
            fh.write(b"</w:body></w:document>")
    assert path.stat().st_size < 2 * 1024 * 1024
    gx001(one(path, seconds=10, rss_mb=300), "压缩炸弹")


def test_zip_bomb_docx_ratio(tmp_path: Path, docx_base: bytes) -> None:
    """A 20 MB member of zeros (ratio ~1000:1): refused on the ratio before anything is inflated."""
    path = tmp_path / "ratio.docx"
    path.write_bytes(docx_with(docx_base, add={"word/media/image1.bin": b"\0" * (20 * 1024 * 1024)}))
    gx001(one(path, seconds=10, rss_mb=300), "压缩比")


def _lie_about_size(data: bytes, name: str, size: int) -> bytes:
    """Patch the uncompressed size of member `name` in its local header and in the central directory."""
    buf = bytearray(data)
    encoded = name.encode()
    local = buf.find(b"PK\x03\x04")
    while local != -1:
        n = int.from_bytes(buf[local + 26: local + 28], "little")
        if buf[local + 30: local + 30 + n] == encoded:
            buf[local + 22: local + 26] = size.to_bytes(4, "little")
            break
        local = buf.find(b"PK\x03\x04", local + 4)
    central = buf.find(b"PK\x01\x02")
    while central != -1:
        n = int.from_bytes(buf[central + 28: central + 30], "little")
        if buf[central + 46: central + 46 + n] == encoded:
            buf[central + 24: central + 28] = size.to_bytes(4, "little")
        central = buf.find(b"PK\x01\x02", central + 4)
    return bytes(buf)


def test_zip_bomb_docx_lying_sizes(tmp_path: Path, docx_base: bytes) -> None:
    """A member that declares 1 KB and inflates to 100 MB: never inflated past what it declares (CRC fails)."""
    big = document_xml("<w:p/>" * 10 + " " * (100 * 1024 * 1024)).encode()
    path = tmp_path / "liar.docx"
    path.write_bytes(_lie_about_size(docx_with(docx_base, {"word/document.xml": big}), "word/document.xml", 1024))
    gx001(one(path, seconds=10, rss_mb=400), "docx")


def test_docx_with_too_many_members(tmp_path: Path, docx_base: bytes) -> None:
    path = tmp_path / "members.docx"
    path.write_bytes(docx_with(docx_base, add={f"x/{i}.bin": b"" for i in range(10_050)},
                               compression=zipfile.ZIP_STORED))
    gx001(one(path, seconds=20, rss_mb=400), "部件")


def test_docx_with_a_million_paragraphs(tmp_path: Path, docx_base: bytes) -> None:
    """Varied text compresses ~4:1 (no ratio alarm) but would cost minutes and gigabytes to walk."""
    rng = random.Random(6)
    body = "".join(f"<w:p><w:r><w:t>{rng.randrange(10**9)}</w:t></w:r></w:p>" for _ in range(MAX_PIECES + 10_000))
    path = tmp_path / "paragraphs.docx"
    path.write_bytes(docx_with(docx_base, {"word/document.xml": document_xml(body).encode()}))
    gx001(one(path, seconds=20, rss_mb=600), "远超一份年度报告")


LAUGHS = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
BILLION_LAUGHS = f'<!DOCTYPE w:document [<!ENTITY lol0 "lol">{LAUGHS}]>'


@pytest.mark.parametrize("member", ["word/document.xml", "word/styles.xml", "docProps/core.xml",
                                    "[Content_Types].xml", "_rels/.rels"])
def test_billion_laughs_in_a_docx(tmp_path: Path, docx_base: bytes, member: str) -> None:
    with zipfile.ZipFile(io.BytesIO(docx_base)) as zf:
        original = zf.read(member).decode("utf-8") if member in zf.namelist() else document_xml("")
    root_at = original.index("<", original.index("?>") + 2) if original.startswith("<?xml") else 0
    hostile = original[:root_at] + BILLION_LAUGHS + original[root_at:]
    hostile = hostile.replace("</w:body>", "<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body>")
    path = tmp_path / "laughs.docx"
    path.write_bytes(docx_with(docx_base, {member: hostile.encode()}))
    gx001(one(path, seconds=10, rss_mb=300), "实体")


class Listener:
    """A local TCP port that records every connection (an external entity or a report fetching something)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(0.5)
                try:
                    self.hits.append(conn.recv(4096) or b"<connected>")
                except OSError:
                    self.hits.append(b"<connected>")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.close()


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("GXLINT-SECRET-7f3a9c 不应出现在任何输出中\n", encoding="utf-8")
    return path


def _xxe_doctype(secret: Path, port: int) -> str:
    return (f'<!DOCTYPE w:document [<!ENTITY sec SYSTEM "file://{secret}"><!ENTITY pw SYSTEM "file:///etc/passwd">'
            f'<!ENTITY net SYSTEM "http://127.0.0.1:{port}/entity"><!ENTITY % dtd SYSTEM "http://127.0.0.1:{port}/dtd">'
            f"%dtd;]>")


def _xxe_variants(secret: Path, port: int) -> dict[str, bytes]:
    body = "<w:p><w:r><w:t>&sec;&pw;&net;</w:t></w:r></w:p>"
    doctype = _xxe_doctype(secret, port)
    utf8 = document_xml(body, doctype)
    return {
        "utf-8": utf8.encode(),
        "utf-16-bom": codecs.BOM_UTF16_LE + document_xml(body, doctype, '<?xml version="1.0" encoding="UTF-16"?>'
                                                          ).encode("utf-16-le"),
        "utf-16-no-bom": document_xml(body, doctype, '<?xml version="1.0" encoding="UTF-16"?>').encode("utf-16-le"),
        "utf-16-be": document_xml(body, doctype, '<?xml version="1.0" encoding="UTF-16BE"?>').encode("utf-16-be"),
        "ebcdic": document_xml(body.replace("&sec;&pw;&net;", "&sec;&pw;&net;"), doctype,
                               '<?xml version="1.0" encoding="IBM037"?>').encode("cp037", "replace"),
        "system-dtd": document_xml(body.replace("&sec;&pw;&net;", "x"),
                                   f'<!DOCTYPE w:document SYSTEM "http://127.0.0.1:{port}/system.dtd">').encode(),
        "xinclude": document_xml(f'<w:p><w:r><w:t><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                                 f'href="file://{secret}" parse="text"/></w:t></w:r></w:p>').encode(),
    }


def _assert_nothing_leaked(text: str, secret: Path) -> None:
    assert "GXLINT-SECRET-7f3a9c" not in text
    passwd = Path("/etc/passwd").read_text(encoding="utf-8", errors="replace").splitlines()
    for line in passwd[:5]:
        if line.count(":") >= 5:
            assert line not in text


@pytest.mark.parametrize("member", ["word/document.xml", "docProps/core.xml", "word/styles.xml",
                                    "[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels"])
def test_external_entities_in_a_docx_are_never_resolved(tmp_path: Path, docx_base: bytes, listener: Listener,
                                                         secret: Path, member: str) -> None:
    files = []
    for name, xml in _xxe_variants(secret, listener.port).items():
        if member != "word/document.xml":  # the same doctype on another part, that part otherwise intact
            with zipfile.ZipFile(io.BytesIO(docx_base)) as zf:
                original = zf.read(member).decode("utf-8") if member in zf.namelist() else ""
            if not original or name not in ("utf-8", "system-dtd"):
                continue
            at = original.index("<", original.index("?>") + 2) if original.startswith("<?xml") else 0
            doctype = (_xxe_doctype(secret, listener.port) if name == "utf-8"
                       else f'<!DOCTYPE x SYSTEM "http://127.0.0.1:{listener.port}/system.dtd">')
            xml = (original[:at] + doctype + original[at:]).encode()
        path = tmp_path / f"xxe-{name}.docx"
        path.write_bytes(docx_with(docx_base, {member: xml}))
        files.append(path)
    cmd = [sys.executable, "-m", "gxlint", "check", "--no-cache", "--format", "json", *map(str, files)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, preexec_fn=_limit_memory, cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    _assert_nothing_leaked(proc.stdout + proc.stderr, secret)
    assert listener.hits == []
    report = json.loads(proc.stdout)
    by_path = {Path(f["path"]).name: f for f in report.get("files", [])} if isinstance(report, dict) else {}
    text = json.dumps(report, ensure_ascii=False)
    assert "xxe-utf-8.docx" in text
    if by_path:  # the plain DOCTYPE is refused outright
        assert any(f.get("code") == "GX001" for f in by_path["xxe-utf-8.docx"].get("findings", []))


def test_external_entities_in_xhtml_are_never_resolved(tmp_path: Path, listener: Listener, secret: Path) -> None:
    page = (f'<?xml version="1.0"?>{_xxe_doctype(secret, listener.port)}'
            '<html xmlns="http://www.w3.org/1999/xhtml"><body><h1>某县2024年政府信息公开工作年度报告</h1>'
            f'<p>&sec;&pw;&net;</p><img src="http://127.0.0.1:{listener.port}/img.png"/>'
            f'<link rel="stylesheet" href="http://127.0.0.1:{listener.port}/x.css"/></body></html>')
    files = []
    for suffix in (".xhtml", ".html"):
        path = tmp_path / f"xxe{suffix}"
        path.write_text(page, encoding="utf-8")
        files.append(path)
    out = isolated(*files)
    _assert_nothing_leaked(json.dumps(out, ensure_ascii=False), secret)
    assert listener.hits == []


# -------------------------------------------------------------------------------------------------------- pdf

def pdf(objects: list[bytes]) -> bytes:
    """Objects numbered from 1, a correct xref table, object 1 the catalog."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_stream(data: bytes, flate: bool = False, extra: bytes = b"") -> bytes:
    if flate:
        data = zlib.compress(data, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
TEXT = b"BT /F1 12 Tf 72 720 Td (2024 annual report) Tj ET"
PAGE = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> %s>> "
        b"/Contents 4 0 R %s>>")


def one_page(content: bytes = TEXT, page_extra: bytes = b"", count: int = 1, flate: bool = False,
             resources: bytes = b"", more: tuple[bytes, ...] = ()) -> bytes:
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [5 0 R] /Count %d >>" % count, FONT,
                pdf_stream(content, flate), PAGE % (resources, page_extra), *more])


DEEP = 100_000


def _pdf_cases() -> dict[str, tuple[bytes, tuple[str, ...]]]:
    """name → (file, acceptable GX001 message fragments; () when the file may be read)."""
    n = 2000
    kids = b" ".join(b"%d 0 R" % (i + 5) for i in range(n))
    form = pdf_stream(b"BT /F1 1 Tf " + b"".join(b"1 0 0 1 %d %d Tm (x) Tj " % (i % 600, i // 600)
                                                   for i in range(1000)) + b" ET",
                      extra=b" /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >>")
    return {
        "declared_pages": (one_page(count=10**9), ("页数过多",)),
        "real_pages": (pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count 1 >>" % kids,
                            FONT, pdf_stream(TEXT)] + [PAGE % (b"", b"")] * n), ("页数过多",)),
        "page_tree_cycle": (pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R 5 0 R] /Count 2 >>",
                                 FONT, pdf_stream(TEXT), PAGE % (b"", b"")]), ()),
        "deep_arrays": (one_page(page_extra=b"/Annots " + b"[" * DEEP + b"]" * DEEP), ()),
        "deep_dicts": (one_page(page_extra=b"/Foo " + b"<< /A " * DEEP + b">>" * DEEP), ()),
        "deep_content_arrays": (one_page(TEXT + b" " + b"[" * DEEP + b"]" * DEEP + b" TJ"), ()),
        "deep_graphics_state": (one_page(b"q " * DEEP + TEXT + b" Q" * DEEP), ()),
        "reference_chain": (pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
                                 FONT, pdf_stream(TEXT), PAGE % (b"", b"/Foo 6 0 R ")]
                                + [b"%d 0 R" % (7 + i) for i in range(5000)] + [b"null"]), ()),
        "flate_bomb": (one_page(TEXT + b"\n" + b" " * 400_000_000, flate=True), ("压缩炸弹",)),
        "content_bomb": (one_page(b"BT /F1 1 Tf " + b"".join(b"1 0 0 1 %d %d Tm (x) Tj " % (i % 600, (i // 600) % 780)
                                                             for i in range(100_000)) + b"ET"), ("内容流过大",)),
        "xobject_amplification": (one_page(TEXT + b"\n" + b"/X0 Do\n" * 100_000,
                                           resources=b"/XObject << /X0 6 0 R >> ", more=(form,)), ("超时",)),
    }


PDF_CASES = _pdf_cases()


@pytest.mark.parametrize("name", sorted(PDF_CASES))
def test_hostile_pdf(tmp_path: Path, name: str) -> None:
    data, fragments = PDF_CASES[name]
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    # the deadline lowered from 30 s so the amplification case runs in seconds
    result = one(path, seconds=15, rss_mb=700, patches=(("gxlint.read.pdf", "MAX_SECONDS", 4.0),))
    if fragments:
        gx001(result, *fragments)
    else:  # read, or refused with a reason; never the catch-all, never a crash
        assert result["findings"], result
        assert not any("读取文件时出错" in f["message"] for f in result["findings"])


# ------------------------------------------------------------------------------------------------- text, html

def test_100_mb_text_file(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    line = "一、总体情况 | 本年新收政府信息公开申请数量 | 12 | 34\n".encode()
    with open(path, "wb") as fh:
        block = line * (1024 * 1024 // len(line) + 1)
        while fh.tell() < 100 * 1024 * 1024:
            fh.write(block)
    assert path.stat().st_size > MAX_BYTES
    gx001(one(path, seconds=5, rss_mb=150), "文件过大")


PIECES = {"bars": "|" * 1_000_000, "lines": "a\n" * 1_000_000, "rows": ("1|" * 50 + "\n") * 20_000,
          "blank_lines": "\n" * 5_000_000 + "x", "tabs": "\t" * 1_000_000 + "x"}


@pytest.mark.parametrize("name", sorted(PIECES))
def test_text_with_a_million_pieces(tmp_path: Path, name: str) -> None:
    """Under the size limit, but a million cells or lines: refused before they are built."""
    path = tmp_path / "pieces.txt"
    path.write_text(PIECES[name], encoding="utf-8")
    gx001(one(path, seconds=5, rss_mb=300), "远超一份年度报告")


HTML_PAGES = {
    "divs_100000": ("<div>" * 100_000 + "2024年度报告" + "</div>" * 100_000, ("嵌套过深", "远超")),
    "divs_60000": ("<div>" * 60_000 + "2024年度报告" + "</div>" * 60_000, ("嵌套过深",)),
    "tables_20000": ("<table><tr><td>" * 20_000 + "1" + "</td></tr></table>" * 20_000, ("嵌套过深", "远超")),
    "unclosed_b_60000": ("<b>" * 60_000 + "2024年度报告", ("嵌套过深",)),
    "rows_100000": ("<table>" + "<tr><td>1</td></tr>" * 100_000 + "</table>", ("远超",)),
}


@pytest.mark.parametrize("name", sorted(HTML_PAGES))
def test_deeply_nested_or_huge_html(tmp_path: Path, name: str) -> None:
    page, fragments = HTML_PAGES[name]
    path = tmp_path / f"{name}.html"
    path.write_text(f"<html><body>{page}</body></html>", encoding="utf-8")
    gx001(one(path, seconds=10, rss_mb=600), *fragments)


def test_span_bomb_is_bounded() -> None:
    """1,000 rows of <td rowspan=1000 colspan=64> (40 KB) would expand to 64 million grid positions."""
    html = ("<html><body><table>" + '<tr><td rowspan="1000" colspan="64">1</td></tr>' * 1000 + "</table></body></html>")
    table = read_bytes("span.html", html.encode()).tables()[0]
    started = time.monotonic()
    with pytest.raises(ReadError, match="过大"):
        table.grid()
    assert time.monotonic() - started < 5
    small = Table(rows=((RawCell("a", table.origin, rowspan=2, colspan=2),), (RawCell("b", table.origin),)),
                  origin=table.origin)
    assert [[c.text if c else None for c in row] for row in small.grid()] == [["a", "a", None], ["a", "a", "b"]]
    assert MAX_GRID_CELLS >= 100_000  # far above the official tables


def test_nul_bytes(tmp_path: Path) -> None:
    report = write(Draft.blank(2024), "txt")
    cut = report.index(b"\n", len(report) // 3) + 1
    cases = {
        "nul_line.txt": report[:cut] + b"\x00" + report[cut:],
        "zeroed_tail.txt": report + b"\x00" * 5000,
        "binary.txt": random.Random(1).randbytes(4096) + b"\x00",
        "nul_only.md": b"\x00" * 1000,
    }
    paths = []
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    out = isolated(*paths)
    for result in out["results"]:
        gx001(result, "NUL", "编码")
    html = write(Draft.blank(2024), "html")
    (tmp_path / "nul.html").write_bytes(html[: len(html) // 2] + b"\x00" + html[len(html) // 2:])
    # libxml2 reads past a stray NUL in a page that declares its charset: read whole, nothing lost
    doc = read_bytes("nul.html", (tmp_path / "nul.html").read_bytes())
    from gxlint.recognise import recognise

    assert [p.number for p in recognise(doc).parts] == list("一二三四五六")
    assert not [f for f in one(tmp_path / "nul.html")["findings"] if f["code"].startswith("GX0")]


def test_mixed_encodings(tmp_path: Path) -> None:
    """Half UTF-8, half GBK (two files pasted together): refused, never half of it read as nonsense."""
    text = write(Draft.blank(2024), "txt").decode("utf-8")
    half = text.index("\n", len(text) // 2) + 1
    cases = {
        "utf8_then_gbk.txt": text[:half].encode("utf-8") + text[half:].encode("gb18030"),
        "gbk_then_utf8.txt": text[:half].encode("gb18030") + text[half:].encode("utf-8"),
        "utf8_damaged.txt": text.encode("utf-8")[:2000] + b"\xff\xfe\xfd" + text.encode("utf-8")[2000:],
        "utf8_then_big5.md": text[:half].encode("utf-8") + text[half:].encode("big5", "replace"),
    }
    paths = []
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    out = isolated(*paths)
    for result in out["results"]:
        gx001(result, "混用了多种文字编码", "无法识别文件的文字编码")
    assert "混用了多种文字编码" in out["results"][0]["findings"][0]["message"]


def test_a_charset_that_is_not_a_text_encoding_is_ignored() -> None:
    page = write(Draft.blank(2024), "html").replace(b'<meta charset="utf-8">', b'<meta charset="zlib">')
    doc = read_bytes("x.html", page)
    assert doc.encoding == "utf-8" and doc.tables()


def test_lone_surrogates_in_a_document() -> None:
    """No reader emits them (strict decoding), but recognition must survive a Document holding one."""
    from gxlint.recognise import recognise

    doc = Document(path="s.txt", format="txt", blocks=(Line("某县2024年政府信息公开工作年度报告\udcb9", _o(1)),
                                                       Line("一、总体情况\ud800", _o(2))))
    report = recognise(doc)
    assert report.title and "\ufffd" in report.text


def _o(line: int) -> Any:
    from gxlint.origin import Origin

    return Origin(line=line, col=1)


# ---------------------------------------------------------------------------------------------- batch folders

def _seed_report(path: Path) -> None:
    path.write_bytes(write(Draft.blank(2024), "txt"))


def test_symlink_loops_in_a_batch_folder(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    (batch / "sub").mkdir(parents=True)
    _seed_report(batch / "good.txt")
    os.symlink(".", batch / "loop")
    os.symlink("..", batch / "sub" / "up")
    os.symlink(str(batch), batch / "sub" / "again")
    os.symlink("b.txt", batch / "a.txt")
    os.symlink("a.txt", batch / "b.txt")
    os.symlink("nowhere.txt", batch / "dangling.txt")
    os.symlink("/dev/zero", batch / "zero.txt")
    os.mkfifo(batch / "fifo.txt")
    proc = subprocess.run([sys.executable, "-m", "gxlint", "check", str(batch), "--format", "json"],
                          capture_output=True, text=True, timeout=120, preexec_fn=_limit_memory, cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert "good.txt" in proc.stdout
    data = json.loads(proc.stdout)
    text = json.dumps(data, ensure_ascii=False)
    if isinstance(data, dict) and "summary" in data:
        assert data["summary"]["files"] == 6  # good, a, b, dangling, zero, fifo
    for name in ("a.txt", "b.txt", "dangling.txt", "zero.txt", "fifo.txt"):  # a link is shown by its own path
        assert name in text, name
    assert text.count("GX001") >= 5
    assert text.count("good.txt") < 20  # the folder was searched once, not once per way into it


def test_files_that_vanish_or_change_kind_mid_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Discovered as files, then deleted, replaced by a folder, a FIFO or a link to /dev/zero before they are read:
    the batch goes on, each gets GX001, the good files are checked."""
    import gxlint.run as run

    batch = tmp_path / "batch"
    batch.mkdir()
    names = ["a_good.txt", "b_gone.txt", "c_folder.txt", "d_fifo.txt", "e_zero.txt", "f_good.md"]
    for name in names:
        _seed_report(batch / name)
    original = run.discover

    def discover_then_sabotage(paths: tuple[str, ...], exclude: tuple[str, ...] = ()) -> list[str]:
        files = original(paths, exclude)
        (batch / "b_gone.txt").unlink()
        (batch / "c_folder.txt").unlink()
        (batch / "c_folder.txt").mkdir()
        (batch / "d_fifo.txt").unlink()
        os.mkfifo(batch / "d_fifo.txt")
        (batch / "e_zero.txt").unlink()
        os.symlink("/dev/zero", batch / "e_zero.txt")
        return files

    monkeypatch.setattr(run, "discover", discover_then_sabotage)
    for cache in (False, True):
        for name in names[1:5]:
            p = batch / name
            if p.is_symlink() or p.exists():
                p.rmdir() if p.is_dir() and not p.is_symlink() else p.unlink()
            _seed_report(p)
        opts = run.CheckOptions(paths=(str(batch),), jobs=1, cache=cache, cache_dir=str(tmp_path / "cache"))
        started = time.monotonic()
        result = run.run_check(opts)
        assert time.monotonic() - started < 60
        by_name = {Path(r.path).name: r for r in result.results}
        assert sorted(by_name) == names
        for name in ("b_gone.txt", "c_folder.txt", "d_fifo.txt", "e_zero.txt"):
            codes = [f.code for f in by_name[name].findings]
            assert codes == ["GX001"], (name, codes)
        for name in ("a_good.txt", "f_good.md"):
            assert "GX001" not in [f.code for f in by_name[name].findings]


def test_a_fifo_named_on_the_command_line_does_not_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    _seed_report(tmp_path / "good.txt")
    proc = subprocess.run([sys.executable, "-m", "gxlint", "check", str(tmp_path / "pipe.txt"),
                           str(tmp_path / "good.txt"), "--format", "concise"],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "pipe.txt" in proc.stdout and "GX001" in proc.stdout and "不是普通文件" in proc.stdout


# ----------------------------------------------------------------------------------------------------- never lie

@pytest.mark.xfail(reason="recognise: a file holding the report twice is read from its last copy; a defect in the "
                          "first copy passes silently and nothing says the report appears twice (issue 6 note)")
def test_a_report_pasted_twice_does_not_pass_clean(tmp_path: Path) -> None:
    """A CMS page that repeats the report, or two drafts pasted into one file: either copy's defect, or the
    duplication itself, must be reported — never a clean bill for a file that contains a broken table."""
    from gxlint.api import lint_path
    from gxlint.config import Config

    clean = write(Draft.blank(2024), "txt")
    broken = write(Draft.blank(2024).with_cell("t3", "r1", "natural", "5"), "txt")
    path = tmp_path / "twice.txt"
    path.write_bytes(broken + b"\n" + clean)
    assert lint_path(str(path), Config()).findings


NEW_DIGIT = "\U0001e5f1"  # OL ONAL DIGIT ONE (Unicode 16): `regex` matches it as \d, int() of Python 3.11 refuses it


@pytest.mark.parametrize("where", ["cell", "year", "count"])
def test_digits_newer_than_python_are_not_a_crash(where: str) -> None:
    """The fuzz run's find: a digit of a script newer than Python's Unicode tables. Read as text (or unreadable),
    never a ValueError out of recognition or a rule."""
    from gxlint.api import ruleset
    from gxlint.check.engine import check_report
    from gxlint.config import Config
    from gxlint.recognise import recognise

    d = Draft.blank(2024)
    if where == "cell":
        d = d.with_cell("t3", "r1", "natural", "1" + NEW_DIGIT)
    elif where == "year":
        d = d.with_part("一", f"20{NEW_DIGIT}{NEW_DIGIT}年，本机关工作有序开展。")
    else:  # text_sum and years kinds
        d = d.with_part("一", f"共收到申请12件，其中自然人1{NEW_DIGIT}件、法人1件。")
    report = recognise(read_bytes("x.txt", write(d, "txt")))
    check_report(report, ruleset(Config()))
    if where == "cell":  # not a number gxlint could add up: never read as 1 or 11
        cell = report.cell("t3", "r1", "natural")
        assert cell is not None and not cell.is_number
    elif where == "year":
        assert not [m for m in report.body_years if NEW_DIGIT in m.text]
