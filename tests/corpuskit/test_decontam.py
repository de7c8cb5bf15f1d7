"""GPT-3's decontamination rule: planted 13-grams are cut, fragmented documents dropped,
12-gram overlaps left alone, common n-grams ignored; the index is reusable."""

from __future__ import annotations

import json
import random

import pytest

from corpuskit.decontam.index import NgramIndex, build_index
from corpuskit.decontam.ngrams import ngram_hashes, normalised_words, word_spans
from corpuskit.decontam.rule import DecontaminationRule, apply_rule
from corpuskit.errors import InputError
from tests.prose import english_article, english_sentence

PLANTED = (
    "the old quartermaster counted seventeen brass lanterns before the harbour fog finally lifted"
)
NO_IGNORED = __import__("numpy").zeros(0, "uint64")


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench")
    rng = random.Random(3)
    rows = [{"question": english_sentence(rng), "answer": "x"} for _ in range(50)]
    rows.append({"question": PLANTED.upper() + "?!", "answer": "lanterns"})
    (root / "qa.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    (root / "lines.txt").write_text("short line\n\n" + english_sentence(rng) + "\n")
    meta = build_index(
        [("qa", str(root / "qa.jsonl")), ("lines", str(root / "lines.txt"))],
        str(root / "index"),
        fields=("question",),
    )
    assert meta["benchmarks"]["qa"]["examples"] == 51
    assert meta["benchmarks"]["lines"] == {
        "path": str(root / "lines.txt"),
        "examples": 2,
        "too_short": 1,
        "ngrams": meta["benchmarks"]["lines"]["ngrams"],
    }
    return NgramIndex.load(str(root / "index"))


def test_words_are_lowercase_whitespace_words_without_punctuation():
    text = "The Cat's  hat -- on (the) MAT!"
    assert normalised_words(text) == ["the", "cats", "hat", "on", "the", "mat"]
    words, starts, ends = word_spans(text)
    assert words == normalised_words(text)
    assert [text[s:e] for s, e in zip(starts, ends, strict=True)][-1] == "MAT!"
    assert len(ngram_hashes(words, 6)) == 1 and len(ngram_hashes(words, 7)) == 0


def test_a_planted_13_gram_is_cut_with_its_window_and_the_rest_kept(index):
    before, after = english_article(1), english_article(2)
    text = f"{before} {PLANTED}. {after}"
    outcome = apply_rule(text, index, NO_IGNORED, DecontaminationRule())
    assert outcome.verdict == "split" and outcome.collisions == 1
    assert outcome.benchmarks == {"qa": 1}
    cut_from = len(before) + 1 - 200
    cut_to = len(before) + 1 + len(PLANTED) + 1 + 200  # the last word keeps its full stop
    assert outcome.pieces == [text[:cut_from].strip(), text[cut_to:].strip()]
    assert "lanterns" not in " ".join(outcome.pieces)


def test_a_document_cut_into_more_than_10_pieces_is_dropped(index):
    parts = [english_article(10 + i, paragraphs=2) for i in range(12)]
    text = f" {PLANTED} ".join(parts)
    assert all(len(p) > 450 for p in parts)  # the cuts do not merge
    outcome = apply_rule(text, index, NO_IGNORED, DecontaminationRule())
    assert outcome.verdict == "too_fragmented" and outcome.pieces == []
    assert outcome.pieces_cut == 12 and outcome.collisions == 11
    fewer = apply_rule(text, index, NO_IGNORED, DecontaminationRule(max_pieces=12))
    assert fewer.verdict == "split" and len(fewer.pieces) == 12


def test_a_document_sharing_only_12_grams_is_untouched(index):
    twelve = " ".join(PLANTED.split()[:12])
    text = f"{english_article(4)} {twelve} and then {' '.join(PLANTED.split()[1:])[:-1]}x"
    outcome = apply_rule(text, index, NO_IGNORED, DecontaminationRule())
    assert outcome.verdict == "clean" and outcome.pieces == [text]


def test_short_pieces_are_discarded_and_drop_mode_drops(index):
    lead, middle = english_article(5), english_article(8)[:450]
    text = f"{lead} {PLANTED} {middle} {PLANTED} {english_article(6)}"
    outcome = apply_rule(text, index, NO_IGNORED, DecontaminationRule())
    assert outcome.pieces_cut == 3 and outcome.short_discarded == 1  # the middle: 50 chars
    first = len(lead) + 1
    second = first + len(PLANTED) + 1 + len(middle) + 1
    assert outcome.pieces == [
        text[: first - 200].strip(),
        text[second + len(PLANTED) + 200 :].strip(),
    ]
    dropped = apply_rule(text, index, NO_IGNORED, DecontaminationRule(mode="drop"))
    assert dropped.verdict == "contaminated" and dropped.pieces == []


def test_ignored_common_ngrams_do_not_count(index):
    text = f"{english_article(6)} {PLANTED} {english_article(7)}"
    ignored = __import__("numpy").sort(ngram_hashes(normalised_words(PLANTED)))
    assert apply_rule(text, index, ignored, DecontaminationRule()).verdict == "clean"


def test_a_missing_field_or_index_is_an_error_naming_the_fix(tmp_path):
    (tmp_path / "b.jsonl").write_text('{"prompt": "x"}\n')
    with pytest.raises(InputError, match=r"b.jsonl:1: each line needs a 'text' string .*--field"):
        build_index([("b", str(tmp_path / "b.jsonl"))], str(tmp_path / "i"))
    with pytest.raises(InputError, match="not a decontamination index.*decontaminate index"):
        NgramIndex.load(str(tmp_path))


def test_hashing_many_word_lists_at_once_equals_one_by_one():
    import numpy as np

    from corpuskit.decontam.ngrams import ngram_hashes_many

    rng = random.Random(0)
    lists = [[str(rng.randint(0, 40)) for _ in range(rng.randint(0, 30))] for _ in range(200)]
    hashes, owner = ngram_hashes_many(lists, 13)
    assert (hashes == np.concatenate([ngram_hashes(words, 13) for words in lists])).all()
    assert owner.tolist() == [i for i, w in enumerate(lists) for _ in range(max(0, len(w) - 12))]


def test_a_word_hashes_the_same_wherever_it_stands():
    from corpuskit.decontam.ngrams import word_hashes

    rng = random.Random(1)
    words = ["".join(rng.choice("abcdé") for _ in range(rng.randint(1, 5))) for _ in range(3000)]
    seen: dict[str, int] = {}
    for word, value in zip(words, word_hashes(words).tolist(), strict=True):
        assert seen.setdefault(word, value) == value
    assert len(set(seen.values())) == len(seen)
