"""The report of the demo pipeline, opened in a real headless Chromium; `inspect` on its package.

`corpuskit run` runs the demo configuration (examples/demo.toml, outputs in a temporary
folder) and writes OUT/report.html. The page is loaded from disk over the DevTools protocol:
no console errors, every number shown equals `corpuskit stats --json`, a sampled rejected
document of a known reason is shown. The screenshot is kept in test-artifacts/ (gitignored).
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cli.stats import flatten, human_size
from corpuskit.htmlreport.svg import number
from tests.browser import Chromium, chromium_path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"

pytestmark = pytest.mark.slow


def corpuskit(*args):
    return subprocess.run(
        [sys.executable, "-m", "corpuskit", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """examples/demo.toml with its output moved to a temporary folder, run locally."""
    out = tmp_path_factory.mktemp("demo") / "out"
    config = out.parent / "demo.toml"
    text = (ROOT / "examples" / "demo.toml").read_text(encoding="utf-8")
    assert 'output = "out/demo"' in text
    config.write_text(text.replace('output = "out/demo"', f'output = "{out}"'), encoding="utf-8")
    result = corpuskit("run", config, "--executor", "local", "--workers", "1")
    assert result.returncode == 0, result.stderr
    return out, result


def test_run_writes_the_report_and_prints_its_path(demo):
    out, result = demo
    assert f"report: {out / 'report.html'}" in result.stdout
    assert (out / "report.html").is_file()
    card = (out / "mix" / "README.md").read_text(encoding="utf-8")
    assert "[The pipeline report](report.html)" in card
    assert "![Pipeline funnel](plots/funnel.png)" in card
    assert (out / "mix" / "report.html").is_file() and (
        out / "mix" / "plots" / "funnel.png"
    ).is_file()
    assert corpuskit("card", "verify", out / "mix").returncode == 0


def test_inspect_a_package_by_source(demo):
    out, _ = demo
    result = corpuskit("inspect", out / "mix", "--source", "books2", "--json")
    assert result.returncode == 0, result.stderr
    found = [json.loads(line) for line in result.stdout.splitlines()]
    table = pq.read_table(out / "mix" / "data", columns=["source"])
    assert len(found) == table["source"].to_pylist().count("books2") > 0
    assert {r["source"] for r in found} == {"books2"} and all("epoch" in r for r in found)


def test_a_package_alone_shows_its_upstream_funnel_from_the_lineage(demo, tmp_path):
    out, _ = demo
    page = tmp_path / "package.html"
    result = corpuskit("report", out / "mix", "-o", page)
    assert result.returncode == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert "lineage when each stage finished" in html
    dropped = json.loads((out / "filter" / "manifest.json").read_text())["counters"]["filters"]
    count = dropped["lang"]["dropped"]["wrong_language"]
    assert f"wrong_language: <b>{count}</b>" in html
    assert "<h2>Package</h2>" in html and "books2" in html


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    binary, reason = chromium_path()
    if binary is None:
        pytest.skip(reason)
    chromium = Chromium(binary, tmp_path_factory.mktemp("chromium-profile"))
    yield chromium
    chromium.close()


def test_the_report_in_a_real_browser(demo, browser):
    out, _ = demo
    page = out / "report.html"
    for domain in ("Runtime", "Log", "Page"):
        browser.call(f"{domain}.enable")
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        width=1280,
        height=900,
        deviceScaleFactor=1,
        mobile=False,
    )
    browser.call("Page.navigate", url=page.as_uri())
    browser.wait_for("Page.loadEventFired")
    assert browser.evaluate("document.title") == "corpuskit report"
    assert browser.evaluate("typeof window.corpuskitReport") == "object"  # the inline script ran

    shown = browser.evaluate(
        "Array.from(document.querySelectorAll('[data-stat]')).map(e => "
        "[e.dataset.path, e.dataset.stat, e.textContent.trim(), e.getBoundingClientRect().width > 0])"
    )
    stages = [out / s for s in ("extract", "filter", "dedup", "decontaminate", "mix")]
    stats = json.loads(corpuskit("stats", *stages, "--json").stdout)
    assert {d["path"] for d in stats["datasets"]} == {str(p) for p in stages}
    flat = {d["path"]: flatten(d) for d in stats["datasets"]}
    keys = set()
    for path, key, text, visible in shown:
        value = flat[path][key]
        expected = human_size(value) if key == "bytes.data" else number(value)
        assert text == expected, (path, key)
        assert visible, (path, key)
        keys.add((path, key))
    filtered = str(out / "filter")
    for key, value in flat[filtered].items():
        if ".dropped." in key and value:
            assert (filtered, key) in keys  # every reason that removed documents is on the page
    assert (str(out / "dedup"), "counters.removed.exact") in keys

    rejected = pq.read_table(out / "filter" / "rejected").to_pylist()
    wrong_language = {r["url"] for r in rejected if r["reject.reason"] == "wrong_language"}
    examples = browser.evaluate(
        "Array.from(document.querySelectorAll('.example[data-reason=\"lang.wrong_language\"]'))"
        ".map(e => [e.querySelector('.url').textContent, e.offsetHeight > 0])"
    )
    assert examples and all(visible for _, visible in examples)
    failing = browser.evaluate(
        'Array.from(document.querySelectorAll(\'.example[data-reason="lang.wrong_language"] '
        "tr.fails td:first-child')).map(e => e.textContent)"
    )
    assert failing == ["language"] * len(examples)  # the rule that decided is highlighted
    assert {url for url, _ in examples} <= wrong_language
    assert browser.evaluate("document.querySelectorAll('.cluster .member').length") >= 2

    metrics = browser.call("Page.getLayoutMetrics")
    height = min(int(metrics["cssContentSize"]["height"]), 12000)
    shot = browser.call(
        "Page.captureScreenshot",
        format="png",
        captureBeyondViewport=True,
        clip={"x": 0, "y": 0, "width": 1280, "height": height, "scale": 1},
    )
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "report-demo.png"
    screenshot.write_bytes(base64.b64decode(shot["data"]))
    print(f"screenshot of the demo report: {screenshot}")
    assert browser.errors() == []
