"""The default trafilatura path: one parse, trimmed tree, fallbacks only for thin pages."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from corpuskit.executor import Shard
from corpuskit.extract import html as html_module
from corpuskit.extract.html import ExtractorOptions, make_extractor
from corpuskit.extract.step import ExtractStep
from corpuskit.extract.tree import drop_boilerplate_tags, parse_html
from tests.warcs import article_html, english_paragraphs, response, write_warc

DEV_SET = Path(__file__).resolve().parents[2].parent / "shared/devdata/extraction/trafilatura-eval"


def test_parse_accepts_an_xml_declaration_and_keeps_text_after_dropped_tags():
    page = (
        '<?xml version="1.0" encoding="iso-8859-1"?>\n<html lang="fr"><head><title>T</title>'
        "</head><body><nav><a href='/'>Accueil</a></nav>tail after nav<p>Caf\u00e9 cr\u00e8me"
        "<button>Cliquer</button> et croissant.</p><svg><text>logo</text></svg></body></html>"
    )
    tree = parse_html(page)
    assert tree.get("lang") == "fr"
    assert tree.find(".//title").text_content() == "T"
    drop_boilerplate_tags(tree)
    text = tree.text_content()
    assert "Accueil" not in text and "Cliquer" not in text and "logo" not in text
    assert "tail after nav" in text
    assert "Caf\u00e9 cr\u00e8me et croissant." in text
    assert tree.find(".//head") is None


@pytest.mark.parametrize("page", ["", "   \n ", "<!-- only a comment -->"])
def test_nothing_to_parse_gives_no_document(page):
    assert make_extractor(ExtractorOptions()).extract(page, "https://a.example/") is None


def _spy_on_passes(monkeypatch) -> list[bool]:
    """Record the ``fast`` setting of every trafilatura.extract call."""
    import trafilatura

    passes: list[bool] = []
    real = trafilatura.extract

    def spy(tree, options=None, **kwargs):
        passes.append(options.fast)
        return real(tree, options=options, **kwargs)

    monkeypatch.setattr(trafilatura, "extract", spy)
    return passes


LONG = article_html("Harbour plan approved", english_paragraphs(3, 8))
THIN = article_html("Short note", ["The council meets on Tuesday at noon in the town hall."])


def test_fallbacks_run_only_when_the_fast_pass_finds_little(monkeypatch):
    passes = _spy_on_passes(monkeypatch)
    extractor = make_extractor(ExtractorOptions())
    long_text = extractor.extract(LONG, "https://a.example/long").text
    assert len(long_text) >= html_module.FALLBACK_BELOW_CHARS
    assert passes == [True]
    passes.clear()
    thin = extractor.extract(THIN, "https://a.example/thin").text
    assert "council meets on Tuesday" in thin
    assert passes == [True, False]


@pytest.mark.parametrize(("fast", "expected"), [(True, [True]), (False, [False])])
def test_fast_flag_forces_one_pass(monkeypatch, fast, expected):
    passes = _spy_on_passes(monkeypatch)
    make_extractor(ExtractorOptions(fast=fast)).extract(THIN, "https://a.example/thin")
    assert passes == expected


class _Collect:
    def __init__(self):
        self.docs = []

    def write(self, doc):
        self.docs.append(doc)


def _extract_all(path: Path, **params) -> tuple[dict, dict[str, str]]:
    step = ExtractStep(ExtractStep.Params(**params))
    step.setup()
    out = _Collect()
    counters = step.run(Shard("s", str(path)), out)
    return counters, {doc.url: doc.text for doc in out.docs}


def _same_text_alone_or_in_a_shard(tmp_path: Path, pages: list[tuple[str, bytes | str]], probe):
    """Extract ``pages`` as one shard, then each ``probe`` page alone; texts must match."""
    records = [response(url, body, content_type="text/html") for url, body in pages]
    _, together = _extract_all(write_warc(tmp_path / "shard.warc.gz", records))
    for i in probe:
        url, body = pages[i]
        alone_path = write_warc(tmp_path / f"alone-{i}.warc.gz", [records[i]])
        _, alone = _extract_all(alone_path)
        assert alone.get(url) == together.get(url), url
    return together


def test_same_text_alone_or_inside_a_shard_of_similar_pages(tmp_path):
    # Pages that share boilerplate and repeat paragraphs: a cache or dedup state carried from
    # page to page would change the later pages' text.
    pages = []
    for i in range(40):
        paragraphs = english_paragraphs(i % 5, 4) + english_paragraphs(i, 2)
        pages.append((f"https://a.example/{i}", article_html(f"Story {i}", paragraphs)))
    pages.append(("https://a.example/thin", THIN))
    together = _same_text_alone_or_in_a_shard(tmp_path, pages, probe=[0, 7, 39, 40])
    assert len(together) == len(pages)


@pytest.mark.slow
@pytest.mark.skipif(not (DEV_SET / "evaldata.json").is_file(), reason=f"no dev set at {DEV_SET}")
def test_real_pages_same_text_alone_or_in_a_shard_and_none_times_out(tmp_path):
    import gzip

    files = sorted((DEV_SET / "html").glob("*.gz"), key=lambda p: p.stat().st_size)
    chosen = files[-6:] + files[:: max(1, len(files) // 18)][:18]  # the largest, and a spread
    pages = [(f"https://dev.example/{p.name}", gzip.decompress(p.read_bytes())) for p in chosen]
    records = [response(url, body, content_type="text/html") for url, body in pages]
    path = write_warc(tmp_path / "dev.warc.gz", records)
    started = time.monotonic()
    counters, _ = _extract_all(path, timeout=10.0)
    assert counters["skipped"]["timeout"] == 0
    assert counters["skipped"]["extraction_error"] == 0
    assert time.monotonic() - started < 10.0 * len(pages)
    _same_text_alone_or_in_a_shard(tmp_path, pages, probe=[0, 5, 12, 23])


def test_a_page_that_overruns_is_cut_at_the_limit(tmp_path):
    # Deeply nested, link-heavy markup keeps trafilatura in Python loops for a long time.
    cell = "<div class='x'><span><a href='/a'>link text</a> word word</span></div>"
    slow = "<html><body>" + cell * 30000 + "</body></html>"
    path = write_warc(tmp_path / "slow.warc.gz", [response("https://a.example/slow", slow)])
    started = time.monotonic()
    counters, docs = _extract_all(path, timeout=0.3, max_page_bytes=10_000_000)
    elapsed = time.monotonic() - started
    assert counters["skipped"]["timeout"] == 1 and not docs
    assert elapsed < 8  # parsing (not interruptible) plus at most the limit, with margin


def test_utf8_bytes_give_the_same_text_as_the_decoded_page():
    from corpuskit.extract.decode import decode_body
    from corpuskit.extract.step import utf8_bytes

    extractor = make_extractor(ExtractorOptions())
    pages = [LONG.encode("utf-8"), THIN.encode("utf-8"), b"\xef\xbb\xbf" + LONG.encode("utf-8")]
    pages.append(LONG.replace("Harbour", "Caf\u00e9").encode("cp1252"))
    given = 0
    for body in pages:
        decoded, codec = decode_body(body, "text/html")
        raw = utf8_bytes(body, codec)
        given += raw is not None
        expected = extractor.extract(decoded, "https://a.example/")
        assert extractor.extract(decoded, "https://a.example/", raw) == expected
    assert given == 2  # not for the page with a byte-order mark, nor for the cp1252 one


FORUM_POST = (
    "I replaced the fuel pump myself last winter and the engine has run smoothly ever since."
)


@pytest.mark.parametrize("forum", [True, False])
def test_a_forum_thread_is_recognised_as_trafilatura_does(forum):
    """trafilatura keeps a forum's posts, recognised by its JSON-LD, which sits in a script."""
    import trafilatura

    json_ld = (
        '<script type="application/ld+json">{"@context": "https://schema.org", '
        '"@type": "DiscussionForumPosting", "headline": "Fuel pump"}</script>'
        if forum
        else ""
    )
    page = (
        f"<html><head><title>Fuel pump</title>{json_ld}</head><body><article><h1>Fuel pump</h1>"
        + "".join(f"<p>{p}</p>" for p in english_paragraphs(5, 5))
        + f"<dl class='comment-list'><dt>Member</dt><dd>{FORUM_POST}</dd></dl>"
        + "</article></body></html>"
    )
    ours = make_extractor(ExtractorOptions(fast=True)).extract(page, "https://f.example/t/1")
    theirs = trafilatura.extract(page, fast=True, favor_precision=True, include_comments=False)
    assert (FORUM_POST in ours.text) == (FORUM_POST in theirs) == forum
