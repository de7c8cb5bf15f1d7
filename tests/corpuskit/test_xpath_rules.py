"""trafilatura's rules, rewritten by corpuskit.extract.xpath_rules, select the same elements."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from corpuskit.extract import xpath_rules
from corpuskit.extract.html import ExtractorOptions, make_extractor
from corpuskit.extract.tree import drop_boilerplate_tags, parse_html
from tests.warcs import article_html, english_paragraphs

ROOT = Path(__file__).resolve().parents[2]
DEV_SET = ROOT.parent / "shared/devdata/extraction/trafilatura-eval"

# Class, id and style values that trafilatura's rules look for, on the tags they name,
# nested, so that most rules select something and the union keeps document order.
_TOKENS = [
    ("div", 'class="cookie-banner"'),
    ("section", 'id="sidebar-left"'),
    ("span", 'class="share-this"'),
    ("p", 'class="byline"'),
    ("item", 'class="related"'),
    ("list", 'id="nav-top"'),
    ("div", 'class="comment-list"'),
    ("ul", 'class="comments-area"'),
    ("ol", 'id="comments"'),
    ("details", 'class="post-comments"'),
    ("div", 'class="teaser Teaser-box"'),
    ("div", 'id="main-caption"'),
    ("div", 'style="display:none"'),
    ("span", 'aria-hidden="true"'),
    ("div", 'class="mvp-post-add-box"'),
    ("aside", 'class="infinite-scroll"'),
    ("section", 'class="elementor-share-buttons"'),
    ("div", 'class="page bottom"'),
    ("p", 'id="link"'),
    ("div", 'class="post-content"'),
    ("article", 'class="entry"'),
    ("main", 'id="content"'),
    ("div", 'role="navigation"'),
    ("section", 'class="fulltext"'),
    ("div", 'class="main-column"'),
]


def _rule_page() -> str:
    blocks = []
    for number, (tag, attributes) in enumerate(_TOKENS):
        inner = f"<p>Paragraph {number} with <a href='/x{number}'>a link</a> and words.</p>"
        nested = f"<div class='inner'><{tag} {attributes}>{inner}</{tag}></div>"
        blocks.append(f"<{tag} {attributes}>{inner}{nested}</{tag}>")
    return "<html><body>" + "".join(blocks) + "</body></html>"


def _pages(dev_pages: int) -> list[str]:
    pages = [_rule_page()]
    pages += [article_html(f"Story {n}", english_paragraphs(n, 6)) for n in range(5)]
    if (DEV_SET / "html").is_dir():
        files = sorted((DEV_SET / "html").glob("*.gz"))
        step = max(1, len(files) // dev_pages)
        for path in files[::step][:dev_pages]:
            pages.append(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))
    return pages


@pytest.fixture
def original_rules():
    """trafilatura's own rules while the test runs; the rewritten ones again afterwards."""
    xpath_rules.uninstall()
    try:
        yield list(xpath_rules.rule_pairs())
    finally:
        xpath_rules.install()


def test_rewrite_turns_self_tests_into_a_union_and_leaves_positions_alone():
    assert xpath_rules.rewrite(".//*[self::div or self::p][@class='x']") == (
        "(.//div | .//p)[@class='x']"
    )
    positional = ".//*[self::div or self::p][@class='x'][1]"
    assert xpath_rules.rewrite(positional) == positional
    assert xpath_rules.rewrite("(.//article)[1]") == "(.//article)[1]"
    assert xpath_rules.rewrite("(.//*[self::div or self::p][@id='x'])[1]") == (
        "((.//div | .//p)[@id='x'])[1]"
    )
    two_groups = "(.//*[self::div or self::p])[1]|(.//main)[1]"
    assert xpath_rules.rewrite(two_groups) == two_groups
    guarded = "((@class) and re:test(@class, 'share|social'))"
    assert xpath_rules.rewrite(".//*[re:test(@class, 'share|social')]") == f".//*[{guarded}]"
    matches_empty = ".//*[re:test(@class, 'x?')]"  # an absent class would match: no guard
    assert xpath_rules.rewrite(matches_empty) == matches_empty


def test_every_rewritten_rule_selects_the_same_elements(original_rules):
    assert len(original_rules) >= 15  # trafilatura's content rule lists were found
    rewritten = [r for _, _, r in original_rules if xpath_rules.rewrite(r.path) != r.path]
    assert len(rewritten) >= 8
    selected = 0
    for page in _pages(dev_pages=60):
        for keep_all in (False, True):
            tree = parse_html(page)
            if tree is None:
                continue
            if not keep_all:
                drop_boilerplate_tags(tree)
            for name, index, rule in original_rules:
                expected = rule(tree)
                got = xpath_rules.compile_rule(rule.path)(tree)
                assert got == expected, f"{name}[{index}] differs"
                selected += len(expected)
    assert selected > 500  # the pages exercise the rules, not only their empty results


def test_extraction_is_unchanged_by_the_rewritten_rules(original_rules):
    extractor = make_extractor(ExtractorOptions())
    pages = _pages(dev_pages=40)
    xpath_rules.uninstall()
    before = [extractor.extract(page, "https://a.example/") for page in pages]
    assert xpath_rules.install() >= 15
    after = [extractor.extract(page, "https://a.example/") for page in pages]
    assert [e and e.text for e in after] == [e and e.text for e in before]
    assert sum(bool(e and e.text) for e in before) >= 5
