"""Words and n-gram hashes as GPT-3's decontamination defines them.

"For filtering purposes we define a gram as a lowercase, whitespace delimited word with no
punctuation" (Brown et al. 2020, appendix C). So a text is split on whitespace, each word is
lower-cased and loses every character that is neither a letter, digit or mark nor
whitespace, and the underscore (for ASCII text exactly Python's ``string.punctuation``;
beyond ASCII, Unicode punctuation and symbols); words left empty (a lone dash) are skipped. Each word keeps the character span it came from, so a
collision can be cut out of the original text.

An n-gram's hash is a polynomial over the CRC-32 of its words, mixed to 64 bits
(MurmurHash3's finaliser): stable across processes and machines (unlike Python's ``hash``),
so an index built once is reusable, and computed for all n-grams of a text at once in NumPy.
"""

from __future__ import annotations

import re
import zlib

NGRAM = 13
_WORD = re.compile(r"\S+")
_WORD_BASE = 0x100000001B3  # FNV-64 prime: an odd multiplier for the polynomial
_MASK = (1 << 64) - 1


_PUNCTUATION = re.compile(r"[^\w\s]|_")


def normalised_words(text: str) -> list[str]:
    """The normalised words of ``text`` (see the module docstring), fast: whole-text passes.

    Deleting punctuation before or after splitting on whitespace gives the same words,
    since no punctuation character is whitespace.
    """
    return _PUNCTUATION.sub("", text.lower()).split()


def word_spans(text: str) -> tuple[list[str], list[int], list[int]]:
    """(normalised words, start offsets, end offsets): the same words as
    :func:`normalised_words`, each with the span of ``text`` it came from."""
    normalised, starts, ends = [], [], []
    for match in _WORD.finditer(text):
        word = _PUNCTUATION.sub("", match.group().lower())
        if word:
            normalised.append(word)
            starts.append(match.start())
            ends.append(match.end())
    return normalised, starts, ends


def ngram_hashes(normalised: list[str], n: int = NGRAM):
    """uint64 hashes of every n-gram of the words, in order (empty when fewer than n words)."""
    import numpy as np

    count = len(normalised) - n + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    word_hashes = np.fromiter(
        (zlib.crc32(w.encode("utf-8", "surrogatepass")) for w in normalised),
        dtype=np.uint64,
        count=len(normalised),
    )
    combined = np.zeros(count, dtype=np.uint64)
    power = 1
    with np.errstate(over="ignore"):
        for k in range(n):
            combined += (word_hashes[k : k + count] + np.uint64(1)) * np.uint64(power)
            power = (power * _WORD_BASE) & _MASK
    return fmix64(combined)


def ngram_hashes_many(texts: list[list[str]], n: int = NGRAM):
    """(hashes, owner): the n-gram hashes of many word lists at once, and for each hash the
    position of the list it came from; equal to :func:`ngram_hashes` list by list."""
    import numpy as np

    lengths = np.fromiter((len(words) for words in texts), dtype=np.int64, count=len(texts))
    flat = [word for words in texts for word in words]
    count = len(flat) - n + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    word_hashes = np.fromiter(
        (zlib.crc32(w.encode("utf-8", "surrogatepass")) for w in flat),
        dtype=np.uint64,
        count=len(flat),
    )
    combined = np.zeros(count, dtype=np.uint64)
    power = 1
    with np.errstate(over="ignore"):
        for k in range(n):
            combined += (word_hashes[k : k + count] + np.uint64(1)) * np.uint64(power)
            power = (power * _WORD_BASE) & _MASK
    # Keep the n-grams that start and end inside one list.
    grams = np.maximum(lengths - n + 1, 0)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    owner = np.repeat(np.arange(len(texts)), grams)
    offsets = np.arange(len(owner)) - np.repeat(np.cumsum(grams) - grams, grams)
    return fmix64(combined[starts[owner] + offsets]), owner


def fmix64(values):
    """MurmurHash3's 64-bit finaliser, vectorised: spreads the polynomial's bits."""
    import numpy as np

    h = values.copy()
    with np.errstate(over="ignore"):
        h ^= h >> np.uint64(33)
        h *= np.uint64(0xFF51AFD7ED558CCD)
        h ^= h >> np.uint64(33)
        h *= np.uint64(0xC4CEB93FE53B95C3)
        h ^= h >> np.uint64(33)
    return h
