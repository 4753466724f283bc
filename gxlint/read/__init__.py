"""Readers: one per format, each turning bytes into a Document. Heavy readers (docx, pdf) are imported only when
such a file is read, so a one-file pre-commit run starts fast."""

from __future__ import annotations

import importlib
import os
import stat
from pathlib import Path

from gxlint.read.document import Document, ReadError

MAX_BYTES = 50 * 1024 * 1024

# suffix → (module, function); the function takes (path, data) and returns a Document
READERS: dict[str, tuple[str, str]] = {
    ".txt": ("gxlint.read.text", "read_txt"),
    ".text": ("gxlint.read.text", "read_txt"),
    ".md": ("gxlint.read.text", "read_md"),
    ".markdown": ("gxlint.read.text", "read_md"),
    ".html": ("gxlint.read.html", "read_html"),
    ".htm": ("gxlint.read.html", "read_html"),
    ".shtml": ("gxlint.read.html", "read_html"),
    ".xhtml": ("gxlint.read.html", "read_html"),
    ".docx": ("gxlint.read.docx", "read_docx"),
    ".pdf": ("gxlint.read.pdf", "read_pdf"),
}
SUPPORTED = tuple(READERS)


def sniff(data: bytes) -> str | None:
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return ".pdf"
    if head.startswith(b"PK\x03\x04"):
        return ".docx"
    low = head[:512].lower()
    if low.startswith((b"<!doctype html", b"<html")) or b"<table" in low or b"<body" in low:
        return ".html"
    return None


def read_bytes(path: str, data: bytes) -> Document:
    suffix = Path(path).suffix.lower()
    if suffix not in READERS or (suffix in (".txt", ".text") and sniff(data) in (".pdf", ".docx")):
        sniffed = sniff(data)
        if sniffed is None and suffix not in READERS:
            raise ReadError(f"不支持的文件类型「{suffix or '无扩展名'}」（支持 txt、md、html、docx、pdf）")
        suffix = sniffed or suffix
    if not data.strip():
        raise ReadError("文件为空", code="GX002")
    module, func = READERS[suffix]
    reader = getattr(importlib.import_module(module), func)
    return reader(path, data)


def _too_big(size: int, max_bytes: int) -> ReadError:
    return ReadError(f"文件过大（{size / 1048576:.1f} MB，上限 {max_bytes / 1048576:.0f} MB）")


def read_file_bytes(path: str | os.PathLike[str], max_bytes: int = MAX_BYTES) -> bytes:
    """A file's bytes, for every caller that reads an input (readers, the cache key). Only regular files are read,
    and never more than max_bytes: the file is opened without blocking (a FIFO where a report was must not hang a
    batch) and checked on the open descriptor, so a path swapped for a FIFO, a device (/dev/zero) or a folder after
    discovery is refused, and a file that grows while it is read is cut off. Raises ReadError (GX001)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise ReadError(f"无法读取文件：{exc.strerror or exc}") from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            what = "文件夹" if stat.S_ISDIR(st.st_mode) else "管道、设备或套接字"
            raise ReadError(f"不是普通文件（是{what}），无法读取")
        if st.st_size > max_bytes:
            raise _too_big(st.st_size, max_bytes)
        # plain reads on the descriptor (a buffered file object costs more than the read for a small report, and
        # read(max_bytes + 1) would allocate that much first): the size fstat gave plus one, then on to the end of
        # the file (a file that grew since), never past max_bytes + 1
        parts = []
        total = 0
        want = st.st_size + 1
        while total <= max_bytes:
            ask = min(want, max_bytes + 1 - total)
            chunk = os.read(fd, ask)
            if not chunk:
                break
            parts.append(chunk)
            total += len(chunk)
            if total == st.st_size and len(chunk) < ask:
                break  # all fstat said, and a read that stopped short there: the end (one read fewer per file)
            want = 1 << 16
    except OSError as exc:
        raise ReadError(f"无法读取文件：{exc.strerror or exc}") from exc
    finally:
        os.close(fd)
    if total > max_bytes:
        raise _too_big(total, max_bytes)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def read_path(path: str | os.PathLike[str], max_bytes: int = MAX_BYTES) -> Document:
    return read_bytes(str(path), read_file_bytes(path, max_bytes))
