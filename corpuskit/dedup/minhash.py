"""Vectorised MinHash signatures, bit-identical to datasketch's ``affine32`` scheme.

datasketch (>= 2.0) hashes each item to 32 bits, pre-mixes it with the MurmurHash3 32-bit
finaliser and applies ``a_k * h + b_k mod 2**32`` for every permutation k, keeping the
minimum. Here the permutation parameters are taken from ``datasketch.MinHash(num_perm,
seed)`` once, every shingle of a batch is hashed once (:func:`shingle_hashes`), and all
permutations are applied to all shingles with one broadcast multiply-add; the per-document
minimum is a ``numpy.minimum.reduceat``. ``MinHash(num_perm, seed, hashfunc=int)`` fed
the same shingle hashes gives the same hash values (tested).
"""

from __future__ import annotations

import functools

from corpuskit.dedup.normalize import fmix64, text_shingle_hashes

# Shingles per broadcast block: block x num_perm uint32 values (~4 MB at 112) stay in cache;
# measured fastest between 4,096 and 8,192 (32,768 was 1.5x slower).
BLOCK_SHINGLES = 8_192


@functools.lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int):
    """datasketch's ``affine32`` permutation parameters ``(a, b)`` for ``num_perm``, ``seed``.

    Drawn exactly as ``datasketch.MinHash(num_perm, seed, scheme="affine32")`` draws them
    (``numpy.random.RandomState(seed)``: odd ``a``, then ``b``; equality is tested), without
    importing datasketch, whose import pulls in scipy and costs seconds on every worker.
    """
    import numpy as np

    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def fmix32(values):
    """MurmurHash3's 32-bit finaliser on a uint32 array (datasketch's pre-mix)."""
    import numpy as np

    h = values ^ (values >> np.uint32(16))
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def signatures_from_hashes(hashes, counts, num_perm: int, seed: int):
    """Signatures (uint32, docs x num_perm) from shingle hashes grouped by ``counts``.

    A document with no shingle gets the empty signature (all ``2**32 - 1``).
    """
    import numpy as np

    a, b = permutations(num_perm, seed)
    out = np.full((len(counts), num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    docs = np.flatnonzero(counts > 0)
    if not len(docs):
        return out
    mixed = fmix32(hashes.astype(np.uint32))
    doc_ends = np.cumsum(counts[docs])
    doc_starts = doc_ends - counts[docs]
    first = 0
    while first < len(docs):
        # Whole documents per block, so each reduceat segment is complete.
        last = int(np.searchsorted(doc_ends, doc_starts[first] + BLOCK_SHINGLES, side="right"))
        last = max(last, first + 1)
        lo, hi = doc_starts[first], doc_ends[last - 1]
        # Permutations x shingles: reduceat along the contiguous axis is ~4x faster.
        with np.errstate(over="ignore"):
            values = a[:, None] * mixed[None, lo:hi]
            values += b[:, None]
        segments = np.minimum.reduceat(values, doc_starts[first:last] - lo, axis=1)
        out[docs[first:last]] = segments.T
        first = last
    return out


def signatures(texts: list[str], ngram: int, num_perm: int, seed: int, unit: str = "words"):
    """MinHash signatures of raw texts (normalised and shingled here); also the shingle counts."""
    hashes, counts = text_shingle_hashes(texts, unit, ngram)
    return signatures_from_hashes(hashes, counts, num_perm, seed), counts


def band_keys(signature_matrix, bands: int, rows: int):
    """One signed 64-bit key per band: a hash of the band's ``rows`` values (docs x bands)."""
    import numpy as np

    docs = signature_matrix.shape[0]
    keys = np.zeros((docs, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for band in range(bands):
            h = np.full(docs, band + 1, dtype=np.uint64)
            for row in range(rows):
                h = (h ^ signature_matrix[:, band * rows + row].astype(np.uint64)) * np.uint64(
                    0x100000001B3
                )
            keys[:, band] = fmix64(h)
    return keys.view(np.int64)


def estimated_jaccard(left, right):
    """Fraction of equal signature values, row by row (the MinHash Jaccard estimate)."""
    import numpy as np

    return (np.asarray(left) == np.asarray(right)).mean(axis=-1)
