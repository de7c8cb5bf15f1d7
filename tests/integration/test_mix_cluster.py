"""`corpuskit mix` on Dask gives the bytes of the single-process mix.

One recipe over a web dataset folder, a URL-selected webtext file, two book folders, a
MediaWiki dump (plus the real books and Wikipedia dumps of ../shared/devdata when present),
counted with a BPE tokenizer trained here, with small shards and validation draws so that
several shards, buckets and splits are written. It is mixed in this process
(``--executor local --workers 1``, the reference), on a LocalCluster and
on a ``dask scheduler`` with two ``dask worker`` processes each started in its own empty
folder. Every run must give byte-identical shards and the same manifest (minus timings).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner
from distributed import Client

from cli.main import cli
from corpuskit.mix.recipe import SourceSpec, recipe_to_toml
from tests.corpuskit.mix_helpers import SAMPLES, mixture, write_web_folder

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
DEVDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "devdata"
TIMINGS = ("created", "seconds")


def train_bpe(path: Path) -> None:
    """A small byte-level BPE (Hugging Face tokenizers) trained offline on the fixtures."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    texts = [(SAMPLES / "webtext" / "webtext.jsonl").read_text(encoding="utf-8")]
    trainer = trainers.BpeTrainer(
        vocab_size=400, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tokenizer.train_from_iterator(texts, trainer)
    tokenizer.save(str(path))


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("mixcluster")
    web = write_web_folder(root / "web", shards=3, per_shard=150)
    recipe = mixture(
        web,
        shard_size=100_000,
        total_tokens=600_000,
        validation="fraction",
        validation_fraction=0.05,
        seed=11,
    )
    if DEVDATA.is_dir():  # real books (several encodings) and real dumps, when present
        wiki = DEVDATA / "wiki"
        extra = (
            SourceSpec("gutenberg", "books", (str(DEVDATA / "books" / "pg44157"),), 0.2),
            SourceSpec(
                "realwiki",
                "wikipedia",
                (
                    str(wiki / "bgwiki-latest-pages-articles-shortened.xml.bz2"),
                    str(wiki / "mwxml-dump.xml"),
                ),
                0.15,
            ),
        )
        recipe = dataclasses.replace(recipe, sources=recipe.sources + extra)
    recipe_file = root / "recipe.toml"
    recipe_file.write_text(recipe_to_toml(recipe), encoding="utf-8")
    train_bpe(root / "tokenizer.json")
    # Relative to this process's folder, which the workers do not share.
    tokenizer = "hf:" + os.path.relpath(root / "tokenizer.json")
    args = ["--recipe", str(recipe_file), "--tokenizer", tokenizer, "--json", "-q"]
    reference = root / "local"
    result = mix(*args, "-o", reference, "--executor", "local", "--workers", "1")
    assert result.exit_code == 0, result.output
    return root, args, reference


def mix(*args):
    return CliRunner().invoke(cli, ["mix", *map(str, args)])


def shard_hashes(package: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((package / "data").glob("*.parquet"))
    }


def manifest(package: Path) -> dict:
    data = json.loads((package / "manifest.json").read_text())
    for key in TIMINGS:
        data.pop(key)
    data["command"] = data["command"].replace(str(package), "OUT")
    return data


def assert_same_package(package: Path, reference: Path) -> None:
    expected = shard_hashes(reference)
    assert len(expected) >= 4  # several train shards and a validation shard
    assert shard_hashes(package) == expected
    assert manifest(package) == manifest(reference)
    assert not list(package.parent.glob(f".{package.name}.tmp-*"))


def test_the_reference_mixes_every_source_with_the_bpe_counts(setup):
    _, _, reference = setup
    data = manifest(reference)
    assert data["tokenizer"].startswith("hf:")
    assert {"web", "webtext", "books1", "books2", "wikipedia"} <= set(data["sources"])
    assert all(info["rows"] > 0 for info in data["sources"].values())
    assert data["splits"]["validation"]["rows"] > 0


def test_a_local_cluster_gives_the_same_package(setup):
    root, args, reference = setup
    out = root / "localcluster"
    result = mix(*args, "-o", out, "--workers", "2", "--dashboard-address", ":0")
    assert result.exit_code == 0, result.output
    assert_same_package(out, reference)


def test_scheduler_and_worker_processes_in_their_own_folders_give_the_same_package(
    setup, dask_two_workers
):
    root, args, reference = setup
    out = root / "cluster"
    result = mix(*args, "-o", out, "--scheduler", dask_two_workers.address)
    assert result.exit_code == 0, result.output
    assert_same_package(out, reference)
    for folder in dask_two_workers.homes:  # nothing went through a worker's own folder
        assert not [p for p in folder.rglob("*") if p.suffix in (".arrow", ".parquet")]

    before = (out / "manifest.json").stat().st_mtime_ns
    again = mix(*args, "-o", out, "--scheduler", dask_two_workers.address)
    assert again.exit_code == 0, again.output
    assert (out / "manifest.json").stat().st_mtime_ns == before  # a rerun is a no-op


def test_a_worker_killed_mid_task_in_pass_2_does_not_change_a_byte(setup, dask_two_workers):
    """kill -9 a worker process while it holds a pass-2 task (its nanny starts another);
    Dask reruns the task, which rewrites the same bucket part names: same package."""
    root, args, reference = setup
    out = root / "killed"
    command = [str(BIN / "corpuskit"), "mix", *args, "-o", str(out)]
    command += ["--scheduler", dask_two_workers.address]
    job = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    victims = []
    try:
        with Client(dask_two_workers.address, timeout="10s") as client:
            deadline = time.monotonic() + 120
            while not victims and job.poll() is None and time.monotonic() < deadline:
                for address, keys in client.processing().items():
                    if any(str(k).startswith("mix-spill") for k in keys):
                        pid = client.run(os.getpid, workers=[address])[address]
                        psutil.Process(pid).kill()  # the worker process, not its nanny
                        victims.append(pid)
                        break
                time.sleep(0.02)
        stdout, stderr = job.communicate(timeout=300)
    finally:
        if job.poll() is None:
            job.kill()
            job.communicate()
    assert victims, "no pass-2 task was seen running: " + stderr
    assert job.returncode == 0, stderr
    assert json.loads(stdout)["splits"]["train"]["rows"] > 0
    assert_same_package(out, reference)


def test_a_malformed_dump_on_the_cluster_names_the_source_and_leaves_nothing(
    dask_two_workers, tmp_path
):
    bad = tmp_path / "broken.xml"
    text = (SAMPLES / "wiki" / "samplewiki-pages-articles.xml").read_text(encoding="utf-8")
    # Broken inside the file (a dump that merely ends early keeps its complete pages).
    half = text.index("<page>", len(text) // 2)
    bad.write_text(text[:half] + "<page><title>x</titl></page>" + text[half:], encoding="utf-8")
    out = tmp_path / "package"
    result = mix(
        "--preset", "gpt3", "--wikipedia", bad, "-o", out, "--scheduler", dask_two_workers.address
    )
    assert result.exit_code == 2, result.output
    assert "source 'wikipedia' (wikipedia)" in result.output
    assert "broken.xml" in result.output and "malformed MediaWiki XML" in result.output
    assert not out.exists()
    assert not list(tmp_path.glob(".package.tmp-*"))
