"""The ``lang`` filter with a fastText model trained in a fixture, and with the real lid.176."""

from __future__ import annotations

import random

import pytest

from corpuskit.checksum import file_sha256
from corpuskit.document import Document
from corpuskit.errors import DependencyError
from corpuskit.models import locate_model, model_info
from corpuskit.registry import get_filter, make_params
from tests.lid_model import real_lid_model, sentence, train_lid_model


@pytest.fixture(scope="session")
def lid_model(tmp_path_factory):
    return train_lid_model(tmp_path_factory.mktemp("lid"))


def make_filter(model, **params):
    cls = get_filter("lang")
    instance = cls(make_params(cls.Params, {"model": str(model), **params}, "test"))
    instance.setup()
    return instance


def document(language: str, seed: int, lines: int = 4) -> Document:
    rng = random.Random(seed)
    text = "\n".join(" ".join(sentence(language, rng) for _ in range(2)) for _ in range(lines))
    return Document(f"{language}-{seed}", text)


@pytest.mark.parametrize("language", ["en", "de", "fr", "es"])
def test_trained_model_sets_language_on_every_document(lid_model, language):
    lang = make_filter(lid_model, languages=("en",), min_score=0.5)
    doc = document(language, seed=11)
    reason = lang.reject_reason(doc)
    assert doc.language == language
    assert 0.5 < doc.language_score <= 1.0
    assert reason == (None if language == "en" else "wrong_language")


def test_threshold_gives_low_score_and_any_language_when_list_is_empty(lid_model):
    doc = document("de", seed=3)
    strict = make_filter(lid_model, languages=(), min_score=1.01)
    assert strict.reject_reason(doc) == "low_score"
    relaxed = make_filter(lid_model, languages=(), min_score=0.5)
    assert relaxed.reject_reason(doc) is None


def test_boundary_of_min_score_is_inclusive(lid_model):
    lang = make_filter(lid_model, languages=("en",))
    doc = document("en", seed=5)
    signals = lang.score(doc)
    at = make_filter(lid_model, languages=("en",), min_score=signals["score"])
    above = make_filter(lid_model, languages=("en",), min_score=signals["score"] + 1e-9)
    assert at.decide(signals, doc) is None
    assert above.decide(signals, doc) == "low_score"


def test_strictly_above_drops_the_boundary_as_fineweb_does(lid_model):
    doc = document("en", seed=5)
    signals = make_filter(lid_model, languages=("en",)).score(doc)
    strict = make_filter(lid_model, min_score=signals["score"], strictly_above=True)
    below = make_filter(lid_model, min_score=signals["score"] - 1e-9, strictly_above=True)
    assert strict.decide(signals, doc) == "low_score"
    assert below.decide(signals, doc) is None


def test_whole_document_is_predicted_with_newlines_handled(lid_model):
    lang = make_filter(lid_model, languages=("fr",), min_score=0.5)
    doc = document("fr", seed=8, lines=30)
    assert "\n" in doc.text
    assert lang.reject_reason(doc) is None
    assert doc.language == "fr"


def test_blank_document_is_unknown_with_zero_score(lid_model):
    lang = make_filter(lid_model, languages=(), min_score=0.1)
    doc = Document("blank", " \n\n ")
    assert lang.reject_reason(doc) == "low_score"
    assert (doc.language, doc.language_score) == ("und", 0.0)


def test_decide_reuses_stored_signals_with_new_languages(lid_model):
    english_only = make_filter(lid_model, languages=("en",), min_score=0.5)
    doc = document("de", seed=2)
    signals = english_only.score(doc)
    assert english_only.decide(signals, doc) == "wrong_language"
    cls = get_filter("lang")
    german_too = cls(make_params(cls.Params, {"languages": "en,de", "min_score": 0.5}, "test"))
    assert german_too.decide(signals, doc) is None  # no setup() needed to decide


def test_missing_model_names_the_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("CORPUSKIT_CACHE", str(tmp_path))
    monkeypatch.delenv("CORPUSKIT_LID_MODEL", raising=False)
    cls = get_filter("lang")
    with pytest.raises(DependencyError, match="run `corpuskit models fetch lid`"):
        cls().setup()
    monkeypatch.setenv("CORPUSKIT_LID_MODEL", str(tmp_path / "nope.ftz"))
    with pytest.raises(DependencyError, match=r"\$CORPUSKIT_LID_MODEL points to"):
        cls().setup()
    with pytest.raises(DependencyError, match="not found: check the path given with --lid-model"):
        make_filter(tmp_path / "absent.bin")


def test_model_found_through_env_var_and_cache(lid_model, tmp_path, monkeypatch):
    monkeypatch.setenv("CORPUSKIT_CACHE", str(tmp_path))
    monkeypatch.setenv("CORPUSKIT_LID_MODEL", str(lid_model))
    assert locate_model("lid") == lid_model
    monkeypatch.delenv("CORPUSKIT_LID_MODEL")
    cached = tmp_path / "models" / "lid.176.ftz"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"x")
    assert locate_model("lid") == cached


@pytest.fixture(scope="module")
def real_model():
    return real_lid_model()


def test_the_real_model_is_the_pinned_file(real_model):
    """The file in use is byte for byte the lid.176.ftz pinned in corpuskit.models."""
    info = model_info("lid")
    assert real_model.stat().st_size == info.size
    assert file_sha256(real_model) == info.sha256


@pytest.mark.parametrize(
    "text, language",
    [
        ("The weather was warm and the children played in the park until the evening.", "en"),
        ("Das Wetter war warm und die Kinder spielten bis zum Abend im Park.", "de"),
        ("Le temps était doux et les enfants ont joué dans le parc jusqu'au soir.", "fr"),
        ("Погода была тёплой, и дети играли в парке до самого вечера.", "ru"),
        ("天气很暖和，孩子们在公园里一直玩到傍晚。", "zh"),
    ],
)
def test_real_lid176_model(real_model, text, language):
    lang = make_filter(real_model, languages=(language,), min_score=0.5)
    doc = Document("real", text + "\n" + text)
    assert lang.reject_reason(doc) is None
    assert doc.language == language
