"""URL-list crawling into WARC files: robots.txt, redirects, a slow host, an oversize page."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from corpuskit.crawl.urls import read_url_list
from corpuskit.errors import ConfigError, InputError
from tests.httpserver import FaultServer
from tests.warcs import article_html, english_paragraphs

HOST_DELAY = 0.1


def page(title: str, seed: int) -> bytes:
    return article_html(title, english_paragraphs(seed)).encode()


@pytest.fixture()
def hosts():
    main = FaultServer(
        {
            "robots.txt": b"User-agent: *\nDisallow: /private/\n",
            "article.html": page("An article about rivers", 1),
            "private/secret.html": page("Secret", 2),
            "final.html": page("Where the redirects end", 3),
            "big.html": b"<html><body><p>" + b"x" * 300_000 + b"</p></body></html>",
        }
    )
    main.redirects["r1"] = (301, "/r2")
    main.redirects["r2"] = (302, main.url("final.html"))
    main.redirects["loop"] = (302, "/loop")
    slow = FaultServer({"slow.html": page("A slow page", 4), "stuck.html": page("Stuck", 5)})
    slow.delays["slow.html"] = 0.3
    slow.delays["stuck.html"] = 2.0  # longer than --timeout: fails, retried by the next run
    with main, slow:
        yield main, slow


def url_list(tmp_path: Path, main, slow) -> Path:
    rows = [
        ("url", "karma"),
        (main.url("article.html"), "10"),
        (main.url("private/secret.html"), "7"),
        (main.url("r1"), "5"),
        (main.url("loop"), "4"),
        (main.url("big.html"), "3"),
        (main.url("missing.html"), "3"),
        (slow.url("slow.html"), "12"),
        (slow.url("stuck.html"), "9"),
        (main.url("low-karma.html"), "2"),
        ("not a url", "50"),
    ]
    path = tmp_path / "links.tsv"
    path.write_text("".join("\t".join(r) + "\n" for r in rows))
    return path


def crawl(urls: Path, out: Path, *extra: str):
    argv = ["crawl", "--urls", str(urls), "-o", str(out), "--min-score", "3", "--json"]
    argv += ["--host-delay", str(HOST_DELAY), "--max-redirects", "3", "--timeout", "1"]
    argv += ["--retries", "0", "--max-page-bytes", "100000", "--max-rps", "1000", *extra]
    return CliRunner().invoke(cli, argv)


def records(warc: Path):
    from warcio.archiveiterator import ArchiveIterator

    with open(warc, "rb") as fh:
        for record in ArchiveIterator(fh):
            body = record.content_stream().read()
            yield record, body


@pytest.mark.slow
def test_url_list_crawl_is_polite_and_archives_real_warcs(hosts, tmp_path):
    main, slow = hosts
    out = tmp_path / "warcs"
    result = crawl(url_list(tmp_path, main, slow), out)
    assert result.exit_code == 1, result.stderr
    assert f"{slow.url('stuck.html')}: " in result.stderr
    summary = json.loads(result.stdout)
    assert summary["outcomes"] == {
        "failed": 1,
        "fetched": 4,
        "http_404": 1,
        "robots_disallowed": 1,
        "too_many_redirects": 1,
    }
    assert summary["redirects"] == 2 and summary["truncated"] == 1

    # robots.txt: read once per host, the disallowed page never requested
    main_paths = [e.path for e in main.log]
    assert main_paths.count("robots.txt") == 1 and [e.path for e in slow.log][0] == "robots.txt"
    assert "private/secret.html" not in main_paths
    # per-host delay, measured by the server
    page_times = [e.time for e in main.log if e.path != "robots.txt"]
    # one at a time, HOST_DELAY after the previous request ended: exact even on a busy machine
    assert all(b - a >= HOST_DELAY for a, b in zip(page_times, page_times[1:], strict=False))
    assert all(e.user_agent.startswith("corpuskit/") for e in main.log)

    warcs = sorted(out.glob("*.warc.gz"))
    assert len(warcs) == 1 and not list(out.glob("*.open"))
    check = subprocess.run(
        [str(Path(sys.executable).parent / "warcio"), "check", "-v", str(warcs[0])],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    seen = list(records(warcs[0]))
    assert seen[0][0].rec_type == "warcinfo"
    responses = {
        r.rec_headers.get_header("WARC-Target-URI"): (r, b)
        for r, b in seen
        if r.rec_type == "response"
    }
    requests = [r for r, _ in seen if r.rec_type == "request"]
    assert len(requests) == len(responses) == 6  # 4 pages + 2 redirect hops
    assert responses[main.url("article.html")][1] == main.files["article.html"]
    assert responses[main.url("r1")][0].http_headers.get_statuscode() == "301"
    assert responses[main.url("r2")][0].http_headers.get_header("Location") == main.url(
        "final.html"
    )
    big, big_body = responses[main.url("big.html")]
    assert big.rec_headers.get_header("WARC-Truncated") == "length" and len(big_body) == 100_000
    response_ids = {r.rec_headers.get_header("WARC-Record-ID") for r, _ in responses.values()}
    assert {r.rec_headers.get_header("WARC-Concurrent-To") for r in requests} == response_ids

    # a rerun fetches only what failed; a WARC left open by a crash is discarded
    (out / "corpuskit-crashed-00000.warc.gz.open").write_bytes(b"partial")
    deadline = time.monotonic() + 5  # the server logs the timed-out request when it answers
    while len(slow.requests_for("stuck.html")) < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    slow.delays["stuck.html"] = 0
    before_main, before_slow = len(main.log), len(slow.log)
    rerun = crawl(url_list(tmp_path, main, slow), out)
    assert rerun.exit_code == 0, rerun.stderr
    assert json.loads(rerun.stdout)["outcomes"] == {"fetched": 1}
    assert len(main.log) == before_main
    assert [e.path for e in slow.log[before_slow:]] == ["robots.txt", "stuck.html"]
    assert len(list(out.glob("*.warc.gz"))) == 2 and not list(out.glob("*.open"))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["outcomes"]["fetched"] == 5

    # and `corpuskit extract` reads them like Common Crawl files
    extracted = CliRunner().invoke(
        cli,
        [
            "extract",
            str(out),
            "-o",
            str(tmp_path / "text"),
            "--executor",
            "local",
            "--workers",
            "1",
            "--json",
        ],
    )
    assert extracted.exit_code == 0, extracted.output + extracted.stderr
    import pyarrow.parquet as pq

    table = pq.read_table(tmp_path / "text" / "data").to_pylist()
    urls = {row["url"] for row in table}
    assert main.url("article.html") in urls and slow.url("stuck.html") in urls
    article = next(row for row in table if row["url"] == main.url("article.html"))
    assert english_paragraphs(1)[0][:40] in article["text"]


def test_robots_server_error_disallows_and_rolling_files(tmp_path):
    from corpuskit.crawl.ratelimit import RateLimiter
    from corpuskit.crawl.retry import RetryPolicy
    from corpuskit.crawl.transfer import TransferOptions
    from corpuskit.crawl.urls import UrlEntry
    from corpuskit.crawl.webcrawl import WebCrawler, WebCrawlSettings
    from tests.httpserver import Fault

    pages = {f"p{i}.html": page(f"Page {i}", i) for i in range(4)}
    with FaultServer(pages) as open_host, FaultServer(pages) as broken_host:
        broken_host.add_faults("robots.txt", Fault("status", 503))
        options = TransferOptions(
            policy=RetryPolicy(0, 0.001, 0.01), limiter=RateLimiter(None), timeout=5
        )
        settings = WebCrawlSettings(host_delay=0, warc_size=1, concurrency=2)
        entries = [UrlEntry(open_host.url(p), None, 1) for p in pages]
        entries.append(UrlEntry(broken_host.url("p0.html"), None, 1))
        report = WebCrawler(tmp_path, options, settings).run(entries)
    assert report.outcomes == {"fetched": 4, "robots_disallowed": 1}
    assert len(report.warc_files) == 4  # warc_size=1: one file per fetch
    assert [e.path for e in broken_host.log] == ["robots.txt"]
    state = json.loads((tmp_path / "crawl_state.json").read_text())["urls"]
    assert sorted(i["warc"] for i in state.values() if "warc" in i) == sorted(report.warc_files)

    with FaultServer(pages) as open_host:  # --overwrite: old WARC files go, new ones come
        entries = [UrlEntry(open_host.url(p), None, 1) for p in pages]
        again = WebCrawler(tmp_path, options, settings).run(entries, overwrite=True)
    assert again.outcomes == {"fetched": 4}
    assert sorted(p.name for p in tmp_path.glob("*.warc.gz")) == sorted(again.warc_files)


def test_url_list_formats(tmp_path):
    plain = tmp_path / "urls.txt"
    plain.write_text(
        "# links\nhttps://a.example/x\n\nftp://nope\nhttps://a.example/x\nhttp://b.example\n"
    )
    got = read_url_list(plain)
    assert [e.url for e in got.entries] == ["https://a.example/x", "http://b.example"]
    assert got.skipped["invalid_url"] == 1 and got.skipped["duplicate"] == 1

    jsonl = tmp_path / "urls.jsonl"
    jsonl.write_text(
        '{"url": "https://a.example/1", "score": 5}\n{"url": "https://a.example/2", "score": 1}\n'
    )
    assert [e.url for e in read_url_list(jsonl, min_score=3).entries] == ["https://a.example/1"]

    csv_file = tmp_path / "urls.csv"
    csv_file.write_text("karma,url\n3,https://a.example/1\nlots,https://a.example/2\n")
    got = read_url_list(csv_file, min_score=3)
    assert [e.score for e in got.entries] == [3.0] and got.skipped["bad_score"] == 1


def test_url_list_errors(tmp_path):
    plain = tmp_path / "urls.txt"
    plain.write_text("https://a.example/x\n")
    with pytest.raises(ConfigError, match="--min-score needs a 'score' or 'karma' column"):
        read_url_list(plain, min_score=3)
    no_header = tmp_path / "urls.tsv"
    no_header.write_text("https://a.example/x\t3\n")
    with pytest.raises(InputError, match="no 'url' column"):
        read_url_list(no_header)
    bad_json = tmp_path / "urls.jsonl"
    bad_json.write_text("{oops\n")
    with pytest.raises(InputError, match="urls.jsonl:1: invalid JSON"):
        read_url_list(bad_json)


def test_iris_are_encoded_and_invalid_urls_are_a_counted_outcome(tmp_path):
    from corpuskit.crawl.http import split_url
    from corpuskit.crawl.ratelimit import RateLimiter
    from corpuskit.crawl.retry import RetryPolicy
    from corpuskit.crawl.transfer import TransferOptions
    from corpuskit.crawl.urls import UrlEntry
    from corpuskit.crawl.webcrawl import WebCrawler, WebCrawlSettings

    assert split_url("http://h/ä b?q=ü&x=%20") == ("http", "h", "/%C3%A4%20b?q=%C3%BC&x=%20")
    assert split_url("http://bücher.de:8080/x")[1] == "xn--bcher-kva.de:8080"
    with FaultServer({"caf%C3%A9.html": page("Café", 9)}) as server:
        options = TransferOptions(policy=RetryPolicy(3, 0.001, 0.01), limiter=RateLimiter(None))
        crawler = WebCrawler(tmp_path, options, WebCrawlSettings(host_delay=0))
        entries = [
            UrlEntry(server.url("café.html"), None, 1),
            UrlEntry("http://exa mple.com/", None, 2),
        ]
        report = crawler.run(entries)
    assert report.outcomes == {"fetched": 1, "invalid_url": 1}
    assert [e.path for e in server.log] == ["robots.txt", "caf%C3%A9.html"]


def test_long_robots_txt_is_read_past_the_first_socket_read():
    from corpuskit.crawl.ratelimit import RateLimiter
    from corpuskit.crawl.robots import RobotsCache

    filler = "".join(f"# comment line {i} " + "x" * 80 + "\n" for i in range(2000))  # ~200 KB
    robots = ("User-agent: *\n" + filler + "Disallow: /late/\nCrawl-delay: 2\n").encode()
    with FaultServer({"robots.txt": robots}) as server:
        cache = RobotsCache("corpuskit/0.1", timeout=5, limiter=RateLimiter(None))
        assert not cache.allowed(server.url("late/page.html"))
        assert cache.allowed(server.url("early/page.html"))
        assert cache.crawl_delay(server.url("x")) == 2.0
        assert [e.path for e in server.log] == ["robots.txt"]
