"""Shared builders for the tokenize tests: a small package (the mix fixtures plus documents
that are hard to round-trip) and a small byte-level BPE trained on it; and readers of the token
files written from docs/tokenize.md alone (never corpuskit's writer code)."""

from __future__ import annotations

import dataclasses
import json
import struct
from pathlib import Path

from corpuskit.mix.package import build_package
from corpuskit.mix.recipe import SourceSpec
from tests.corpuskit.mix_helpers import mixture, write_web_folder

# Texts a tokenizer round trip gets wrong when it normalises, strips, or treats special-token
# text as a boundary.
TRICKY = [
    "  leading spaces, trailing spaces and\ttabs\t  ",
    "Windows line ends\r\nand a lone CR\rand form feed\x0c.",
    "Chinese 中文分词, Russian Привет мир, Arabic مرحبا, emoji 🙂👍🏽 and a flag 🇫🇷.",
    "Combining: e\u0301 vs \u00e9, ligature \ufb01, zero-width\u200bjoiner, NBSP\u00a0here.",
    "A literal <|endoftext|> inside a document is text, not a boundary <|endoftext|>",
    "Numbers 1234567890 and symbols ~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./",
]


def make_package(root: Path, per_shard: int = 100, shard_size: int = 40_000, **changes) -> Path:
    """A package from the mix test fixtures plus a source of tricky texts, with validation."""
    web = write_web_folder(root / "web", per_shard=per_shard)
    tricky = root / "tricky.jsonl"
    tricky.write_text(
        "".join(json.dumps({"text": text, "id": f"t{i}"}) + "\n" for i, text in enumerate(TRICKY)),
        encoding="utf-8",
    )
    recipe = mixture(web)
    recipe = dataclasses.replace(
        recipe,
        sources=(*recipe.sources, SourceSpec("tricky", "dataset", (str(tricky),), 0.02)),
        validation="fraction",
        validation_fraction=0.1,
        shard_size=shard_size,
        **changes,
    )
    out = root / "package"
    build_package(recipe, str(out))
    return out


def train_small(package: Path, path: Path, vocab_size: int = 700) -> Path:
    from corpuskit.tokenize.train import train_tokenizer

    train_tokenizer([str(package)], str(path), vocab_size, sample_bytes=10_000_000, seed=3)
    return path


def package_texts(package: Path) -> dict[str, list[str]]:
    """Texts of every package shard, by shard prefix, in row order (read with pyarrow)."""
    import pyarrow.parquet as pq

    manifest = json.loads((package / "manifest.json").read_text())
    return {
        Path(s["path"]).name.removesuffix(".parquet"): pq.read_table(
            package / s["path"], columns=["text"]
        )
        .column("text")
        .to_pylist()
        for s in manifest["shards"]
    }


def small_tiktoken():
    """A real tiktoken Encoding with a tiny vocabulary (the 256 bytes, a few merges and
    <|endoftext|>), for tests that cannot download tiktoken's published vocabularies."""
    import tiktoken

    ranks = {bytes([i]): i for i in range(256)}
    for merge in (b"th", b"he", b"the", b" t", b" the", b"in", b"an", b"er", b" a"):
        ranks[merge] = len(ranks)
    return tiktoken.Encoding(
        "small",
        pat_str=r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""",
        mergeable_ranks=ranks,
        special_tokens={"<|endoftext|>": len(ranks)},
    )


# -- readers written from docs/tokenize.md ---------------------------------------------------

MEGATRON_DTYPES = {8: "<u2", 4: "<i4"}


def read_megatron(prefix: Path):
    """(list of token arrays per document, header dict) from ``prefix.idx`` + ``prefix.bin``."""
    import numpy as np

    raw = (prefix.parent / (prefix.name + ".idx")).read_bytes()
    assert raw[:9] == b"MMIDIDX\x00\x00"
    version, code, sequences, documents = struct.unpack_from("<QBQQ", raw, 9)
    offset = 9 + 25
    lengths = np.frombuffer(raw, "<i4", sequences, offset)
    offset += 4 * sequences
    pointers = np.frombuffer(raw, "<i8", sequences, offset)
    offset += 8 * sequences
    doc_index = np.frombuffer(raw, "<i8", documents, offset)
    offset += 8 * documents
    assert offset == len(raw), "trailing bytes in the .idx"
    tokens = np.fromfile(prefix.parent / (prefix.name + ".bin"), MEGATRON_DTYPES[code])
    itemsize = tokens.dtype.itemsize
    spans = [
        tokens[p // itemsize : p // itemsize + n] for p, n in zip(pointers, lengths, strict=True)
    ]
    header = {
        "version": version,
        "code": code,
        "sequences": sequences,
        "documents": documents,
        "doc_index": doc_index.tolist(),
        "bin_items": len(tokens),
        "pointers": pointers,
        "lengths": lengths,
    }
    return spans, header


def read_npy(prefix: Path):
    """(list of token arrays per document, tokens array) from ``prefix.npy`` + ``prefix.docs.npy``."""
    import numpy as np

    tokens = np.load(prefix.parent / (prefix.name + ".npy"), mmap_mode="r")
    offsets = np.load(prefix.parent / (prefix.name + ".docs.npy"))
    assert offsets.dtype == np.dtype("<i8") and offsets[0] == 0 and offsets[-1] == len(tokens)
    return [tokens[a:b] for a, b in zip(offsets[:-1], offsets[1:], strict=True)], tokens
