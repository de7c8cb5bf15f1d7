"""Shared builders for the mix tests: a web dataset folder written with corpuskit's writers,
and recipes over it plus the fixtures in sample_sources/."""

from __future__ import annotations

import random
from pathlib import Path

from corpuskit.dataset import DatasetFolder, ShardOutput
from corpuskit.document import Document
from corpuskit.mix.recipe import Recipe, SourceSpec

SAMPLES = Path(__file__).resolve().parents[2] / "sample_sources"
WORDS = (
    "the of and river garden light tower sea glass seal mill apple orchard book page city "
    "train market bread soup harbour wind stone bridge winter summer field road"
).split()


def write_web_folder(root: Path, shards: int = 2, per_shard: int = 300, seed: int = 1) -> Path:
    """A dataset folder like `corpuskit dedup` writes, with a manifest and lineage."""
    rng = random.Random(seed)
    folder = DatasetFolder(root)
    for shard in range(shards):
        output = ShardOutput(folder, f"part-{shard:03d}")
        for i in range(per_shard):
            words = rng.randint(40, 300)
            text = " ".join(rng.choice(WORDS) for _ in range(words)) + "."
            output.write(
                Document(
                    id=f"<urn:uuid:{shard:03d}-{i:05d}>",
                    text=text,
                    url=f"https://site{i % 13}.example.org/{shard}/{i}",
                    timestamp="2024-03-01T00:00:00Z",
                    source="cc:CC-MAIN-2024-10",
                    language="en",
                    language_score=0.95,
                )
            )
        output.finish({"in": per_shard})
    folder.write_manifest(
        {
            "stage": "dedup",
            "params": {"threshold": 0.8, "num_perm": 112},
            "counters": {"in": 700, "duplicates_removed": 100},
            "lineage": [
                {
                    "path": "filtered",
                    "stage": "filter",
                    "params": {"preset": "c4"},
                    "counters": {"dropped": {"c4.lorem_ipsum": 3, "gopher_quality.too_short": 11}},
                    "lineage": [
                        {
                            "path": "warcs",
                            "stage": "extract",
                            "params": {"crawl": "CC-MAIN-2024-10"},
                        }
                    ],
                }
            ],
        }
    )
    return root


def mixture(web: Path, **changes) -> Recipe:
    """GPT-3 weights over the web folder and every sample_sources fixture."""
    sources = (
        SourceSpec("web", "dataset", (str(web),), 0.60),
        SourceSpec(
            "webtext",
            "webtext",
            (str(SAMPLES / "webtext" / "webtext.jsonl"),),
            0.22,
            url_list=str(SAMPLES / "webtext" / "urls.txt"),
        ),
        SourceSpec("books1", "books", (str(SAMPLES / "books" / "books1"),), 0.08),
        SourceSpec("books2", "books", (str(SAMPLES / "books" / "books2"),), 0.08),
        SourceSpec("wikipedia", "wikipedia", (str(SAMPLES / "wiki"),), 0.03),
    )
    values = {"sources": sources, "total_tokens": 100_000, "max_epochs": 200.0, "seed": 7}
    values.update(changes)
    return Recipe(**values)
