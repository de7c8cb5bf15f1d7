"""Main-text extractors and the per-page time limit."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from corpuskit.errors import ConfigError, DependencyError
from corpuskit.extract.deadline import ExtractionTimeout, time_limit
from corpuskit.extract.html import ExtractorOptions, check_extractor, make_extractor
from tests.warcs import article_html, english_paragraphs

PAGE = article_html("Harbour plan approved", english_paragraphs(5), lang="en-GB")


@pytest.mark.parametrize("name", ["trafilatura", "resiliparse"])
def test_extractors_keep_the_article_and_drop_boilerplate(name):
    result = make_extractor(ExtractorOptions(extractor=name)).extract(PAGE, "https://a.example/")
    for paragraph in english_paragraphs(5):
        assert paragraph in result.text
    assert "cookies" not in result.text
    assert "All rights reserved" not in result.text
    assert "About us" not in result.text
    assert result.title == "Harbour plan approved"
    assert result.language == "en-GB"


def test_comments_are_dropped_by_default_and_kept_on_request():
    page = PAGE.replace(
        "</article>",
        '</article><section id="comments" class="comments"><div class="comment"><p>'
        "Great article, I completely agree with every point the author makes here.</p></div>"
        "</section>",
    )
    default = make_extractor(ExtractorOptions()).extract(page)
    assert "completely agree" not in default.text
    keep = make_extractor(ExtractorOptions(include_comments=True, favor_precision=False))
    assert "completely agree" in keep.extract(page).text


def test_unknown_extractor_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown extractor 'boilerpipe': use one of"):
        check_extractor(ExtractorOptions(extractor="boilerpipe"))
    with pytest.raises(ConfigError):
        make_extractor(ExtractorOptions(extractor="boilerpipe"))


def test_missing_resiliparse_names_the_fix(monkeypatch):
    monkeypatch.setitem(sys.modules, "resiliparse.extract.html2text", None)
    with pytest.raises(DependencyError, match=r"pip install 'corpuskit\[fast\]'"):
        check_extractor(ExtractorOptions(extractor="resiliparse"))


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_time_limit_in_the_main_thread_uses_an_alarm():
    started = time.monotonic()
    with pytest.raises(ExtractionTimeout):
        with time_limit(0.2):
            _spin(5)
    assert time.monotonic() - started < 2
    with time_limit(0.5):  # a fast block is not interrupted, and nothing fires later
        _spin(0.01)
    _spin(0.7)


def test_time_limit_in_a_worker_thread_uses_the_watchdog():
    outcome = {}

    def work():
        try:
            with time_limit(0.2):
                _spin(5)
            outcome["result"] = "finished"
        except ExtractionTimeout:
            outcome["result"] = "timeout"
        with time_limit(0.3):
            _spin(0.01)
        _spin(0.5)  # the disarmed limit must not fire here
        outcome["after"] = "clean"

    thread = threading.Thread(target=work)
    started = time.monotonic()
    thread.start()
    thread.join(10)
    assert outcome == {"result": "timeout", "after": "clean"}
    assert time.monotonic() - started < 3


def test_no_limit_means_no_limit():
    with time_limit(0):
        _spin(0.05)
    with time_limit(None):
        _spin(0.05)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<p>a</p><SCRIPT type="t">x="<p>no</p>";</Script ><p>b</p>', "<p>a</p><p>b</p>"),
        ("<style>p{color:red}</style><p>c</p><!-- <p>hidden</p> -->", "<p>c</p>"),
        ("<p>a</p><!-- never closed <p>b</p>", "<p>a</p>"),
        ("<scripts>kept</scripts><p>d</p>", "<scripts>kept</scripts><p>d</p>"),
        ("<p>plain</p>", "<p>plain</p>"),
    ],
)
def test_strip_invisible_removes_what_a_browser_never_shows(html, expected):
    from corpuskit.extract.html import strip_invisible

    assert strip_invisible(html) == expected
