"""End-to-end dedup on the local executor: ground truth, determinism, methods, resume."""

from __future__ import annotations

from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from corpuskit.dataset import DatasetFolder
from corpuskit.dedup.pipeline import DedupInput, DedupSettings, run_dedup
from corpuskit.document import Document
from corpuskit.errors import ConfigError
from corpuskit.executor import LocalExecutor
from tests.corpuskit.dedup_corpus import planted_corpus, write_dataset

THRESHOLD = 0.72
# 384 permutations as 48 x 8 bands put the S-curve's knee near 0.62; --verify then cuts at
# the threshold with an estimate whose standard deviation is ~0.02 (docs/dedup.md).
PRECISE = DedupSettings(num_perm=384, bands=48, rows=8, verify=True, threshold=THRESHOLD)


def run(inputs, out, settings=PRECISE, workers=1, overwrite=False):
    if isinstance(inputs, (str, type(None))) or hasattr(inputs, "joinpath"):
        inputs = [DedupInput("web", str(inputs))]
    report, counters = run_dedup(inputs, settings, str(out), LocalExecutor(workers), overwrite)
    assert not report.failed
    return report, counters


def kept_ids(out) -> list[str]:
    ids = []
    for path in sorted((out / "data").glob("*.parquet")):
        ids += pq.read_table(path, columns=["id"]).column("id").to_pylist()
    return sorted(ids)


def cluster_rows(out) -> list[tuple]:
    table = ds.dataset(str(out / "clusters")).to_table()
    rows = zip(
        *(table.column(c).to_pylist() for c in ("id", "cluster", "kept", "method")), strict=True
    )
    return sorted(rows)


@pytest.fixture(scope="module")
def planted():
    return planted_corpus()


@pytest.fixture(scope="module")
def reference(tmp_path_factory, planted):
    docs, _ = planted
    root = tmp_path_factory.mktemp("planted")
    write_dataset(root / "in", docs, 4)
    run(root / "in", root / "out")
    return root


def test_ground_truth_recall_and_merge_rate(reference, planted):
    _, pairs = planted
    table = ds.dataset(str(reference / "out" / "clusters")).to_table()
    cluster_of = dict(
        zip(table.column("id").to_pylist(), table.column("cluster").to_pylist(), strict=True)
    )

    def merged(a, b):
        return a in cluster_of and cluster_of[a] == cluster_of.get(b)

    high = [(a, b) for a, b, j in pairs if j >= THRESHOLD + 0.05]
    low = [(a, b) for a, b, j in pairs if j <= THRESHOLD - 0.1]
    assert len(high) >= 30 and len(low) >= 30  # the test has power on both sides
    recall = sum(merged(a, b) for a, b in high) / len(high)
    merge_rate = sum(merged(a, b) for a, b in low) / len(low)
    assert recall >= 0.95
    assert merge_rate <= 0.02
    # The keep rule (oldest): the 2020 original survives, the 2021 copy goes.
    kept = set(kept_ids(reference / "out"))
    for a, b in high:
        if merged(a, b):
            assert a in kept and b not in kept


def test_manifest_counters(reference):
    manifest = DatasetFolder(reference / "out").read_manifest()
    reduce = manifest["dedup"]["reduce"]
    removed = manifest["counters"]["removed"]["minhash"]
    assert reduce["candidates"] >= reduce["verified_pairs"] > 0
    assert reduce["clusters"]["minhash"] == removed  # planted pairs: one removal per cluster
    assert reduce["removed_by_input"] == {"web": {"minhash": removed}}
    assert manifest["counters"]["documents"] == manifest["counters"]["kept"] + removed
    assert manifest["dedup"]["settings"]["bands"] == 48


@pytest.mark.slow
def test_same_output_for_any_shard_layout_order_and_partitioning(tmp_path, reference, planted):
    docs, _ = planted
    write_dataset(tmp_path / "in", list(reversed(docs)), 3)
    settings = DedupSettings(**{**PRECISE.__dict__, "partition_rows": 2000})
    run(tmp_path / "in", tmp_path / "out", settings)
    assert kept_ids(tmp_path / "out") == kept_ids(reference / "out")
    assert cluster_rows(tmp_path / "out") == cluster_rows(reference / "out")


def test_resume_redoes_only_missing_shards(tmp_path, reference):
    import shutil

    out = tmp_path / "out"
    shutil.copytree(reference / "out", out)
    shutil.copytree(reference / "in", tmp_path / "in")
    # Paths recorded in the settings are those of the reference run.
    folder = DatasetFolder(out)
    Path(folder.done_path("part-002")).unlink()
    Path(folder.data_path("part-002")).unlink()
    report, _ = run(reference / "in", out)
    assert (report.processed, report.skipped) == (1, 3)
    assert kept_ids(out) == kept_ids(reference / "out")


def test_changed_settings_need_overwrite(reference, tmp_path):
    import shutil

    shutil.copytree(reference / "out", tmp_path / "out")
    other = DedupSettings(**{**PRECISE.__dict__, "seed": 9})
    with pytest.raises(ConfigError, match="--overwrite"):
        run(reference / "in", tmp_path / "out", other)


def test_default_fineweb_settings_find_close_pairs(reference, planted, tmp_path):
    _, pairs = planted
    run(reference / "in", tmp_path / "out", DedupSettings())
    kept = set(kept_ids(tmp_path / "out"))
    close = [(a, b) for a, b, j in pairs if j >= 0.85]
    assert len(close) >= 15
    assert sum(b not in kept for _, b in close) / len(close) >= 0.9


def _doc(doc_id, text, url=None, timestamp=None, source="web"):
    return Document(doc_id, text, url=url, timestamp=timestamp, source=source)


def test_exact_and_url_methods(tmp_path):
    text = "An exact copy of this page appears twice. It has three sentences. Really."
    docs = [
        _doc("e2", text, timestamp="2022-01-01T00:00:00Z"),
        _doc("e1", "  " + text.replace(" ", "  "), timestamp="2021-01-01T00:00:00Z"),
        _doc(
            "u1",
            "first capture of the page text alpha",
            "https://www.site.org/p/?utm_source=a",
            "2020-05-01T00:00:00Z",
        ),
        _doc(
            "u2",
            "second capture of the page text beta",
            "http://site.org/p",
            "2023-05-01T00:00:00Z",
        ),
        _doc("u3", "third capture, no timestamp, gamma", "https://site.org/p?ref=feed"),
        _doc("solo", "nothing like the others at all here", "https://site.org/q"),
    ]
    write_dataset(tmp_path / "in", docs, 2)
    settings = DedupSettings(url=True, minhash=False, keep="oldest")
    report, counters = run(tmp_path / "in", tmp_path / "out", settings)
    assert kept_ids(tmp_path / "out") == ["e1", "solo", "u2"]  # exact: oldest; URL: newest
    assert report.counters["removed"] == {"url": 2, "exact": 1, "minhash": 0, "lines": 0}
    assert counters["clusters"] == {"exact": 1, "url": 1}


def test_priority_keeps_the_preferred_source(tmp_path):
    shared = "Shared article text that both sources carry in full. " * 8
    write_dataset(
        tmp_path / "web",
        [_doc("w1", shared, timestamp="2019-01-01"), _doc("w2", "only web " * 20)],
        1,
    )
    write_dataset(tmp_path / "wiki", [_doc("k1", shared, timestamp="2024-01-01", source="wiki")], 1)
    inputs = [DedupInput("web", str(tmp_path / "web")), DedupInput("wiki", str(tmp_path / "wiki"))]
    settings = DedupSettings(priority=("wiki", "web"))
    report, counters = run(inputs, tmp_path / "out", settings)
    assert kept_ids(tmp_path / "out") == ["k1", "w2"]
    assert sorted(p.name for p in (tmp_path / "out" / "data").glob("*")) == [
        "web__part-000.parquet",
        "wiki__part-000.parquet",
    ]
    assert counters["removed_by_input"] == {"web": {"exact": 1}}
    # Without --priority the oldest copy (web) is kept.
    run(inputs, tmp_path / "out2", DedupSettings())
    assert kept_ids(tmp_path / "out2") == ["w1", "w2"]


def test_index_mode_removes_duplicates_of_an_earlier_dataset(tmp_path, planted):
    docs, pairs = planted
    by_id = {d.id: d for d in docs}
    a, b, _ = max(pairs, key=lambda p: p[2])
    write_dataset(tmp_path / "previous", [by_id[a]], 1)
    fresh = [by_id[b], by_id["single0001"], _doc("copy", by_id[a].text)]
    write_dataset(tmp_path / "new", fresh, 1)
    inputs = [
        DedupInput("new", str(tmp_path / "new")),
        DedupInput("index:previous", str(tmp_path / "previous"), is_index=True),
    ]
    report, counters = run(inputs, tmp_path / "out", PRECISE)
    assert kept_ids(tmp_path / "out") == ["single0001"]
    assert [p.name for p in (tmp_path / "out" / "data").glob("*.parquet")] == [
        "new__part-000.parquet"
    ]
    assert counters["removed_by_input"] == {"new": {"exact": 1, "minhash": 1}}
    rows = cluster_rows(tmp_path / "out")
    assert (a, rows[0][1], True, "exact") in rows  # the index document is the kept member
