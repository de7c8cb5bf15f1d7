"""sample_warcs: extract, then filter --preset fineweb; the manifest counts every reason.

Runs with the real lid.176 model when it is available (``corpuskit models fetch lid``), else
with the model trained in a fixture (en/de/fr/es only).
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from cli.main import cli
from corpuskit.errors import DependencyError
from corpuskit.models import locate_model
from tests.lid_model import train_lid_model

SAMPLES = Path(__file__).resolve().parents[2] / "sample_warcs"


@pytest.fixture(scope="module")
def lid_model(tmp_path_factory):
    try:
        return locate_model("lid")
    except DependencyError:
        return train_lid_model(tmp_path_factory.mktemp("lid"))


def invoke(*args):
    result = CliRunner().invoke(
        cli, [*map(str, args), "--executor", "local", "--workers", "1", "-q"]
    )
    assert result.exit_code == 0, result.output + result.stderr
    return result


@pytest.mark.slow
@pytest.mark.skipif(not any(SAMPLES.glob("*.warc.gz")), reason="sample_warcs/ has no WARC files")
def test_extract_then_fineweb_preset_on_sample_warcs(tmp_path, lid_model):
    invoke("extract", *sorted(SAMPLES.glob("*.warc.gz")), "-o", tmp_path / "extracted")
    invoke(
        "filter",
        tmp_path / "extracted",
        "-o",
        tmp_path / "filtered",
        "--preset",
        "fineweb",
        "--lid-model",
        lid_model,
        "--keep-rejected",
    )
    manifest = json.loads((tmp_path / "filtered" / "manifest.json").read_text())
    counters = manifest["counters"]
    filters = counters["filters"]
    assert list(filters) == sorted(manifest["filter"]["order"])
    assert filters["url_blocklist"]["dropped"]["banned_url_word"] == 1
    assert filters["lang"]["dropped"]["wrong_language"] >= 3  # de, fr, es (+ zh, ru with lid.176)
    assert filters["c4_page"]["dropped"]["curly_bracket"] == 1
    dropped = sum(sum(f["dropped"].values()) for f in filters.values())
    assert counters["documents_in"] == counters["documents_kept"] + dropped
    rejected = {}
    for path in (tmp_path / "filtered" / "rejected").glob("*.parquet"):
        for row in pq.read_table(path).to_pylist():
            rejected[row["url"].split("/")[2]] = (row["reject.filter"], row["reject.reason"])
    assert rejected["hot-xxx-singles-dating.example"] == ("url_blocklist", "banned_url_word")
    assert rejected["devnotes.example"] == ("c4_page", "curly_bracket")
    assert (
        "cheap-replica-watches-online.example" in rejected
    )  # repetition (or lang with the toy model)
    assert rejected["www.nordstadt-anzeiger.example"] == ("lang", "wrong_language")
    assert "demo.themecraft.example" in rejected  # lorem ipsum: low English score or c4_page
    kept = [
        row
        for path in (tmp_path / "filtered" / "data").glob("*.parquet")
        for row in pq.read_table(path).to_pylist()
    ]
    assert all(row["language"] == "en" for row in kept)
    assert "www.riverside-gazette.example" in {row["url"].split("/")[2] for row in kept}
