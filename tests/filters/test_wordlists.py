"""Word lists of badwords and url_blocklist (download, cache, files, errors), and the C4
page/line split (c4_page gives the same verdict before and after c4_lines)."""

from __future__ import annotations

import http.server
import threading

import pytest

import filters.badwords as badwords
from corpuskit.document import Document
from corpuskit.errors import ConfigError, DependencyError
from filters.badwords import BadWords
from filters.c4 import C4Lines, C4Page, C4PageParams
from filters.urls import UrlBlocklist
from tests.filters.test_cases import CASE_FILES, case_text, load_case


@pytest.fixture
def list_server():
    """A local HTTP server serving LDNOOBW-like lists: /en -> two entries; others 404."""
    requests = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            requests.append(self.path)
            if self.path == "/en":
                body = b"frobnicate\nsnark hunt\n"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_error(404)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CORPUSKIT_CACHE", str(tmp_path))
    monkeypatch.setattr(badwords, "_download_error", None)
    return tmp_path / "badwords"


def doc(text, language="en"):
    return Document(id="d", text=text, language=language)


def test_ldnoobw_list_is_downloaded_once_and_cached(list_server, fresh_cache, monkeypatch):
    url, requests = list_server
    monkeypatch.setenv("CORPUSKIT_LDNOOBW_URL", url + "/{lang}")
    first = BadWords(BadWords.Params(list_source="ldnoobw"))
    first.setup()
    assert first.reject_reason(doc("Do not frobnicate the widget.")) == "bad_words"
    assert first.reject_reason(doc("We went on a snark hunt.")) == "bad_words"
    assert first.reject_reason(doc("What the fuck.")) is None  # not in this list
    assert (fresh_cache / "en").read_text() == "frobnicate\nsnark hunt\n"
    assert requests == ["/en"]
    # A new worker reads the cache: no second request.
    second = BadWords(BadWords.Params(list_source="ldnoobw"))
    second.setup()
    assert second.score(doc("frobnicate!")) == {"matches": 1.0, "has_list": 1.0}
    assert requests == ["/en"]


def test_auto_falls_back_to_the_bundled_list_without_network(fresh_cache):
    # The default URL is on GitHub, which tests cannot reach (tests/conftest.py).
    instance = BadWords(BadWords.Params(list_source="auto"))
    instance.setup()
    assert instance.reject_reason(doc("What the fuck.")) == "bad_words"
    assert badwords._download_error is not None
    assert not (fresh_cache / "en").exists()


def test_ldnoobw_source_without_network_is_a_dependency_error(fresh_cache):
    instance = BadWords(BadWords.Params(list_source="ldnoobw"))
    with pytest.raises(DependencyError, match="words_file"):
        instance.setup()  # the default language's list is loaded in setup
    lazy = BadWords(BadWords.Params(list_source="ldnoobw", default_language="zz"))
    lazy.setup()  # LDNOOBW has no list for "zz": nothing to fetch
    assert lazy.score(doc("anything", "zz")) == {"matches": 0.0, "has_list": 0.0}
    with pytest.raises(DependencyError, match="list_source=bundled"):
        lazy.score(doc("anything", "de"))  # other languages load on first use


def test_words_file_replaces_the_lists(tmp_path):
    path = tmp_path / "mine.txt"
    path.write_text("# my list\nBanana\n\nkiwi fruit\n", encoding="utf-8")
    instance = BadWords(BadWords.Params(words_file=str(path), list_source="bundled"))
    instance.setup()
    assert instance.score(doc("A banana and a kiwi fruit.", "de"))["matches"] == 2.0
    assert instance.reject_reason(doc("What the fuck.")) is None


def test_badwords_configuration_errors(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        BadWords(BadWords.Params(words_file=str(tmp_path / "missing.txt"))).setup()
    with pytest.raises(ConfigError, match="list_source"):
        BadWords(BadWords.Params(list_source="web")).setup()


def test_url_blocklist_files(tmp_path):
    domains = tmp_path / "domains.txt"
    domains.write_text("# adult\nbad.example\n.worse.example\n", encoding="utf-8")
    banned = tmp_path / "words.txt"
    banned.write_text("casino\n", encoding="utf-8")
    instance = UrlBlocklist(
        UrlBlocklist.Params(
            domains_file=str(domains), banned_words_file=str(banned), banned_words=()
        )
    )
    instance.setup()

    def verdict(url):
        return instance.reject_reason(Document(id="u", text="x", url=url))

    assert verdict("https://www.bad.example/a") == "blocked_domain"
    assert verdict("worse.example/b") == "blocked_domain"
    assert verdict("https://good.example/online-casino") == "banned_url_word"
    assert verdict("https://good.example/casinos") is None
    assert verdict("https://good.example/porn") is None  # default words replaced


def test_url_blocklist_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="domains_file"):
        UrlBlocklist(UrlBlocklist.Params(domains_file=str(tmp_path / "nope.txt"))).setup()


def c4_texts():
    for path in CASE_FILES:
        case = load_case(path)
        if case["filter"].startswith("c4") and "max_chars" not in str(case.get("params")):
            yield case_text(case)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"min_words_per_line": 3, "min_sentences": 5},
        {"min_words_per_line": 3, "min_sentences": 5, "terminal_punctuation": False},
    ],
    ids=["code", "paper", "fineweb"],
)
def test_c4_page_verdict_does_not_depend_on_running_after_c4_lines(params):
    page = C4Page(C4PageParams(**params))
    line_params = {k: v for k, v in params.items() if k != "min_sentences"}
    lines = C4Lines(C4Lines.Params(**line_params))
    checked = 0
    for text in c4_texts():
        original = doc(text)
        if len(text) > page.params.max_chars:
            continue
        cleaned = lines.clean(original)
        before = page.reject_reason(original)
        after = page.reject_reason(cleaned) if cleaned is not None else "too_few_sentences"
        assert before == after, text[:80]
        assert before == page.decide(page.score(original), original)
        checked += 1
    assert checked > 20
