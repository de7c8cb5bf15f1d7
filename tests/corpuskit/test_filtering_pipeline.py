"""extract -> filter --preset fineweb on real WARCs; annotate + --from-signals gives the same output."""

from __future__ import annotations

import json
import random

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.lid_model import sentence, train_lid_model
from tests.prose import english_article
from tests.warcs import article_html, response, write_warc


@pytest.fixture(scope="session")
def lid_model(tmp_path_factory):
    return train_lid_model(tmp_path_factory.mktemp("lid"))


def german_paragraphs(seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(sentence("de", rng, 14) for _ in range(5)) for _ in range(4)]


def pages():
    out = []
    for i in range(6):
        out.append(
            (
                f"https://news.example.org/story-{i}",
                article_html(f"Story {i}", english_article(i).split("\n\n")),
            )
        )
    out.append(
        (
            "https://zeitung.example.de/artikel",
            article_html("Artikel", german_paragraphs(1), lang="de"),
        )
    )
    spam = "buy cheap watches online today with the best prices and free delivery for everyone. "
    repeated = [f"Offer {i}: " + spam * 3 for i in range(8)]
    out.append(("https://spam.example.com/repeat", article_html("Repeat", repeated)))
    lorem = english_article(40).split("\n\n")
    lorem[1] = "Lorem ipsum dolor sit amet, the placeholder text was never replaced by the editor."
    out.append(("https://draft.example.com/lorem", article_html("Draft", lorem)))
    out.append(("https://tiny.example.com/", article_html("Tiny", ["Too short to keep."])))
    return out


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    root = tmp_path_factory.mktemp("pipeline")
    write_warc(root / "warcs" / "crawl-a.warc.gz", [response(u, h) for u, h in pages()[:5]])
    write_warc(root / "warcs" / "crawl-b.warc.gz", [response(u, h) for u, h in pages()[5:]])
    result = CliRunner().invoke(
        cli,
        [
            "extract",
            str(root / "warcs"),
            "-o",
            str(root / "extracted"),
            "--executor",
            "local",
            "--workers",
            "1",
            "-q",
        ],
    )
    assert result.exit_code == 0, result.output
    return root


def run(*args):
    result = CliRunner().invoke(
        cli, ["filter", *map(str, args), "--executor", "local", "--workers", "1"]
    )
    assert result.exit_code == 0, result.output + result.stderr + str(result.exception)
    return result


def table(folder, sub="data"):
    files = sorted((folder / sub).glob("*.parquet"))
    rows = []
    for path in files:
        rows.extend(pq.read_table(path).to_pylist())
    return sorted(rows, key=lambda r: r["id"])


def test_fineweb_preset_counts_every_reason_in_the_manifest(extracted, lid_model):
    out = extracted / "filtered"
    run(
        extracted / "extracted",
        "-o",
        out,
        "--preset",
        "fineweb",
        "--lid-model",
        lid_model,
        "--keep-rejected",
    )
    manifest = json.loads((out / "manifest.json").read_text())
    counters = manifest["counters"]
    filters = counters["filters"]
    assert manifest["filter"]["order"] == [
        "url_blocklist",
        "lang",
        "gopher_repetition",
        "gopher_quality",
        "c4_page",
        "c4_lines",
        "fineweb_quality",
    ]
    assert filters["lang"]["dropped"]["wrong_language"] == 1
    assert filters["lang"]["dropped"]["low_score"] == 0  # declared reasons show zeros
    assert sum(filters["gopher_repetition"]["dropped"].values()) >= 1
    assert filters["gopher_quality"]["dropped"]["too_few_words"] >= 1
    assert filters["c4_page"]["dropped"]["lorem_ipsum"] == 1
    assert counters["documents_in"] == 10
    kept = table(out)
    assert counters["documents_kept"] == len(kept) == counters["rows"] == 6
    assert all(row["language"] == "en" and row["language_score"] > 0.65 for row in kept)
    rejected = table(out, "rejected")
    assert len(rejected) == 4
    assert {(r["reject.filter"], r["reject.reason"]) for r in rejected} >= {
        ("lang", "wrong_language"),
        ("c4_page", "lorem_ipsum"),
    }
    for name, stats in filters.items():
        assert stats["in"] == stats["kept"] + sum(stats["dropped"].values()), name
        assert stats["seconds"] >= 0
    # One output shard per input data file, named after it.
    assert sorted(p.stem for p in (out / "data").glob("*.parquet")) == sorted(
        p.stem for p in (extracted / "extracted" / "data").glob("*.parquet")
    )


@pytest.mark.parametrize("overrides", [(), ("--set", "gopher_quality.min_words=200")])
def test_annotate_then_from_signals_equals_filtering(extracted, lid_model, overrides, tmp_path):
    common = ["--preset", "fineweb", "--lid-model", lid_model, "--keep-rejected"]
    run(extracted / "extracted", "-o", tmp_path / "direct", *common, *overrides)
    run(extracted / "extracted", "-o", tmp_path / "annotated", *common, "--annotate")
    annotated = table(tmp_path / "annotated")
    assert len(annotated) == 10
    for key in ("lang", "gopher_repetition", "gopher_quality", "c4_page", "fineweb_quality"):
        assert any(column.startswith(f"signals.{key}.") for column in annotated[0]), key
    assert annotated[0]["signals.c4_lines.drop.empty"] in (0.0, 1.0)
    run(
        tmp_path / "annotated",
        "-o",
        tmp_path / "replayed",
        "--from-signals",
        "--keep-rejected",
        *overrides,
    )
    assert table(tmp_path / "replayed") == table(tmp_path / "direct")

    def reasons(folder):
        rows = table(folder, "rejected")
        return [(r["id"], r["reject.filter"], r["reject.reason"]) for r in rows]

    assert reasons(tmp_path / "replayed") == reasons(tmp_path / "direct")
    direct = json.loads((tmp_path / "direct" / "manifest.json").read_text())["counters"]["filters"]
    replayed = json.loads((tmp_path / "replayed" / "manifest.json").read_text())["counters"][
        "filters"
    ]
    assert {k: v["dropped"] for k, v in direct.items()} == {
        k: v["dropped"] for k, v in replayed.items()
    }


def test_by_language_writes_one_dataset_folder_per_language(extracted, lid_model, tmp_path):
    out = tmp_path / "by-lang"
    run(
        extracted / "extracted",
        "-o",
        out,
        "--by-language",
        "--lid-model",
        lid_model,
        "--set",
        "lang.min_score=0.5",
    )
    languages = sorted(p.name for p in (out / "languages").iterdir())
    assert languages == ["de", "en"]
    german = table(out / "languages" / "de")
    assert len(german) == 1 and german[0]["language"] == "de"
    manifest = json.loads((out / "languages" / "en" / "manifest.json").read_text())
    assert manifest["counters"]["rows"] == len(table(out / "languages" / "en")) == 9
    assert table(out) == []
    # A language folder is an ordinary input of the next stage.
    run(
        out / "languages" / "de",
        "-o",
        tmp_path / "de-again",
        "-f",
        "lang",
        "--lid-model",
        lid_model,
        "--set",
        "lang.languages=de",
    )
    assert len(table(tmp_path / "de-again")) == 1


def test_by_language_rerun_leaves_no_stale_documents(extracted, lid_model, tmp_path):
    out = tmp_path / "by-lang"
    common = [extracted / "extracted", "-o", out, "--by-language", "--lid-model", lid_model]
    run(*common, "--set", "lang.min_score=0.5")
    assert len(table(out / "languages" / "de")) == 1
    run(*common, "--set", "lang.min_score=0.5", "--set", "lang.languages=en", "--overwrite")
    assert table(out / "languages" / "de") == []
    manifest = json.loads((out / "languages" / "de" / "manifest.json").read_text())
    assert manifest["counters"]["rows"] == 0
    assert len(table(out / "languages" / "en")) == 9
