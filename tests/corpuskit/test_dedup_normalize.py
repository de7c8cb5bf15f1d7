"""Text and URL normalisation rules."""

from __future__ import annotations

import pytest

from corpuskit.dedup.normalize import exact_text, key64, normalize_text
from corpuskit.dedup.urlnorm import normalize_url


def test_normalize_text_lowercases_strips_punctuation_and_digits():
    assert normalize_text("Hello,  WORLD!\nIt's 2024_x.") == "hello world it s 0000 x"
    assert normalize_text("ﬁne Ｔｅｘｔ") == "fine text"  # NFKC


def test_exact_text_collapses_whitespace_only():
    assert exact_text("  A  b\n\nC ") == "A b C"
    assert key64(exact_text("a  b")) == key64(exact_text(" a b\n"))
    assert key64("a b") != key64("A b")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.example.com/page/", "example.com/page"),
        ("http://example.com/page", "example.com/page"),
        ("https://example.com/a?utm_source=x&utm_medium=y", "example.com/a"),
        ("https://example.com/a?id=3&utm_source=x", "example.com/a?id=3"),
        ("https://example.com/a?ref=home", "example.com/a"),
        ("https://example.com/a?referrer=home&feed=rss", "example.com/a"),
        ("https://example.com/a?feedback=1&x=2", "example.com/a?x=2"),
        ("https://example.com/a/?page=2", "example.com/a?page=2"),
        ("https://example.com/a#section", "example.com/a#section"),
        ("ftp://www.files.org/", "files.org"),
    ],
)
def test_normalize_url_follows_c4(url, expected):
    assert normalize_url(url) == expected
