"""Near-duplicate text: character shingles, MinHash signatures and LSH banding, so a batch finds copied reports
without comparing every pair of full texts."""

from __future__ import annotations

import hashlib
import struct
from collections import defaultdict
from collections.abc import Iterable

import regex

K = 8  # characters per shingle: long enough that boiler-plate phrases alone do not make two reports alike
NUM_PERM = 64
BANDS = 16  # 16 bands × 4 rows: pairs above ~0.5 Jaccard are very likely to share a band
_MASK = (1 << 61) - 1
_PRIME = (1 << 61) - 1
_DIGITS = regex.compile(r"\d+")
_NOISE = regex.compile(r"[\s\x1f\x1e\n，。、；：,.;:()（）\"'“”]+")


def _params() -> list[tuple[int, int]]:
    out = []
    for i in range(NUM_PERM):
        h = hashlib.sha256(f"gxlint-minhash-{i}".encode()).digest()
        a, b = struct.unpack("<QQ", h[:16])
        out.append(((a % (_PRIME - 1)) + 1, b % _PRIME))
    return out


_PARAMS = _params()


def prose(text: str) -> str:
    """The text as compared: numbers folded (a copied report with new figures is still a copy), punctuation and
    breaks dropped."""
    return _NOISE.sub("", _DIGITS.sub("0", text))


def shingles(text: str, k: int = K) -> set[int]:
    t = prose(text)
    if len(t) < k:
        return set()
    return {int.from_bytes(hashlib.blake2b(t[i:i + k].encode(), digest_size=8).digest(), "little")
            for i in range(len(t) - k + 1)}


def jaccard(a: set[int], b: set[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def containment(a: set[int], b: set[int]) -> float:
    """How much of the smaller text stands in the larger one."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def minhash(sh: set[int]) -> tuple[int, ...]:
    if not sh:
        return tuple([_MASK] * NUM_PERM)
    return tuple(min(((a * x + b) % _PRIME) for x in sh) for a, b in _PARAMS)


def lsh_candidates(signatures: dict[str, tuple[int, ...]]) -> set[tuple[str, str]]:
    """Pairs of keys that share at least one band of their signatures."""
    rows = NUM_PERM // BANDS
    pairs: set[tuple[str, str]] = set()
    for band in range(BANDS):
        buckets: dict[tuple[int, ...], list[str]] = defaultdict(list)
        for key, sig in signatures.items():
            if sig[0] == _MASK:
                continue
            buckets[sig[band * rows:(band + 1) * rows]].append(key)
        for keys in buckets.values():
            if 1 < len(keys) <= 200:  # a huge bucket is boiler-plate shared by everyone, not a copy
                keys = sorted(keys)
                for i, a in enumerate(keys):
                    for b in keys[i + 1:]:
                        pairs.add((a, b))
    return pairs


def body_text(parts: Iterable[str]) -> str:
    return "".join(parts)
