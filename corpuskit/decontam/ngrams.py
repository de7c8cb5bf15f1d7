"""Words and n-gram hashes as GPT-3's decontamination defines them.

"For filtering purposes we define a gram as a lowercase, whitespace delimited word with no
punctuation" (Brown et al. 2020, appendix C). So a text is split on whitespace, each word is
lower-cased and loses every character that is neither a letter, digit or mark nor
whitespace, and the underscore (for ASCII text exactly Python's ``string.punctuation``;
beyond ASCII, Unicode punctuation and symbols); words left empty (a lone dash) are skipped. Each word keeps the character span it came from, so a
collision can be cut out of the original text.

A word's hash is a polynomial over its UTF-8 bytes and an n-gram's a polynomial over its
words' hashes, both mixed to 64 bits (MurmurHash3's finaliser): stable across processes and
machines (unlike Python's ``hash``), so an index built once is reusable, and computed for
all words and n-grams of a batch of texts at once in NumPy.
"""

from __future__ import annotations

import re

NGRAM = 13
_WORD = re.compile(r"\S+")
_WORD_BASE = 0x100000001B3  # FNV-64 prime: an odd multiplier for the polynomial
_BYTE_BASE = 0x9E3779B97F4A7C15  # odd, so it has an inverse mod 2**64 (prefix-sum hashing)
_POWERS = None
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
    return ngram_hashes_many([normalised], n)[0]


def word_hashes(words: list[str]):
    """uint64 hash of each word: a polynomial over its UTF-8 bytes, all words in one NumPy
    pass (prefix sums over the joined bytes; normalised words never hold a space)."""
    import numpy as np

    data = np.frombuffer(" ".join(words).encode("utf-8", "surrogatepass"), dtype=np.uint8)
    spaces = np.flatnonzero(data == 32)
    starts = np.concatenate(([0], spaces + 1))
    ends = np.concatenate((spaces, [len(data)]))
    powers, inverse = _powers(len(data) + 1)
    with np.errstate(over="ignore"):
        weighted = (data.astype(np.uint64) + np.uint64(1)) * powers[:-1]
        prefix = np.concatenate((np.zeros(1, np.uint64), np.cumsum(weighted, dtype=np.uint64)))
        return fmix64((prefix[ends] - prefix[starts]) * inverse[starts])


def _powers(count: int):
    """BYTE_BASE**i and its inverse mod 2**64, i < count (cached, grown by doubling)."""
    import numpy as np

    global _POWERS
    if _POWERS is None or len(_POWERS[0]) < count:
        size = max(count, 2 * (0 if _POWERS is None else len(_POWERS[0])), 1 << 16)
        with np.errstate(over="ignore"):
            up = np.full(size, _BYTE_BASE, dtype=np.uint64)
            up[0] = 1
            down = np.full(size, pow(_BYTE_BASE, -1, 1 << 64), dtype=np.uint64)
            down[0] = 1
            _POWERS = (np.cumprod(up, dtype=np.uint64), np.cumprod(down, dtype=np.uint64))
    return _POWERS[0][:count], _POWERS[1][:count]


def ngram_hashes_many(texts: list[list[str]], n: int = NGRAM):
    """(hashes, owner): the n-gram hashes of many word lists at once, and for each hash the
    position of the list it came from; equal to :func:`ngram_hashes` list by list."""
    import numpy as np

    lengths = np.fromiter((len(words) for words in texts), dtype=np.int64, count=len(texts))
    flat = [word for words in texts for word in words]
    count = len(flat) - n + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    hashed = word_hashes(flat)
    combined = np.zeros(count, dtype=np.uint64)
    power = 1
    with np.errstate(over="ignore"):
        for k in range(n):
            combined += (hashed[k : k + count] + np.uint64(1)) * np.uint64(power)
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
