"""The one-call inflation the docx guards use returns what zipfile reads, or None (then zipfile is asked): on written,
real and damaged packages, members that lie about their sizes, stored members and cut-off archives."""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib

import pytest

from gxlint.read import docx_inflate
from gxlint.read.docx_inflate import inflate
from gxlint.write import write
from gxlint.write.draft import Draft
from tests.test_fuzz import mutate
from tests.test_read_speed_equivalence import sources


@pytest.fixture(autouse=True, params=["libdeflate", "zlib"])
def inflater(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test with libdeflate (when installed) and with zlib alone."""
    if request.param == "zlib":
        monkeypatch.setattr(docx_inflate, "_deflate_decompress", None)
        monkeypatch.setattr(docx_inflate, "_crc32", zlib.crc32)
    elif docx_inflate._deflate_decompress is None:
        pytest.skip("libdeflate (the deflate package) is not installed")
    return str(request.param)


def zipfile_read(data: bytes, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    try:
        return zf.read(info)
    except Exception:  # noqa: BLE001 - any failure: inflate must not answer for it
        return None


def check(data: bytes, limit: int = 1 << 24) -> tuple[int, int]:
    """(members inflated, members declined); fails when inflate answers differently from zipfile."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - not a zip any more: nothing to compare
        return 0, 0
    done = declined = 0
    for info in zf.infolist():
        try:
            got = inflate(data, zf, info, limit)
        except Exception as exc:  # noqa: BLE001
            raise AssertionError(f"inflate raised {exc!r} on {info.filename}") from exc
        if got is None:
            declined += 1
            continue
        assert got == zipfile_read(data, zf, info), info.filename
        done += 1
    return done, declined


def test_ordinary_packages_are_inflated_in_one_call() -> None:
    for data in sources():
        done, declined = check(data)
        assert done > 5 and declined == 0


def lie(data: bytes, name: str, size: int) -> bytes:
    """The declared uncompressed size of one member rewritten in its local header and its directory entry."""
    buf = bytearray(data)
    zf = zipfile.ZipFile(io.BytesIO(data))
    struct.pack_into("<L", buf, zf.getinfo(name).header_offset + 22, size)
    pos = zf.start_dir
    for _ in zf.infolist():
        assert data[pos:pos + 4] == b"PK\001\002"
        n, m, k = struct.unpack_from("<3H", data, pos + 28)
        if data[pos + 46:pos + 46 + n].decode("cp437") == name:
            struct.pack_into("<L", buf, pos + 24, size)
        pos += 46 + n + m + k
    return bytes(buf)


def test_members_that_lie_about_their_size() -> None:
    base = write(Draft.blank(2021), "docx")
    zf = zipfile.ZipFile(io.BytesIO(base))
    real = zf.getinfo("word/document.xml").file_size
    for size in (0, 1, real // 2, real - 1, real + 1, real * 2):
        data = lie(base, "word/document.xml", size)
        info = zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml")
        assert info.file_size == size
        got = inflate(data, zipfile.ZipFile(io.BytesIO(data)), info, 1 << 24)
        if size < real:  # a stream longer than declared: zipfile's truncation and CRC failure, not modelled
            assert got is None
        else:  # shorter than declared: zipfile reads the stream to its end and checks the CRC, as inflate does
            assert got == zf.read("word/document.xml")
        check(data)


def test_stored_members_and_the_size_limit() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("a.xml", b"<a>stored</a>")
        zf.writestr("empty.xml", b"")
        zf.writestr("b.xml", zlib.compress(b"x") * 100, compress_type=zipfile.ZIP_DEFLATED)
    data = out.getvalue()
    assert check(data) == (3, 0)
    zf = zipfile.ZipFile(io.BytesIO(data))
    assert inflate(data, zf, zf.getinfo("a.xml"), 5) is None  # over the limit: read the chunked way


def test_damaged_packages_never_disagree_with_zipfile() -> None:
    rng = random.Random(11)
    bases = sources()
    declined = 0
    for i in range(300):
        data = mutate(bases[i % len(bases)], rng, [rng.choice(["flip", "truncate", "splice"])])
        declined += check(data)[1]
    assert declined > 0  # the damage reached members: the comparison above was not only of intact packages


def test_libdeflate_crc32_is_zlib_crc32() -> None:
    """The CRC the guards compare with the archive's is zlib's, whichever library computes it."""
    rng = random.Random(9)
    blobs = [b"", b"\x00", b"\xff" * 7, bytes(range(256)) * 3]
    blobs += [rng.randbytes(rng.choice([1, 15, 16, 17, 63, 64, 65, 4095, 4096, 70_000])) for _ in range(200)]
    for blob in blobs:
        assert docx_inflate._crc32(blob) == zlib.crc32(blob)
        assert docx_inflate._crc32(memoryview(blob)) == zlib.crc32(blob)
