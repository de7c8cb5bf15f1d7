"""Source readers: books (encodings, Project Gutenberg), MediaWiki dumps, WebText URL lists."""

from __future__ import annotations

import bz2

import pytest

from corpuskit.errors import InputError
from corpuskit.mix.books import iter_books, read_book, strip_gutenberg
from corpuskit.mix.sources import SourceReader, normalise_table
from corpuskit.mix.webtext import UrlSelector, normalise_url
from corpuskit.mix.wiki import iter_articles
from tests.corpuskit.mix_helpers import SAMPLES

WIKI = SAMPLES / "wiki" / "samplewiki-pages-articles.xml"


def test_gutenberg_header_and_licence_footer_are_removed():
    doc, encoding, stripped = read_book(
        str(SAMPLES / "books" / "books1" / "pg99999-keeper-of-gull-point.txt")
    )
    assert stripped and encoding == "utf-8"
    assert doc.text.startswith("The lighthouse on Gull Point")
    assert doc.text.endswith("even when you could not see them.")
    for boilerplate in ("Project Gutenberg", "START OF", "END OF", "LICENSE", "\r"):
        assert boilerplate not in doc.text
    assert doc.metadata["title"] == "The Keeper of Gull Point"
    assert doc.metadata["language"] == "English"


def test_old_style_gutenberg_end_line():
    text = "header\n*** START OF THIS PROJECT GUTENBERG EBOOK X ***\nBody line.\nEnd of the Project Gutenberg EBook of X\nlicence"
    body, _, stripped = strip_gutenberg(text)
    assert stripped and body == "Body line."


def test_a_legacy_encoding_is_detected():
    doc, encoding, _ = read_book(str(SAMPLES / "books" / "books2" / "le-jardin-tetu.cp1252.txt"))
    assert encoding in ("cp1252", "latin_1", "iso8859_15")
    assert "Élise" in doc.text and "têtu" in doc.text and "fèves" in doc.text


def test_an_unreadable_book_is_an_error_naming_the_file(tmp_path):
    (tmp_path / "good.txt").write_text("A fine book. " * 50)
    (tmp_path / "broken.txt").write_bytes(bytes(range(256)) * 20)
    with pytest.raises(InputError, match=r"broken\.txt: cannot detect the text encoding"):
        list(iter_books((str(tmp_path),), {}))


def test_wiki_dump_keeps_articles_only_and_strips_markup():
    counters: dict = {}
    docs = list(iter_articles(str(WIKI), counters))
    titles = [d.metadata["title"] for d in docs]
    assert titles == ["Harbour seal", "Tidal mill", "Sea glass", "Kelp forest"]
    assert counters["skipped"] == {"redirect": 2, "disambiguation": 2, "non_article_namespace": 2}
    seal = docs[0]
    assert seal.url == "https://en.wikipedia.org/wiki/Harbour_seal"
    assert seal.text.startswith("The harbour seal (Phoca vitulina) is a true seal")
    for markup in (
        "{{",
        "}}",
        "[[",
        "<ref",
        "cite book",
        "Range survey",
        "wikitable",
        "Population",
        "thumb",
        "Category",
        "Seehund",
        "'''",
        "References",
        "See also",
        "Grey seal",
        "check dive time",
    ):
        assert markup not in seal.text, markup
    assert "\nDescription\n" in seal.text and "168 kilograms" in seal.text


def test_a_bz2_dump_reads_the_same(tmp_path):
    packed = tmp_path / "dump.xml.bz2"
    packed.write_bytes(bz2.compress(WIKI.read_bytes()))
    plain = [d.text for d in iter_articles(str(WIKI), {})]
    assert [d.text for d in iter_articles(str(packed), {})] == plain


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<mediawiki><page><title>x</title></mediawiki>", "malformed MediaWiki XML at line 1"),
        (b"<html><body>not a dump</body></html>", "not a MediaWiki XML dump"),
        (b"", "malformed MediaWiki XML"),
    ],
)
def test_a_malformed_dump_is_an_error_naming_the_source(tmp_path, content, message):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(content)
    reader = SourceReader("wikipedia", "wikipedia", (str(bad),))
    with pytest.raises(
        InputError, match=f"source 'wikipedia' \\(wikipedia\\): .*bad.xml: {message}"
    ):
        list(reader.tables())


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.Example.com/a/b/", "example.com/a/b"),
        ("http://example.com/a?utm_source=x&id=3&ref=y&feed=z", "example.com/a?id=3"),
        ("example.com/a#section", "example.com/a"),
        ("https://example.com/", "example.com"),
    ],
)
def test_c4_url_normalisation(url, expected):
    assert normalise_url(url) == expected


def test_webtext_source_selects_documents_by_url_list():
    reader = SourceReader(
        "webtext",
        "webtext",
        (str(SAMPLES / "webtext" / "webtext.jsonl"),),
        str(SAMPLES / "webtext" / "urls.txt"),
    )
    ids = [i for t in reader.tables() for i in t.column("id").to_pylist()]
    assert ids == [f"webtext-{n:04d}" for n in (0, 1, 2, 3, 4, 7)]
    assert reader.counters == {"url_list_size": 7, "web_documents_seen": 8, "selected_by_url": 6}


def test_an_empty_url_list_is_an_error(tmp_path):
    empty = tmp_path / "urls.txt"
    empty.write_text("# nothing\n\n")
    with pytest.raises(InputError, match="URL list .* is empty"):
        UrlSelector.from_file(str(empty))


def test_parquet_without_ids_gets_content_ids_and_null_columns(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "owt.parquet"
    pq.write_table(pa.table({"text": ["one two", "three"], "extra": [1, 2]}), path)
    tables = list(SourceReader("owt", "dataset", (str(path),)).tables())
    rows = tables[0].to_pylist()
    assert [r["text"] for r in rows] == ["one two", "three"]
    assert all(r["id"].startswith("sha1:") for r in rows) and rows[0]["url"] is None
    assert normalise_table(tables[0]).schema == tables[0].schema


def test_counters_of_files_merge_into_those_of_one_sequential_read():
    from corpuskit.mix.sources import merge_counters

    total: dict = {}
    merge_counters(total, {"pages": 3, "skipped": {"redirect": 1}, "url_list_size": 7})
    merge_counters(total, {"pages": 2, "articles": 2, "skipped": {"redirect": 1, "empty": 1}})
    merge_counters(total, {"url_list_size": 7})
    assert total == {
        "pages": 5,
        "skipped": {"redirect": 2, "empty": 1},
        "url_list_size": 7,  # a fact about the source, reported by every file, not summed
        "articles": 2,
    }
    assert list(total) == ["pages", "skipped", "url_list_size", "articles"]
