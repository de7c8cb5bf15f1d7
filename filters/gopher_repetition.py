"""Gopher repetition filter (Rae et al. 2021, section A.1.1 and Table A1).

Drop a document if any signal exceeds its maximum: duplicate-line fraction 0.30,
duplicate-paragraph fraction 0.30, characters in duplicate lines 0.20, characters in
duplicate paragraphs 0.20, character share of the most frequent 2/3/4-gram 0.20/0.18/0.16,
characters in duplicated 5..10-grams 0.15, 0.14, 0.13, 0.12, 0.11, 0.10.

Definitions (where the paper leaves room):

- lines are the non-empty stripped ``\\n`` lines, paragraphs are separated by blank lines;
  a line/paragraph is a duplicate when the same text occurred earlier in the document (the
  first occurrence is not counted, as datatrove does); character fractions are taken over the
  characters of all lines (resp. paragraphs);
- n-grams are over the tokens of :func:`filters.text.words`, character shares over the
  characters of all tokens (spaces excluded);
- top n-gram: characters covered by the occurrences of the most frequent n-gram (overlapping
  occurrences such as "a a a" counted once; ties go to the n-gram with more characters),
  only when it occurs more than once (a unique n-gram is not repetition; datatrove also
  scores a unique one);
- duplicated n-grams: the characters of every token covered by an n-gram that occurs more
  than once, each token counted once even where n-grams overlap (the paper's wording, as
  RedPajama v2 computes it; datatrove instead counts the later occurrences only).

Speed: tokens are hashed once; n-gram keys are rolled from the hashes with NumPy and counted
with ``np.unique``; coverage uses a difference array; if no 5-gram repeats, no longer one can.
The top n-gram's occurrences are counted without double-counting overlaps ("a a a").
"""

from __future__ import annotations

import dataclasses

from corpuskit.registry import Filter, register_filter
from filters.text import non_empty_lines, paragraphs, words

TOP_NGRAMS = (2, 3, 4)
DUP_NGRAMS = (5, 6, 7, 8, 9, 10)


@register_filter
class GopherRepetition(Filter):
    """Gopher's repetition rules (Table A1); every maximum is a Params field."""

    name = "gopher_repetition"
    reasons = (
        "dup_lines",
        "dup_paragraphs",
        "dup_line_chars",
        "dup_paragraph_chars",
        *(f"top_{n}gram" for n in TOP_NGRAMS),
        *(f"dup_{n}gram" for n in DUP_NGRAMS),
    )
    source = "Gopher: Rae et al. 2021, Table A1"

    @dataclasses.dataclass(frozen=True)
    class Params:
        max_dup_line_ratio: float = 0.30
        max_dup_paragraph_ratio: float = 0.30
        max_dup_line_char_ratio: float = 0.20
        max_dup_paragraph_char_ratio: float = 0.20
        max_top_2gram: float = 0.20
        max_top_3gram: float = 0.18
        max_top_4gram: float = 0.16
        max_dup_5gram: float = 0.15
        max_dup_6gram: float = 0.14
        max_dup_7gram: float = 0.13
        max_dup_8gram: float = 0.12
        max_dup_9gram: float = 0.11
        max_dup_10gram: float = 0.10

    def score(self, doc) -> dict[str, float]:
        text = doc.text
        line_ratio, line_chars = duplicate_fractions(non_empty_lines(text))
        para_ratio, para_chars = duplicate_fractions(paragraphs(text))
        signals = {
            "dup_line_ratio": line_ratio,
            "dup_paragraph_ratio": para_ratio,
            "dup_line_char_ratio": line_chars,
            "dup_paragraph_char_ratio": para_chars,
        }
        signals.update(ngram_signals(words(text)))
        return signals

    def decide(self, signals, doc):
        p = self.params
        checks = (
            ("dup_line_ratio", p.max_dup_line_ratio, "dup_lines"),
            ("dup_paragraph_ratio", p.max_dup_paragraph_ratio, "dup_paragraphs"),
            ("dup_line_char_ratio", p.max_dup_line_char_ratio, "dup_line_chars"),
            ("dup_paragraph_char_ratio", p.max_dup_paragraph_char_ratio, "dup_paragraph_chars"),
        )
        for key, maximum, reason in checks:
            if signals[key] > maximum:
                return reason
        for n in TOP_NGRAMS:
            if signals[f"top_{n}gram_ratio"] > getattr(p, f"max_top_{n}gram"):
                return f"top_{n}gram"
        for n in DUP_NGRAMS:
            if signals[f"dup_{n}gram_ratio"] > getattr(p, f"max_dup_{n}gram"):
                return f"dup_{n}gram"
        return None


def duplicate_fractions(items: list[str]) -> tuple[float, float]:
    """(share of items seen earlier, share of characters in those items)."""
    if not items:
        return 0.0, 0.0
    seen: set[str] = set()
    duplicates = duplicate_chars = total_chars = 0
    for item in items:
        total_chars += len(item)
        if item in seen:
            duplicates += 1
            duplicate_chars += len(item)
        else:
            seen.add(item)
    return duplicates / len(items), duplicate_chars / total_chars if total_chars else 0.0


def ngram_signals(tokens: list[str]) -> dict[str, float]:
    """Top 2-4-gram character shares and duplicated 5-10-gram character shares."""
    import numpy as np

    signals = {f"top_{n}gram_ratio": 0.0 for n in TOP_NGRAMS}
    signals.update({f"dup_{n}gram_ratio": 0.0 for n in DUP_NGRAMS})
    count = len(tokens)
    if count < TOP_NGRAMS[0]:
        return signals
    lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=count)
    total = int(lengths.sum())
    # One 64-bit id per token (Python's string hash), then n-gram keys by a polynomial
    # rolling combination (wrapping uint64 arithmetic); collisions are ~1e-15 per document.
    hashes = np.fromiter(map(hash, tokens), dtype=np.int64, count=count).view(np.uint64)
    keys = hashes
    for n in range(2, DUP_NGRAMS[-1] + 1):
        if count < n:
            break
        keys = keys[:-1] * _MULTIPLIER + hashes[n - 1 :]
        if n in TOP_NGRAMS:
            signals[f"top_{n}gram_ratio"] = _top_ngram_share(keys, n, lengths, total)
        elif n in DUP_NGRAMS:
            share = _duplicated_ngram_share(keys, n, lengths, total)
            if share == 0.0:
                break  # an n-gram can only repeat if its (n-1)-gram prefix does
            signals[f"dup_{n}gram_ratio"] = share
    return signals


_MULTIPLIER = 0x9E3779B97F4A7C15  # odd 64-bit constant (golden ratio), a good mixer


def _sorted_runs(keys):
    """(sorted keys, start index of each run of equal keys, run lengths)."""
    import numpy as np

    ordered = np.sort(keys)
    starts = np.flatnonzero(ordered[1:] != ordered[:-1]) + 1
    bounds = np.concatenate(([0], starts, [len(ordered)]))
    return ordered, bounds[:-1], np.diff(bounds)


def _top_ngram_share(keys, n: int, lengths, total: int) -> float:
    import numpy as np

    ordered, run_starts, run_lengths = _sorted_runs(keys)
    most = run_lengths.max()
    if most < 2:
        return 0.0
    # Ties: the n-gram with the most characters, then the one seen first.
    tied = ordered[run_starts[run_lengths == most]]
    positions = _positions_of(tied, keys)
    csum = np.concatenate(([0], np.cumsum(lengths)))
    gram_chars = csum[positions + n] - csum[positions]
    best = positions[int(gram_chars.argmax())]
    starts = np.flatnonzero(keys == keys[best])
    return _covered_chars(starts, n, lengths) / total


def _positions_of(sorted_values, keys):
    """Indices of ``keys`` whose value is in ``sorted_values``."""
    import numpy as np

    where = np.minimum(np.searchsorted(sorted_values, keys), len(sorted_values) - 1)
    return np.flatnonzero(sorted_values[where] == keys)


def _duplicated_ngram_share(keys, n: int, lengths, total: int) -> float:
    ordered, run_starts, run_lengths = _sorted_runs(keys)
    if len(run_lengths) == len(keys):
        return 0.0
    starts = _positions_of(ordered[run_starts[run_lengths > 1]], keys)
    return _covered_chars(starts, n, lengths) / total


def _covered_chars(starts, n: int, lengths) -> int:
    """Characters of the tokens covered by the spans [start, start + n), counted once."""
    import numpy as np

    size = len(lengths)
    depth = np.bincount(starts, minlength=size + 1) - np.bincount(starts + n, minlength=size + 1)
    covered = np.cumsum(depth[:size]) > 0
    return int(lengths[covered].sum())
