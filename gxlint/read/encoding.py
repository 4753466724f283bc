"""Decoding text files whose encoding nobody declared: UTF-8 (with or without BOM), UTF-16, GB18030/GBK, Big5."""

from __future__ import annotations

import codecs

from gxlint.read.document import ReadError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: Chinese text has few NULs, but ASCII digits and punctuation put a NUL in every other
    byte, always on the same side."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.2 and even < half * 0.02:
        return "utf-16-le"
    if even > half * 0.2 and odd < half * 0.02:
        return "utf-16-be"
    return None


def _cjk_share(text: str) -> float:
    if not text:
        return 0.0
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return cjk / len(text)


def _utf8_text(prefix: bytes) -> bool:
    """A valid UTF-8 stretch with real multi-byte text in it (GBK or Big5 bytes almost never form 16 such)."""
    return sum(1 for b in prefix[-65536:] if 0xE0 <= b <= 0xEF) >= 16


def decode(data: bytes) -> tuple[str, str]:
    """Returns (text, encoding name). Raises ReadError (GX001) when no encoding fits."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError as exc:
                raise ReadError(f"文件以 {name} 字节序标记开头，但内容不是有效的 {name} 编码（{exc.reason}）") from exc
    u16 = _looks_utf16(data)
    if u16:
        try:
            return data.decode(u16), u16
        except UnicodeDecodeError:
            pass
    nul = data.find(b"\x00")
    if nul >= 0:  # no text encoding but UTF-16/32 has NUL bytes: a binary file, or a text file with a zeroed stretch
        raise ReadError(f"文件含有 NUL 字节（第 {nul + 1} 字节起），是二进制文件或已损坏，而不是文本")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        bad = exc.start
    if _utf8_text(data[:bad]):
        # a UTF-8 file with a stretch in another encoding (two files pasted together) or damaged bytes: decoding it
        # all as GB18030 would turn the UTF-8 part into plausible-looking nonsense
        raise ReadError(f"文件混用了多种文字编码：第 {bad + 1} 字节之前是 UTF-8，之后不是（混合编码或文件损坏），"
                        "无法可靠读取，请统一另存为 UTF-8")
    candidates: list[tuple[float, str, str]] = []
    for name in ("gb18030", "big5"):
        try:
            decoded = data.decode(name)
        except UnicodeDecodeError:
            continue
        candidates.append((_cjk_share(decoded), name, decoded))
    if candidates:
        # GB18030 decodes nearly any byte string; prefer whichever yields more real Chinese characters
        candidates.sort(key=lambda c: (c[0], c[1] == "gb18030"), reverse=True)
        share, name, decoded = candidates[0]
        if share > 0.05 or len(data) < 64:
            return decoded, name
    raise ReadError("无法识别文件的文字编码（不是 UTF-8、UTF-16、GB18030 或 Big5）")
