"""MinHash signatures, shingle hashing and the LSH parameter choice."""

from __future__ import annotations

import random

import numpy as np
import pytest
from datasketch import MinHash
from datasketch.lsh import _optimal_param

from corpuskit.dedup.lsh import candidate_probability, optimal_bands_rows
from corpuskit.dedup.minhash import band_keys, estimated_jaccard, permutations, signatures
from corpuskit.dedup.normalize import (
    jaccard,
    normalize_text,
    shingle_hash32,
    shingle_hashes,
    shingles,
)
from tests.corpuskit.dedup_corpus import planted_corpus

TEXTS = [
    "The quick brown fox jumps over the lazy dog, again and again in 2024.",
    "Über naïve façades — «quoted» text, 東京 and Москва are words too!",
    "two words",
    "",
    "   ...   ",
    "word " * 700,
]


def _scalar_shingles(text: str, ngram: int) -> list[list[str]]:
    words = normalize_text(text).split()
    if not words:
        return []
    if len(words) < ngram:
        return [words]
    return [words[i : i + ngram] for i in range(len(words) - ngram + 1)]


@pytest.mark.parametrize("ngram", [1, 3, 5])
def test_vectorised_shingle_hashes_equal_the_scalar_reference(ngram):
    hashes, counts = shingle_hashes([normalize_text(t) for t in TEXTS], ngram)
    expected = [[shingle_hash32(s) for s in _scalar_shingles(t, ngram)] for t in TEXTS]
    assert counts.tolist() == [len(e) for e in expected]
    assert hashes.tolist() == [h for e in expected for h in e]


@pytest.mark.parametrize(("num_perm", "seed"), [(112, 1), (7, 42)])
def test_permutations_are_datasketchs(num_perm, seed):
    a, b = permutations(num_perm, seed)
    expected = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    np.testing.assert_array_equal(a, expected[0])
    np.testing.assert_array_equal(b, expected[1])


def test_signatures_equal_datasketch_minhash_fed_the_same_shingles():
    sigs, counts = signatures(TEXTS, ngram=5, num_perm=64, seed=3)
    for text, sig, count in zip(TEXTS, sigs, counts, strict=True):
        reference = MinHash(num_perm=64, seed=3, hashfunc=int)
        reference.update_batch([shingle_hash32(s) for s in _scalar_shingles(text, 5)])
        assert count == len(_scalar_shingles(text, 5))
        np.testing.assert_array_equal(sig, reference.hashvalues)


def test_signature_estimate_tracks_exact_jaccard():
    docs, planted = planted_corpus(pairs=40, singles=0)
    texts = {d.id: d.text for d in docs}
    ids = list(texts)
    sigs, _ = signatures([texts[i] for i in ids], ngram=5, num_perm=256, seed=1)
    row = {doc_id: sigs[i] for i, doc_id in enumerate(ids)}
    errors = [abs(estimated_jaccard(row[a], row[b]) - j) for a, b, j in planted]
    assert max(errors) < 0.12
    assert float(np.mean(errors)) < 0.04


def test_exact_jaccard_reference():
    a = shingles("a b c d e f", 5)
    b = shingles("a b c d e g", 5)
    assert a == {"a b c d e", "b c d e f"}
    assert jaccard(a, b) == pytest.approx(1 / 3)


def test_band_keys_match_exactly_when_bands_match():
    rng = np.random.default_rng(0)
    sig = rng.integers(0, 2**32, size=(3, 16), dtype=np.uint32)
    sig[1, :8] = sig[0, :8]  # same first band only
    keys = band_keys(sig, bands=2, rows=8)
    assert keys.dtype == np.int64
    assert keys[0, 0] == keys[1, 0]
    assert keys[0, 1] != keys[1, 1]
    assert len(set(keys[:, 0].tolist()) | set(keys[:, 1].tolist())) == 5


def test_signatures_depend_on_the_seed():
    one, _ = signatures(TEXTS[:1], 5, 32, seed=1)
    two, _ = signatures(TEXTS[:1], 5, 32, seed=2)
    assert not np.array_equal(one, two)


@pytest.mark.parametrize(("threshold", "num_perm"), [(0.72, 112), (0.8, 128), (0.5, 64), (0.9, 40)])
def test_optimal_bands_rows_agrees_with_datasketch(threshold, num_perm):
    assert optimal_bands_rows(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.5, 0.5)


def test_candidate_probability_is_the_s_curve():
    assert candidate_probability(0.72, 14, 8) == pytest.approx(1 - (1 - 0.72**8) ** 14)
    rng = random.Random(0)
    points = sorted(rng.random() for _ in range(20))
    values = [candidate_probability(s, 14, 8) for s in points]
    assert values == sorted(values)
