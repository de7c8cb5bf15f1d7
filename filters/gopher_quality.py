"""Gopher quality filter (Rae et al. 2021, MassiveText, section A.1.1).

Keep a document only if: 50 <= words <= 100,000; 3 <= mean word length <= 10; ``#`` per
word <= 0.1 and ellipses (``...``, ``…``) per word <= 0.1; <= 90 % of lines start with a
bullet; <= 30 % of lines end with an ellipsis; >= 80 % of words contain an alphabetic
character; at least 2 stop words (the, be, to, of, and, that, have, with).

Counting (as datatrove's GopherQualityFilter, which FineWeb used, where the paper is silent):
tokens come from :func:`filters.text.words`; "words" for the count and the mean length are
the tokens that contain a letter or digit (a lone ``-`` or ``|`` is not a word); the
alphabetic share is taken over all tokens; stop words are counted as occurrences (lower-cased,
surrounding punctuation stripped), not as distinct words; line rules use the non-empty lines.
"""

from __future__ import annotations

import dataclasses
import re
import string

from corpuskit.registry import Filter, register_filter
from filters.text import non_empty_lines, word_counts, words

BULLETS = ("•", "‣", "◦", "▪", "▫", "●", "○", "■", "□", "·", "⁃", "-", "*")
ELLIPSES = ("...", "…")
_STRIP = string.punctuation + "«»“”‘’„…–—"
_ALNUM_RE = re.compile(r"[^\W_]")
_ALPHA_RE = re.compile(r"[^\W\d_]")


@register_filter
class GopherQuality(Filter):
    """Gopher's document-level quality rules; each threshold is a Params field."""

    name = "gopher_quality"
    reasons = (
        "too_few_words",
        "too_many_words",
        "mean_word_length_short",
        "mean_word_length_long",
        "hash_ratio",
        "ellipsis_ratio",
        "bullet_lines",
        "ellipsis_lines",
        "alpha_words",
        "stop_words",
    )
    source = "Gopher: Rae et al. 2021, MassiveText quality filters (datatrove counting)"

    @dataclasses.dataclass(frozen=True)
    class Params:
        min_words: int = 50
        max_words: int = 100_000
        min_mean_word_length: float = 3.0
        max_mean_word_length: float = 10.0
        max_hash_ratio: float = 0.1
        max_ellipsis_ratio: float = 0.1
        max_bullet_lines_ratio: float = 0.9
        max_ellipsis_lines_ratio: float = 0.3
        min_alpha_words_ratio: float = 0.8
        min_stop_words: int = 2
        stop_words: tuple = ("the", "be", "to", "of", "and", "that", "have", "with")

    def setup(self) -> None:
        self._stop_words = frozenset(w.lower() for w in self.params.stop_words)
        self._longest_stop = max(map(len, self._stop_words), default=0)

    def score(self, doc) -> dict[str, float]:
        if not hasattr(self, "_stop_words"):
            self.setup()
        text = doc.text
        tokens = words(text)
        stop = self._stop_words
        longest_stop = self._longest_stop
        alpha_count = alpha_chars = other_words = other_chars = other_alpha = stop_count = 0
        # Classify each distinct token once (a 5 KB page has about half as many); most are
        # purely alphabetic, which needs the fewest checks.
        for token, count in word_counts(text).items():
            if token.isalpha():
                alpha_count += count
                alpha_chars += len(token) * count
                if len(token) <= longest_stop and token.lower() in stop:
                    stop_count += count
            elif _ALNUM_RE.search(token):
                other_words += count
                other_chars += len(token) * count
                if _ALPHA_RE.search(token):
                    other_alpha += count
                if token.lower().strip(_STRIP) in stop:
                    stop_count += count
        n_words = alpha_count + other_words
        word_chars = alpha_chars + other_chars
        alpha = alpha_count + other_alpha
        n_tokens = len(tokens)
        lines = non_empty_lines(text)
        n_lines = len(lines)
        bullet_lines = sum(1 for line in lines if line.startswith(BULLETS))
        ellipsis_lines = sum(1 for line in lines if line.endswith(ELLIPSES))
        ellipses = text.count("...") + text.count("…")
        return {
            "words": float(n_words),
            "mean_word_length": word_chars / n_words if n_words else 0.0,
            "hash_ratio": text.count("#") / n_words if n_words else 0.0,
            "ellipsis_ratio": ellipses / n_words if n_words else 0.0,
            "bullet_lines_ratio": bullet_lines / n_lines if n_lines else 0.0,
            "ellipsis_lines_ratio": ellipsis_lines / n_lines if n_lines else 0.0,
            "alpha_words_ratio": alpha / n_tokens if n_tokens else 0.0,
            "stop_words": float(stop_count),
        }

    def decide(self, signals, doc):
        p = self.params
        if signals["words"] < p.min_words:
            return "too_few_words"
        if signals["words"] > p.max_words:
            return "too_many_words"
        if signals["mean_word_length"] < p.min_mean_word_length:
            return "mean_word_length_short"
        if signals["mean_word_length"] > p.max_mean_word_length:
            return "mean_word_length_long"
        if signals["hash_ratio"] > p.max_hash_ratio:
            return "hash_ratio"
        if signals["ellipsis_ratio"] > p.max_ellipsis_ratio:
            return "ellipsis_ratio"
        if signals["bullet_lines_ratio"] > p.max_bullet_lines_ratio:
            return "bullet_lines"
        if signals["ellipsis_lines_ratio"] > p.max_ellipsis_lines_ratio:
            return "ellipsis_lines"
        if signals["alpha_words_ratio"] < p.min_alpha_words_ratio:
            return "alpha_words"
        if signals["stop_words"] < p.min_stop_words:
            return "stop_words"
        return None
