"""Exact verification (--verify exact) against brute-force ground truth from planted copies."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from corpuskit.dataset import DatasetFolder
from corpuskit.dedup import work
from corpuskit.dedup.lsh import candidate_probability, recall_bands_rows
from corpuskit.dedup.normalize import shingles, text_shingle_hashes
from corpuskit.dedup.pipeline import DedupInput, DedupSettings, resolve_banding, run_dedup
from corpuskit.dedup.verify import bucket_pairs, set_jaccard
from corpuskit.document import Document
from corpuskit.executor import LocalExecutor
from tests.corpuskit.dedup_corpus import (
    devdata_passages,
    exact_pairs,
    near_duplicate_corpus,
    pair_jaccard,
    prose_passages,
    removal_quality,
    write_dataset,
    write_planted,
)
from tests.corpuskit.test_dedup_pipeline import kept_ids

THRESHOLD = 0.8


def dedup(folder, out, settings):
    report, counters = run_dedup(
        [DedupInput("web", str(folder))], settings, str(out), LocalExecutor(1)
    )
    assert not report.failed
    return set(kept_ids(out)), counters


@pytest.fixture(scope="module")
def prose_corpus():
    corpus = near_duplicate_corpus(
        prose_passages(500), originals=160, seed=3, shards=3, copy_share=0.5
    )
    return corpus, exact_pairs(corpus.docs, min_jaccard=0.3)


def test_truth_matrix_equals_pairwise_jaccard(prose_corpus):
    corpus, pairs = prose_corpus
    by_id = {d.id: d.text for d in corpus.docs}
    rng = random.Random(0)
    for (a, b), j in rng.sample(sorted(pairs.items()), 40):
        assert j == pytest.approx(pair_jaccard(by_id[a], by_id[b]))
    # Copies land across shards as well as within, and span both sides of the threshold.
    across = [c for c, (o, _) in corpus.origin.items() if corpus.shard_of[c] != corpus.shard_of[o]]
    assert 0 < len(across) < len(corpus.origin)
    values = list(pairs.values())
    assert (
        sum(j >= THRESHOLD for j in values) >= 30
        and sum(0.5 <= j < THRESHOLD for j in values) >= 30
    )


@pytest.mark.slow
def test_exact_verification_meets_the_targets_on_planted_prose(prose_corpus, tmp_path):
    corpus, pairs = prose_corpus
    write_planted(tmp_path / "in", corpus)
    kept, counters = dedup(tmp_path / "in", tmp_path / "out", DedupSettings(threshold=THRESHOLD))
    ids = [d.id for d in corpus.docs]
    quality = removal_quality(pairs, ids, set(ids) - kept, THRESHOLD)
    assert quality["true_pairs"] >= 50
    assert quality["recall"] >= 0.98
    assert quality["false_removals"] == 0
    # Stats: candidates split into verified and rejected pairs; predicted recall reported.
    assert counters["candidates"] == counters["verified_pairs"] + counters["rejected_pairs"]
    assert counters["rejected_pairs"] > 0 and counters["verified_pairs"] > 0
    manifest = DatasetFolder(tmp_path / "out").read_manifest()
    assert manifest["dedup"]["reduce"]["predicted_recall"] >= 0.99
    # The exchanged files: every scored pair's Jaccard is the truth for that pair.
    scored = pq.read_table(work.parquet_files(tmp_path / "out" / "_work" / work.SCORED)[0])
    assert set(scored.schema.names) == {"u", "v", "jaccard"}
    shingle_file = tmp_path / "out" / "_work" / work.SHINGLES / "part-000.parquet"
    assert pq.read_schema(shingle_file).equals(work.shingles_schema())


@pytest.mark.slow
def test_without_verification_the_same_corpus_has_false_removals(prose_corpus, tmp_path):
    corpus, pairs = prose_corpus
    write_planted(tmp_path / "in", corpus)
    settings = DedupSettings(threshold=THRESHOLD, verify="none", bands=20, rows=4, num_perm=80)
    kept, _ = dedup(tmp_path / "in", tmp_path / "out", settings)
    ids = [d.id for d in corpus.docs]
    assert removal_quality(pairs, ids, set(ids) - kept, THRESHOLD)["false_removals"] > 0


@pytest.mark.slow
def test_chain_guard_keeps_a_document_unlike_the_kept_one(tmp_path):
    rng = random.Random(5)
    words = ["".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=7)) for _ in range(400)]
    a = " ".join(words[:200])
    b = " ".join(words[20:220])  # J(a, b) ~ 0.8
    c = " ".join(words[40:240])  # J(b, c) ~ 0.8, J(a, c) ~ 0.67
    docs = [
        Document("a", a, timestamp="2020-01-01"),
        Document("b", b, timestamp="2021-01-01"),
        Document("c", c, timestamp="2022-01-01"),
    ]
    assert pair_jaccard(a, c) < 0.75 <= min(pair_jaccard(a, b), pair_jaccard(b, c))
    write_dataset(tmp_path / "in", docs, 2)
    kept, counters = dedup(tmp_path / "in", tmp_path / "out", DedupSettings(threshold=0.75))
    assert kept == {"a", "c"}  # one component a-b-c; c is not removed for a
    assert counters["chain_guard_kept"] == 1


@pytest.mark.skipif(not devdata_passages(), reason="../shared/devdata/ is absent (real text)")
@pytest.mark.slow
def test_exact_verification_on_real_devdata_text(tmp_path):
    corpus = near_duplicate_corpus(devdata_passages(), originals=250, seed=11, shards=3)
    pairs = exact_pairs(corpus.docs, min_jaccard=0.7)
    write_planted(tmp_path / "in", corpus)
    ids = [d.id for d in corpus.docs]
    for threshold in (0.8,):
        out = tmp_path / f"out{threshold}"
        kept, _ = dedup(tmp_path / "in", out, DedupSettings(threshold=threshold))
        quality = removal_quality(pairs, ids, set(ids) - kept, threshold)
        assert quality["recall"] >= 0.98 and quality["false_removals"] == 0


def test_bucket_pairs_window_and_all_pairs_of_small_buckets():
    frame = pd.DataFrame(
        {
            "band": np.array([0, 0, 0, 1, 1, 0], dtype=np.int16),
            "key": np.array([7, 7, 7, 7, 7, 9], dtype=np.int64),
            "node": np.array([30, 10, 20, 10, 40, 50], dtype=np.int64),
        }
    )
    pairs = {tuple(p) for p in bucket_pairs(frame).to_numpy().tolist()}
    assert pairs == {(20, 10), (30, 10), (30, 20), (40, 10)}
    big = pd.DataFrame({"band": [0] * 20, "key": [1] * 20, "node": list(range(20))})
    assert len(bucket_pairs(big, window=3)) == 19 + 18 + 17


def test_set_jaccard_on_sorted_hashes_equals_the_string_sets():
    texts = ["one two three four five six seven", "one two three four five six eight"]
    hashes, counts = text_shingle_hashes(texts, "words", 3, bits=64)
    left = np.unique(hashes[: counts[0]])
    right = np.unique(hashes[counts[0] :])
    expected = len(shingles(texts[0], 3) & shingles(texts[1], 3)) / len(
        shingles(texts[0], 3) | shingles(texts[1], 3)
    )
    assert set_jaccard(left, right) == pytest.approx(expected)
    assert set_jaccard(left[:0], right[:0]) == 1.0


@pytest.mark.parametrize("threshold", [0.7, 0.8, 0.9])
def test_recall_banding_reaches_the_target_at_the_threshold(threshold):
    bands, rows = recall_bands_rows(threshold, 112, 0.99)
    assert bands * rows <= 112
    assert candidate_probability(threshold, bands, rows) >= 0.99
    # Fewer bands of the same rows would miss the target (the choice is not wasteful).
    assert candidate_probability(threshold, bands - 1, rows) < 0.99
    settings = resolve_banding(DedupSettings(threshold=threshold))
    assert (settings.bands, settings.rows) == (bands, rows)
