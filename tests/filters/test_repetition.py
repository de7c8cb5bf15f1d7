"""Gopher repetition n-gram signals against a naive reference, and the fast reject path."""

from __future__ import annotations

import random

import pytest

from corpuskit.document import Document
from filters.gopher_repetition import DUP_NGRAMS, TOP_NGRAMS, GopherRepetition, ngram_signals


def naive_signals(tokens: list[str]) -> dict[str, float]:
    """The definitions in docs/filters-rules.md, written the slow obvious way."""
    total = sum(len(t) for t in tokens)
    signals = {}
    for n in TOP_NGRAMS + DUP_NGRAMS:
        grams = [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
        counts = {g: grams.count(g) for g in grams}
        covered = [False] * len(tokens)
        if n in TOP_NGRAMS:
            most = max(counts.values(), default=0)
            if most >= 2:
                tied = [g for g in grams if counts[g] == most]  # first-seen order
                best = max(tied, key=lambda g: sum(len(t) for t in g))
                for i, g in enumerate(grams):
                    if g == best:
                        covered[i : i + n] = [True] * n
            key = f"top_{n}gram_ratio"
        else:
            for i, g in enumerate(grams):
                if counts[g] > 1:
                    covered[i : i + n] = [True] * n
            key = f"dup_{n}gram_ratio"
        chars = sum(len(t) for t, c in zip(tokens, covered, strict=True) if c)
        signals[key] = chars / total if total else 0.0
    return signals


@pytest.mark.parametrize("seed", range(40))
def test_ngram_signals_match_the_naive_definition(seed):
    rng = random.Random(seed)
    vocabulary = [rng.choice("abcdefgh") * rng.randint(1, 4) for _ in range(rng.randint(2, 12))]
    tokens = [rng.choice(vocabulary) for _ in range(rng.randint(0, 160))]
    if seed % 4 == 0:  # long verbatim repeats: more than 64 repeated n-gram occurrences
        tokens = tokens[:30] * 5
    assert ngram_signals(tokens) == pytest.approx(naive_signals(tokens))


def test_overlapping_repeats_count_each_word_once():
    signals = ngram_signals(["a"] * 6)
    assert signals["top_2gram_ratio"] == 1.0
    assert signals["dup_5gram_ratio"] == 1.0
    assert signals["dup_6gram_ratio"] == 0.0  # a single 6-gram


@pytest.mark.parametrize("seed", range(30))
def test_fast_reject_path_agrees_with_score_and_decide(seed):
    rng = random.Random(seed)
    words = [rng.choice("abcdefghij") * rng.randint(1, 6) for _ in range(rng.randint(3, 40))]
    lines = []
    for _ in range(rng.randint(1, 30)):
        line = " ".join(rng.choice(words) for _ in range(rng.randint(1, 12)))
        lines.append(line)
        if rng.random() < 0.2:
            lines.append("")
    text = "\n".join(lines)
    limits = {
        f"max_{kind}_{n}gram": rng.uniform(0.02, 0.6)
        for kind, ns in (("top", TOP_NGRAMS), ("dup", DUP_NGRAMS))
        for n in ns
    }
    instance = GopherRepetition(GopherRepetition.Params(**limits))
    doc = Document(id="r", text=text)
    assert instance.reject_reason(doc) == instance.decide(instance.score(doc), doc)
