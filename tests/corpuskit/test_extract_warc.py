"""WARC inputs, byte-range shards and record iteration (corpuskit.extract.warc)."""

from __future__ import annotations

import gzip
import os

import pytest

from corpuskit.errors import ConfigError, InputError
from corpuskit.extract.shards import crawl_name, expand_warc_inputs, parse_size, plan_shards
from corpuskit.extract.warc import RecordReader, find_record_start
from tests.warcs import (
    article_html,
    conversion,
    english_paragraphs,
    metadata,
    request,
    response,
    revisit,
    warcinfo,
    write_arc,
    write_warc,
)


def crawl_records(pages: int, poison: bool = False):
    """warcinfo + (request, response, metadata) per page, like a Common Crawl file."""
    records = [warcinfo()]
    for i in range(pages):
        url = f"https://site.example/{i}"
        paragraphs = english_paragraphs(i)
        if poison and i % 3 == 0:
            # A payload line that looks like a record start: the plain-file scanner must
            # not take it for a boundary.
            paragraphs.append("quoted header:\r\nWARC/1.0\r\nWARC-Type: response\r\n")
        records += [request(url), response(url, article_html(f"Story {i}", paragraphs))]
        records.append(metadata(url))
    records.append(revisit("https://site.example/0"))
    records.append(conversion("https://site.example/wet", "Plain text of a WET record."))
    return records


def read_all(path, start=0, end=None):
    reader = RecordReader(str(path), start, end)
    found = [(offset, rec.rec_headers.get_header("WARC-Record-ID")) for offset, rec in reader]
    return found, reader


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1000", 1000),
        (4096, 4096),
        ("64MB", 64_000_000),
        ("64mb", 64_000_000),
        ("128MiB", 128 * 1024 * 1024),
        ("1.5 KiB", 1536),
        ("2k", 2000),
        ("3GB", 3 * 10**9),
    ],
)
def test_parse_size_accepts_bytes_and_units(text, expected):
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "12 parsecs", "-5", "MB"])
def test_parse_size_rejects_bad_values_with_a_fix(text):
    with pytest.raises(ConfigError, match="e.g. 64MB or 128MiB"):
        parse_size(text)


def test_parse_size_rejects_zero():
    with pytest.raises(ConfigError, match="must be positive"):
        parse_size("0")


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
@pytest.mark.parametrize("shard_size", [300, 1500, 4000])
def test_union_of_byte_range_shards_equals_the_whole_file(tmp_path, name, shard_size):
    path = write_warc(tmp_path / name, crawl_records(12, poison=True))
    whole, reader = read_all(path)
    assert not reader.errors
    assert len(whole) == 1 + 12 * 3 + 2
    shards = plan_shards([str(path)], shard_size)
    assert len(shards) > 3
    pieces = []
    for shard in shards:
        found, reader = read_all(path, shard.start, shard.end)
        assert not reader.errors, reader.errors
        assert all(shard.start <= offset < shard.end for offset, _ in found)
        pieces.extend(found)
    assert pieces == whole  # same records, same order, none lost or duplicated


def test_gzip_boundary_scan_requires_a_warc_member(tmp_path):
    path = write_warc(tmp_path / "a.warc.gz", crawl_records(3))
    whole, _ = read_all(path)
    offsets = [offset for offset, _ in whole]
    with open(path, "rb") as fh:
        assert find_record_start(fh, 1, compressed=True) == offsets[1]
        assert find_record_start(fh, offsets[2], compressed=True) == offsets[2]
        assert find_record_start(fh, os.path.getsize(path) - 1, compressed=True) is None


def test_a_gzip_member_that_is_not_a_record_is_not_a_boundary(tmp_path):
    inner = gzip.compress(b"not a WARC record at all", mtime=0)
    path = tmp_path / "x.warc.gz"
    path.write_bytes(b"\x00" * 10 + inner)
    with open(path, "rb") as fh:
        assert find_record_start(fh, 1, compressed=True) is None


def test_shard_ids_are_deterministic_and_unique_across_folders(tmp_path):
    first = write_warc(tmp_path / "a" / "CC-MAIN-1.warc.gz", crawl_records(10))
    second = write_warc(tmp_path / "b" / "CC-MAIN-1.warc.gz", crawl_records(10))
    plan = plan_shards([str(first), str(second)], 2000)
    again = plan_shards([str(second), str(first)], 2000)
    ids = [s.id for s in plan]
    assert len(set(ids)) == len(ids)
    assert sorted(ids) == sorted(s.id for s in again)
    assert ids[0].startswith("CC-MAIN-1-") and ids[0].endswith("of" + ids[-1].rsplit("of", 1)[1])
    # A relative path to the same file gives the same ids (resume from another folder).
    os.chdir(tmp_path)
    relative = plan_shards([os.path.join("a", "CC-MAIN-1.warc.gz")], 2000)
    assert [s.id for s in relative] == [s.id for s in plan if s.path == str(first)]


def test_small_files_and_arc_files_are_one_shard(tmp_path):
    warc = write_warc(tmp_path / "small.warc.gz", crawl_records(2))
    arc = write_arc(tmp_path / "old.arc", [("http://a.example/", "<html><p>x</p></html>")] * 50)
    plan = plan_shards([str(warc), str(arc)], 100)
    assert len([s for s in plan if s.path == str(arc)]) == 1
    assert len(plan_shards([str(warc)], 10**9)) == 1
    assert plan_shards([str(warc)], 10**9)[0].end is None


def test_truncated_file_keeps_records_before_the_damage(tmp_path):
    path = write_warc(tmp_path / "t.warc.gz", crawl_records(6))
    data = path.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    whole, _ = read_all(path)
    found, reader = read_all(cut)
    assert 0 < len(found) < len(whole)
    assert found == whole[: len(found)]
    assert len(reader.errors) == 1 and "truncated" in reader.errors[0]


def test_garbage_file_reads_nothing_and_reports_an_error(tmp_path):
    path = tmp_path / "junk.warc"
    path.write_bytes(b"this is not a web archive\n" * 20)
    found, reader = read_all(path)
    assert found == [] and reader.records == 0
    assert len(reader.errors) == 1


def test_expand_inputs_folders_globs_files_and_urls(tmp_path):
    one = write_warc(tmp_path / "in" / "x" / "one.warc.gz", crawl_records(1))
    two = write_warc(tmp_path / "in" / "two.warc", crawl_records(1))
    (tmp_path / "in" / "notes.txt").write_text("not a warc")
    assert expand_warc_inputs([str(tmp_path / "in")]) == sorted([str(one), str(two)])
    assert expand_warc_inputs([str(tmp_path / "in" / "*.warc")]) == [str(two)]
    assert expand_warc_inputs([str(two), str(two)]) == [str(two)]
    assert expand_warc_inputs([f"file://{one}"]) == [f"file://{one}"]


def test_expand_inputs_errors_say_what_and_how(tmp_path):
    with pytest.raises(InputError, match="input not found: .*missing.warc.gz"):
        expand_warc_inputs([str(tmp_path / "missing.warc.gz")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no WARC file found in folder"):
        expand_warc_inputs([str(tmp_path / "empty")])
    with pytest.raises(InputError, match="no file matches"):
        expand_warc_inputs([str(tmp_path / "*.warc.gz")])


def test_records_are_read_through_fsspec_urls(tmp_path):
    path = write_warc(tmp_path / "a.warc.gz", crawl_records(3))
    local, _ = read_all(path)
    remote, reader = read_all(f"file://{path}")
    assert remote == local and not reader.errors


def test_crawl_name_from_path():
    assert crawl_name("s3://commoncrawl/crawl-data/CC-MAIN-2024-10/segments/x.warc.gz") == (
        "CC-MAIN-2024-10"
    )
    assert crawl_name("/data/mine.warc.gz") is None


def test_unknown_url_protocol_is_a_configuration_error():
    with pytest.raises(ConfigError, match="unknown storage scheme nosuchproto://"):
        expand_warc_inputs(["nosuchproto://x/a.warc.gz"])


def test_a_gzip_file_compressed_as_one_stream_is_not_split(tmp_path):
    plain = write_warc(tmp_path / "p.warc", crawl_records(10))
    whole = tmp_path / "whole-stream.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes(), mtime=0))
    assert os.path.getsize(whole) > 2000
    plan = plan_shards([str(whole)], 1000)
    assert len(plan) == 1 and plan[0].end is None
    found, reader = read_all(whole)
    assert len(found) == len(read_all(plain)[0]) and not reader.errors
