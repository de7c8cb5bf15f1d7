"""corpuskit.storage: one code path for local folders, memory:// and a real S3 endpoint."""

from __future__ import annotations

import json

import pytest

from corpuskit import storage
from corpuskit.dataset import DatasetFolder, ShardOutput
from corpuskit.document import Document
from corpuskit.errors import ConfigError, DependencyError


@pytest.fixture(params=["local", "memory", "s3"])
def root(request, tmp_path):
    """A dataset-folder location on each kind of storage."""
    if request.param == "local":
        return str(tmp_path / "ds")
    if request.param == "memory":
        import uuid

        return f"memory://ck-{uuid.uuid4().hex[:8]}/ds"
    return request.getfixturevalue("s3_bucket") + "/ds"


def _docs(n: int) -> list[Document]:
    return [Document(id=f"d{i}", text=f"text number {i}", source="test") for i in range(n)]


def test_shard_output_commits_data_stats_and_a_marker_naming_the_object(root):
    folder = DatasetFolder(root)
    out = ShardOutput(folder, "s1", keep_rejected=True)
    for doc in _docs(3):
        out.write(doc)
    out.reject(_docs(1)[0], "f", "why")
    stats = out.finish({"counters": {"n": 3}})
    assert stats["rows"] == 3
    assert folder.done_shards() == ["s1"]
    assert folder.data_files() == [storage.join(folder.root, "data", "s1.parquet")]
    marker = json.loads(storage.read_text(folder.done_path("s1")))
    assert marker["data"] == "data/s1.parquet"
    assert marker["rejected"] == "rejected/s1.parquet"
    assert marker["attempt"].startswith(".s1.parquet.tmp-")
    # No attempt object is left once the shard is committed.
    assert [
        n for n in storage.listdir(storage.join(folder.root, "data")) if n.startswith(".")
    ] == []
    from corpuskit.readers import read_documents

    assert [d.id for d in read_documents(folder.data_files()[0])] == ["d0", "d1", "d2"]


def test_an_aborted_or_unmarked_shard_is_never_read(root):
    folder = DatasetFolder(root)
    done = ShardOutput(folder, "a")
    done.write(_docs(1)[0])
    done.finish({})
    aborted = ShardOutput(folder, "b")
    for doc in _docs(200):
        aborted.write(doc)
    aborted.kept.flush()
    aborted.abort()
    # A shard whose data reached its final name but whose marker never came (kill -9).
    storage.write_bytes(folder.data_path("c"), storage.read_bytes(folder.data_path("a")))
    assert folder.done_shards() == ["a"]
    assert folder.data_files() == [folder.data_path("a")]


def test_attempts_of_done_shards_are_cleaned_up(root):
    folder = DatasetFolder(root)
    out = ShardOutput(folder, "s")
    out.write(_docs(1)[0])
    out.finish({})
    # A duplicate (speculative or retried) attempt of the same shard, left half-written.
    orphan = storage.attempt_name(folder.data_path("s"))
    with storage.open(orphan, "wb") as fh:
        fh.write(b"PAR1 half")
    pending = storage.attempt_name(folder.data_path("not-done"))
    with storage.open(pending, "wb") as fh:
        fh.write(b"PAR1 half")
    assert folder.remove_stale_temporaries() == 1
    names = storage.listdir(storage.join(folder.root, "data"))
    assert storage.name_of(orphan) not in names
    assert storage.name_of(pending) in names  # its shard may still be running elsewhere


def test_write_text_is_whole_and_listing_sees_other_writers(root):
    url = storage.join(root, "x", "note.json")
    storage.write_text(url, '{"a": 1}')
    assert storage.read_json(url) == {"a": 1}
    assert storage.read_json(storage.join(root, "x", "missing.json")) is None
    assert storage.listdir(storage.join(root, "x")) == ["note.json"]
    found = storage.find_files(root)
    assert [storage.name_of(u) for u, _ in found] == ["note.json"]
    assert found[0][1] == len('{"a": 1}')


def test_unknown_scheme_and_missing_backend_are_configuration_errors():
    with pytest.raises(ConfigError, match="unknown storage scheme nosuch://"):
        storage.check_output("nosuch://bucket/x")
    with pytest.raises(DependencyError, match="pip install gcsfs"):
        storage.check_output("gs://bucket/x")
    with pytest.raises(ConfigError, match="read-only"):
        storage.check_output("https://example.org/x")
    with pytest.raises(ConfigError, match="names no bucket"):
        storage.check_output("s3://")


def test_storage_options_per_protocol_or_for_all():
    try:
        storage.configure('{"s3": {"anon": true}, "gs": {"token": "anon"}}')
        assert storage.options_for("s3") == {"anon": True}
        assert storage.options_for("file") == {}
        storage.configure({"anon": True})
        assert storage.options_for("s3") == {"anon": True}
        assert storage.options_for("az") == {"anon": True}
        carried = storage.options_json()
        storage.configure(None)
        assert storage.options_for("s3") == {}
        storage.configure(carried)
        assert storage.options_for("s3") == {"anon": True}
        with pytest.raises(ConfigError, match="not valid JSON"):
            storage.parse_options("{anon")
    finally:
        storage.configure(None)


def test_display_never_publishes_home_or_temporary_folders(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert storage.display("s3://bucket/x") == "s3://bucket/x"
    assert storage.display("out/x") == "out/x"
    assert storage.display(str(tmp_path / "out" / "x")) == "out/x"
    shown = storage.display("/home/someone/corpora/books")
    assert "/home" not in shown and shown.endswith("corpora/books")
