"""Text normalisation, shingling and the vectorised shingle hash used by MinHash.

Normalisation follows FineWeb/datatrove's ``simplify_text`` idea: Unicode NFKC, lower
case, every digit replaced by ``0``, punctuation replaced by a space, whitespace collapsed.
Shingles are word n-grams (``--ngram 5``, as FineWeb and text-dedup) of that text; a text
with fewer than n words is one shingle made of all its words.

The shingle hash is computed for a whole batch of documents at once with numpy: a
polynomial hash of each word's UTF-8 bytes (from prefix sums, mod 2**64), then a
polynomial combination of n consecutive word hashes, finished with the MurmurHash3
64-bit finaliser and cut to 32 bits (the input width of datasketch's ``affine32`` scheme).
:func:`shingle_hash32` is the scalar reference of the same function.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_PUNCTUATION = re.compile(r"[^\w\s]|_")
_DIGIT = re.compile(r"\d")

# Odd multipliers (invertible mod 2**64) for the byte- and word-level polynomial hashes.
BYTE_BASE = 0x100000001B3
WORD_BASE = 0x9E3779B97F4A7C15
MASK64 = (1 << 64) - 1


def normalize_text(text: str) -> str:
    """NFKC, lower case, digits -> 0, punctuation -> space, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _DIGIT.sub("0", text)
    text = _PUNCTUATION.sub(" ", text)
    return " ".join(text.split())


def exact_text(text: str) -> str:
    """The text compared by exact dedup: whitespace runs collapsed, ends stripped."""
    return " ".join(text.split())


def shingles(text: str, ngram: int) -> set[str]:
    """The set of word n-gram shingles of the normalised text (reference implementation)."""
    words = normalize_text(text).split()
    if not words:
        return set()
    if len(words) < ngram:
        return {" ".join(words)}
    return {" ".join(words[i : i + ngram]) for i in range(len(words) - ngram + 1)}


def jaccard(a: set, b: set) -> float:
    """Exact Jaccard similarity of two sets (1.0 for two empty sets)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def key64(value: str) -> int:
    """A stable signed 64-bit key of a string (blake2b), for ids, URLs and texts."""
    digest = hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def md5_key64(value: str) -> int:
    """A signed 64-bit key from the MD5 digest, as the C4 code hashes lines."""
    digest = hashlib.md5(value.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "little", signed=True)


def _fmix64_scalar(h: int) -> int:
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & MASK64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & MASK64
    return h ^ (h >> 33)


def _word_hash_scalar(word: str) -> int:
    h = 0
    power = 1
    for byte in word.encode("utf-8"):
        h = (h + (byte + 1) * power) & MASK64
        power = (power * BYTE_BASE) & MASK64
    return _fmix64_scalar(h)


def shingle_hash32(words: list[str]) -> int:
    """Scalar reference of the 32-bit hash of one shingle (a list of normalised words)."""
    h = 0
    power = 1
    for word in words:
        h = (h + _word_hash_scalar(word) * power) & MASK64
        power = (power * WORD_BASE) & MASK64
    return _fmix64_scalar(h) >> 32


def fmix64(values):
    """MurmurHash3's 64-bit finaliser on a uint64 numpy array (wrapping arithmetic)."""
    import numpy as np

    h = values ^ (values >> np.uint64(33))
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


_POWER_CACHE: dict[int, object] = {}


def _powers(base: int, count: int):
    """``base**i mod 2**64`` for i < count (cached and grown, as every batch needs them)."""
    import numpy as np

    cached = _POWER_CACHE.get(base)
    if cached is None or len(cached) < count:
        size = max(count, 1 << 20)
        powers = np.full(size, base, dtype=np.uint64)
        powers[0] = 1
        with np.errstate(over="ignore"):
            cached = np.cumprod(powers, dtype=np.uint64)
        _POWER_CACHE[base] = cached
    return cached[:count]


def shingle_hashes(normalized: list[str], ngram: int):
    """Hash the shingles of many normalised texts at once.

    Returns ``(hashes, counts)``: a uint32 array with the shingle hashes of every text in
    order, and the number of shingles of each text (0 for a text with no words).
    """
    import numpy as np

    counts = np.zeros(len(normalized), dtype=np.int64)
    nonempty = [i for i, text in enumerate(normalized) if text]
    if not nonempty:
        return np.zeros(0, dtype=np.uint32), counts
    texts = [normalized[i] for i in nonempty]
    buffer = " ".join(texts).encode("utf-8")
    data = np.frombuffer(buffer, dtype=np.uint8)
    spaces = np.flatnonzero(data == 32)
    starts = np.concatenate(([0], spaces + 1))
    ends = np.concatenate((spaces, [len(data)]))
    with np.errstate(over="ignore"):
        weighted = (data.astype(np.uint64) + np.uint64(1)) * _powers(BYTE_BASE, len(data))
        prefix = np.concatenate(([np.uint64(0)], np.cumsum(weighted, dtype=np.uint64)))
        inverse = _powers(pow(BYTE_BASE, -1, 1 << 64), len(data) + 1)
        word_hashes = fmix64((prefix[ends] - prefix[starts]) * inverse[starts])
    words_per_text = np.array([text.count(" ") + 1 for text in texts], dtype=np.int64)
    first_word = np.concatenate(([0], np.cumsum(words_per_text)[:-1]))
    total_words = len(word_hashes)
    # Shingle starting at every word position: sum of the next n word hashes * WORD_BASE**k.
    combined = np.zeros(total_words, dtype=np.uint64)
    power = 1
    with np.errstate(over="ignore"):
        for k in range(min(ngram, total_words)):  # a batch may hold fewer words than n
            combined[: total_words - k] += word_hashes[k:] * np.uint64(power)
            power = (power * WORD_BASE) & MASK64
    full = words_per_text >= ngram
    per_text = np.where(full, words_per_text - ngram + 1, 1)
    # Start positions of every shingle, text by text.
    text_of_shingle = np.repeat(np.arange(len(texts)), per_text)
    offset_in_text = np.arange(len(text_of_shingle)) - np.repeat(
        np.concatenate(([0], np.cumsum(per_text)[:-1])), per_text
    )
    positions = first_word[text_of_shingle] + offset_in_text
    hashes = combined[positions]
    short = np.flatnonzero(~full)
    for t in short:  # fewer words than n: one shingle of all words (rare)
        h = 0
        power = 1
        for k in range(words_per_text[t]):
            h = (h + int(word_hashes[first_word[t] + k]) * power) & MASK64
            power = (power * WORD_BASE) & MASK64
        hashes[np.flatnonzero(text_of_shingle == t)[0]] = np.uint64(h)
    result = (fmix64(hashes) >> np.uint64(32)).astype(np.uint32)
    counts[nonempty] = per_text
    return result, counts
