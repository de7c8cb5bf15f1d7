"""GPT-3's training-set decontamination rule, applied to one document.

Brown et al. 2020, appendix C ("Initial training set filtering"): training documents are
searched for 13-gram collisions with any benchmark; "we removed the colliding 13-gram as
well as a 200 character window around it, splitting the original document into pieces ...
Pieces less than 200 characters long were discarded. Documents split into more than 10 pieces
were considered contaminated and removed entirely", and "we ignored 13-grams that matched more
than 10 training documents" (common phrases, legal boilerplate). ``mode="drop"`` is the
simpler rule the paper started from: any collision removes the whole document.

Here the window is counted in characters of the original text from the first character of the
colliding n-gram's first word back, and from the last character of its last word on;
overlapping cuts merge. The piece count that decides "more than 10 pieces" is the number of
non-blank pieces the cuts leave, before short ones are discarded.
"""

from __future__ import annotations

import dataclasses
from typing import Any

DECONTAM_MODES = ("split", "drop")


@dataclasses.dataclass(frozen=True)
class DecontaminationRule:
    """The rule's parameters, GPT-3's values by default."""

    mode: str = "split"
    window: int = 200
    min_piece: int = 200
    max_pieces: int = 10


@dataclasses.dataclass
class Outcome:
    """What the rule did to one document: ``verdict`` and the pieces kept."""

    verdict: str  # clean | split | contaminated | too_fragmented | only_short_pieces
    pieces: list[str]
    collisions: int = 0
    benchmarks: dict[str, int] = dataclasses.field(default_factory=dict)
    pieces_cut: int = 0
    short_discarded: int = 0
    chars_removed: int = 0

    def report(self) -> dict[str, Any]:
        """The per-document record kept in the metadata of a cut document's pieces."""
        return {
            "collisions": self.collisions,
            "benchmarks": dict(sorted(self.benchmarks.items())),
            "pieces": self.pieces_cut,
            "short_pieces_discarded": self.short_discarded,
            "chars_removed": self.chars_removed,
        }


def counted_hits(hashes, index, ignored):
    """Mask of the ``hashes`` found in ``index`` and not in the sorted ``ignored`` array
    (13-grams matching too many training documents)."""
    import numpy as np

    hit = index.matches(hashes)
    if hit.any() and len(ignored):
        found = np.searchsorted(ignored, hashes)
        found[found == len(ignored)] = 0
        hit &= ignored[found] != hashes
    return hit


def documents_with_hits(texts: list[str], index, ignored) -> set[int]:
    """Positions of the texts that collide at all (hashed as one batch: the fast path)."""
    from corpuskit.decontam.ngrams import ngram_hashes_many, normalised_words

    hashes, owner = ngram_hashes_many([normalised_words(t) for t in texts], index.n)
    return set(owner[counted_hits(hashes, index, ignored)].tolist())


def collisions(text: str, index, ignored) -> tuple[Any, Any]:
    """(word positions, hashes) of the counted collisions of ``text`` (see counted_hits)."""
    import numpy as np

    from corpuskit.decontam.ngrams import ngram_hashes, normalised_words

    hashes = ngram_hashes(normalised_words(text), index.n)
    positions = np.flatnonzero(counted_hits(hashes, index, ignored))
    return positions, hashes[positions]


def apply_rule(text: str, index, ignored, rule: DecontaminationRule) -> Outcome:
    """Apply the rule (module docstring) to ``text`` against a loaded index."""
    positions, hashes = collisions(text, index, ignored)
    if not len(positions):
        return Outcome("clean", [text])
    per_benchmark: dict[str, int] = {}
    for names in index.benchmarks_of(hashes):
        for name in names:
            per_benchmark[name] = per_benchmark.get(name, 0) + 1
    outcome = Outcome("contaminated", [], collisions=len(positions), benchmarks=per_benchmark)
    if rule.mode == "drop":
        outcome.chars_removed = len(text)
        return outcome
    cuts = _cut_ranges(text, positions.tolist(), index.n, rule.window)
    pieces, previous = [], 0
    for start, end in cuts:
        pieces.append(text[previous:start].strip())
        previous = end
    pieces.append(text[previous:].strip())
    pieces = [p for p in pieces if p]
    outcome.pieces_cut = len(pieces)
    if len(pieces) > rule.max_pieces:
        outcome.verdict = "too_fragmented"
        outcome.chars_removed = len(text)
        return outcome
    kept = [p for p in pieces if len(p) >= rule.min_piece]
    outcome.short_discarded = len(pieces) - len(kept)
    outcome.pieces = kept
    outcome.chars_removed = len(text) - sum(len(p) for p in kept)
    outcome.verdict = "split" if kept else "only_short_pieces"
    return outcome


def _cut_ranges(text: str, positions: list[int], n: int, window: int) -> list[tuple[int, int]]:
    """Merged character ranges to remove: each colliding n-gram plus ``window`` each side."""
    from corpuskit.decontam.ngrams import word_spans

    _, starts, ends = word_spans(text)
    ranges: list[tuple[int, int]] = []
    for i in positions:
        start = max(0, starts[i] - window)
        end = min(len(text), ends[i + n - 1] + window)
        if ranges and start <= ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], end))
        else:
            ranges.append((start, end))
    return ranges
