"""End to end: a package from a web dataset folder plus the book, wiki and WebText fixtures."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from corpuskit.errors import InputError
from corpuskit.mix.package import build_package
from corpuskit.mix.verify import verify_package
from tests.corpuskit.mix_helpers import mixture, write_web_folder


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    return write_web_folder(tmp_path_factory.mktemp("web") / "deduped")


@pytest.fixture(scope="module")
def package(web, tmp_path_factory):
    out = tmp_path_factory.mktemp("pkg") / "package"
    build_package(mixture(web), str(out), command="corpuskit mix --recipe r.toml -o package")
    return out


def _texts(path):
    return [
        (row["source"], row["id"], row["epoch"])
        for shard in sorted((path / "data").glob("*.parquet"))
        for row in pq.read_table(shard, columns=["source", "id", "epoch"]).to_pylist()
    ]


def test_achieved_token_shares_are_within_one_point_of_the_recipe(package):
    manifest = json.loads((package / "manifest.json").read_text())
    shares = {"web": 0.60, "webtext": 0.22, "books1": 0.08, "books2": 0.08, "wikipedia": 0.03}
    total = sum(shares.values())
    tokens_by_source: dict[str, int] = {}
    for shard in (package / "data").glob("train-*.parquet"):
        table = pq.read_table(shard, columns=["source", "tokens"])
        for source, tokens in zip(
            table.column("source").to_pylist(), table.column("tokens").to_pylist(), strict=True
        ):
            tokens_by_source[source] = tokens_by_source.get(source, 0) + tokens
    achieved_total = sum(tokens_by_source.values())
    assert abs(achieved_total - 100_000) < 1_000
    for name, weight in shares.items():
        achieved = tokens_by_source[name] / achieved_total
        assert abs(achieved - weight / total) < 0.01, (name, achieved)
        assert manifest["sources"][name]["achieved_share"] == pytest.approx(achieved)
    # Small sources are upsampled by repeating whole documents.
    assert manifest["sources"]["webtext"]["epochs"] > 10
    assert manifest["sources"]["web"]["epochs"] < 1


def test_upsampled_documents_are_whole_repeats_with_epoch_numbers(package):
    rows = pq.read_table(package / "data" / "train-00000-of-00001.parquet").to_pylist()
    webtext = [r for r in rows if r["source"] == "webtext"]
    by_id: dict[str, set[str]] = {}
    for row in webtext:
        by_id.setdefault(row["id"], set()).add(row["text"])
    assert len(by_id) == 6  # the 6 listed URLs of 8 documents
    assert all(len(texts) == 1 for texts in by_id.values())
    assert max(r["epoch"] for r in webtext) >= 10
    assert {r["origin"] for r in webtext} == {"openwebtext-sample"}


def test_sources_are_interleaved_not_concatenated(package):
    sources = [s for s, _, _ in _texts(package)]
    first_hundred = set(sources[:100])
    assert {"web", "webtext"} <= first_hundred
    switches = sum(1 for a, b in zip(sources, sources[1:], strict=False) if a != b)
    assert switches > len(sources) / 4


def test_same_seed_gives_byte_identical_shards_and_spilling_does_not_change_them(
    web, package, tmp_path
):
    again = tmp_path / "again"
    build_package(mixture(web), str(again), memory_limit=4096)  # forces many spill files
    for shard in (package / "data").glob("*.parquet"):
        assert (again / "data" / shard.name).read_bytes() == shard.read_bytes()


@pytest.mark.slow
def test_a_process_pool_gives_the_bytes_and_manifest_of_one_process(web, package, tmp_path):
    from corpuskit.executor import LocalExecutor

    pooled = tmp_path / "pooled"
    build_package(
        mixture(web),
        str(pooled),
        command="corpuskit mix --recipe r.toml -o package",
        memory_limit=4096,
        executor=LocalExecutor(2),
    )
    shards = sorted(p.name for p in (package / "data").glob("*.parquet"))
    assert sorted(p.name for p in (pooled / "data").glob("*.parquet")) == shards
    for name in shards:
        assert (pooled / "data" / name).read_bytes() == (package / "data" / name).read_bytes()
    one, two = (json.loads((p / "manifest.json").read_text()) for p in (package, pooled))
    for timing in ("created", "seconds"):
        one.pop(timing), two.pop(timing)
    assert one == two


def test_different_seed_gives_a_different_order(web, package, tmp_path):
    other = tmp_path / "other"
    build_package(mixture(web, seed=8), str(other))
    assert _texts(other) != _texts(package)


def test_verify_passes_then_catches_a_flipped_byte(package, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(package, copy)
    assert verify_package(copy)["ok"]
    shard = next((copy / "data").glob("*.parquet"))
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0x01
    shard.write_bytes(bytes(data))
    result = verify_package(copy)
    assert not result["ok"]
    assert any(shard.name in p and "sha256" in p for p in result["problems"])


def test_manifest_records_shards_sources_and_lineage(package):
    manifest = json.loads((package / "manifest.json").read_text())
    shard = manifest["shards"][0]
    assert shard["path"] == "data/train-00000-of-00001.parquet"
    assert len(shard["sha256"]) == 64 and shard["rows"] > 0 and shard["tokens"] > 0
    web = next(item for item in manifest["lineage"] if item["name"] == "web")
    dedup = web["upstream"][0]
    assert dedup["stage"] == "dedup"
    assert dedup["lineage"][0]["counters"]["dropped"]["c4.lorem_ipsum"] == 3
    assert manifest["seed"] == 7
    wiki = manifest["sources"]["wikipedia"]["reading"]
    assert wiki["skipped"] == {"redirect": 2, "disambiguation": 2, "non_article_namespace": 2}


def test_card_has_front_matter_sections_plots_and_filter_counts(package):
    card = (package / "README.md").read_text()
    front, body = card.split("---\n")[1:3]
    for key in (
        "configs:",
        "dataset_info:",
        "license:",
        "language:",
        "task_categories:",
        "size_categories:",
        "source_datasets:",
        "pretty_name:",
        "num_examples:",
    ):
        assert key in front
    for section in (
        "## Sources",
        "## Collection process",
        "## Filtering",
        "## Deduplication",
        "## Mixture",
        "## Personal information",
        "## Limitations",
        "## Licensing",
        "## How to reproduce",
    ):
        assert section in body
    assert "c4.lorem_ipsum | 3" in body
    assert "duplicates_removed | 100" in body
    assert "corpuskit mix --recipe r.toml -o package" in body
    for plot in ("plots/document_lengths.png", "plots/token_shares.png"):
        assert f"]({plot})" in body
        assert (package / plot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_c4_validation_split_and_fraction_split(web, tmp_path):
    from corpuskit.mix.webtext import c4_validation

    out = tmp_path / "val"
    manifest = build_package(mixture(web, validation="fraction", validation_fraction=0.1), str(out))
    assert set(manifest["splits"]) == {"train", "validation"}
    val = pq.read_table(out / "data" / "validation-00000-of-00001.parquet")
    train_ids = set(
        pq.read_table(out / "data" / "train-00000-of-00001.parquet").column("id").to_pylist()
    )
    assert val.num_rows > 20
    assert not train_ids & set(val.column("id").to_pylist())  # a document is in one split only
    assert set(val.column("epoch").to_pylist()) == {0}
    # C4's rule is a pure function of the normalised URL.
    urls = [f"https://site.example/{i}" for i in range(5000)]
    picked = [u for u in urls if c4_validation(u)]
    assert 0 < len(picked) < 20
    assert c4_validation("http://www." + picked[0].split("://")[1] + "/") is True


def test_a_failed_build_leaves_no_package_and_no_temporary_folder(web, tmp_path):
    import dataclasses

    bad = tmp_path / "bad.xml"
    bad.write_text("<mediawiki><page><title>x</title></mediawiki>")
    recipe = mixture(web)
    sources = tuple(
        dataclasses.replace(s, paths=(str(bad),)) if s.name == "wikipedia" else s
        for s in recipe.sources
    )
    out = tmp_path / "out"
    with pytest.raises(InputError, match="source 'wikipedia'.*malformed MediaWiki XML at line 1"):
        build_package(dataclasses.replace(recipe, sources=sources), str(out))
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.xml"]


def test_datasets_load_dataset_reads_the_declared_splits(web, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf" / "datasets"))
    out = tmp_path / "pkg"
    manifest = build_package(
        mixture(web, validation="fraction", validation_fraction=0.05, shard_size=100_000), str(out)
    )
    import datasets

    # In case datasets was imported before the environment was set (constants read at import).
    monkeypatch.setattr(datasets.config, "HF_DATASETS_OFFLINE", True, raising=False)
    loaded = datasets.load_dataset(str(out), cache_dir=str(tmp_path / "hf" / "cache"))
    assert set(loaded) == {"train", "validation"}
    for split, info in manifest["splits"].items():
        assert loaded[split].num_rows == info["rows"]
    assert manifest["splits"]["train"]["shards"] > 1
    assert loaded["train"].features["tokens"].dtype == "int64"
    assert loaded["train"][0]["text"]


def test_the_work_area_can_be_a_url(web, package):
    """Buckets and shards go through corpuskit.storage: a memory:// work area gives the
    same shard bytes as the package built on a local disk."""
    from corpuskit import storage
    from corpuskit.executor import LocalExecutor
    from corpuskit.mix import passes
    from corpuskit.mix.plan import make_plan
    from corpuskit.mix.sources import SourceReader

    recipe = mixture(web)
    readers = [SourceReader(s.name, s.kind, s.paths, s.url_list) for s in recipe.sources]
    files = passes.list_files(readers)
    indexes, file_documents = passes.count_tokens(LocalExecutor(1), recipe, readers, files)
    plan = make_plan(recipe, indexes)
    work = "memory://mix-work-area-test/pkg.tmp"
    try:
        shards = passes.write_package_shards(
            LocalExecutor(1), plan, files, file_documents, work, 4096
        )
        expected = json.loads((package / "manifest.json").read_text())["shards"]
        assert [s["sha256"] for s in shards] == [s["sha256"] for s in expected]
        for shard in expected:
            data = storage.read_bytes(storage.join(work, shard["path"]))
            assert data == (package / shard["path"]).read_bytes()
        assert storage.listdir(storage.join(work, "_spill"))  # the buckets were written there
    finally:
        storage.delete_tree(work)
