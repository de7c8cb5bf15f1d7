"""sample_warcs/: reproducible, documented, and covering what DESIGN.md lists."""

from __future__ import annotations

import gzip
import importlib.util
import re
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

SAMPLES = Path(__file__).resolve().parents[2] / "sample_warcs"
WARCS = sorted(SAMPLES.glob("*.warc.gz"))


def load_generator():
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the module executes
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def read_records(path: Path) -> list[dict]:
    """Every record warcio yields, with its HTTP status, headers and body."""
    records = []
    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            http = record.http_headers
            records.append(
                {
                    "type": record.rec_type,
                    "url": record.rec_headers.get_header("WARC-Target-URI"),
                    "id": record.rec_headers.get_header("WARC-Record-ID"),
                    "date": record.rec_headers.get_header("WARC-Date"),
                    "status": http.get_statuscode() if http else None,
                    "http": dict(http.headers) if http else {},
                    "body": record.content_stream().read(),
                    "warc": record.rec_headers,
                }
            )
    return records


@pytest.fixture(scope="module")
def records() -> dict[str, list[dict]]:
    return {path.name: read_records(path) for path in WARCS}


def responses(records, **match) -> list[dict]:
    found = []
    for file_records in records.values():
        for rec in file_records:
            if rec["type"] == "response" and all(
                pattern in str(rec.get(key) or "") for key, pattern in match.items()
            ):
                found.append(rec)
    return found


def test_regenerating_gives_identical_bytes(tmp_path):
    written = load_generator().generate(tmp_path)
    assert sorted(p.name for p in written) == [p.name for p in WARCS]
    for path in [*WARCS, SAMPLES / "README.md"]:
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), (
            f"{path.name} differs from a fresh run of make_samples.py: rerun it and commit"
        )


def test_files_are_small_and_named_after_the_crawl():
    assert len(WARCS) >= 4
    assert sum(p.stat().st_size for p in WARCS) < 1_000_000
    for path in WARCS:
        assert re.match(r"CC-MAIN-\d{4}-\d{2}-sample-\d{5}", path.name)


def readme_rows() -> list[tuple[str, str, str]]:
    rows = []
    for line in (SAMPLES / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`"):
            rows.append((cells[0].strip("`"), cells[1], cells[2]))
    return rows


def test_readme_table_lists_every_record(records):
    """Per (file, URL), the Records cells name exactly the records the file holds."""
    listed: dict[tuple[str, str], list[str]] = {}
    for name, url, types in readme_rows():
        for rec_type in types.split(","):
            listed.setdefault((name, url), []).append(rec_type.split()[0].strip())
    found: dict[tuple[str, str], list[str]] = {}
    for name, file_records in records.items():
        for rec in file_records:
            found.setdefault((name, rec["url"] or "—"), []).append(rec["type"])
    assert set(found) == set(listed), (
        f"missing from README: {set(found) - set(listed)}; no such record: {set(listed) - set(found)}"
    )
    for key, types in found.items():
        assert sorted(types) == sorted(listed[key]), key


def test_record_ids_are_unique_and_every_record_is_dated(records):
    ids = [rec["id"] for recs in records.values() for rec in recs]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"<urn:uuid:[0-9a-f-]{36}>", i) for i in ids)
    assert all(
        re.fullmatch(r"2024-\d\d-\d\dT\d\d:\d\d:\d\dZ", rec["date"])
        for recs in records.values()
        for rec in recs
    )


def test_every_file_starts_with_warcinfo_naming_the_crawl(records):
    for file_records in records.values():
        first = file_records[0]
        assert first["type"] == "warcinfo"
        assert b"isPartOf: CC-MAIN-2024-10" in first["body"]


def test_clean_articles_in_several_languages(records):
    langs = set()
    for rec in responses(records, status="200"):
        match = re.search(rb'<html[^>]* lang="([a-z]{2})', rec["body"])
        if match:
            langs.add(match.group(1).decode())
    assert {"en", "de", "fr", "es", "zh", "ru"} <= langs
    long_english = [
        rec
        for rec in responses(records, status="200")
        if b'lang="en' in rec["body"] and rec["body"].count(b"<p>") >= 4
    ]
    assert len(long_english) >= 5


def test_legacy_charsets_declared_in_header_or_meta_only(records):
    (cp1251,) = responses(records, url="rybalka")
    assert cp1251["http"]["Content-Type"].endswith("charset=windows-1251")
    assert b"charset" not in cp1251["body"]
    assert "Ладожском" in cp1251["body"].decode("windows-1251")
    with pytest.raises(UnicodeDecodeError):
        cp1251["body"].decode("utf-8")

    (gb2312,) = responses(records, url="minsu-wenhua")
    assert "charset" not in gb2312["http"]["Content-Type"]
    assert b"charset=gb2312" in gb2312["body"]
    assert "饺子" in gb2312["body"].decode("gb2312")

    (latin1,) = responses(records, url="randos-auvergne")
    assert "charset" not in latin1["http"]["Content-Type"]
    assert b"charset" not in latin1["body"]
    assert "Guéry" in latin1["body"].decode("iso-8859-1")


def test_exact_and_near_duplicates(records):
    bus = responses(records, url="council-approves-new-bus-routes")
    bodies = [rec["body"] for rec in bus]
    assert len(bus) == 4
    assert bodies.count(bodies[0]) == 2, "exact duplicate: same bytes at two URLs"
    assert len({rec["url"] for rec in bus}) == 4
    article = re.compile(rb"<article.*</article>", re.S)
    wrapped = next(rec for rec in bus if "regionalnewswire" in rec["url"])
    assert article.search(wrapped["body"]).group() == article.search(bodies[0]).group()
    assert wrapped["body"] != bodies[0]
    edited = next(rec for rec in bus if rec["url"].endswith("-updated"))
    assert b"every twelve minutes" in edited["body"]
    assert b"every fifteen minutes" in bodies[0]


def test_skippable_responses(records):
    statuses = {rec["status"] for rec in responses(records)}
    assert {"200", "301", "404"} <= statuses
    (redirect,) = responses(records, status="301")
    assert redirect["http"]["Location"].startswith("https://")
    content_types = {rec["http"]["Content-Type"] for rec in responses(records)}
    assert {"application/pdf", "image/png"} <= content_types
    empty = [rec for rec in responses(records, status="200") if rec["body"] == b""]
    assert len(empty) == 1 and "html" in empty[0]["http"]["Content-Type"]
    types = {rec["type"] for recs in records.values() for rec in recs}
    assert {"warcinfo", "request", "response", "metadata", "revisit"} <= types


def test_revisit_refers_to_an_earlier_response(records):
    revisits = [rec for recs in records.values() for rec in recs if rec["type"] == "revisit"]
    assert len(revisits) == 1
    warc = revisits[0]["warc"]
    (original,) = [
        rec
        for rec in responses(records, url=revisits[0]["url"])
        if rec["date"] == warc.get_header("WARC-Refers-To-Date")
    ]
    assert warc.get_header("WARC-Payload-Digest") == original["warc"].get_header(
        "WARC-Payload-Digest"
    )
    assert revisits[0]["body"] == b""


def test_truncated_file_ends_mid_record(records):
    (path,) = [p for p in WARCS if "truncated" in p.name]
    with pytest.raises(EOFError):
        gzip.decompress(path.read_bytes())
    complete = [rec for rec in records[path.name] if rec["type"] == "response"]
    assert len(complete) == 3
    for rec in complete[:2]:
        assert len(rec["body"]) == int(rec["http"]["Content-Length"])
    cut = complete[-1]
    assert 0 < len(cut["body"]) < int(cut["http"]["Content-Length"])


def test_every_page_is_used():
    generator = load_generator()
    used = set()
    for sample in generator.sample_files():
        for fetch in sample.fetches:
            used.update(p for p in (fetch.page, fetch.wrapper) if p)
    on_disk = {p.name for p in (SAMPLES / "pages").glob("*.html")}
    assert used == on_disk
