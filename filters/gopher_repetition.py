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

Speed (see :class:`NgramIndex`): n-grams are tuples counted with ``Counter``, built once per
size; coverage merges spans with prefix sums; if no 5-gram repeats, no longer one can.
``reject_reason`` stops at the first failing rule, skips the exact top n-gram share when an
upper bound from word frequencies is within the limit, and stops the 5-10-gram rules once a
share is below every later limit (coverage never grows with n); ``score`` (annotate mode)
computes every signal.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from itertools import accumulate

from corpuskit.registry import Filter, register_filter
from filters.text import non_empty_lines, paragraphs, word_counts, words

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

    def reject_reason(self, doc) -> str | None:
        """Same verdict as ``decide(score(doc))``, stopping at the first failing rule and
        skipping exact top n-gram shares whose upper bound is within the limit."""
        p = self.params
        text = doc.text
        line_ratio, line_chars = duplicate_fractions(non_empty_lines(text))
        if line_ratio > p.max_dup_line_ratio:
            return "dup_lines"
        para_ratio, para_chars = duplicate_fractions(paragraphs(text))
        if para_ratio > p.max_dup_paragraph_ratio:
            return "dup_paragraphs"
        if line_chars > p.max_dup_line_char_ratio:
            return "dup_line_chars"
        if para_chars > p.max_dup_paragraph_char_ratio:
            return "dup_paragraph_chars"
        index = NgramIndex(words(text), word_counts(text))
        for n in TOP_NGRAMS:
            limit = getattr(p, f"max_top_{n}gram")
            if index.top_bound(n) > limit and index.top_share(n) > limit:
                return f"top_{n}gram"
        limits = [getattr(p, f"max_dup_{n}gram") for n in DUP_NGRAMS]
        for i, n in enumerate(DUP_NGRAMS):
            share = index.dup_share(n)
            if share > limits[i]:
                return f"dup_{n}gram"
            # Coverage never grows with n (a repeated n-gram holds two repeated
            # (n-1)-grams over the same words): below every later limit, stop.
            if share <= min(limits[i:]):
                break
        return None

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
    index = NgramIndex(tokens)
    signals = {f"top_{n}gram_ratio": index.top_share(n) for n in TOP_NGRAMS}
    signals.update({f"dup_{n}gram_ratio": 0.0 for n in DUP_NGRAMS})
    for n in DUP_NGRAMS:
        share = index.dup_share(n)
        if share == 0.0:
            break  # an n-gram can only repeat if its (n-1)-gram prefix does
        signals[f"dup_{n}gram_ratio"] = share
    return signals


class NgramIndex:
    """N-gram statistics of one token list, computed lazily and only as far as needed.

    N-grams are tuples of tokens counted with ``Counter`` (both are C code in CPython; on
    pages of hundreds to thousands of words this beats NumPy, whose per-call cost dominates).
    """

    def __init__(self, tokens: list[str], counts: dict[str, int] | None = None):
        self.tokens = tokens
        self._word_counts = counts
        self.total = sum(map(len, tokens))
        self._word_share: float | None = None
        self._grams: dict[int, list[tuple[str, ...]]] = {}
        self._counts: dict[int, Counter] = {}
        self._prefix: list[int] | None = None

    def top_bound(self, n: int) -> float:
        """An upper bound of :meth:`top_share`: n x the largest character share of a repeated word.

        Each occurrence of an n-gram is an occurrence of each of its n words, so its coverage
        is at most the sum of their own coverages.
        """
        if self._word_share is None:
            counts = self._word_counts or Counter(self.tokens)
            repeated = [len(w) * c for w, c in counts.items() if c > 1]
            self._word_share = max(repeated) / self.total if repeated else 0.0
        return n * self._word_share

    def top_share(self, n: int) -> float:
        """Characters covered by the most frequent n-gram (if it occurs twice or more) / total.

        Ties go to the n-gram with the most characters, then to the one seen first.
        """
        if len(self.tokens) < n or not self.total or self.top_bound(n) == 0.0:
            return 0.0
        grams, counts = self._ngrams(n)
        most = max(counts.values())
        if most < 2:
            return 0.0
        best = max((g for g, c in counts.items() if c == most), key=_gram_chars)
        starts = []
        start = -1
        for _ in range(most):
            start = grams.index(best, start + 1)
            starts.append(start)
        return self._covered(starts, n) / self.total

    def has_repeated(self, n: int) -> bool:
        """Whether any n-gram occurs twice."""
        if len(self.tokens) - n + 1 < 2:
            return False
        grams, counts = self._ngrams(n)
        return len(counts) < len(grams)

    def dup_share(self, n: int) -> float:
        """Characters of tokens covered by n-grams that occur twice or more / total."""
        if not self.total or not self.has_repeated(n):
            return 0.0
        grams, counts = self._ngrams(n)
        repeated = {g: c for g, c in counts.items() if c > 1}
        if sum(repeated.values()) <= 64:
            # Few occurrences: list.index scans in C, faster than a Python loop over all.
            starts = []
            for gram, count in repeated.items():
                start = -1
                for _ in range(count):
                    start = grams.index(gram, start + 1)
                    starts.append(start)
            starts.sort()
        else:
            starts = [i for i, g in enumerate(grams) if g in repeated]
        return self._covered(starts, n) / self.total

    def _ngrams(self, n: int) -> tuple[list[tuple[str, ...]], Counter]:
        if n not in self._grams:
            tokens = self.tokens
            grams = list(zip(*(tokens[i:] for i in range(n)), strict=False))
            self._grams[n] = grams
            self._counts[n] = Counter(grams)
        return self._grams[n], self._counts[n]

    def _covered(self, starts: list[int], n: int) -> int:
        """Characters of the tokens covered by the spans [start, start + n), counted once."""
        if self._prefix is None:
            self._prefix = list(accumulate(map(len, self.tokens), initial=0))
        prefix = self._prefix
        covered = 0
        span_start = span_end = -1
        for start in starts:  # ascending
            if start > span_end:
                if span_end >= 0:
                    covered += prefix[span_end] - prefix[span_start]
                span_start = start
            span_end = start + n
        if span_end >= 0:
            covered += prefix[span_end] - prefix[span_start]
        return covered


def _gram_chars(gram: tuple[str, ...]) -> int:
    return sum(map(len, gram))
