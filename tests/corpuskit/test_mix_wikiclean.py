"""Wiki markup left by unbalanced or truncated wikitext is cleaned: adversarial cases, dev dumps."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corpuskit.mix.wiki import iter_articles, wikitext_to_text
from corpuskit.mix.wikiclean import clean_residue
from tests.corpuskit.mix_helpers import SAMPLES

CASES = Path(__file__).parent / "data" / "wikiclean"
DEV_WIKI = Path(__file__).resolve().parents[2] / ".." / "shared" / "devdata" / "wiki"
MARKUP = ("{{", "}}", "[[", "]]", "<ref", "</ref", "{|", "|-", "|}", "&nbsp;", "&lt;")


@pytest.mark.parametrize("case", sorted(p.stem for p in CASES.glob("*.wiki")))
def test_adversarial_wikitext_is_cleaned(case):
    import mwparserfromhell

    wikitext = (CASES / f"{case}.wiki").read_text()
    expected = (CASES / f"{case}.expected").read_text().strip()
    text = wikitext_to_text(mwparserfromhell.parse(wikitext))
    assert text == expected
    for markup in MARKUP:
        assert markup not in text


def test_residue_rules_on_plain_text():
    text = (
        'Start <ref name="x">note\nacross lines</ref>end. {{outer {{inner}} still}} kept '
        '[[Category:Seals]] [[a|b]] [ftp://host/file label] <div class="x">in</div> 3 < 4.'
    )
    assert clean_residue(text) == "Start end. kept b label in 3 < 4."


def test_the_dump_names_for_the_file_namespace_are_dropped():
    assert clean_residue("[[Fichero:a.png|mini|x]]Text", ["Fichero"]) == "Text"
    assert clean_residue("[[Fichero:a.png|mini|x]]Text") == "xText"


def test_a_dump_cut_after_complete_pages_keeps_them_and_counts_it(tmp_path):
    whole = (SAMPLES / "wiki" / "samplewiki-pages-articles.xml").read_text()
    cut = whole[: whole.rindex("</page>") + len("</page>")]
    (tmp_path / "cut.xml").write_text(cut)
    counters: dict = {}
    titles = [d.metadata["title"] for d in iter_articles(str(tmp_path / "cut.xml"), counters)]
    assert titles == ["Harbour seal", "Tidal mill", "Sea glass", "Kelp forest"]
    assert counters["truncated_dumps"] == 1


def _dev_dumps():
    if not DEV_WIKI.is_dir():
        pytest.skip(f"devdata wiki dumps not found at {DEV_WIKI} (shared dev data absent)")
    return sorted(p for p in DEV_WIKI.rglob("*") if p.name.endswith((".xml", ".xml.bz2")))


@pytest.mark.slow
def test_no_wiki_markup_remains_in_any_dev_article():
    dumps = _dev_dumps()
    assert len(dumps) == 4
    articles = 0
    for dump in dumps:
        for doc in iter_articles(str(dump), {}):
            articles += 1
            for markup in ("{{", "[[", "<ref", "{|", "|-"):
                assert markup not in doc.text, (dump.name, doc.metadata["title"], markup)
    assert articles >= 12


def test_vietnamese_articles_keep_what_wikiextractor_keeps():
    _dev_dumps()
    reference = (DEV_WIKI / "viwiki" / "wiki_00.extracted.txt").read_text()
    extracted = dict(re.findall(r'<doc [^>]*title="([^"]*)">\n(.*?)</doc>', reference, re.S))
    docs = list(iter_articles(str(DEV_WIKI / "viwiki" / "test.xml"), {}))
    assert len(docs) == 5
    for doc in docs:
        ours = set(re.findall(r"\w+", doc.text.lower()))
        theirs = set(re.findall(r"\w+", extracted[doc.metadata["title"]].lower()))
        assert len(ours & theirs) >= 0.95 * len(theirs), doc.metadata["title"]
        assert "|" not in doc.text, doc.metadata["title"]
