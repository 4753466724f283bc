"""Normalisation for matching: traditional → simplified (OpenCC), full-width → half-width (NFKC), one quote style,
and no spaces except between two ASCII words or numbers ("2020 年" → "2020年", "0 1 1" stays).

`normalise` is the fast path used on every token; `normalise_with_map` gives the same text plus, for each
normalised character, the index of the original character it came from, so findings point into the original.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import regex

try:  # the C++ binding is fast; the pure-Python port is the fallback where it will not build
    import opencc as _opencc

    _T2S = _opencc.OpenCC("t2s")
except Exception:  # pragma: no cover - depends on the platform
    from opencc import OpenCC as _OpenCCPy  # type: ignore[no-redef]

    _T2S = _OpenCCPy("t2s")

_QUOTES = str.maketrans({
    "“": '"', "”": '"', "„": '"', "‟": '"', "「": '"', "」": '"', "『": '"', "』": '"',
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "—": "-", "–": "-", "―": "-", "‐": "-", "−": "-",
    "\u00a0": " ", "\u3000": " ", "\u200b": "", "\ufeff": "",
    "〇": "〇", "﹐": ",", "、": "、",
})
# a space survives only between two ASCII word characters or number parts
_SPACES = regex.compile(r"(?<=[0-9A-Za-z.%+\-])[ \t\r\n\f\v]+(?=[0-9A-Za-z+\-])|([ \t\r\n\f\v]+)")


def _spaces(text: str) -> str:
    return _SPACES.sub(lambda m: "" if m.group(1) is not None else " ", text)


@functools.lru_cache(maxsize=65536)
def _t2s(text: str) -> str:
    return _convert(text)


_SURROGATE = regex.compile(r"[\ud800-\udfff]")


def _convert(text: str) -> str:
    """OpenCC over UTF-8: a lone surrogate (no reader emits one, but a Document is plain data) becomes U+FFFD —
    one character for one, so offsets stay put."""
    try:
        return _T2S.convert(text)
    except UnicodeEncodeError:
        return _T2S.convert(_SURROGATE.sub("\ufffd", text))


def normalise(text: str) -> str:
    if not text:
        return text
    if len(text) <= _SHORT:  # table cells and labels repeat ("0", "自然人", …): remember them
        return _normalise_short(text)
    return _normalise(text)


_SHORT = 48
_WS = regex.compile(r"\s+")


# NFKC gives the same text when a character is first replaced by its compatibility decomposition (both decompose
# to the same sequence), and the full-width forms Chinese text is full of ("，（）：") decompose to plain ASCII:
# replaced first, Python's quick check usually finds nothing left for NFKC to do, which spares a decomposition and
# recomposition of every line (20x faster on report prose)
_FULL_WIDTH = {chr(c): unicodedata.normalize("NFKD", chr(c)) for c in [*range(0xFF01, 0xFF5F), 0x3000]}
assert all(v.isascii() and len(v) == 1 for v in _FULL_WIDTH.values())
_FULL_WIDTH_CHAR = re.compile("[" + re.escape("".join(_FULL_WIDTH)) + "]")
# _QUOTES as replacements, done only for the characters present (str.translate looks up every character of a line);
# no replacement holds a character replaced, so replacing one character after another is what translate does
_QUOTE_CHARS = {chr(k): v for k, v in _QUOTES.items() if v != chr(k)}
assert not any(ch in v for v in _QUOTE_CHARS.values() for ch in _QUOTE_CHARS)
_QUOTE_CHAR = re.compile("[" + re.escape("".join(_QUOTE_CHARS)) + "]")


def _nfkc(text: str) -> str:
    for ch in set(_FULL_WIDTH_CHAR.findall(text)):
        text = text.replace(ch, _FULL_WIDTH[ch])
    return unicodedata.normalize("NFKC", text)


def _quotes(text: str) -> str:
    for ch in set(_QUOTE_CHAR.findall(text)):
        text = text.replace(ch, _QUOTE_CHARS[ch])
    return text


def _normalise(text: str) -> str:
    text = _quotes(_nfkc(text))
    if not text.isascii():
        converted = _convert(text)
        if len(converted) == len(text):
            text = converted
        else:
            text = "".join(_t2s(ch) for ch in text)
    return _spaces(text)


_normalise_short = functools.lru_cache(maxsize=32768)(_normalise)


def normalise_label(text: str) -> str:
    """For comparing labels: normalised, with every space removed."""
    return _WS.sub("", normalise(text))


def normalise_with_map(text: str) -> tuple[str, list[int]]:
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        for out in unicodedata.normalize("NFKC", ch).translate(_QUOTES):
            chars.append(out)
            index.append(i)
    joined = "".join(chars)
    converted = _convert(joined) if not joined.isascii() else joined
    if len(converted) != len(joined):
        converted = "".join(_t2s(c) for c in chars)
        if len(converted) != len(joined):  # a character that converts to several: keep it unconverted
            converted = "".join(c if len(_t2s(c)) != 1 else _t2s(c) for c in chars)
    out_chars: list[str] = []
    out_index: list[int] = []
    last = 0
    for m in _SPACES.finditer(converted):
        out_chars.append(converted[last:m.start()])
        out_index.extend(index[last:m.start()])
        if m.group(1) is None:
            out_chars.append(" ")
            out_index.append(index[m.start()])
        last = m.end()
    out_chars.append(converted[last:])
    out_index.extend(index[last:])
    return "".join(out_chars), out_index
