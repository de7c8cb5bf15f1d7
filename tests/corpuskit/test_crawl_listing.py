"""Listings: parsing, base URL resolution, segment/sample/limit selection, collinfo."""

from __future__ import annotations

import gzip
import json

import pytest

from corpuskit.crawl.listing import (
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    listing_url,
    parse_collinfo,
    parse_paths,
    resolve_base_url,
    segment_of,
    select_paths,
)
from corpuskit.errors import ConfigError, InputError

PATHS = [
    f"crawl-data/CC-MAIN-2024-10/segments/{seg}/warc/CC-MAIN-x-{i:05d}.warc.gz"
    for i, seg in enumerate(["111.0", "111.0", "222.5", "222.5", "333.1", "333.1"])
]


def test_parse_paths_reads_gzip_and_plain_text():
    text = "\n".join(PATHS) + "\n\n"
    assert parse_paths(gzip.compress(text.encode()), "x") == PATHS
    assert parse_paths(("/" + PATHS[0] + "\r\n").encode(), "x") == PATHS[:1]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "has no paths"),
        (b"\x1f\x8b\x08garbage", "damaged gzip"),
        (b"\xff\xfe\xfa", "UTF-8"),
        (b"crawl-data/ok.warc.gz\ncrawl-data/../../etc/x.warc.gz\n", "path 2 .* is not a relative"),
    ],
)
def test_parse_paths_rejects_bad_listings(data, message):
    with pytest.raises(InputError, match=message):
        parse_paths(data, "listing.gz")


def test_base_url_option_then_environment_then_default(monkeypatch):
    monkeypatch.delenv(BASE_URL_ENV, raising=False)
    assert resolve_base_url(None) == DEFAULT_BASE_URL
    monkeypatch.setenv(BASE_URL_ENV, "http://mirror.local/cc")
    assert resolve_base_url(None) == "http://mirror.local/cc/"
    assert resolve_base_url("s3://commoncrawl") == "s3://commoncrawl/"
    with pytest.raises(ConfigError, match="no scheme"):
        resolve_base_url("data.commoncrawl.org")
    assert (
        listing_url("https://data.commoncrawl.org/", "CC-MAIN-2024-10", "wet")
        == "https://data.commoncrawl.org/crawl-data/CC-MAIN-2024-10/wet.paths.gz"
    )


def test_segments_sample_and_limit():
    assert segment_of(PATHS[2]) == "222.5" and segment_of("no/segment/here") is None
    assert select_paths(PATHS, segments=("222.5", "333.1")) == PATHS[2:]
    first = select_paths(PATHS, sample=3, seed=7)
    assert first == select_paths(PATHS, sample=3, seed=7)  # deterministic
    assert len(first) == 3 and first == [p for p in PATHS if p in first]  # listing order
    assert {tuple(select_paths(PATHS, sample=3, seed=s)) for s in range(10)} != {tuple(first)}
    assert select_paths(PATHS, limit=2) == PATHS[:2]
    assert select_paths(PATHS, segments=("111.0",), sample=1, seed=0, limit=5)[0] in PATHS[:2]


def test_selection_errors_name_the_fix():
    with pytest.raises(ConfigError, match="segment\\(s\\) 999 not in the listing"):
        select_paths(PATHS, segments=("999",))
    with pytest.raises(ConfigError, match="use --sample 6 or less"):
        select_paths(PATHS, sample=7)


def test_collinfo():
    data = json.dumps(
        [{"id": "CC-MAIN-2024-10", "name": "February/March 2024 Index", "from": "2024-02-20"}]
    ).encode()
    assert parse_collinfo(data, "c")[0]["id"] == "CC-MAIN-2024-10"
    with pytest.raises(InputError, match="not valid JSON"):
        parse_collinfo(b"<html>", "c")
    with pytest.raises(InputError, match="JSON list"):
        parse_collinfo(b'{"id": 1}', "c")
