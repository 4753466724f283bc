"""The one-permutation MinHash of gxlint.similarity: the same values as a plain reading of its definition, and
estimates of Jaccard similarity that are unbiased, also for short texts that leave most bins empty."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gxlint.similarity import _ROTATE, EMPTY, NUM_PERM, estimate_jaccard, signature_bytes, sorted_unique

MASK = (1 << 64) - 1


def reference(hashes: list[int]) -> list[int]:
    """Bin = top bits; value = the bin's least hash; an empty bin borrows from the next filled bin to its right
    (circularly), shifted by distance × _ROTATE; the low 32 bits kept."""
    if not hashes:
        return [EMPTY] * NUM_PERM
    shift = 64 - (NUM_PERM.bit_length() - 1)
    least: dict[int, int] = {}
    for h in hashes:
        b = h >> shift
        least[b] = min(least.get(b, MASK), h)
    out = []
    for j in range(NUM_PERM):
        t = next(t for t in range(NUM_PERM) if (j + t) % NUM_PERM in least)
        out.append((least[(j + t) % NUM_PERM] + t * _ROTATE) & MASK & 0xFFFFFFFF)  # kept: the low 32 bits
    return out


def sig(values: list[int] | np.ndarray) -> np.ndarray:
    return np.frombuffer(signature_bytes(sorted_unique(np.array(values, dtype=np.uint64))), dtype="<u4")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=MASK), max_size=300)
       | st.lists(st.integers(min_value=0, max_value=(1 << 59)), max_size=20))  # few bins filled: most borrowed
def test_signature_is_its_definition(hashes: list[int]) -> None:
    assert sig(hashes).tolist() == reference(sorted(set(hashes)))


def _random_pair(rng: np.random.Generator, n: int, overlap: float) -> tuple[np.ndarray, np.ndarray, float]:
    pool = rng.integers(0, 2**63, size=3 * n, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    shared = int(n * overlap)
    a, b = pool[:n], np.concatenate([pool[:shared], pool[n:2 * n - shared]])
    sa, sb = set(a.tolist()), set(b.tolist())
    return a, b, len(sa & sb) / len(sa | sb)


def test_estimates_are_unbiased_for_long_and_short_texts() -> None:
    rng = np.random.default_rng(20261203)
    for n in (12, 40, 1500):  # 12 shingles fill at most 12 of 256 bins: the rest are borrowed
        errors = []
        for _ in range(150):
            a, b, true = _random_pair(rng, n, float(rng.random()))
            errors.append(estimate_jaccard(sig(a).tobytes(), sig(b).tobytes()) - true)
        assert abs(float(np.mean(errors))) < 0.03, n
        assert float(np.std(errors)) < (0.1 if n < 100 else 0.04), n  # 256 bins: about 0.025 on long texts


def test_disjoint_short_texts_do_not_look_alike_and_equal_ones_do() -> None:
    rng = np.random.default_rng(7)
    for _ in range(50):
        a, b, _true = _random_pair(rng, 10, 0.0)
        assert estimate_jaccard(sig(a).tobytes(), sig(b).tobytes()) <= 0.2
        assert estimate_jaccard(sig(a).tobytes(), sig(a[::-1]).tobytes()) == 1.0
    assert sig([]).tolist() == [EMPTY] * NUM_PERM


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(min_value=0, max_value=2), min_size=64, max_size=64), max_size=40),
       st.integers(min_value=2, max_value=6), st.sampled_from([1 << 20, 0, 3]))
def test_banded_pairs_are_the_pairs_sharing_a_small_bucket(rows: list[list[int]], max_bucket: int, hold: int) -> None:
    """The numpy banding of the batch's copy search against its definition: (a, b), a < b, agree on all four values
    of some band whose bucket (the rows with those values) has at most `max_bucket` rows — in order, each once,
    whether the bands' pairs are merged at the end or as they pile up (`hold`)."""
    from gxlint.batch import _banded_pairs
    from gxlint.similarity import BANDS

    values = np.array(rows, dtype=np.uint32).reshape(len(rows), 64)
    a, b = _banded_pairs(values, max_bucket, hold)
    pairs = list(zip(a.tolist(), b.tolist(), strict=True))
    assert pairs == sorted(set(pairs))
    got = set(pairs)
    want = set()
    width = 64 // BANDS
    for band in range(BANDS):
        buckets: dict[tuple[int, ...], list[int]] = {}
        for i, r in enumerate(rows):
            buckets.setdefault(tuple(r[band * width:(band + 1) * width]), []).append(i)
        for members in buckets.values():
            if len(members) <= max_bucket:
                want.update((x, y) for x in members for y in members if x < y)
    assert got == want


@pytest.mark.parametrize(("small", "large"), [(800, 800), (600, 1800), (300, 3000)])
def test_pairs_at_the_threshold_are_rarely_pruned(small: int, large: int) -> None:
    """A pair whose real containment is exactly the threshold must reach the exact comparison: its estimate falls
    below threshold - margin in under 2 % of pairs, for reports of one size and of very different sizes."""
    from gxlint.similarity import containment_margin as margin
    from gxlint.similarity import estimate_containment

    rng = np.random.default_rng(small)
    threshold = 0.8
    pruned = 0
    for _ in range(200):
        pool = rng.integers(0, 2**63, size=small + large, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        shared = int(threshold * small)
        a = pool[:small]
        b = np.concatenate([pool[:shared], pool[small:small + large - shared]])
        est = estimate_containment(sig(a).tobytes(), sig(b).tobytes(), len(set(a.tolist())), len(set(b.tolist())))
        pruned += est < threshold - margin(threshold, small, large)
    assert pruned / 200 < 0.02


# the class prose() dropped before it was spelt out (NOISE_CHARS): the regex module's \s and the punctuation
_NOISE_AS_WRITTEN = r"[\s\x1f\x1e\n，。、；：,.;:()（）\"'“”]"


def test_noise_characters_are_the_class_they_replace() -> None:
    """Every code point: NOISE_CHARS holds exactly what the written class matches (the regex module's \\s
    included), and all of them are in the Basic Multilingual Plane, where prose_codes' table looks."""
    import regex

    from gxlint.similarity import NOISE_CHARS

    written = regex.compile(_NOISE_AS_WRITTEN)
    matched = {chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000 and written.fullmatch(chr(c))}
    assert matched == set(NOISE_CHARS)
    assert len(NOISE_CHARS) == len(set(NOISE_CHARS))
    assert max(map(ord, NOISE_CHARS)) < 0x10000


_TEXT = st.text(alphabet=st.one_of(st.sampled_from("0123456789١٢３４ \t\n\x1e\x1f，。、；：,.;:()（）\"'“”\u3000\xa0"
                                                   "办结申请公开件一二𠀀\uffff\U0001d7ce"), st.characters(blacklist_categories=("Cs",))),
                max_size=200)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_prose_codes_are_the_code_points_of_prose(text: str) -> None:
    from gxlint.similarity import prose, prose_codes

    assert prose_codes(text).tolist() == [ord(c) for c in prose(text)]


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_shingles_of_a_text_are_those_of_its_prose(text: str) -> None:
    from gxlint.similarity import prose, shingle_array

    assert shingle_array(text).tolist() == shingle_array(prose(text), folded=True).tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=0x10FFFF), min_size=0, max_size=60),
       st.sampled_from([1, 2, 3, 4, 5, 8, 16]))
def test_window_hashes_are_the_polynomial(codes: list[int], k: int) -> None:
    """Each window's hash is Σ code·BASE^(k-1-j) mod 2⁶⁴, whether made by doubling (k a power of two) or term by
    term."""
    from gxlint.similarity import _BASE, _np, _window_hashes

    if len(codes) < k:
        return
    got = _window_hashes(_np(), np.array(codes, dtype=np.uint64), k).tolist()
    want = [sum(codes[i + j] * pow(_BASE, k - 1 - j, 1 << 64) for j in range(k)) % (1 << 64)
            for i in range(len(codes) - k + 1)]
    assert got == want


# -- the faster forms of the same numbers (each against the form it replaced) ---------------------------------------

def splitmix(x: int) -> int:
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=0x10FFFF), min_size=0, max_size=60),
       st.sampled_from([1, 2, 3, 4, 8, 16]))
def test_shingle_hashes_from_uint32_codes_are_the_mixed_polynomial(codes: list[int], k: int) -> None:
    """The window hashes of uint32 code points (widened by the first product, not copied to uint64 first), mixed
    in place: splitmix64 of Σ code·BASE^(k-1-j) mod 2⁶⁴, and the codes left as they were."""
    from gxlint.similarity import _BASE, _mix, _np, _window_hashes

    arr = np.array(codes, dtype=np.uint32)
    if len(codes) < k:
        return
    got = _mix(_np(), _window_hashes(_np(), arr, k)).tolist()
    want = [splitmix(sum(codes[i + j] * pow(_BASE, k - 1 - j, 1 << 64) for j in range(k)) % (1 << 64))
            for i in range(len(codes) - k + 1)]
    assert got == want
    assert arr.tolist() == codes


# hashes that share their top 16 bits with the common ones (the table's maybes), above and below them, repeated
_TOPS = st.sampled_from([0, 1, 0x8000, 0xFFFF])
_HASH = st.builds(lambda top, low: (top << 48) | low, _TOPS, st.integers(min_value=0, max_value=(1 << 48) - 1)) \
    | st.integers(min_value=0, max_value=MASK)


@settings(max_examples=500, deadline=None)
@given(st.lists(_HASH, max_size=80), st.lists(_HASH, max_size=30), st.data())
def test_unique_without_is_unique_less_the_common(hashes: list[int], common: list[int], data: st.DataObject) -> None:
    """unique_without against np.unique and np.setdiff1d, with some hashes equal to common ones."""
    from gxlint.similarity import excluded, unique_without

    if common:
        hashes = hashes + data.draw(st.lists(st.sampled_from(common), max_size=10))
    arr = np.array(hashes, dtype=np.uint64)
    common_arr = np.unique(np.array(common, dtype=np.uint64))
    want = np.setdiff1d(np.unique(arr), common_arr)
    got = unique_without(arr.copy(), excluded(common_arr))
    assert got.dtype == np.uint64
    assert got.tolist() == want.tolist()


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=1024, max_size=1024), st.binary(min_size=1024, max_size=1024), st.data(),
       st.integers(min_value=0, max_value=5000), st.integers(min_value=0, max_value=5000))
def test_estimate_containment_is_the_formula_on_jaccard(a: bytes, b: bytes, data: st.DataObject, size_a: int,
                                                        size_b: int) -> None:
    """estimate_containment's formula on Python numbers gives the very double containment_from_jaccard gives."""
    from gxlint.similarity import containment_from_jaccard, estimate_containment

    same = data.draw(st.lists(st.integers(min_value=0, max_value=255), max_size=256))  # values b shares with a
    b = bytearray(b)
    for i in same:
        b[4 * i:4 * i + 4] = a[4 * i:4 * i + 4]
    got = estimate_containment(a, bytes(b), size_a, size_b)
    if not size_a or not size_b:
        assert got == 0.0
        return
    assert got == min(1.0, containment_from_jaccard(estimate_jaccard(a, bytes(b)), size_a, size_b))


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=40), st.integers(min_value=1, max_value=255), st.data())
def test_equal_counts_are_count_nonzero(rows: int, words: int, data: st.DataObject) -> None:
    """The batch's count of equal signature bytes per pair: np.count_nonzero along the rows, for rows of any
    multiple of 8 up to 2,040 columns, all-equal rows included."""
    from gxlint.batch import _equal_counts

    seed = data.draw(st.integers(min_value=0, max_value=2**32 - 1))
    rng = np.random.default_rng(seed)
    equal = rng.random((rows, 8 * words)) < data.draw(st.sampled_from([0.0, 0.1, 0.5, 0.99, 1.0]))
    if rows:
        equal[0] = True
    got = _equal_counts(equal)
    assert got.tolist() == np.count_nonzero(equal, axis=1).tolist()


def test_batch_estimates_are_as_before() -> None:
    """_estimates with the equal bytes counted by words: the very estimates and verdicts of count_nonzero's."""
    from gxlint.batch import _estimates
    from gxlint.similarity import containment_from_jaccard, containment_margin

    rng = np.random.default_rng(20261204)
    n = 300
    base = rng.integers(0, 256, size=(8, 256), dtype=np.uint8)
    table = base[rng.integers(0, 8, size=n)]  # rows drawn from a few, then changed in places: many equal bytes
    table = np.where(rng.random((n, 256)) < rng.random((n, 1)), rng.integers(0, 256, size=(n, 256)), table)
    table = table.astype(np.uint8)
    a = rng.integers(0, n, size=20000)
    b = rng.integers(0, n, size=20000)
    sizes = rng.integers(1, 3000, size=n).astype(np.float64)
    est, good = _estimates(table, a, b, sizes, 0.8, chance=1 / 256)
    jac = np.count_nonzero(table[a] == table[b], axis=1) / 256
    jac = np.maximum(0.0, (jac - 1 / 256) / (1 - 1 / 256))
    want = containment_from_jaccard(jac, sizes[a], sizes[b])
    assert est.tobytes() == want.tobytes()
    assert good.tolist() == (want >= 0.8 - containment_margin(0.8, sizes[a], sizes[b])).tolist()
    assert good.any() and not good.all()
