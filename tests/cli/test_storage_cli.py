"""Storage locations on the command line: clear errors before any work, nothing local for s3://."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = str(ROOT / "sample_warcs")


def invoke(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


@pytest.mark.parametrize(
    "output, message",
    [
        ("nosuch://bucket/x", "unknown storage scheme nosuch://"),
        (
            "gs://bucket/x",
            "gs:// needs the package gcsfs, which is not installed: pip install gcsfs",
        ),
        ("https://example.org/x", "https:// is read-only"),
        ("s3://", "names no bucket"),
    ],
)
def test_unusable_outputs_fail_with_exit_2_before_any_work(output, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for command in (["extract", SAMPLES], ["filter", SAMPLES, "-f", "c4_page"], ["dedup", SAMPLES]):
        result = invoke(*command, "-o", output, "--executor", "local")
        assert result.exit_code == 2, (command, result.output)
        assert message in result.stderr
        assert "running" not in result.stderr  # no shard was started
    assert list(tmp_path.iterdir()) == [], "an object-store output created a local folder"


def test_unknown_input_scheme_and_missing_backend_are_exit_2(tmp_path):
    result = invoke("extract", "nosuch://bucket/a.warc.gz", "-o", tmp_path / "o")
    assert result.exit_code == 2
    assert "unknown storage scheme nosuch://" in result.stderr
    result = invoke("dedup", "gs://bucket/data", "-o", tmp_path / "o")
    assert result.exit_code == 2
    assert "pip install gcsfs" in result.stderr
    assert not (tmp_path / "o").exists()


def test_storage_options_flag_and_config_table(s3_bucket, tmp_path, monkeypatch):
    """Options reach the filesystem: a wrong endpoint fails, the right one (flag) works,
    and a [storage] table in --config is used when no flag overrides it."""
    from corpuskit import storage

    endpoint = storage.options_for("s3")  # the test server comes from AWS_ENDPOINT_URL
    assert endpoint == {}
    out = f"{s3_bucket}/x"
    good = json.dumps({"s3": {"endpoint_url": __import__("os").environ["AWS_ENDPOINT_URL"]}})
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    # One worker (in this process): a process pool's forkserver may have been started by an
    # earlier test, before this test's AWS credentials were in the environment.
    result = invoke(
        "extract", SAMPLES, "-o", out, "--executor", "local", "--workers", "1", "-q",
        "--storage-options", good,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    config = tmp_path / "c.toml"
    config.write_text(
        "[storage.s3]\nendpoint_url = " + json.dumps(json.loads(good)["s3"]["endpoint_url"]) + "\n"
    )
    result = invoke("stats", out, "--json", "--config", config)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["datasets"][0]["documents"] > 0
    result = invoke("extract", SAMPLES, "-o", out, "--storage-options", "{bad json")
    assert result.exit_code == 2
    assert "--storage-options is not valid JSON" in result.stderr


def test_run_passes_the_storage_table_to_every_stage(tmp_path):
    config = tmp_path / "run.toml"
    config.write_text(
        '[run]\noutput = "s3://bucket/out"\n[storage.s3]\nanon = true\n'
        f'[extract]\ninputs = ["{SAMPLES}"]\n[dedup]\n'
    )
    result = invoke("run", config, "--dry-run", "--storage-options", '{"s3": {"anon": false}}')
    assert result.exit_code == 0, result.stderr
    stages = json.loads(result.stdout)["stages"]
    assert [s["stage"] for s in stages] == ["extract", "dedup"]
    for stage in stages:
        at = stage["args"].index("--storage-options")
        assert json.loads(stage["args"][at + 1]) == {"s3": {"anon": False}}  # the flag wins
        assert stage["args"][stage["args"].index("--output") + 1].startswith("s3://bucket/out/")


def test_crawl_refuses_an_object_store_output_and_names_the_streaming_way(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("crawl", "CC-MAIN-2024-10", "--limit", "1", "-o", "s3://bucket/warcs")
    assert result.exit_code == 2
    assert "corpuskit extract --crawl CRAWL" in result.stderr
    assert list(tmp_path.iterdir()) == []
