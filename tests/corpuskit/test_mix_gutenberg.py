"""Project Gutenberg boilerplate of every era is cut: synthetic cases and the real dev editions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corpuskit.mix.books import read_book
from corpuskit.mix.gutenberg import strip_gutenberg

CASES = Path(__file__).parent / "data" / "gutenberg"
EXPECTED = (CASES / "expected-body.txt").read_text().strip()
DEV_BOOKS = Path(__file__).resolve().parents[2] / ".." / "shared" / "devdata" / "books"
LICENCE = re.compile(r"gutenberg|small print|etext|\bebook\b|pgdp|produced by|prepared by", re.I)


@pytest.mark.parametrize(
    "case", sorted(p.name for p in CASES.glob("*.txt") if p.name != "expected-body.txt")
)
def test_every_era_of_gutenberg_framing_is_cut(case):
    body, fields, stripped = strip_gutenberg((CASES / case).read_text())
    assert stripped
    assert body == EXPECTED
    if "Title:" in (CASES / case).read_text():
        assert fields["title"] == "The Miller's Ledger"


def test_a_book_without_gutenberg_framing_is_kept_whole():
    text = "Chapter one.\n\nThe ebook reader and the etext: a history of Project Gutenberg.\n"
    body, fields, stripped = strip_gutenberg("\n".join(["A line of prose."] * 30) + "\n\n" + text)
    assert not stripped and fields == {}
    assert body.endswith("history of Project Gutenberg.")


def _dev_books():
    if not DEV_BOOKS.is_dir():
        pytest.skip(f"devdata books not found at {DEV_BOOKS} (shared dev data absent)")
    return sorted(DEV_BOOKS.glob("*/*.txt"))


def test_no_licence_text_remains_in_any_dev_edition():
    books = _dev_books()
    assert len(books) == 6
    for path in books:
        doc, _, stripped = read_book(str(path))
        assert stripped, path.name
        assert not LICENCE.search(doc.text), (path.name, LICENCE.search(doc.text))
        raw = path.read_bytes()
        assert len(doc.text) > 0.8 * len(raw), path.name  # the book itself is kept


def test_the_dev_editions_of_one_book_keep_the_same_text():
    _dev_books()
    angler = [read_book(str(p))[0].text for p in sorted((DEV_BOOKS / "pg9198").glob("*.txt"))]
    for text in angler:
        assert text.startswith("THE COMPLETE ANGLER;") and text.endswith("FINIS.")
    entre_nous = [read_book(str(p))[0].text for p in sorted((DEV_BOOKS / "pg44157").glob("*.txt"))]
    assert all(t.startswith("Au lecteur.") for t in entre_nous)
