"""The language gate of ``corpuskit extract --languages``, with the real lid.176 model."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.main import cli
from corpuskit.extract.html import ExtractorOptions
from corpuskit.extract.language_gate import LanguageGate
from tests.corpuskit.test_extract_step import run_step
from tests.lid_model import real_lid_model
from tests.warcs import article_html, conversion, english_paragraphs, response, write_warc

GERMAN = [
    "Der Gemeinderat hat am Dienstag beschlossen, die alte Brücke über den Fluss im nächsten "
    "Frühjahr zu sanieren. Die Arbeiten sollen etwa drei Monate dauern und werden zum großen "
    "Teil aus Mitteln des Landes bezahlt.",
    "Während der Bauzeit wird der Verkehr über die Umgehungsstraße geleitet. Anwohner können "
    "sich in der Bürgersprechstunde im Rathaus über die Einzelheiten informieren.",
]
FRENCH = [
    "Le conseil municipal a décidé mardi de rénover le vieux pont sur la rivière au printemps "
    "prochain. Les travaux devraient durer environ trois mois et seront en grande partie "
    "financés par la région.",
    "Pendant la durée du chantier, la circulation sera déviée par la route de contournement. "
    "Les habitants peuvent se renseigner à la mairie sur les détails du projet.",
]
# English main text inside German navigation: the page as a whole still has English in it.
MIXED = (
    "<html><body><nav><a href='/'>Startseite</a></nav><div class='menu'>Unsere Ferienhäuser "
    "und Wohnungen am See, direkt buchen</div><main><article>"
    + "".join(f"<p>{p}</p>" for p in english_paragraphs(3, 4))
    + "</article></main><div>Impressum Datenschutz Kontakt Anfahrt Öffnungszeiten</div>"
    "</body></html>"
)


@pytest.fixture(scope="module")
def model():
    return str(real_lid_model())


def _run(path, **params):
    counters, docs = run_step(path, **params)
    return counters, {doc.url: doc.text for doc in docs}


def _warc(tmp_path):
    pages = {
        "https://en.example/a": article_html("Bridge", english_paragraphs(1, 4)),
        "https://de.example/a": article_html("Brücke", GERMAN, lang="de"),
        "https://fr.example/a": article_html("Pont", FRENCH, lang="fr"),
        "https://mixed.example/a": MIXED,
        "https://short.example/a": "<html><body><p>Kurz.</p></body></html>",
    }
    records = [response(url, html, content_type="text/html") for url, html in pages.items()]
    records.append(conversion("https://de.example/wet", " ".join(GERMAN)))
    return write_warc(tmp_path / "pages.warc.gz", records)


def test_gate_wants_the_language_of_the_text(model):
    gate = LanguageGate(("en",), model=model)
    assert gate.wants(" ".join(english_paragraphs(2, 2)))
    assert not gate.wants(" ".join(GERMAN))
    assert not gate.wants(" ".join(FRENCH))
    assert gate.wants("Kurz und gut.")  # too short to judge: extracted anyway
    assert LanguageGate(("de", "fr"), model=model).wants(" ".join(FRENCH))


@pytest.mark.parametrize("fast", [None, False])
def test_pages_in_other_languages_are_counted_and_the_rest_is_unchanged(tmp_path, model, fast):
    path = _warc(tmp_path)
    options = ExtractorOptions(fast=fast)
    plain_counters, plain = _run(path, extractor=options)
    counters, texts = _run(path, extractor=options, languages=("en",), lid_model=model)
    assert plain_counters["skipped"]["other_language"] == 0
    assert counters["skipped"]["other_language"] == 3  # the German and French pages, the WET
    # the mixed page keeps its English article; the short one is too short to judge
    assert set(texts) == {
        "https://en.example/a",
        "https://mixed.example/a",
        "https://short.example/a",
    }
    assert all(texts[url] == plain[url] for url in texts)  # the gate never changes a text


def test_gate_with_resiliparse(tmp_path, model):
    pytest.importorskip("resiliparse", reason="resiliparse is the optional 'fast' extra")
    path = _warc(tmp_path)
    options = ExtractorOptions(extractor="resiliparse")
    counters, texts = _run(path, extractor=options, languages=("en",), lid_model=model)
    assert counters["skipped"]["other_language"] == 3
    assert "https://en.example/a" in texts and "https://de.example/a" not in texts


def test_cli_languages_option_and_its_errors(tmp_path, model):
    path = _warc(tmp_path)
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(
        cli,
        ["extract", str(path), "-o", str(out), "--languages", "en", "--lid-model", model]
        + ["--executor", "local", "--workers", "1", "--json"],
    )
    assert result.exit_code == 0, result.output
    assert '"other_language": 3' in (out / "manifest.json").read_text()
    result = runner.invoke(cli, ["extract", str(path), "-o", str(out), "--language-floor", "0.1"])
    assert result.exit_code == 2
    assert "only apply with --languages" in result.output
    missing = str(tmp_path / "nope.ftz")
    result = runner.invoke(
        cli,
        ["extract", str(path), "-o", str(tmp_path / "o2"), "--languages", "en"]
        + ["--lid-model", missing],
    )
    assert result.exit_code != 0
    assert "nope.ftz" in result.output and not (tmp_path / "o2" / "data").exists()
