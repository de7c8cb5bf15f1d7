"""The GPT-3 style quality classifier: training, Pareto keep rule, determinism, CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from cli.main import cli
from corpuskit.document import Document
from corpuskit.registry import get_filter, make_params
from filters.classifier import pareto_draw
from tests.prose import boilerplate_page, english_article


def write_jsonl(path, texts):
    path.write_text(
        "\n".join(json.dumps({"id": f"{path.stem}-{i}", "text": t}) for i, t in enumerate(texts))
        + "\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def quality_model(tmp_path_factory):
    root = tmp_path_factory.mktemp("quality")
    positive = write_jsonl(root / "pos.jsonl", [english_article(i) for i in range(150)])
    negative = write_jsonl(root / "neg.jsonl", [boilerplate_page(i) for i in range(150)])
    model = root / "quality.bin"
    result = CliRunner().invoke(
        cli,
        [
            "models",
            "train-quality",
            "--positive",
            str(positive),
            "--negative",
            str(negative),
            "-o",
            str(model),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output + result.stderr
    summary = json.loads(result.stdout)
    assert summary["documents_read"] == {"positive": 150, "negative": 150}
    assert (summary["train"], summary["validation"]) == (240, 60)
    assert summary["metrics"]["auc"] > 0.8  # "repeated" boilerplate pages are prose lines
    written = json.loads((root / "quality.bin.metrics.json").read_text())
    assert written["metrics"] == summary["metrics"]
    return model


def classifier(model, **params):
    cls = get_filter("classifier")
    instance = cls(make_params(cls.Params, {"model": str(model), **params}, "test"))
    instance.setup()
    return instance


def test_scores_separate_articles_from_boilerplate(quality_model):
    clf = classifier(quality_model)
    good = [clf.score(Document(f"g{i}", english_article(1000 + i)))["score"] for i in range(20)]
    kinds = ("menu", "cookie", "links", "code")  # "repeated" is a prose line: it may score high
    bad = [
        clf.score(Document(f"b{i}", boilerplate_page(2000 + i, kinds[i % 4])))["score"]
        for i in range(20)
    ]
    assert min(good) > 0.5 > max(bad)


def test_keep_rule_is_pareto_seeded_by_document_id(quality_model):
    clf = classifier(quality_model, alpha=9.0)
    for score in (0.05, 0.5, 0.95):
        for doc_id in ("a", "b", "c", "d"):
            draw = pareto_draw(doc_id, 9.0, 0)
            expected = None if draw > 1 - score else "low_quality"
            assert clf.decide({"score": score}, Document(doc_id, "x")) == expected
    # The same id gives the same draw; the draws follow numpy's Pareto distribution.
    assert pareto_draw("a", 9.0, 0) == pareto_draw("a", 9.0, 0)
    draws = np.array([pareto_draw(str(i), 9.0, 0) for i in range(4000)])
    assert abs(draws.mean() - 1 / 8) < 0.02  # Lomax(alpha=9) has mean 1/(alpha-1)


def test_high_scores_are_kept_low_scores_mostly_dropped(quality_model):
    clf = classifier(quality_model)
    kept_high = sum(clf.decide({"score": 0.99}, Document(str(i), "")) is None for i in range(500))
    kept_low = sum(clf.decide({"score": 0.01}, Document(str(i), "")) is None for i in range(500))
    # P(keep) = P(pareto(9) > 1 - s) = (2 - s) ** -9: 0.914 at s=0.99, 0.002 at s=0.01.
    assert 430 <= kept_high <= 490
    assert kept_low <= 5


def test_gpt3_preset_uses_the_classifier(quality_model, tmp_path):
    from tests.lid_model import train_lid_model

    lid = train_lid_model(tmp_path / "lid")
    texts = [english_article(500 + i) for i in range(10)] + [
        boilerplate_page(i, "links") for i in range(10)
    ]
    docs = write_jsonl(tmp_path / "docs.jsonl", texts)
    args = [
        "filter",
        str(docs),
        "-o",
        str(tmp_path / "out"),
        "--preset",
        "gpt3",
        "--quality-model",
        str(quality_model),
    ]
    args += [
        "--lid-model",
        str(lid),
        "--set",
        "lang.min_score=0",
        "--set",
        "lang.languages=",
        "--executor",
        "local",
        "--json",
        "-q",
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output + result.stderr
    counters = json.loads(result.stdout)["counters"]["filters"]
    clf = classifier(quality_model)
    expected_kept = 0
    for i, text in enumerate(texts):
        doc = Document(f"docs-{i}", text)
        expected_kept += clf.decide(clf.score(doc), doc) is None
    assert counters["classifier"]["kept"] == expected_kept
    assert counters["classifier"]["dropped"]["low_quality"] == 20 - expected_kept >= 10


def test_the_classes_are_balanced_and_the_metrics_printed(tmp_path):
    positive = write_jsonl(tmp_path / "pos.jsonl", [english_article(i) for i in range(90)])
    negative = write_jsonl(tmp_path / "neg.jsonl", [boilerplate_page(i) for i in range(30)])
    model = tmp_path / "q.bin"
    args = ["models", "train-quality", "--positive", str(positive), "--negative", str(negative)]
    result = CliRunner().invoke(
        cli, [*args, "-o", str(model), "--epoch", "5", "--validation", "0.3"]
    )
    assert result.exit_code == 0, result.output
    assert "held-out: AUC" in result.stdout and "positive:" in result.stdout
    written = json.loads((tmp_path / "q.bin.metrics.json").read_text())
    assert written["documents_read"] == {"positive": 90, "negative": 30}
    assert (written["train"], written["validation"]) == (42, 18)  # 30 + 30, 9 + 9 held out
    histogram = written["metrics"]["scores"]["negative"]["histogram"]
    assert sum(histogram) == 9 and len(histogram) == 10


@pytest.mark.slow
def test_autotune_searches_for_the_given_seconds(tmp_path):
    positive = write_jsonl(tmp_path / "pos.jsonl", [english_article(i) for i in range(60)])
    negative = write_jsonl(tmp_path / "neg.jsonl", [boilerplate_page(i) for i in range(60)])
    args = ["models", "train-quality", "--positive", str(positive), "--negative", str(negative)]
    result = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "q.bin"), "--autotune", "3"])
    assert result.exit_code == 0, result.output
    written = json.loads((tmp_path / "q.bin.metrics.json").read_text())
    assert written["settings"]["autotune"] == 3 and written["metrics"]["auc"] is not None


def test_too_few_documents_is_exit_2(tmp_path):
    positive = write_jsonl(tmp_path / "pos.jsonl", [english_article(1)])
    negative = write_jsonl(tmp_path / "neg.jsonl", [boilerplate_page(1)] * 5)
    args = ["models", "train-quality", "--positive", str(positive), "--negative", str(negative)]
    result = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "q.bin")])
    assert result.exit_code == 2
    assert "at least 2 positive and 2 negative documents (got 1 positive" in result.stderr


def test_missing_model_is_exit_2(tmp_path):
    docs = write_jsonl(tmp_path / "docs.jsonl", ["some text"])
    result = CliRunner().invoke(
        cli, ["filter", str(docs), "-o", str(tmp_path / "out"), "-f", "classifier"]
    )
    assert result.exit_code == 2
    assert "the classifier filter needs a model" in result.stderr
