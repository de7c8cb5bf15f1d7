"""`corpuskit report`: numbers equal `stats --json`, seeded evidence, self-contained page."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from cli.main import cli
from cli.stats import flatten
from corpuskit.errors import InputError
from corpuskit.htmlreport import clusters, evidence, svg
from corpuskit.htmlreport.layout import dataset_folders
from tests.report_corpus import make_filtered


class PageParser(HTMLParser):
    """Collects the numbers tagged data-stat, the example documents, and every URL the page
    would load (src, href other than #anchors, link tags)."""

    def __init__(self):
        super().__init__()
        self.stats: list[tuple[str, str, str]] = []
        self.examples: list[dict] = []
        self.loads: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "data-stat" in a:
            self.stats.append((a["data-path"], a["data-stat"], a["data-value"]))
        if "example" in (a.get("class") or "").split():
            self.examples.append(a)
        for name in ("src", "href"):
            if a.get(name) and not a[name].startswith("#"):
                self.loads.append(a[name])
        if tag == "link":
            self.loads.append(str(a))


def parse(path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def report(*args):
    result = CliRunner().invoke(cli, ["report", *map(str, args)])
    assert result.exit_code == 0, result.output
    return result


def stats_json(*paths):
    result = CliRunner().invoke(cli, ["stats", *map(str, paths), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return make_filtered(tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def page(folder):
    out = folder.parent / "report.html"
    assert report(folder, "-o", out).stdout.strip() == str(out)
    return out


def test_every_number_equals_stats_json(folder, page):
    entry = stats_json(folder)["datasets"][0]
    flat = flatten(entry)
    shown = parse(page).stats
    assert len(shown) > 10
    for path, key, value in shown:
        assert path == entry["path"]
        assert float(value) == flat[key], key
    keys = {key for _, key, _ in shown}
    dropped = {k for k, v in flat.items() if ".dropped." in k and v}
    assert dropped and dropped <= keys  # every reason that removed something is on the page
    assert {"documents", "rejected_documents", "counters.filters.gopher_quality.in"} <= keys


def test_each_reason_has_seeded_examples_with_deciding_signals(folder, page):
    html = page.read_text(encoding="utf-8")
    examples = parse(page).examples
    reasons = {e["data-reason"] for e in examples}
    assert "gopher_quality.too_few_words" in reasons and "c4_page.too_few_sentences" in reasons
    block = html[html.index('data-reason="gopher_quality.too_few_words" data-id') :]
    block = block[: block.index("</table>")]
    assert re.search(
        r'<tr class="fails"><td>words</td><td class="num">[\d,]+</td>'
        r'<td class="num">≥ 50 and ≤ 100,000</td><td>outside</td>',
        block,
    )
    assert "stored signals (filter --annotate)" in html
    again = folder.parent / "again.html"
    report(folder, "-o", again)
    assert [e["data-id"] for e in parse(again).examples] == [e["data-id"] for e in examples]


def test_signals_are_recomputed_when_not_stored(tmp_path):
    folder = make_filtered(tmp_path, annotate=False)
    out = tmp_path / "r.html"
    report(folder, "-o", out, "--examples", 1)
    html = out.read_text(encoding="utf-8")
    assert "recomputed by the filter" in html
    assert len({e["data-reason"] for e in parse(out).examples}) == len(parse(out).examples)


def test_without_keep_rejected_the_page_says_so(tmp_path):
    folder = make_filtered(tmp_path, annotate=False, keep_rejected=False)
    out = tmp_path / "r.html"
    report(folder, "-o", out)
    assert "ran without <code>--keep-rejected</code>" in out.read_text(encoding="utf-8")
    assert parse(out).examples == []


def test_page_is_self_contained(page):
    html = page.read_text(encoding="utf-8")
    assert parse(page).loads == []
    assert "@import" not in html and "url(" not in html
    data = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html, re.S)
    assert json.loads(data.group(1))["seed"] == 0
    assert "<svg" in html and "Distributions" in html and "top domains dropped" in html


def test_run_root_expands_in_pipeline_order(tmp_path, folder):
    root = tmp_path / "run"
    root.mkdir()
    (root / "a-filter").symlink_to(folder)
    (root / "b-extract").mkdir()
    (root / "b-extract" / "manifest.json").write_text('{"stage": "extract"}')
    (root / "notes").mkdir()
    assert [p.rsplit("/", 1)[-1] for p in dataset_folders([str(root)])] == ["b-extract", "a-filter"]
    with pytest.raises(InputError, match="output root of `corpuskit run`"):
        dataset_folders([str(root / "notes")])
    result = CliRunner().invoke(cli, ["report", str(tmp_path / "absent")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_signal_beside_its_thresholds():
    rows = evidence.compare(
        {"words": 12.0, "dup_10gram_ratio": 0.05, "top_2gram_ratio": 0.4, "other": 1.0},
        {"min_words": 50, "max_words": 100_000, "max_dup_10gram": 0.1, "max_top_2gram": 0.2},
    )
    by_name = {r["signal"]: r for r in rows}
    assert by_name["words"]["fails"] and by_name["words"]["min"] == 50
    assert by_name["top_2gram_ratio"]["fails"] and by_name["top_2gram_ratio"]["max"] == 0.2
    assert not by_name["dup_10gram_ratio"]["fails"] and by_name["dup_10gram_ratio"]["max"] == 0.1
    assert by_name["other"]["min"] is None and not by_name["other"]["fails"]
    assert [r["signal"] for r in rows[:2]] == ["top_2gram_ratio", "words"]  # failures first


def test_strictly_above_makes_the_minimum_exclusive():
    at_limit = {"score": 0.65}
    assert evidence.compare(at_limit, {"min_score": 0.65, "strictly_above": True})[0]["fails"]
    assert not evidence.compare(at_limit, {"min_score": 0.65})[0]["fails"]


def test_language_against_the_allowed_languages():
    rows = evidence.language_rule({"language": "de"}, {"languages": ["en"], "min_score": 0.65})
    assert rows == [
        {
            "signal": "language",
            "value": "de",
            "min": None,
            "max": None,
            "allowed": ["en"],
            "fails": True,
        }
    ]
    assert evidence.language_rule({"language": "en"}, {"languages": ["en"]})[0]["fails"] is False
    assert evidence.language_rule({"language": "en"}, {"min_score": 0.5}) == []


def test_word_diff_marks_only_the_differing_words():
    left, right = clusters.word_diff("the cat sat on the mat", "the dog sat on the mat today")
    assert [seg for seg, differs in left if differs] == ["cat"]
    assert [seg for seg, differs in right if differs] == ["dog", "today"]


def test_svg_escapes_labels():
    chart = svg.hbars([("<script>alert(1)</script>", 3)])
    assert "<script>" not in chart and "&lt;script&gt;" in chart


def test_card_funnel_comes_from_the_report(page, tmp_path, folder):
    from corpuskit.mix.card import report_funnel, write_funnel_png

    steps = report_funnel(page)
    filters = stats_json(folder)["datasets"][0]["counters"]["filters"]
    assert [(s["name"], s["in"], s["out"]) for s in steps] == [
        (name, filters[name]["in"], filters[name]["kept"]) for name in ("gopher_quality", "c4_page")
    ]
    write_funnel_png(steps, tmp_path / "funnel.png")
    assert (tmp_path / "funnel.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert report_funnel(tmp_path / "absent.html") == []


def test_top_domains_from_urls():
    import pyarrow as pa

    from corpuskit.htmlreport.distributions import top_domains

    urls = ["https://www.A.example/x", "http://a.example:80/y", None, "ftp://u@b.org/", "nope"]
    assert top_domains(pa.array(urls)) == [("a.example", 2), ("b.org", 1)]
    assert top_domains(pa.array([None], pa.string())) == []
