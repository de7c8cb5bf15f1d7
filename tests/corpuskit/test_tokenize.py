"""`corpuskit tokenize` and `corpuskit tokenizer train` on a package: round trip through readers
written from docs/tokenize.md, determinism, manifest, card, dtype choice and errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from corpuskit.checksum import file_sha256
from corpuskit.errors import ConfigError, DependencyError
from corpuskit.executor import LocalExecutor
from corpuskit.tokenize.formats import npy_header, token_dtype
from corpuskit.tokenize.run import tokenize_package
from corpuskit.tokenize.spec import LoadedTokenizer, parse_spec
from tests.corpuskit.tokenize_helpers import (
    TRICKY,
    make_package,
    package_texts,
    read_megatron,
    read_npy,
    train_small,
)


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    return make_package(tmp_path_factory.mktemp("tok"))


@pytest.fixture(scope="module")
def tokenizer_file(package):
    return train_small(package, package.parent / "tokenizer.json")


@pytest.fixture(scope="module")
def megatron(package, tokenizer_file):
    out = package.parent / "tokens-megatron"
    report, manifest = tokenize_package(
        str(package), str(out), str(tokenizer_file), "megatron", LocalExecutor(1)
    )
    assert report.exit_code == 0
    return out, manifest


def decoder(tokenizer_file):
    from tokenizers import Tokenizer

    hf = Tokenizer.from_file(str(tokenizer_file))
    return lambda ids: hf.decode([int(i) for i in ids], skip_special_tokens=False)


def test_trained_tokenizer_is_byte_level_with_eot_last(tokenizer_file):
    loaded = LoadedTokenizer(str(tokenizer_file))
    assert loaded.vocab_size == 700 and loaded.eot_id == 699
    text = "Unseen: ǅ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ☃ \x00 <|endoftext|>"
    (ids,) = loaded.encode_batch([text])
    assert loaded.eot_id not in ids  # literal special-token text stays ordinary text
    assert loaded.decode(ids) == text
    meta = json.loads(tokenizer_file.with_name("tokenizer.meta.json").read_text())
    assert meta["vocab_sha256"] == loaded.vocab_sha256() and meta["sample"]["documents_sampled"] > 0


def test_training_twice_gives_the_same_file(package, tokenizer_file, tmp_path):
    again = train_small(package, tmp_path / "again.json")
    assert again.read_bytes() == tokenizer_file.read_bytes()


def test_sample_depends_on_seed_not_on_input_order(package, tmp_path):
    from corpuskit.tokenize.train import sample_texts

    files = sorted(str(p) for p in (package / "data").glob("*.parquet"))
    forward, _ = sample_texts(files, 20_000, seed=5)
    backward, _ = sample_texts(files[::-1], 20_000, seed=5)
    other, _ = sample_texts(files, 20_000, seed=6)
    assert forward == backward
    assert forward != other
    assert sum(len(t.encode()) for t in forward) <= 20_000


def test_megatron_round_trip_every_document(package, tokenizer_file, megatron):
    out, _ = megatron
    decode = decoder(tokenizer_file)
    eot = 699
    seen = set()
    for prefix, texts in package_texts(package).items():
        spans, header = read_megatron(out / "data" / prefix)
        assert header["version"] == 1 and header["code"] == 8  # uint16
        assert header["sequences"] == len(texts) and header["doc_index"] == list(
            range(len(texts) + 1)
        )
        assert header["bin_items"] == int(header["lengths"].sum())
        for span, text in zip(spans, texts, strict=True):
            assert span[-1] == eot and eot not in span[:-1]
            assert decode(span[:-1]) == text
            seen.add(text)
    assert set(TRICKY) <= seen


def test_npy_round_trip_every_document(package, tokenizer_file, tmp_path):
    out = tmp_path / "npy"
    tokenize_package(str(package), str(out), str(tokenizer_file), "npy", LocalExecutor(1))
    decode = decoder(tokenizer_file)
    for prefix, texts in package_texts(package).items():
        spans, tokens = read_npy(out / "data" / prefix)
        assert tokens.dtype == np.dtype("<u2")
        assert len(spans) == len(texts)
        for span, text in zip(spans, texts, strict=True):
            assert span[-1] == 699 and decode(span[:-1]) == text


def test_manifest_has_tokens_per_shard_and_split_checksums_and_tokenizer(
    package, tokenizer_file, megatron
):
    out, manifest = megatron
    package_manifest = json.loads((package / "manifest.json").read_text())
    assert [s["prefix"] for s in manifest["token_shards"]] == [
        s["path"].removesuffix(".parquet") for s in package_manifest["shards"]
    ]
    for shard in manifest["token_shards"]:
        for file in shard["files"]:
            assert file_sha256(out / file["path"]) == file["sha256"]
        spans, _ = read_megatron(out / shard["prefix"])
        assert shard["tokens"] == sum(len(s) for s in spans)
    for split, info in manifest["splits"].items():
        assert info["documents"] == package_manifest["splits"][split]["rows"]
    assert manifest["total_tokens"] == sum(s["tokens"] for s in manifest["token_shards"])
    identity = manifest["tokenizer"]
    assert identity["vocab_sha256"] == LoadedTokenizer(str(tokenizer_file)).vocab_sha256()
    assert identity["eot_id"] == 699 and manifest["dtype"] == "uint16"


def test_package_card_gains_a_tokenized_section(package, megatron):
    out, manifest = megatron
    card = (package / "README.md").read_text()
    section = card.split("## Tokenized", 1)[1].split("\n## ", 1)[0]
    assert out.name in section and f"{manifest['total_tokens']:,}" in section
    assert manifest["tokenizer"]["vocab_sha256"][:16] in section
    assert "<\\|endoftext\\|>" in section  # escaped, or the table breaks
    from corpuskit.mix.verify import verify_package

    assert verify_package(package)["ok"]


def test_same_inputs_give_byte_identical_shards(package, tokenizer_file, megatron, tmp_path):
    first, _ = megatron
    again = tmp_path / "again"
    tokenize_package(
        str(package),
        str(again),
        str(tokenizer_file),
        "megatron",
        LocalExecutor(2),
        update_card=False,
    )
    names = sorted(p.name for p in (first / "data").iterdir())
    assert names == sorted(p.name for p in (again / "data").iterdir())
    for name in names:
        assert (first / "data" / name).read_bytes() == (again / "data" / name).read_bytes(), name


def test_an_object_store_output_gets_the_same_bytes(package, tokenizer_file, megatron):
    from corpuskit import storage

    local, _ = megatron
    url = "memory://tokenize-test/tokens"
    report, manifest = tokenize_package(
        str(package), url, str(tokenizer_file), "megatron", LocalExecutor(1), update_card=False
    )
    assert report.exit_code == 0 and manifest["complete"]
    names = sorted(p.name for p in (local / "data").iterdir())
    assert sorted(storage.listdir(f"{url}/data")) == names  # no attempt file left
    for name in names:
        assert storage.read_bytes(f"{url}/data/{name}") == (local / "data" / name).read_bytes()
    storage.delete_tree(url)


@pytest.mark.slow
def test_counts_agree_with_mix_budget_counted_with_the_same_tokenizer(tokenizer_file, tmp_path):
    spec = f"hf:{tokenizer_file}"
    package = make_package(tmp_path, per_shard=30, tokenizer=spec)
    _, manifest = tokenize_package(
        str(package), str(tmp_path / "t"), spec, "npy", LocalExecutor(1), update_card=False
    )
    import pyarrow.parquet as pq

    for shard in manifest["token_shards"]:
        counted = pq.read_table(package / (shard["prefix"] + ".parquet")).column("tokens")
        spans, _ = read_npy(tmp_path / "t" / shard["prefix"])
        assert [len(s) - 1 for s in spans] == counted.to_pylist()
    assert "hf:" in (package / "README.md").read_text().split("## Mixture", 1)[1]


def test_rerun_with_other_settings_needs_overwrite(package, tokenizer_file, megatron):
    out, _ = megatron
    with pytest.raises(ConfigError, match="other settings .*format.*--overwrite"):
        tokenize_package(str(package), str(out), str(tokenizer_file), "npy", LocalExecutor(1))


@pytest.mark.slow
def test_a_rebuilt_package_with_other_contents_needs_overwrite(tokenizer_file, tmp_path):
    package = make_package(tmp_path / "a", per_shard=20)
    out = tmp_path / "tokens"
    tokenize_package(str(package), str(out), str(tokenizer_file), "npy", LocalExecutor(1))
    import shutil

    shutil.rmtree(package)
    shutil.copytree(make_package(tmp_path / "b", per_shard=25), package)
    with pytest.raises(ConfigError, match="package_shards_sha256"):
        tokenize_package(str(package), str(out), str(tokenizer_file), "npy", LocalExecutor(1))
    report, manifest = tokenize_package(
        str(package), str(out), str(tokenizer_file), "npy", LocalExecutor(1), overwrite=True
    )
    assert report.skipped == 0 and manifest["complete"]


def test_dtype_is_uint16_only_when_the_vocabulary_fits():
    assert token_dtype(65_536, "npy") == "uint16"
    assert token_dtype(65_537, "npy") == "uint32"
    assert token_dtype(100_277, "megatron") == "int32"  # Megatron has no uint32 code
    header = npy_header("<u4", 123_456_789_012)
    assert len(header) == 128 and header.endswith(b"\n")
    assert b"'shape': (123456789012,)" in header


def test_uint32_npy_reads_back(tmp_path):
    from corpuskit.tokenize.formats import TokenShardWriter

    writer = TokenShardWriter(tmp_path, "s", "npy", "uint32", 100_000)
    writer.write([[70_000, 1, 99_999], []])
    writer.commit()
    spans, tokens = read_npy(tmp_path / "s")
    assert tokens.dtype == np.dtype("<u4")
    assert [s.tolist() for s in spans] == [[70_000, 1, 99_999, 100_000], [100_000]]


def test_tiktoken_spec_round_trips_with_its_own_eot(package, monkeypatch, tmp_path):
    import tiktoken

    from tests.corpuskit.tokenize_helpers import small_tiktoken

    encoding = small_tiktoken()
    monkeypatch.setattr(tiktoken, "get_encoding", lambda name: encoding)
    out = tmp_path / "tiktoken"
    _, manifest = tokenize_package(
        str(package), str(out), "tiktoken:small", "npy", LocalExecutor(1), update_card=False
    )
    assert manifest["tokenizer"]["eot_id"] == encoding.eot_token == 265
    assert manifest["tokenizer"]["vocab_size"] == 266
    for prefix, texts in package_texts(package).items():
        spans, _ = read_npy(out / "data" / prefix)
        for span, text in zip(spans, texts, strict=True):
            assert span[-1] == 265 and 265 not in span[:-1]
            assert encoding.decode([int(i) for i in span[:-1]]) == text


def test_spec_errors_name_the_fix(tmp_path):
    with pytest.raises(ConfigError, match="unknown tokenizer 'gpt2'"):
        parse_spec("gpt2")
    with pytest.raises(DependencyError, match="not available offline"):
        LoadedTokenizer(f"hf:{tmp_path / 'missing.json'}")
    from tokenizers import Tokenizer, models

    bare = tmp_path / "bare.json"
    Tokenizer(models.BPE()).save(str(bare))
    with pytest.raises(ConfigError, match="no end-of-text token '<\\|endoftext\\|>'.*--eot-token"):
        LoadedTokenizer(str(bare))
