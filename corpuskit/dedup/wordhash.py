"""Word-shingle hashes of a batch of raw texts, normalised and tokenised in numpy.

:func:`corpuskit.dedup.normalize.normalize_text` is the reference (regexes on one string);
this is the same rule applied to the code points of a whole batch at once, so no Python
code runs per character or per shingle:

1. per text, in C: NFKC (skipped for ASCII, which it leaves unchanged) and lower case;
2. the batch's code points (one UTF-32 buffer) go through one lookup table: punctuation,
   symbols, control and space characters -> space, decimal digits -> ``0``, format
   characters deleted, everything else unchanged;
3. a word starts at a non-space after a space; in scripts written without spaces every
   letter (with its combining marks) starts a word of its own;
4. word hash: polynomial of ``code point + 1`` over the word (prefix sums mod 2**64),
   MurmurHash3 64-bit finaliser; shingle hash: polynomial of n word hashes, finaliser.

The result equals hashing ``normalize_text(t).split()`` word by word (tested on Latin,
Cyrillic, Devanagari, CJK, Thai and astral text).
"""

from __future__ import annotations

import functools
import unicodedata

from corpuskit.dedup.normalize import (
    BYTE_BASE,
    MASK64,
    NO_SPACE_BLOCKS,
    WORD_BASE,
    cut_bits,
    fmix64,
    powers,
)

LIMIT = 0x30000  # code points above are left unchanged (no table entry)
DELETE = 0xFFFFFFFF
BASE_KIND, MARK_KIND = 1, 2


@functools.lru_cache(maxsize=1)
def tables():
    """(replacement code point, kind) for every code point below ``LIMIT``; built once."""
    import numpy as np

    mapped = np.arange(LIMIT, dtype=np.uint32)
    for cp in range(LIMIT):
        char = chr(cp)
        category = unicodedata.category(char)
        if category[0] in "PS" or category == "Cc" or char.isspace():
            mapped[cp] = 32
        elif category == "Nd":
            mapped[cp] = 48
        elif category == "Cf":
            mapped[cp] = DELETE
    kind = np.zeros(LIMIT, dtype=np.uint8)
    for lo, hi in NO_SPACE_BLOCKS:
        for cp in range(lo, min(hi, LIMIT - 1) + 1):
            category = unicodedata.category(chr(cp))
            if category[0] == "M":
                kind[cp] = MARK_KIND
            elif category[0] in "LN":
                kind[cp] = BASE_KIND
    return mapped, kind


def word_hashes(texts: list[str]):
    """(64-bit hash of every word in order, words per text) of raw texts."""
    import numpy as np

    if not texts:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    prepared = [
        t.lower() if t.isascii() else unicodedata.normalize("NFKC", t).lower() for t in texts
    ]
    # Where each text starts in the joined buffer (texts are joined by one space).
    text_starts = np.cumsum([0] + [len(t) + 1 for t in prepared[:-1]], dtype=np.int64)
    points = np.frombuffer(" ".join(prepared).encode("utf-32-le"), dtype=np.uint32)
    mapped, kind = tables()
    if len(points) and int(points.max()) < LIMIT:
        values, kinds = mapped[points], kind[points]
    else:
        clipped = np.minimum(points, LIMIT - 1)
        inside = points < LIMIT
        values = np.where(inside, mapped[clipped], points)
        kinds = np.where(inside, kind[clipped], 0).astype(np.uint8)
    kept = values != DELETE
    if not kept.all():
        text_starts = np.concatenate(([0], np.cumsum(kept)))[text_starts]
        values, kinds = values[kept], kinds[kept]
    space = values == 32
    previous_space = np.concatenate(([True], space[:-1]))
    starts_mask = ~space & previous_space
    if kinds.any():
        # A letter of a no-space script and the marks right after it form a group (a word).
        is_base = kinds == BASE_KIND
        is_mark = kinds == MARK_KIND
        in_group = is_base
        if is_mark.any():
            last_non_mark = np.maximum.accumulate(np.where(is_mark, 0, np.arange(len(kinds))))
            in_group = is_base[last_non_mark] & (is_base | is_mark)
        previous_in_group = np.concatenate(([False], in_group[:-1]))
        starts_mask |= ~space & (is_base | (previous_in_group & ~is_mark))
    bounds = np.append(np.flatnonzero(space | starts_mask), len(values))
    at_start = starts_mask[bounds[:-1]]
    starts, ends = bounds[:-1][at_start], bounds[1:][at_start]
    with np.errstate(over="ignore"):
        weighted = (values.astype(np.uint64) + np.uint64(1)) * powers(BYTE_BASE, len(values))
        prefix = np.concatenate(([np.uint64(0)], np.cumsum(weighted, dtype=np.uint64)))
        inverse = powers(pow(BYTE_BASE, -1, 1 << 64), len(values) + 1)
        hashes = fmix64((prefix[ends] - prefix[starts]) * inverse[starts])
    first_word = np.searchsorted(starts, text_starts)
    return hashes, np.diff(np.append(first_word, len(starts))).astype(np.int64)


def combine_shingles(hashes, words_per_text, ngram: int, bits: int = 32):
    """Shingle hashes from word hashes: every n consecutive words of a text (all of its
    words when it has fewer than n). Returns (hashes, shingles per text)."""
    import numpy as np

    total_words = len(hashes)
    combined = np.zeros(total_words, dtype=np.uint64)
    power = 1
    with np.errstate(over="ignore"):
        for k in range(ngram):
            combined[: total_words - k] += hashes[k:] * np.uint64(power)
            power = (power * WORD_BASE) & MASK64
    first_word = np.cumsum(words_per_text) - words_per_text
    per_text = np.where(
        words_per_text >= ngram, words_per_text - ngram + 1, (words_per_text > 0).astype(np.int64)
    )
    text_of_shingle = np.repeat(np.arange(len(per_text)), per_text)
    shingle_start = np.cumsum(per_text) - per_text
    offset = np.arange(len(text_of_shingle)) - shingle_start[text_of_shingle]
    result = combined[first_word[text_of_shingle] + offset]
    for t in np.flatnonzero((words_per_text > 0) & (words_per_text < ngram)):
        h = 0  # fewer words than n: one shingle of all words (rare)
        power = 1
        for k in range(int(words_per_text[t])):
            h = (h + int(hashes[first_word[t] + k]) * power) & MASK64
            power = (power * WORD_BASE) & MASK64
        result[shingle_start[t]] = np.uint64(h)
    return cut_bits(fmix64(result), bits), per_text
