"""The ``extract`` step on real WARC files: kept records, skip reasons, documents."""

from __future__ import annotations

import random

import pytest

from corpuskit.dataset import DatasetFolder
from corpuskit.executor import Shard, StageSpec, run_shard
from corpuskit.extract.html import ExtractorOptions
from corpuskit.extract.step import SKIP_REASONS, ExtractStep
from corpuskit.readers import read_documents
from tests.warcs import (
    article_html,
    conversion,
    english_paragraphs,
    metadata,
    request,
    resource,
    response,
    revisit,
    warcinfo,
    write_arc,
    write_warc,
)

RUSSIAN_PAGE = article_html(
    "Новая библиотека",
    [
        "В четверг в северном районе города открылась новая публичная библиотека. Здание "
        "построено на месте бывшего кинотеатра, который много лет стоял закрытым.",
        "В библиотеке собрано около сорока тысяч книг, есть отдельный детский зал и небольшой "
        "зал для лекций и встреч с писателями, а по вечерам проходят бесплатные курсы.",
    ],
    lang="ru",
)


class Collect:
    """A stand-in for ShardOutput that keeps documents in memory."""

    def __init__(self):
        self.docs = []

    def write(self, doc):
        self.docs.append(doc)


def run_step(path, **params):
    step = ExtractStep(ExtractStep.Params(**params))
    step.setup()
    out = Collect()
    counters = step.run(Shard("s", str(path)), out)
    return counters, out.docs


def every_kind_of_record():
    rng = random.Random(7)
    noise = bytes(rng.randrange(256) for _ in range(3000))
    return [
        warcinfo(),
        request("https://a.example/1"),
        response("https://a.example/1", article_html("Kept one", english_paragraphs(1))),
        metadata("https://a.example/1"),
        response(
            "https://a.example/ru",
            RUSSIAN_PAGE,
            charset="cp1251",
            content_type="text/html; charset=windows-1251",
        ),
        revisit("https://a.example/1"),
        response("https://a.example/old", "", status=301, headers=[("Location", "/1")]),
        response("https://a.example/gone", "<html><p>Not found</p></html>", status=404),
        response("https://a.example/doc.pdf", b"%PDF-1.4 binary", content_type="application/pdf"),
        response("https://a.example/empty", b""),
        response("https://a.example/big", article_html("Big", english_paragraphs(2, 400))),
        response("https://a.example/noise", noise, content_type="text/html"),
        response(
            "https://a.example/menu", "<html><body><nav><a href='/'>Home</a></nav></body></html>"
        ),
        resource("https://a.example/res", article_html("Resource page", english_paragraphs(3))),
        resource("https://a.example/logo.png", b"\x89PNG....", content_type="image/png"),
        conversion("https://a.example/wet", "  WET text stays exactly as it is.\nLine two.  "),
    ]


def test_every_record_is_kept_or_skipped_for_one_counted_reason(tmp_path):
    path = write_warc(tmp_path / "CC-MAIN-2024-10-part.warc.gz", every_kind_of_record())
    counters, docs = run_step(path, max_page_bytes=50_000)
    assert counters["skipped"] == {
        **dict.fromkeys(SKIP_REASONS, 0),
        "not_response": 3,
        "revisit": 1,
        "non_200": 2,
        "non_html": 2,
        "empty": 1,
        "too_large": 1,
        "undecodable": 1,
        "no_text": 1,
    }
    assert counters["records"] == 16 == counters["documents"] + sum(counters["skipped"].values())
    assert [d.url for d in docs] == [
        "https://a.example/1",
        "https://a.example/ru",
        "https://a.example/res",
        "https://a.example/wet",
    ]
    first, russian, res, wet = docs
    assert first.id.startswith("<urn:uuid:") and first.timestamp == "2024-02-20T10:15:30Z"
    assert first.source == "cc:CC-MAIN-2024-10"
    assert first.metadata["title"] == "Kept one" and first.metadata["html_lang"] == "en"
    assert first.metadata["warc_file"] == path.name and first.metadata["warc_offset"] > 0
    assert first.metadata["content_type"] == "text/html" and first.metadata["charset"] == "utf-8"
    assert english_paragraphs(1)[0] in first.text and "cookies" not in first.text
    assert "публичная библиотека" in russian.text and russian.metadata["charset"] == "cp1251"
    assert russian.metadata["html_lang"] == "ru"
    assert res.metadata["warc_type"] == "resource" and english_paragraphs(3)[1] in res.text
    assert wet.text == "WET text stays exactly as it is.\nLine two."
    assert wet.metadata["warc_type"] == "conversion"


def test_source_option_when_the_path_names_no_crawl(tmp_path):
    path = write_warc(tmp_path / "mine.warc", every_kind_of_record()[:3])
    _, docs = run_step(path, source="my-crawl")
    assert [d.source for d in docs] == ["my-crawl"]


def test_slow_pages_are_counted_as_timeouts_and_broken_ones_as_errors(tmp_path, monkeypatch):
    pages = [
        response(f"https://a.example/{i}", article_html(f"P{i}", english_paragraphs(i)))
        for i in range(3)
    ]
    path = write_warc(tmp_path / "slow.warc.gz", pages)
    step = ExtractStep(ExtractStep.Params(timeout=0.1))
    step.setup()
    real = step.extractor.extract

    def misbehave(html, url=None, utf8=None):
        if url.endswith("/0"):
            while True:  # a page that never finishes
                pass
        if url.endswith("/1"):
            raise RuntimeError("parser bug")
        return real(html, url)

    monkeypatch.setattr(step.extractor, "extract", misbehave)
    out = Collect()
    counters = step.run(Shard("s", str(path)), out)
    assert counters["skipped"]["timeout"] == 1
    assert counters["skipped"]["extraction_error"] == 1
    assert [d.url for d in out.docs] == ["https://a.example/2"]


def test_resiliparse_extractor_through_the_step(tmp_path):
    path = write_warc(tmp_path / "r.warc.gz", every_kind_of_record())
    counters, docs = run_step(path, extractor=ExtractorOptions(extractor="resiliparse"))
    assert counters["documents"] == len(docs) >= 4
    assert english_paragraphs(1)[0] in docs[0].text


def test_arc_files_get_stable_ids(tmp_path):
    pages = [
        (f"http://old.example/{i}", article_html(f"T{i}", english_paragraphs(i))) for i in range(3)
    ]
    path = write_arc(tmp_path / "old.arc.gz", pages, gzip=True)
    _, first = run_step(path)
    _, second = run_step(path)
    assert [d.id for d in first] == [d.id for d in second]
    assert len({d.id for d in first}) == 3 and first[0].id.startswith("<urn:sha1:")
    assert [d.url for d in first] == [url for url, _ in pages]


def test_truncated_file_keeps_documents_before_the_damage(tmp_path):
    records = [
        response(f"https://a.example/{i}", article_html(f"P{i}", english_paragraphs(i)))
        for i in range(6)
    ]
    whole = write_warc(tmp_path / "whole.warc.gz", records)
    cut = tmp_path / "cut.warc.gz"
    data = whole.read_bytes()
    cut.write_bytes(data[: int(len(data) * 0.7)])
    counters, docs = run_step(cut)
    _, all_docs = run_step(whole)
    assert 0 < len(docs) < 6
    assert [d.text for d in docs] == [d.text for d in all_docs[: len(docs)]]
    assert counters["read_errors"] == 1 and "truncated" in counters["errors"][0]


def test_a_shard_fails_only_when_nothing_could_be_read(tmp_path):
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(b"\x1f\x8b\x08 this is not gzip data" * 10)
    records = [response("https://a.example/", article_html("A", english_paragraphs(0)))] * 2
    good = write_warc(tmp_path / "good.warc.gz", records)
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(good.read_bytes()[:-40])
    spec = StageSpec("extract", ExtractStep.Params(), str(tmp_path / "out"))
    failed = run_shard(spec, Shard("junk", str(junk)))
    assert not failed.ok and "nothing could be read" in failed.error
    partial = run_shard(spec, Shard("cut", str(cut)))
    assert partial.ok and partial.stats["rows"] == 1
    assert partial.stats["counters"]["read_errors"] == 1
    folder = DatasetFolder(tmp_path / "out")
    assert folder.done_shards() == ["cut"]
    assert len(list(read_documents(str(folder.data_path("cut"))))) == 1


@pytest.mark.parametrize("name", ["CC-MAIN-2024-10-sample-00001.warc.gz"])
def test_sample_warcs_legacy_charsets_decode_cleanly(name):
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "sample_warcs" / name
    if not path.exists():
        pytest.skip("sample_warcs not generated")
    counters, docs = run_step(path)
    charsets = {d.metadata["charset"] for d in docs}
    assert {"cp1251", "gb18030"} <= charsets
    for doc in docs:
        assert "\ufffd" not in doc.text and "Ð" not in doc.text and "Ã" not in doc.text
    assert counters["skipped"]["undecodable"] == 0


def test_a_missing_content_type_is_sniffed(tmp_path):
    page = article_html("No type", english_paragraphs(4))
    records = [
        response("https://a.example/page", page, content_type=None),
        response("https://a.example/blob", b"\x00\x01binary data", content_type=None),
    ]
    counters, docs = run_step(write_warc(tmp_path / "n.warc", records))
    assert [d.url for d in docs] == ["https://a.example/page"]
    assert docs[0].metadata["content_type"] is None
    assert counters["skipped"]["non_html"] == 1


def test_a_cut_single_stream_gzip_keeps_what_came_before(tmp_path):
    import gzip

    records = [
        response(f"https://a.example/{i}", article_html(f"P{i}", english_paragraphs(i)))
        for i in range(5)
    ]
    plain = write_warc(tmp_path / "p.warc", records)
    data = gzip.compress(plain.read_bytes(), mtime=0)
    cut = tmp_path / "stream.warc.gz"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    counters, docs = run_step(cut)
    assert 0 < len(docs) < 5 and counters["read_errors"] == 1
    assert counters["documents"] == len(docs)


def test_a_broken_http_content_encoding_is_a_counted_skip(tmp_path):
    records = [
        response(
            "https://a.example/gz",
            b"\x1f\x8b\x08\x00garbage that is not deflate data",
            headers=[("Content-Encoding", "gzip")],
        ),
        response("https://a.example/ok", article_html("OK", english_paragraphs(2))),
    ]
    counters, docs = run_step(write_warc(tmp_path / "enc.warc.gz", records))
    assert [d.url for d in docs] == ["https://a.example/ok"]
    assert counters["skipped"]["damaged"] + counters["skipped"]["undecodable"] == 1
