"""Near-duplicate text: character shingles, MinHash signatures and LSH banding, so a batch finds copied reports
without comparing every pair of full texts.

Shingles are hashed with a rolling polynomial over code points and mixed (splitmix64), all in numpy, so that a
report's shingle set and signature cost well under a millisecond; a set is a sorted array of unique uint64.
numpy is imported on first use: a one-file run that never compares texts does not pay for it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import regex

if TYPE_CHECKING:
    import numpy as np

K = 8  # characters per shingle: long enough that boiler-plate phrases alone do not make two reports alike
NUM_PERM = 64
BANDS = 16  # 16 bands × 4 rows: pairs above ~0.5 Jaccard are very likely to share a band
MAX_BUCKET = 200  # a bucket shared by more reports than this is boiler-plate everyone uses, not a copy
EMPTY = (1 << 64) - 1  # the signature value of an empty text
_DIGITS = regex.compile(r"\d+")
_NOISE = regex.compile(r"[\s\x1f\x1e\n，。、；：,.;:()（）\"'“”]+")
_BASE = 0x100000001B3  # FNV prime: the polynomial base of the rolling hash
_state: dict[str, Any] = {}


def _np() -> Any:
    mod = _state.get("np")
    if mod is None:
        import numpy

        mod = _state["np"] = numpy
        gen = numpy.random.Generator(numpy.random.PCG64(20240611))
        a = gen.integers(1, 2**63, size=NUM_PERM, dtype=numpy.uint64) * numpy.uint64(2) + numpy.uint64(1)
        b = gen.integers(0, 2**63, size=NUM_PERM, dtype=numpy.uint64)
        _state["perm"] = (a.reshape(-1, 1), b.reshape(-1, 1))
        _state["powers"] = numpy.array([pow(_BASE, K - 1 - j, 1 << 64) for j in range(K)], dtype=numpy.uint64)
    return mod


def prose(text: str) -> str:
    """The text as compared: numbers folded (a copied report with new figures is still a copy), punctuation and
    breaks dropped. Idempotent: prose(prose(t)) == prose(t)."""
    return _NOISE.sub("", _DIGITS.sub("0", text))


def _mix(np: Any, x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads the polynomial hash over all 64 bits (uint64 arithmetic wraps)."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def shingle_array(text: str, k: int = K, folded: bool = False) -> np.ndarray:
    """The shingle set of `text` as a sorted array of unique uint64 hashes (`folded`: text is already prose)."""
    np = _np()
    t = text if folded else prose(text)
    if len(t) < k:
        return np.empty(0, dtype=np.uint64)
    codes = np.frombuffer(t.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(codes) - k + 1
    powers = _state["powers"] if k == K else np.array([pow(_BASE, k - 1 - j, 1 << 64) for j in range(k)],
                                                      dtype=np.uint64)
    with np.errstate(over="ignore"):
        acc = codes[0:n] * powers[0]
        for j in range(1, k):
            acc += codes[j:j + n] * powers[j]
    return sorted_unique(_mix(np, acc))


def sorted_unique(arr: np.ndarray) -> np.ndarray:
    """np.unique for the few thousand hashes of a report, by sorting in place (faster than its hash path here)."""
    np = _np()
    arr.sort()
    if len(arr) < 2:
        return arr
    keep = np.empty(len(arr), dtype=bool)
    keep[0] = True
    np.not_equal(arr[1:], arr[:-1], out=keep[1:])
    return arr[keep]


def without(arr: np.ndarray, common: np.ndarray) -> np.ndarray:
    """The sorted unique `arr` minus the sorted unique `common` (np.setdiff1d without its sort)."""
    np = _np()
    if not len(arr) or not len(common):
        return arr
    pos = np.searchsorted(common, arr)
    pos[pos == len(common)] = 0
    return arr[common[pos] != arr]


def shingles(text: str, k: int = K) -> set[int]:
    return set(shingle_array(text, k).tolist())


def _size(x: Any) -> int:
    return len(x)


def jaccard(a: set[int] | np.ndarray, b: set[int] | np.ndarray) -> float:
    if not _size(a) or not _size(b):
        return 0.0
    inter = _intersection(a, b)
    return inter / (_size(a) + _size(b) - inter)


def _intersection(a: Any, b: Any) -> int:
    if isinstance(a, set) and isinstance(b, set):
        return len(a & b)
    np = _np()
    a = a if not isinstance(a, set) else np.array(sorted(a), dtype=np.uint64)
    b = b if not isinstance(b, set) else np.array(sorted(b), dtype=np.uint64)
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return 0
    # both sorted and unique: look the smaller up in the larger (no concatenation, no sort)
    pos = np.searchsorted(b, a)
    pos[pos == len(b)] = 0
    return int(np.count_nonzero(b[pos] == a))


def containment(a: set[int] | np.ndarray, b: set[int] | np.ndarray) -> float:
    """How much of the smaller text stands in the larger one."""
    if not _size(a) or not _size(b):
        return 0.0
    return _intersection(a, b) / min(_size(a), _size(b))


def signature(arr: np.ndarray) -> tuple[int, ...]:
    """MinHash signature (NUM_PERM values) of a shingle array: min over (a·x + b) mod 2⁶⁴ per permutation."""
    return tuple(int(v) for v in _mins(arr))


def signature_bytes(arr: np.ndarray) -> bytes:
    """The signature packed as NUM_PERM little-endian uint64 (512 bytes): what a batch keeps per report."""
    return _mins(arr).astype("<u8").tobytes()


def _mins(arr: np.ndarray) -> np.ndarray:
    np = _np()
    if not len(arr):
        return np.full(NUM_PERM, EMPTY, dtype=np.uint64)
    a, b = _state["perm"]
    with np.errstate(over="ignore"):
        if len(arr) > 4096:  # bound the temporary: NUM_PERM × chunk
            mins = np.full(NUM_PERM, EMPTY, dtype=np.uint64)
            for i in range(0, len(arr), 4096):
                mins = np.minimum(mins, (a * arr[i:i + 4096] + b).min(axis=1))
        else:
            mins = (a * arr + b).min(axis=1)
    return mins


def minhash(sh: set[int] | np.ndarray) -> tuple[int, ...]:
    np = _np()
    arr = sh if not isinstance(sh, set) else np.array(sorted(sh), dtype=np.uint64)
    return signature(arr)


def lsh_candidates(signatures: dict[str, Sequence[int]] | Iterable[tuple[Any, Sequence[int]]],
                   max_bucket: int = MAX_BUCKET) -> set[tuple[Any, Any]]:
    """Pairs of keys (a < b) that share at least one band of their signatures. Buckets larger than `max_bucket` are
    skipped: a band everybody shares is boiler-plate, and an all-pairs blow-up is what LSH is there to avoid."""
    items = list(signatures.items()) if isinstance(signatures, dict) else list(signatures)
    rows = NUM_PERM // BANDS
    pairs: set[tuple[Any, Any]] = set()
    for band in range(BANDS):
        buckets: dict[tuple[int, ...], list[Any]] = defaultdict(list)
        for key, sig in items:
            if sig[0] == EMPTY:
                continue
            buckets[tuple(sig[band * rows:(band + 1) * rows])].append(key)
        for keys in buckets.values():
            if 1 < len(keys) <= max_bucket:
                keys = sorted(keys)
                for i, a in enumerate(keys):
                    for b in keys[i + 1:]:
                        pairs.add((a, b))
    return pairs


def estimate_jaccard(a: bytes, b: bytes) -> float:
    """Jaccard similarity estimated from two packed signatures: the share of equal minima."""
    np = _np()
    if not a or not b:
        return 0.0
    return float(np.count_nonzero(np.frombuffer(a, dtype="<u8") == np.frombuffer(b, dtype="<u8"))) / NUM_PERM


def estimate_containment(a: bytes, b: bytes, size_a: int, size_b: int) -> float:
    """Containment (share of the smaller set inside the larger) estimated from signatures and set sizes:
    |A∩B| = J·(|A| + |B|) / (1 + J)."""
    if not size_a or not size_b:
        return 0.0
    j = estimate_jaccard(a, b)
    return min(1.0, j * (size_a + size_b) / ((1 + j) * min(size_a, size_b)))


def lsh_bytes(items: Iterable[tuple[Any, bytes]], max_bucket: int = MAX_BUCKET) -> set[tuple[Any, Any]]:
    """lsh_candidates for packed signatures (signature_bytes): band b is bytes [32·b, 32·b + 32)."""
    width = NUM_PERM // BANDS * 8
    empty = EMPTY.to_bytes(8, "little")
    items = [(k, s) for k, s in items if s and s[:8] != empty]
    pairs: set[tuple[Any, Any]] = set()
    for band in range(BANDS):
        buckets: dict[bytes, list[Any]] = defaultdict(list)
        lo = band * width
        for key, sig in items:
            buckets[sig[lo:lo + width]].append(key)
        for keys in buckets.values():
            if 1 < len(keys) <= max_bucket:
                keys.sort()
                for i, a in enumerate(keys):
                    for b in keys[i + 1:]:
                        pairs.add((a, b))
    return pairs


def body_text(parts: Iterable[str]) -> str:
    return "".join(parts)
