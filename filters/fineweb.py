"""FineWeb quality filter (Penedo et al. 2024; datatrove FineWebQualityFilter).

Drop a document if: fewer than 12 % of its non-empty lines end in terminal punctuation;
more than 67 % of its non-empty lines are at most 30 characters long (stripped); characters
in duplicated lines (later occurrences of a line seen before) over all characters except
newlines exceed 0.01; newlines per word exceed 0.3.

Terminal punctuation is :data:`filters.text.TERMINAL_PUNCTUATION` (sentence ends of several
scripts, e.g. ``. ! ? … 。 ！ ？ ।``); words are :func:`filters.text.words`.
"""

from __future__ import annotations

import dataclasses

from corpuskit.registry import Filter, register_filter
from filters.text import TERMINAL_PUNCTUATION, count_words


@register_filter
class FineWebQuality(Filter):
    """FineWeb's three custom rules plus its newline-per-word (list) rule."""

    name = "fineweb_quality"
    reasons = ("terminal_punctuation", "short_lines", "dup_line_chars", "newlines_per_word")
    source = "FineWeb: Penedo et al. 2024 (datatrove FineWebQualityFilter)"

    @dataclasses.dataclass(frozen=True)
    class Params:
        min_terminal_punctuation_lines: float = 0.12
        short_line_length: int = 30
        max_short_lines: float = 0.67
        max_dup_line_chars: float = 0.01
        max_newlines_per_word: float = 0.3

    def score(self, doc) -> dict[str, float]:
        text = doc.text
        lines = [line for line in (raw.strip() for raw in text.split("\n")) if line]
        n_lines = len(lines)
        short = self.params.short_line_length
        terminal = sum(1 for line in lines if line.endswith(TERMINAL_PUNCTUATION))
        short_lines = sum(1 for line in lines if len(line) <= short)
        seen: set[str] = set()
        dup_chars = 0
        for line in lines:
            if line in seen:
                dup_chars += len(line)
            else:
                seen.add(line)
        newlines = text.count("\n")
        chars = len(text) - newlines
        n_words = count_words(text)
        return {
            "terminal_punctuation_lines": terminal / n_lines if n_lines else 0.0,
            "short_lines": short_lines / n_lines if n_lines else 0.0,
            "dup_line_chars": dup_chars / chars if chars else 0.0,
            "newlines_per_word": newlines / n_words if n_words else float(newlines),
        }

    def decide(self, signals, doc):
        p = self.params
        if signals["terminal_punctuation_lines"] < p.min_terminal_punctuation_lines:
            return "terminal_punctuation"
        if signals["short_lines"] > p.max_short_lines:
            return "short_lines"
        if signals["dup_line_chars"] > p.max_dup_line_chars:
            return "dup_line_chars"
        if signals["newlines_per_word"] > p.max_newlines_per_word:
            return "newlines_per_word"
        return None
