"""Near-duplicate text: character shingles, MinHash signatures and LSH banding, so a batch finds copied reports
without comparing every pair of full texts.

Shingles are hashed with a rolling polynomial over code points and mixed (splitmix64), all in numpy, so that a
report's shingle set and signature cost well under a millisecond; a set is a sorted array of unique uint64.
numpy is imported on first use: a one-file run that never compares texts does not pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import regex

if TYPE_CHECKING:
    import numpy as np

K = 8  # characters per shingle: long enough that boiler-plate phrases alone do not make two reports alike
# values of a signature (bins of the one-permutation hash). Texts drawn from common phrasing (every agency's
# boiler-plate, a province's template) make the errors of all pairs lean the same way for a given hash: with 64 bins
# that lean reached 0.07 on generated reports, with 256 it stays within about 0.04 and the spread halves (0.05 →
# 0.025), well inside the margin the cross-report rules leave before comparing exactly
NUM_PERM = 256
LSH_VALUES = 64  # the signature's first values, banded for candidate pairs
BANDS = 16  # 16 bands × 4 rows: pairs above ~0.5 Jaccard are very likely to share a band
SIG_DTYPE = "<u4"  # a value's low 32 bits: two different minima agree by chance once in 2³²
SIG_BYTES = NUM_PERM * 4  # a packed signature
# a shingle set as a batch keeps it: the low 32 bits of each hash, sorted, unique. Two different shingles of a pair
# collide in 32 bits with odds of about |A|·|B|/2³² (≈ 0.0003 for two reports of 1,000 shingles): no effect on a
# similarity printed as a whole percentage, and half the bytes of the full hashes
SHINGLE_DTYPE = "<u4"
# how far a fixed hash's estimates may lean on texts of common phrasing: within ±0.04 at 256 bins over previous-year
# pairs of generated reports, whatever the hash seed
LEAN = 0.04
EMPTY = (1 << 32) - 1  # the signature value of an empty text
_DIGITS = regex.compile(r"\d+")
# what prose() drops: the Unicode white space (what the regex module's \s matches), the block separators \x1e \x1f,
# and the punctuation of a sentence. Spelt out, so that numpy can drop them by a table lookup (prose_codes)
NOISE_CHARS = ("\t\n\x0b\x0c\r\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
               "\u2028\u2029\u202f\u205f\u3000" "，。、；：,.;:()（）\"'“”")
_NOISE = regex.compile("[" + "".join(regex.escape(c) for c in NOISE_CHARS) + "]+")
_BASE = 0x100000001B3  # FNV prime: the polynomial base of the rolling hash
_ROTATE = 0x9E3779B97F4A7C15  # odd: what a borrowed bin value is shifted by per bin of distance
_BIN_SHIFT = 64 - (NUM_PERM.bit_length() - 1)  # a hash's bin is its top log2(NUM_PERM) bits
_state: dict[str, Any] = {}


def _np() -> Any:
    mod = _state.get("np")
    if mod is None:
        import numpy

        mod = _state["np"] = numpy
        _state["positions"] = numpy.arange(NUM_PERM, dtype=numpy.uint64)
        _state["bounds"] = numpy.arange(NUM_PERM, dtype=numpy.uint64) << numpy.uint64(_BIN_SHIFT)
        _state["mix"] = tuple(numpy.uint64(v) for v in (30, 0xBF58476D1CE4E5B9, 27, 0x94D049BB133111EB, 31))
        keep = numpy.ones(0x10000, dtype=bool)
        keep[[ord(c) for c in NOISE_CHARS]] = False
        _state["keep"] = keep
    return mod


def prose(text: str) -> str:
    """The text as compared: numbers folded (a copied report with new figures is still a copy), punctuation and
    breaks dropped. Not idempotent: "1,2" gives "00", which gives "0"."""
    return _NOISE.sub("", _DIGITS.sub("0", text))


def prose_codes(text: str) -> np.ndarray:
    """The code points of prose(text), as uint32: the digits folded by the regex, the noise dropped by a lookup in
    a table of the Basic Multilingual Plane (every noise character is in it) — a third of the time of the second
    regex substitution, which stops at every punctuation mark. The table says what to keep, and `take` looks it up
    (one numpy call fewer than negating a noise table's answer, and take is faster than indexing). Folding the
    digits by table lookups too was faster in a loop over reports but slower in a batch's worker, where each report
    comes to it with cold caches and every extra numpy call shows."""
    np = _np()
    codes = np.frombuffer(_DIGITS.sub("0", text).encode("utf-32-le"), dtype=np.uint32)
    return codes[_state["keep"].take(np.minimum(codes, 0xFFFF))]


def _mix(np: Any, x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, in place: spreads the polynomial hash over all 64 bits (uint64 arrays wrap, and integer
    arrays raise no overflow error, so no np.errstate: entering one costs more than a step here)."""
    s30, m1, s27, m2, s31 = _state["mix"]
    t = x >> s30
    x ^= t
    x *= m1
    np.right_shift(x, s27, out=t)
    x ^= t
    x *= m2
    np.right_shift(x, s31, out=t)
    x ^= t
    return x


def shingle_array(text: str, k: int = K, folded: bool = False) -> np.ndarray:
    """The shingle set of `text` as a sorted array of unique uint64 hashes (`folded`: text is already prose)."""
    return sorted_unique(shingle_hashes(text, k, folded))


def shingle_hashes(text: str, k: int = K, folded: bool = False) -> np.ndarray:
    """The mixed hash of each window of k characters of the text's prose, in text order (a new array)."""
    np = _np()
    folded_codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32) if folded else prose_codes(text)
    if len(folded_codes) < k:
        return np.empty(0, dtype=np.uint64)
    return _mix(np, _window_hashes(np, folded_codes, k))


def _window_hashes(np: Any, codes: np.ndarray, k: int) -> np.ndarray:
    """Σ codes[i+j]·BASE^(k-1-j) over j < k, for each window i (uint64 arithmetic wraps). For k a power of two by
    doubling — the hash of a window of 2w is that of its first w times BASE^w plus that of its last w — in log2(k)
    steps instead of k (the same numbers: it is the same polynomial)."""
    if k == 1:
        return codes.astype(np.uint64)
    if k & (k - 1) == 0:
        # uint32 codes are widened by the first product, not copied first; each sum is added in place
        acc, w = np.multiply(codes[:-1], np.uint64(_BASE), dtype=np.uint64), 2
        acc += codes[1:]
        while w < k:
            nxt = acc[:-w] * np.uint64(pow(_BASE, w, 1 << 64))
            nxt += acc[w:]
            acc, w = nxt, w * 2
        return acc
    codes = codes.astype(np.uint64)
    with np.errstate(over="ignore"):
        n = len(codes) - k + 1
        powers = np.array([pow(_BASE, k - 1 - j, 1 << 64) for j in range(k)], dtype=np.uint64)
        acc = codes[0:n] * powers[0]
        for j in range(1, k):
            acc += codes[j:j + n] * powers[j]
        return acc


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


class Excluded(NamedTuple):
    """A fixed set of hashes to leave out of shingle sets (the boiler-plate), with a table of which values of their
    top 16 bits occur: most hashes of a text are ruled out by one lookup, not a binary search each."""

    values: np.ndarray  # sorted unique uint64
    top: np.ndarray  # bool, 2¹⁶: some value has these top 16 bits


def excluded(values: np.ndarray) -> Excluded:
    np = _np()
    top = np.zeros(1 << 16, dtype=bool)
    top[(values >> np.uint64(48)).astype(np.intp)] = True
    return Excluded(values, top)


def unique_without(arr: np.ndarray, common: Excluded) -> np.ndarray:
    """sorted_unique(arr) less the values of `common` (arr is sorted in place): the duplicates and the common values
    dropped by one mask. The hashes whose top bits some common value has (~4 % of a report's) are looked up."""
    np = _np()
    arr.sort()
    if not len(arr):
        return arr
    keep = np.empty(len(arr), dtype=bool)
    keep[0] = True
    np.not_equal(arr[1:], arr[:-1], out=keep[1:])
    values = common.values
    if len(values):
        maybe = np.flatnonzero(common.top.take(arr >> np.uint64(48)))
        if len(maybe):
            cand = arr[maybe]
            pos = values.searchsorted(cand)
            np.minimum(pos, len(values) - 1, out=pos)  # past the end: the last value, which is less
            keep[maybe[values.take(pos) == cand]] = False
    return arr[keep]


def pack_shingles(arr: np.ndarray) -> bytes:
    """A sorted unique uint64 shingle array in the 32-bit form a batch keeps (SHINGLE_DTYPE)."""
    return sorted_unique(arr.astype(SHINGLE_DTYPE)).tobytes()


def unpack_shingles(data: bytes) -> np.ndarray:
    """pack_shingles' bytes as an array (a view of them, no copy)."""
    return _np().frombuffer(data, dtype=SHINGLE_DTYPE)


def _intersection(a: np.ndarray, b: np.ndarray) -> int:
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return 0
    np = _np()
    # both sorted and unique: look the smaller up in the larger (no concatenation, no sort)
    pos = np.searchsorted(b, a)
    pos[pos == len(b)] = 0
    return int(np.count_nonzero(b[pos] == a))


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """How much of the smaller text stands in the larger one (two sorted unique shingle arrays)."""
    if not len(a) or not len(b):
        return 0.0
    return _intersection(a, b) / min(len(a), len(b))


def signature_bytes(arr: np.ndarray) -> bytes:
    """The MinHash signature of a sorted unique shingle array, packed as NUM_PERM little-endian uint32 (1 KiB): what
    a batch keeps per report."""
    np = _np()
    if not len(arr):
        return np.full(NUM_PERM, EMPTY, dtype=SIG_DTYPE).tobytes()
    return _mins(arr).astype(SIG_DTYPE).tobytes()  # the cast keeps the low 32 bits


def _mins(arr: np.ndarray) -> np.ndarray:
    """One-permutation MinHash (Li, Owen & Zhang 2012): the hashes, already uniform over 64 bits, fall into NUM_PERM
    bins by their top bits, and a bin's value is its smallest hash. An empty bin takes the value of the next
    non-empty bin to its right, circularly, shifted by its distance (densification by rotation, Shrivastava & Li
    2014), so that two sets still agree on a position with probability equal to their Jaccard similarity.
    The array is sorted, so the first hash at or above a bin's lower bound (a binary search) is its smallest — or,
    for an empty bin, that of the next filled bin, and past the end (wrapping round) that of the first: every bin's
    source in one search, its distance from the source's top bits (~10 µs a report; a search for the filled bins
    took ~22)."""
    np = _np()
    src = arr.take(arr.searchsorted(_state["bounds"]), mode="wrap")
    shift = src >> np.uint64(_BIN_SHIFT)
    shift -= _state["positions"]  # uint64: wraps, and 2⁶⁴ is a multiple of NUM_PERM
    shift &= np.uint64(NUM_PERM - 1)
    shift *= np.uint64(_ROTATE)
    shift += src
    return shift


def estimate_jaccard(a: bytes, b: bytes) -> float:
    """Jaccard similarity estimated from two packed signatures: the share of equal minima."""
    np = _np()
    if not a or not b:
        return 0.0
    return float(np.count_nonzero(np.frombuffer(a, dtype=SIG_DTYPE) == np.frombuffer(b, dtype=SIG_DTYPE))) / NUM_PERM


def estimate_containment(a: bytes, b: bytes, size_a: int, size_b: int) -> float:
    """Containment (share of the smaller set inside the larger) estimated from signatures and set sizes:
    |A∩B| = J·(|A| + |B|) / (1 + J)."""
    if not size_a or not size_b:
        return 0.0
    # containment_from_jaccard's formula on Python numbers: its np.minimum of two ints cost as much as the estimate
    # (the same doubles: numpy's int and float arithmetic is the machine's, as Python's is)
    j = estimate_jaccard(a, b)
    return min(1.0, j * (size_a + size_b) / ((1 + j) * min(size_a, size_b)))


def containment_from_jaccard(j: Any, size_a: Any, size_b: Any) -> Any:
    """The share of the smaller set inside the larger, for sets of these sizes with Jaccard similarity j:
    |A∩B| = J·(|A| + |B|) / (1 + J). Works on numbers and numpy arrays."""
    return j * (size_a + size_b) / ((1 + j) * _np().minimum(size_a, size_b))


def containment_margin(threshold: float, size_a: Any, size_b: Any) -> Any:
    """How far below `threshold` an estimated containment may fall and the pair still be compared exactly: the lean
    plus 2.5 standard errors of the estimate for a pair exactly at the threshold. The error grows with the
    difference in size (a short report inside a long one: containment is its overlap over the smaller set):
    ~0.09 for reports of one size, ~0.2 for one three times the other. Works on numbers and numpy arrays."""
    small = size_a + size_b - abs(size_a - size_b)  # twice the smaller
    total = size_a + size_b
    j = threshold * small / (2 * total - threshold * small)  # the Jaccard similarity at that containment
    slope = 2 * total / (small * (1 + j) ** 2)  # d containment / d Jaccard
    return LEAN + 2.5 * (j * (1 - j) / NUM_PERM) ** 0.5 * slope
