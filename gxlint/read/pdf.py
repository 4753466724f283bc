"""PDF with a text layer → Document, via pdfplumber (imported only when a PDF is read).

Per page, in reading order (top to bottom): text lines outside tables become `Line`s, and tables drawn with ruling
lines become `Table`s whose cells carry page, box and table/row/cell numbers. Page furniture (running page numbers,
repeated headers and footers) is dropped, and a table cut by a page break is joined back into one `Table`.

What real reports do to a naive extraction, and what this module does about it:
- Word/WPS exports paint a white filled box behind every line of body text, and white boxes behind table cells. Only
  visible rulings count as table edges, or every paragraph becomes a one-column "table".
- A table cut by a page break has no closing rule at the cut: the vertical rules simply stop. The rule is put back
  where they stop, or the last row of the page is lost.
- Labels are set vertically, one character per line ("三\\n、\\n本\\n年…"), and justified text is spread with gaps
  that word extraction turns into spaces; spaces next to Chinese characters are layout, not content.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import signal
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from gxlint.origin import Origin
from gxlint.read.document import Block, Document, Line, RawCell, ReadError, Table

MAX_PAGES = 300
# hostile-file bounds (issue 6): what all streams of one file may inflate to (a 400 KB FlateDecode stream can hold
# 400 MB of spaces), the decoded content of one page (real reports: under 50 KB), and wall-clock time for the file
MAX_DECODED = 128 * 1024 * 1024
MAX_PAGE_CONTENT = 1024 * 1024
MAX_SECONDS = 30.0
# share of characters a font cannot map to Unicode ("(cid:123)") above which the text layer is useless
MAX_UNMAPPED = 0.5
_UNMAPPED = "\ufffd"
# document info → Document.meta ("title" is what recognition falls back on when no title line is found)
_INFO_KEYS = {"Title": "title", "Author": "author", "Subject": "subject", "Creator": "creator",
              "Producer": "producer", "CreationDate": "created", "ModDate": "modified"}
# page furniture lives in these bands (fractions of the page height); body text of A4 reports starts ~9.5% down
_TOP_BAND = 0.075
_BOTTOM_BAND = 0.925
_TOL = 3.0  # points: snapping tolerance for rulings and cell boundaries (pdfplumber's default)
_LINE_TOL = 3.0  # points: characters whose tops differ by less sit on one line

_CJK = (r"[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f"
        r"\uff00-\uffef\u2018-\u201f\u2014\u2026]")
_CJK_RE = re.compile(_CJK)
_SPACE_NEAR_CJK = re.compile(rf"(?<={_CJK})\s+|\s+(?={_CJK})")
_DASH = r"[-－—–‒―~～·•]"
# always a page number, wherever it stands: "- 3 -", "— 3 —", "第 3 页", "第3页 共6页", "Page 3 of 6"
_PAGE_NO_STRONG = re.compile(
    rf"^(?:{_DASH}+\s*\d{{1,4}}\s*{_DASH}+"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，/／]?\s*第\s*\d{1,4}\s*页"
    r"|(?i:page)\s*\d{1,4}(?:\s*(?i:of)\s*\d{1,4})?)$")
# a page number only in the header/footer band: "3/6", "3"
_PAGE_NO_WEAK = re.compile(r"^\d{1,4}(?:\s*[/／]\s*\d{1,4})?$")


# ---------------------------------------------------------------------------------------------------- page content

@dataclass(frozen=True, slots=True)
class _TextLine:
    text: str
    bbox: tuple[float, float, float, float]
    page: int


@dataclass(frozen=True, slots=True)
class _Cell:
    text: str
    bbox: tuple[float, float, float, float]
    page: int


@dataclass(frozen=True, slots=True)
class _Fragment:
    """The part of a table that lies on one page: its cells (no spans yet) and its box."""

    cells: tuple[_Cell, ...]
    bbox: tuple[float, float, float, float]
    page: int


@dataclass(frozen=True, slots=True)
class _Page:
    number: int
    height: float
    items: tuple[_TextLine | _Fragment, ...]  # in reading order
    chars: int  # visible non-space characters
    unmapped: int  # of which the font could not map to Unicode


# ------------------------------------------------------------------------------------------------------ entry point

def read_pdf(path: str, data: bytes) -> Document:
    _check_bytes(data)
    pages, meta = _parse(data)
    if not any(p.chars for p in pages):
        raise ReadError("PDF 没有文字层（可能是扫描件），无法读取", code="GX001")
    total, unmapped = sum(p.chars for p in pages), sum(p.unmapped for p in pages)
    if unmapped > MAX_UNMAPPED * total:
        raise ReadError(f"PDF 的文字无法解码（{unmapped}/{total} 个字符的字体缺少 Unicode 映射），无法读取",
                        code="GX001")
    image_pages = [str(p.number) for p in pages if not p.chars]
    if image_pages:  # a scanned page among text pages: its content is missing, say where
        meta["pages_without_text"] = ",".join(image_pages)
    blocks = _assemble(_drop_furniture(pages))
    return Document(path=path, format="pdf", blocks=tuple(blocks), meta=meta)


def _check_bytes(data: bytes) -> None:
    """Cheap checks before parsing: the header, and the end-of-file marker a complete file has in its last 1 KB
    (the tolerance PDF readers apply). pdfminer silently "repairs" a cut file and would read half a report."""
    if b"%PDF-" not in data[:1024]:
        raise ReadError("文件扩展名为 .pdf，但内容不是 PDF 文件", code="GX001")
    if b"%%EOF" not in data[-1024:]:
        raise ReadError("PDF 文件不完整（缺少文件结束标记，可能下载中断或被截断）", code="GX001")


def _parse(data: bytes) -> tuple[list[_Page], dict[str, str]]:
    """Open the file and read every page; every pdfminer/pdfplumber failure becomes a ReadError."""
    try:
        import pdfplumber  # heavy: imported only when a PDF is read
        from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    except ImportError as exc:
        raise ReadError(f"无法读取 PDF：缺少 pdfplumber（{exc}）", code="GX001") from exc
    # pdfminer logs its repairs of sloppy files ("CropBox missing…") as warnings; a linter's stderr is not the place
    logging.getLogger("pdfminer").setLevel(logging.ERROR)

    try:
        with _bounded(), pdfplumber.open(io.BytesIO(data)) as pdf:
            count = _page_count(pdf)
            if count > MAX_PAGES:
                raise ReadError(f"PDF 页数过多（{count} 页，上限 {MAX_PAGES} 页）", code="GX001")
            meta = _meta(pdf)
            pages = list(pdf.pages)
            if len(pages) > MAX_PAGES:  # /Count can lie; the page tree cannot
                raise ReadError(f"PDF 页数过多（{len(pages)} 页，上限 {MAX_PAGES} 页）", code="GX001")
            if not pages:
                raise ReadError("PDF 没有任何页面", code="GX001")
            meta["pages"] = str(len(pages))
            return [_read_page(page, n, len(pages)) for n, page in enumerate(pages, start=1)], meta
    except ReadError:
        raise
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise ReadError("PDF 已加密（需要打开密码或使用了不支持的加密方式），无法读取", code="GX001") from exc
    except RecursionError as exc:  # deeply nested objects in a hostile file
        raise ReadError("PDF 结构嵌套过深，无法解析", code="GX001") from exc
    except _Deadline as exc:
        raise ReadError(f"PDF 解析超时（超过 {MAX_SECONDS:.0f} 秒），疑似恶意构造或严重损坏的文件，已放弃", code="GX001") from exc
    except Exception as exc:  # pdfminer raises anything from PSSyntaxError to KeyError on damaged files
        inner = _wrapped_read_error(exc)  # a budget exceeded deep inside pdfminer, wrapped by pdfplumber
        if inner is not None:
            raise inner from exc
        if type(exc).__name__ == "PdfminerException" and isinstance(exc.args[0] if exc.args else None,
                                                                    PDFPasswordIncorrect | PDFEncryptionError):
            raise ReadError("PDF 已加密（需要打开密码或使用了不支持的加密方式），无法读取", code="GX001") from exc
        reason = str(exc).strip() or type(exc).__name__
        raise ReadError(f"PDF 文件已损坏，无法解析（{reason[:200]}）", code="GX001") from exc


def _page_count(pdf: Any) -> int:
    """The page count the catalog declares, read before pdfplumber builds a page object for each page."""
    from pdfminer.pdftypes import resolve1

    try:
        pages = resolve1(pdf.doc.catalog.get("Pages"))
        return int(resolve1(pages.get("Count", 0)))
    except Exception:  # a broken page tree: let the page walk decide
        return 0


def _contents(page: Any) -> list[Any]:
    from pdfminer.pdftypes import PDFStream, resolve1

    streams = resolve1(page.page_obj.attrs.get("Contents"))
    streams = streams if isinstance(streams, list) else [streams]
    return [s for s in (resolve1(x) for x in streams) if isinstance(s, PDFStream)]


# ------------------------------------------------------------------------------------------- hostile-file bounds

class _Deadline(BaseException):
    """Raised by the timer inside pdfminer; a BaseException, so no `except Exception` in a library swallows it."""


class _Budget(threading.local):
    left: int | None = None  # bytes streams may still inflate to; None outside a read


_BUDGET = _Budget()


def _spend(n: int) -> None:
    if _BUDGET.left is None:
        return
    _BUDGET.left -= n
    if _BUDGET.left < 0:
        _BUDGET.left = -1  # stays exhausted: a library that swallows the error meets it again on the next stream
        raise ReadError(f"PDF 中的压缩数据解压后超过 {MAX_DECODED // 1048576} MB，疑似压缩炸弹，已拒绝", code="GX001")


def _room(need: int = 0) -> int:
    if _BUDGET.left is None:
        return 1 << 62
    if need > _BUDGET.left:
        _spend(need)
    return max(_BUDGET.left, 0)


class _BoundedInflater:
    """zlib.decompressobj that never inflates past the budget."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._d = zlib.decompressobj(*args, **kwargs)

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        room = _room() + 1
        out = self._d.decompress(data, min(max_length, room) if max_length else room)
        _spend(len(out))
        return out

    def flush(self, *args: Any) -> bytes:
        out = self._d.flush(*args)
        _spend(len(out))
        return out

    def __getattr__(self, name: str) -> Any:  # eof, unused_data, unconsumed_tail
        return getattr(self._d, name)


class _BoundedZlib:
    """Stands in for the zlib module inside pdfminer.pdftypes (FlateDecode and its repair of damaged streams)."""

    error = zlib.error

    @staticmethod
    def decompressobj(*args: Any, **kwargs: Any) -> _BoundedInflater:
        return _BoundedInflater(*args, **kwargs)

    @staticmethod
    def decompress(data: bytes, wbits: int = zlib.MAX_WBITS, bufsize: int = zlib.DEF_BUF_SIZE) -> bytes:
        d = _BoundedInflater(wbits)
        out = d.decompress(data)
        if not d.eof:  # as zlib.decompress: pdfminer then tries its byte-by-byte repair (bounded as well)
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)


def _expanding(decode: Callable[[bytes], bytes], factor: int) -> Callable[[bytes], bytes]:
    """RunLength (up to 64×) and LZW (up to ~2,700×) decoders: refused when the input could exceed the budget."""

    def bounded(data: bytes) -> bytes:
        _room(len(data) * factor)
        out = decode(data)
        _spend(len(out))
        return out

    return bounded


def _install_bounds() -> None:
    import pdfminer.pdftypes as pdftypes

    if isinstance(pdftypes.zlib, _BoundedZlib):
        return
    pdftypes.zlib = _BoundedZlib()  # type: ignore[assignment]
    pdftypes.rldecode = _expanding(pdftypes.rldecode, 64)  # type: ignore[assignment]
    pdftypes.lzwdecode = _expanding(pdftypes.lzwdecode, 2730)  # type: ignore[assignment]


@contextlib.contextmanager
def _bounded() -> Iterator[None]:
    """The inflation budget, and a wall-clock deadline (SIGALRM, main thread only, the previous timer restored)."""
    _install_bounds()
    _BUDGET.left = MAX_DECODED
    armed = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if armed:
        def expire(signum: int, frame: Any) -> None:
            raise _Deadline()

        previous = signal.signal(signal.SIGALRM, expire)
        # every second after the deadline again, in case a library swallowed the first
        old_delay, _ = signal.setitimer(signal.ITIMER_REAL, MAX_SECONDS, 1.0)
        started = time.monotonic()
    try:
        yield
    finally:
        _BUDGET.left = None
        if armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            if old_delay:
                signal.setitimer(signal.ITIMER_REAL, max(old_delay - (time.monotonic() - started), 0.001))


def _wrapped_read_error(exc: BaseException) -> ReadError | None:
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, ReadError):
            return e
        stack.extend([e.__cause__, e.__context__, *(a for a in e.args if isinstance(a, BaseException))])
    return None


def _meta(pdf: Any) -> dict[str, str]:
    """The document info strings (Title, Author, …), decoded: producers write UTF-16 with either byte order."""
    from pdfminer.pdftypes import resolve1

    meta: dict[str, str] = {}
    for info in getattr(pdf.doc, "info", []) or []:
        for key, name in _INFO_KEYS.items():
            try:
                text = _decode_pdf_string(resolve1(info.get(key)))
            except Exception:  # a broken info dictionary costs the metadata, not the report
                continue
            if text:
                meta[name] = text
    if getattr(pdf.doc, "encryption", None):  # readable without a password: only copying/printing is restricted
        meta["encrypted"] = "owner-password"
    return meta


def _decode_pdf_string(value: object) -> str:
    if not isinstance(value, bytes):
        return ""
    if value.startswith(b"\xfe\xff"):
        text = value[2:].decode("utf-16-be", "replace")
    elif value.startswith(b"\xff\xfe"):
        text = value[2:].decode("utf-16-le", "replace")
    else:
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            text = value.decode("latin-1")
    return text.replace("\x00", "").strip()


# ------------------------------------------------------------------------------------------------------- one page

def _read_page(page: Any, number: int, page_count: int) -> _Page:
    content = sum(len(stream.get_data()) for stream in _contents(page))
    if content > MAX_PAGE_CONTENT:  # a million glyphs or rulings on one page: minutes and gigabytes in pdfminer
        raise ReadError(f"PDF 第 {number} 页的内容流过大（{content / 1048576:.1f} MB，上限 "
                        f"{MAX_PAGE_CONTENT // 1048576} MB），疑似恶意构造的文件，已拒绝", code="GX001")
    _slim_chars(page)
    width, height = float(page.width), float(page.height)
    if int(page.rotation or 0) % 180 == 90:  # a landscape table page: pdfplumber turns the objects, not the size
        width, height = height, width
    x_lo, y_lo = float(page.bbox[0]), float(page.bbox[1])
    chars = [_mapped(c) for c in page.chars
             if c.get("text") and x_lo - 1 <= c["x0"] and c["x1"] <= x_lo + width + 1
             and y_lo - 1 <= c["top"] and c["bottom"] <= y_lo + height + 1]  # text off the visible page is not shown
    shown = sum(1 for c in chars if not c["text"].isspace())
    unmapped = sum(1 for c in chars if c["text"] == _UNMAPPED)
    visible = page.filter(_is_visible_ruling)
    settings = {"explicit_horizontal_lines": _closing_rules(visible.edges)}
    tables = [t for t in visible.find_tables(settings) if _is_real_table(t)]
    fragments, loose = _fill_tables(tables, chars, number, height, page_count)
    lines = [line for line in _text_lines(loose, number) if not _is_page_number(line.text, line.bbox, height, True)]
    items: list[_TextLine | _Fragment] = [*lines, *fragments]
    items.sort(key=lambda it: (round(it.bbox[1], 1), it.bbox[0]))
    return _Page(number, height, tuple(items), shown, unmapped)


def _slim_chars(page: Any) -> None:
    """Characters as dicts of the keys this reader and table finding use, computed as pdfplumber's process_object
    computes them. pdfplumber copies and resolves every attribute of every glyph (graphic state, colour spaces,
    matrix): that was half the time of reading a PDF. Other objects (rulings, images) keep pdfplumber's full dicts."""
    from pdfminer.layout import LTChar

    full = page.process_object
    height = page.height
    mb_x0, mb_top = page.mediabox[:2]
    norm = page.pdf.unicode_norm
    number = page.page_number

    def process(obj: Any) -> dict[str, Any]:
        if obj.__class__ is not LTChar or norm is not None:
            return full(obj)  # type: ignore[no-any-return]
        x0, x1 = obj.x0, obj.x1
        if mb_x0 != 0:
            x0, x1 = x0 + mb_x0, x1 + mb_x0
        return {"object_type": "char", "page_number": number, "text": obj.get_text(), "x0": x0, "x1": x1,
                "top": (height - obj.y1) + mb_top, "bottom": (height - obj.y0) + mb_top, "size": obj.size}

    page.process_object = process  # parse_objects looks it up on the instance


def _mapped(ch: dict[str, Any]) -> dict[str, Any]:
    """pdfminer spells a glyph it cannot map to Unicode "(cid:123)": one unreadable character, not nine letters. A
    ToUnicode map may also yield a lone UTF-16 surrogate (chr() of a code in D800–DFFF): unreadable too, for no
    Document may hold one (it cannot be written out as UTF-8)."""
    text = ch["text"]
    if (text.startswith("(cid:") and len(text) > 5) or any("\ud800" <= c <= "\udfff" for c in text):
        return {**ch, "text": _UNMAPPED}
    return ch


def _is_white(color: object) -> bool:
    """A colour that does not show on white paper (gray, RGB or CMYK). Patterns and unknowns count as visible."""
    if color is None:
        return False
    if isinstance(color, int | float):
        color = (color,)
    if not isinstance(color, tuple | list) or not all(isinstance(v, int | float) for v in color):
        return False
    if len(color) == 1:
        return color[0] >= 0.95
    if len(color) == 3:
        return min(color) >= 0.95
    if len(color) == 4:
        return max(color) <= 0.05
    return False


def _is_visible_ruling(obj: dict[str, Any]) -> bool:
    """Keep every object except graphics that cannot be a table rule: unstroked filled areas (text highlights, cell
    shading — a rule drawn as a thin filled bar stays) and white strokes."""
    kind = obj.get("object_type")
    if kind == "rect":
        if obj.get("stroke") and not _is_white(obj.get("stroking_color")):
            return True
        thin = min(float(obj.get("width", 0)), float(obj.get("height", 0))) < _TOL
        return bool(obj.get("fill")) and thin and not _is_white(obj.get("non_stroking_color"))
    if kind in ("line", "curve"):
        return not _is_white(obj.get("stroking_color"))
    return True


def _closing_rules(edges: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Horizontal rules where two or more vertical rules end (or start) at the same height: at a page break the
    cut row has no closing rule, and without one its cells are not cells."""
    verticals = [e for e in edges if e.get("orientation") == "v" and float(e["height"]) >= _TOL]
    out: list[dict[str, Any]] = []
    for key in ("top", "bottom"):
        for group in _cluster(verticals, key):
            if len(group) < 2:
                continue
            x0 = min(float(e["x0"]) for e in group)
            x1 = max(float(e["x1"]) for e in group)
            y = sum(float(e[key]) for e in group) / len(group)
            out.append({"object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y,
                        "width": x1 - x0, "height": 0.0})
    return out


def _cluster(objs: Iterable[dict[str, Any]], key: str) -> list[list[dict[str, Any]]]:
    """Group objects whose `key` values lie within _TOL of their neighbour's."""
    groups: list[list[dict[str, Any]]] = []
    for obj in sorted(objs, key=lambda o: float(o[key])):
        if groups and float(obj[key]) - float(groups[-1][-1][key]) <= _TOL:
            groups[-1].append(obj)
        else:
            groups.append([obj])
    return groups


def _is_real_table(table: Any) -> bool:
    """A ruled region with two cells side by side in some row. A box around a paragraph or a page frame is not one."""
    return any(sum(1 for c in row.cells if c is not None) >= 2 for row in table.rows)


class _CellIndex:
    """Finds the cell holding a point. Cells are bucketed by horizontal bands, so a page of thousands of cells
    costs no more per character than a page of ten."""

    BAND = 20.0

    def __init__(self, tables: Sequence[Any]) -> None:
        self.cells: list[tuple[int, int, tuple[float, float, float, float]]] = []  # table, cell, box
        self.bands: dict[int, list[int]] = {}
        for t, table in enumerate(tables):
            for c, raw in enumerate(table.cells):
                box = (float(raw[0]), float(raw[1]), float(raw[2]), float(raw[3]))
                for band in range(int(box[1] // self.BAND), int(box[3] // self.BAND) + 1):
                    self.bands.setdefault(band, []).append(len(self.cells))
                self.cells.append((t, c, box))

    def find(self, x: float, y: float) -> tuple[int, int] | None:
        for i in self.bands.get(int(y // self.BAND), ()):
            t, c, box = self.cells[i]
            if box[0] <= x <= box[2] and box[1] <= y <= box[3]:
                return t, c
        return None


def _fill_tables(tables: Sequence[Any], chars: list[dict[str, Any]], page: int, height: float,
                 page_count: int) -> tuple[list[_Fragment], list[dict[str, Any]]]:
    """Put every character into the table cell holding its centre; the rest is running text."""
    index = _CellIndex(tables)
    per_cell: list[list[list[dict[str, Any]]]] = [[[] for _ in t.cells] for t in tables]
    loose: list[dict[str, Any]] = []
    for ch in chars:
        hit = index.find((ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2)
        if hit is None:
            loose.append(ch)
        else:
            per_cell[hit[0]][hit[1]].append(ch)
    fragments: list[_Fragment] = []
    for table, contents in zip(tables, per_cell, strict=True):
        boxes = [(float(c[0]), float(c[1]), float(c[2]), float(c[3])) for c in table.cells]
        fragment_cells = tuple(_Cell(_cell_text(box, content, height, page_count), box, page)
                               for box, content in zip(boxes, contents, strict=True))
        bbox = table.bbox
        fragments.append(_Fragment(fragment_cells, (float(bbox[0]), float(bbox[1]), float(bbox[2]), float(bbox[3])),
                                   page))
    return fragments, loose


# ------------------------------------------------------------------------------------------------------------ text

def _group_lines(chars: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Characters grouped into lines (by their top, within _LINE_TOL), each sorted left to right."""
    lines: list[list[dict[str, Any]]] = []
    for ch in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if lines and ch["top"] - lines[-1][0]["top"] <= _LINE_TOL:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def _line_text(line: Sequence[dict[str, Any]]) -> str:
    """The characters of one line; a gap wider than a third of the font size is a space (tables of numbers set
    without space characters), and spaces beside Chinese characters are dropped (justification, not content)."""
    out: list[str] = []
    prev: dict[str, Any] | None = None
    for ch in line:
        if prev is not None and ch["x0"] - prev["x1"] > max(float(ch.get("size") or 0) / 3, 1.0):
            out.append(" ")
        out.append(ch["text"])
        prev = ch
    return tidy("".join(out))


def tidy(text: str) -> str:
    """Collapse whitespace and drop it next to Chinese characters ("2023 年" → "2023年", "0 1 1" stays)."""
    text = re.sub(r"\s+", " ", text).strip()
    return _SPACE_NEAR_CJK.sub("", text)


def _bbox(chars: Sequence[dict[str, Any]]) -> tuple[float, float, float, float]:
    return (round(min(float(c["x0"]) for c in chars), 2), round(min(float(c["top"]) for c in chars), 2),
            round(max(float(c["x1"]) for c in chars), 2), round(max(float(c["bottom"]) for c in chars), 2))


def _text_lines(chars: Sequence[dict[str, Any]], page: int) -> list[_TextLine]:
    out = []
    for line in _group_lines(chars):
        text = _line_text(line)
        if text:
            out.append(_TextLine(text, _bbox(line), page))
    return out


def _cell_text(cell: tuple[float, float, float, float], chars: Sequence[dict[str, Any]], height: float,
               page_count: int) -> str:
    """A cell's lines joined. Chinese wraps anywhere, so lines join without a space; between two ASCII pieces a
    space is kept unless the upper line ran to the cell's edge (a wrapped number "4472|28" is one number)."""
    text = ""
    prev_right = 0.0
    for line in _group_lines(chars):
        piece = _line_text(line)
        if not piece or _is_page_number(piece, _bbox(line), height, False, page_count):
            continue
        if text:
            size = float(line[0].get("size") or 10)
            wrapped = cell[2] - prev_right < 1.5 * size
            cjk_joint = bool(_CJK_RE.match(text[-1]) or _CJK_RE.match(piece[0]))
            text += piece if (wrapped or cjk_joint) else " " + piece
        else:
            text = piece
        prev_right = max(float(c["x1"]) for c in line)
    return text


def _is_page_number(text: str, bbox: tuple[float, float, float, float], height: float, loose: bool,
                    page_count: int | None = None) -> bool:
    """A running page number. "- 3 -" and "第3页" are never content; "3/6" and a bare "3" are page numbers only in
    the header/footer band, and inside a table only "3/6" with the real page count."""
    if _PAGE_NO_STRONG.match(text):
        return True
    in_band = bbox[3] <= height * _TOP_BAND or bbox[1] >= height * _BOTTOM_BAND
    if not in_band or not _PAGE_NO_WEAK.match(text):
        return False
    if loose:
        return True
    parts = re.split(r"\s*[/／]\s*", text)
    return len(parts) == 2 and page_count is not None and int(parts[1]) == page_count


# ----------------------------------------------------------------------------------------------------- furniture

def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", text)


def _drop_furniture(pages: list[_Page]) -> list[_Page]:
    """Drop lines in the header/footer band that repeat (digits aside) on at least half the pages, two at least."""
    if len(pages) < 2:
        return pages
    seen: Counter[str] = Counter()
    for page in pages:
        keys = {_furniture_key(it.text) for it in page.items if isinstance(it, _TextLine) and _in_band(it, page)}
        seen.update(keys)
    need = max(2, (len(pages) + 1) // 2)
    repeated = {k for k, n in seen.items() if n >= need}
    if not repeated:
        return pages
    out = []
    for page in pages:
        items = tuple(it for it in page.items
                      if not (isinstance(it, _TextLine) and _in_band(it, page)
                              and _furniture_key(it.text) in repeated))
        out.append(_Page(page.number, page.height, items, page.chars, page.unmapped))
    return out


def _in_band(line: _TextLine, page: _Page) -> bool:
    return line.bbox[3] <= page.height * _TOP_BAND or line.bbox[1] >= page.height * _BOTTOM_BAND


# ------------------------------------------------------------------------------------------------------ assembling

def _assemble(pages: list[_Page]) -> list[Block]:
    """Blocks in reading order; a table whose continuation opens the next page is joined with it."""
    groups: list[_TextLine | list[_Fragment]] = []
    for page in pages:
        for it in page.items:
            if isinstance(it, _Fragment):
                last = groups[-1] if groups else None
                if isinstance(last, list) and _continues(last[-1], it, pages):
                    last.append(it)
                else:
                    groups.append([it])
            else:
                groups.append(it)
    blocks: list[Block] = []
    table_no = 0
    for g in groups:
        if isinstance(g, _TextLine):
            blocks.append(Line(g.text, Origin(page=g.page, bbox=g.bbox)))
        else:
            table_no += 1
            blocks.append(_table(g, table_no))
    return blocks


def _continues(prev: _Fragment, nxt: _Fragment, pages: list[_Page]) -> bool:
    """`nxt` continues `prev`: it opens the next page, `prev` closed its page, and both span the same width."""
    if nxt.page != prev.page + 1:
        return False
    prev_items = pages[prev.page - 1].items
    next_items = pages[nxt.page - 1].items
    if not prev_items or prev_items[-1] is not prev or not next_items or next_items[0] is not nxt:
        return False
    return abs(prev.bbox[0] - nxt.bbox[0]) <= 2 * _TOL and abs(prev.bbox[2] - nxt.bbox[2]) <= 2 * _TOL


def _boundaries(values: Iterable[float]) -> list[float]:
    """Distinct positions, merging those within _TOL (rulings are a hair apart from page to page)."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _TOL:
            out.append(v)
    return out


def _count_between(bounds: list[float], lo: float, hi: float) -> int:
    """How many grid positions a cell from lo to hi covers: the boundaries at or after lo and before hi."""
    return max(1, sum(1 for b in bounds if lo - _TOL <= b < hi - _TOL))


@dataclass(slots=True)
class _Placed:
    """A cell placed on the table grid: first row and column, spans."""

    cell: _Cell
    row: int
    col: int
    colspan: int
    rowspan: int


def _table(fragments: list[_Fragment], table_no: int) -> Table:
    """One Table from the fragments of a table: rows from the distinct cell tops on each page, columns from the
    cell edges of all fragments together (a continuation may split columns differently), spans by counting."""
    cols = _boundaries(x for f in fragments for c in f.cells for x in (c.bbox[0], c.bbox[2]))
    placed: list[_Placed] = []
    offset = 0
    for f in fragments:
        tops = _boundaries(c.bbox[1] for c in f.cells)
        here = [_Placed(c, offset + _count_between(tops, tops[0], c.bbox[1] + 2 * _TOL) - 1,
                        _count_between(cols, cols[0], c.bbox[0] + 2 * _TOL) - 1,
                        _count_between(cols, c.bbox[0], c.bbox[2]), _count_between(tops, c.bbox[1], c.bbox[3]))
                for c in f.cells]
        if offset:
            here = _join_continued(placed, here, offset)
        placed.extend(here)
        offset += len(tops)
    placed.sort(key=lambda p: (p.row, p.col))
    return Table(rows=_raw_cells(placed, offset, table_no),
                 origin=Origin(page=fragments[0].page, bbox=_round(fragments[0].bbox), table=table_no))


def _join_continued(above: list[_Placed], here: list[_Placed], first_row: int) -> list[_Placed]:
    """A merged cell cut by the page break reappears, empty, at the top of the next page: extend the cell above
    instead, so the merged cell is emitted once. Only where a merge is evident (either part spans rows): an empty
    one-row cell under a one-row cell is more likely a blank value."""
    ends = {(p.col, p.colspan): p for p in above if p.row + p.rowspan == first_row}
    kept = []
    for p in here:
        upper = ends.get((p.col, p.colspan))
        if p.row == first_row and not p.cell.text and upper is not None and (upper.rowspan > 1 or p.rowspan > 1):
            upper.rowspan += p.rowspan
        else:
            kept.append(p)
    return kept


def _raw_cells(placed: list[_Placed], nrows: int, table_no: int) -> tuple[tuple[RawCell, ...], ...]:
    """RawCells row by row. A grid position that no cell covers (an unruled corner) gets an empty cell, so that
    `Table.grid()` — which fills positions left to right — puts the following cells in their true columns."""
    covered: set[tuple[int, int]] = set()
    rows: list[list[RawCell]] = [[] for _ in range(nrows)]
    next_col = [0] * nrows
    for p in placed:  # sorted by row, then column
        cells = rows[p.row]
        for gap in range(next_col[p.row], p.col):
            if (p.row, gap) not in covered:
                cells.append(RawCell("", _origin(p.cell, table_no, p.row, len(cells), empty=True)))
        cells.append(RawCell(p.cell.text, _origin(p.cell, table_no, p.row, len(cells)), p.rowspan, p.colspan))
        covered.update((p.row + dr, p.col + dc) for dr in range(p.rowspan) for dc in range(p.colspan))
        next_col[p.row] = p.col + p.colspan
    return tuple(tuple(r) for r in rows if r)


def _origin(cell: _Cell, table_no: int, row: int, index: int, empty: bool = False) -> Origin:
    # an unruled gap has no box of its own; it is located by its neighbour's page
    return Origin(page=cell.page, bbox=None if empty else _round(cell.bbox), table=table_no, row=row + 1,
                  cell=index + 1)


def _round(bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return (round(bbox[0], 2), round(bbox[1], 2), round(bbox[2], 2), round(bbox[3], 2))
