"""One zip member inflated in a single zlib call, for the docx reader's guards.

zipfile reads a member in 4 KB steps through several Python layers and costs about twice the inflation itself.
`inflate` returns exactly what `ZipFile.read(info)` would return, or None whenever zipfile could do anything else
(raise, or meet a case this function does not model): the caller then reads the member through zipfile as before,
so every error message stays zipfile's.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable

try:  # libdeflate (the `deflate` package, a dependency; zlib if it is missing) inflates 2-3 times faster than zlib,
    # and its CRC-32 (the same function, carry-less multiplication) runs about 20 times faster than zlib's
    from deflate import DeflateError
    from deflate import crc32 as _crc32
    from deflate import deflate_decompress as _deflate_decompress
except ImportError:  # pragma: no cover - depends on the environment
    _deflate_decompress: Callable[[bytes, int], bytes] | None = None  # type: ignore[no-redef]
    _crc32: Callable[[bytes], int] = zlib.crc32  # type: ignore[no-redef]

_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zipfile.structFileHeader
_LOCAL_MAGIC = b"PK\003\004"
_UTF8_NAME = 0x800
_REFUSED_FLAGS = 0x1 | 0x20 | 0x40  # encrypted, compressed patch data, strong encryption: zipfile's own errors


def inflate(data: bytes, zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    """The member's content when zipfile would read it without error (local header as zipfile checks it, the
    compressed bytes all present, the CRC right) and it is at most `limit` bytes long; otherwise None."""
    if info.file_size > limit or info.flag_bits & _REFUSED_FLAGS or not hasattr(info, "CRC"):
        return None
    method = info.compress_type
    if method != zipfile.ZIP_DEFLATED and method != zipfile.ZIP_STORED:
        return None
    start = info.header_offset
    if start < 0:
        return None
    header = data[start:start + _LOCAL_HEADER.size]
    if len(header) != _LOCAL_HEADER.size:
        return None
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != _LOCAL_MAGIC:
        return None
    name_len, extra_len = fields[10], fields[11]
    name = data[start + _LOCAL_HEADER.size:start + _LOCAL_HEADER.size + name_len]
    encoding = "utf-8" if fields[3] & _UTF8_NAME else (getattr(zf, "metadata_encoding", None) or "cp437")
    try:
        decoded = name.decode(encoding)
    except UnicodeDecodeError:
        return None
    if decoded != info.orig_filename:
        return None
    begin = start + _LOCAL_HEADER.size + name_len + extra_len
    raw = data[begin:begin + info.compress_size]
    if len(raw) != info.compress_size:
        return None  # truncated: zipfile's EOFError (or its partial read) decides
    if method == zipfile.ZIP_STORED:
        out = raw[:info.file_size]
    elif (out := _libdeflate(raw, info.file_size)) is not None:
        pass
    else:
        decompressor = zlib.decompressobj(-15)
        try:
            out = decompressor.decompress(raw, info.file_size + 1)
        except zlib.error:
            return None
        # the whole stream, no longer than declared: zipfile inflates the same bytes to the same end (a stream cut
        # short, or one longer than its declared size, zipfile reads its own way)
        if not decompressor.eof or len(out) > info.file_size:
            return None
    if _crc32(out) != info.CRC:
        return None
    return out


def _libdeflate(raw: bytes, size: int) -> bytes | None:
    """The stream inflated by libdeflate when it holds a whole deflate stream of at most `size` bytes (libdeflate
    fails on a stream cut short or longer): then zlib, as zipfile drives it, inflates the same bytes to the same
    end. None without libdeflate, or when it fails (zlib then decides)."""
    if _deflate_decompress is None or size == 0:
        return None
    try:
        return _deflate_decompress(raw, size)
    except DeflateError:
        return None
