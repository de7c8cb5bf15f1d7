"""`corpuskit tokenize` and `corpuskit tokenizer train` from the command line: outputs, --json,
errors (exit 2), a real Dask LocalCluster, and a `kill -9` mid-run resumed to identical bytes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from cli.main import cli
from corpuskit.dataset import DatasetFolder
from tests.corpuskit.tokenize_helpers import make_package, read_megatron, train_small


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    return make_package(tmp_path_factory.mktemp("tokcli"), per_shard=60, shard_size=20_000)


@pytest.fixture(scope="module")
def tokenizer_file(package):
    return train_small(package, package.parent / "tok.json", vocab_size=500)


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def tree_bytes(folder):
    return {p.name: p.read_bytes() for p in sorted((folder / "data").iterdir())}


def test_train_cli_writes_tokenizer_and_meta(package, tmp_path):
    out = tmp_path / "t.json"
    result = run("tokenizer", "train", package, "-o", out, "--vocab-size", 300, "--json", "-q")
    assert result.exit_code == 0, result.output
    meta = json.loads(result.stdout)
    assert meta["vocab_size"] == 300 and meta["eot_id"] == 299
    assert json.loads((tmp_path / "t.meta.json").read_text()) == meta


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--vocab-size", "100"), "100 is not in the range x>=258"),
        (("--sample-bytes", "lots"), "invalid size 'lots'"),
    ],
)
def test_train_cli_errors(package, tmp_path, args, message):
    result = run("tokenizer", "train", package, "-o", tmp_path / "t.json", *args)
    assert result.exit_code == 2 and message in result.stderr


def test_tokenize_cli_json_summary(package, tokenizer_file, tmp_path):
    out = tmp_path / "tokens"
    args = ("tokenize", package, "-o", out, "--tokenizer", tokenizer_file, "--executor", "local")
    result = run(*args, "--workers", 1, "--json", "-q", "--no-card")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    shards = len(json.loads((package / "manifest.json").read_text())["shards"])
    assert summary["processed"] == shards and summary["counters"]["tokens"] > 0
    again = run(*args, "--json", "-q", "--no-card")
    assert json.loads(again.stdout)["skipped"] == shards


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--tokenizer", "gpt2"), "unknown tokenizer 'gpt2'"),
        (("--tokenizer", "tiktoken:no_such_encoding"), "is not available offline"),
        (("--format", "arrow"), "'arrow' is not one of 'megatron', 'npy'"),
    ],
)
def test_tokenize_cli_errors_exit_2(package, tmp_path, args, message):
    base = ("tokenize", package, "-o", tmp_path / "x", "--executor", "local")
    if "--tokenizer" not in args:
        args = (*args, "--tokenizer", "gpt2")
    result = run(*base, *args)
    assert result.exit_code == 2 and message in result.stderr, result.stderr


def test_tokenize_cli_on_a_folder_that_is_not_a_package(tmp_path, tokenizer_file):
    result = run("tokenize", tmp_path, "-o", tmp_path / "x", "--tokenizer", tokenizer_file)
    assert result.exit_code == 2
    assert "is not a corpuskit package" in result.stderr


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_bytes_as_local(package, tokenizer_file, tmp_path):
    local, dask = tmp_path / "local", tmp_path / "dask"
    common = ("--tokenizer", tokenizer_file, "--no-card", "-q")
    assert run("tokenize", package, "-o", local, "--executor", "local", *common).exit_code == 0
    result = run("tokenize", package, "-o", dask, "--executor", "dask", "--workers", 2,
                 "--dashboard-address", ":0", "--json", *common)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["processed"] == len(tree_bytes(local)) // 2
    assert tree_bytes(dask) == tree_bytes(local)
    assert json.loads((dask / "manifest.json").read_text())["executor"] == "dask"


@pytest.mark.slow
def test_kill_9_mid_run_then_rerun_gives_identical_shards(package, tokenizer_file, tmp_path):
    reference = tmp_path / "reference"
    common = ("--tokenizer", str(tokenizer_file), "--executor", "local", "--workers", "1",
              "--format", "megatron", "--no-card")  # fmt: skip
    assert run("tokenize", package, "-o", reference, *common).exit_code == 0
    total = len(list((reference / "_done").iterdir()))

    out = tmp_path / "out"
    command = [sys.executable, "-m", "corpuskit", "tokenize", str(package), "-o", str(out), *common]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if len(DatasetFolder(out).done_shards()) >= 2:
            break
        time.sleep(0.002)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    done_at_kill = len(DatasetFolder(out).done_shards())  # not markers still being written
    assert 2 <= done_at_kill < total

    rerun = run("tokenize", package, "-o", out, *common, "--json", "-q")
    assert rerun.exit_code == 0, rerun.output
    assert json.loads(rerun.stdout)["processed"] == total - done_at_kill
    assert tree_bytes(out) == tree_bytes(reference)  # no temporary file is left either
    manifest = json.loads((out / "manifest.json").read_text())
    assert (
        manifest["complete"]
        and manifest["token_shards"]
        == json.loads((reference / "manifest.json").read_text())["token_shards"]
    )
    spans, _ = read_megatron(out / manifest["token_shards"][0]["prefix"])
    assert len(spans) == manifest["token_shards"][0]["documents"]
