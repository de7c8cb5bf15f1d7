"""Benchmark `corpuskit extract` against trafilatura's default ``extract()``.

Builds a WARC of N pages from the hand-written ground-truth pages in
``benchmarks/extract_groundtruth/`` (each ``NN-name.html`` with its expected article text in
``NN-name.txt``). Every generated page is a variant: words of the article are replaced by
random words of the same vocabulary, in the HTML and in the expected text alike, so no two
pages are the same but the expected text stays exact.

Then, in one process (one worker), it times:

* ``baseline``: warcio loop over the same records + ``trafilatura.extract(payload)`` with
  trafilatura's defaults (a plain loop, as a user would write it);
* ``corpuskit``: the ``extract`` step with corpuskit's defaults (what the CLI runs per shard);
* ``resiliparse``: the same step with ``--extractor resiliparse``;
* optional extra trafilatura settings with ``--explore``.

Variants also carry 10-60 KB of inline CSS and script in ``<head>``, as real pages do, so
MB/s is not measured on unrealistically small pages.

It prints documents and payload MB per CPU-second of the one worker process and the mean
token F1 of each against the expected text. The methods run interleaved for ``--rounds``
rounds and the fastest round of each counts (as ``timeit`` does): on a machine shared with
other jobs, CPU time still varies with their load. Run: ``.venv/bin/python benchmarks/bench_extract.py [--pages 2000]``.

``--real`` scores real pages instead: trafilatura's evaluation set in
``../shared/devdata/extraction/trafilatura-eval/`` with its snippet rule
(``benchmarks/realpages.py``), for corpuskit's default (decoding included, as ``corpuskit
extract`` runs it), ``trafilatura.extract()`` with its defaults, ``favor_precision=True``
(without ``fast``) and ``--extractor resiliparse``. It prints F1, precision, recall and
documents per CPU-second of the one process, and exits with a message when the set is absent.
"""

from __future__ import annotations

import argparse
import collections
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.realpages import Score, dev_set_missing, load_pages  # noqa: E402
from corpuskit.executor import Shard  # noqa: E402
from corpuskit.extract import xpath_rules  # noqa: E402
from corpuskit.extract.deadline import ExtractionTimeout, time_limit  # noqa: E402
from corpuskit.extract.decode import Undecodable, decode_body  # noqa: E402
from corpuskit.extract.html import ExtractorOptions, make_extractor  # noqa: E402
from corpuskit.extract.step import ExtractStep, utf8_bytes  # noqa: E402
from tests.warcs import response, write_warc  # noqa: E402

GROUND_TRUTH = Path(__file__).resolve().parent / "extract_groundtruth"
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]|[^\W_]+", re.UNICODE)
_WORD = re.compile(r"\b[^\W\d_]{5,}\b", re.UNICODE)
_TAG = re.compile(r"(<[^>]*>)")


def load_ground_truth() -> list[tuple[str, str, str]]:
    """``(name, html, expected text)`` for every page of the ground-truth set."""
    pages = []
    for html_path in sorted(GROUND_TRUTH.glob("*.html")):
        expected = html_path.with_suffix(".txt").read_text(encoding="utf-8")
        pages.append((html_path.stem, html_path.read_text(encoding="utf-8"), expected))
    if not pages:
        raise SystemExit(f"no ground-truth pages in {GROUND_TRUTH}")
    return pages


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; CJK characters count one token each."""
    return _TOKEN.findall(text.lower())


def token_f1(predicted: str, expected: str) -> float:
    """Bag-of-tokens F1, as in the trafilatura and ScrapingHub extraction benchmarks."""
    got, want = collections.Counter(tokens(predicted)), collections.Counter(tokens(expected))
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def make_variant(html: str, expected: str, vocabulary: list[str], rng: random.Random):
    """Replace ~40 % of the article's long words consistently in the HTML text and expected."""
    words = sorted(set(_WORD.findall(expected)))
    mapping = {w: rng.choice(vocabulary) for w in words if rng.random() < 0.4}
    if not mapping:
        return html, expected
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, mapping)) + r")\b")

    def swap(text: str) -> str:
        return pattern.sub(lambda m: mapping[m.group(1)], text)

    parts = _TAG.split(html)
    varied = "".join(part if part.startswith("<") else swap(part) for part in parts)
    return varied, swap(expected)


def page_weight(rng: random.Random) -> str:
    """Inline CSS, JSON-LD and analytics script, as real pages carry (10-60 KB of it)."""
    rules = "".join(
        f".c{rng.randrange(10**6)}{{margin:{rng.randrange(40)}px;color:#{rng.randrange(16**6):06x}}}"
        for _ in range(rng.randrange(100, 500))
    )
    events = ",".join(
        f'{{"id":"{rng.randrange(16**8):08x}","t":{rng.randrange(10**9)},"k":"slot{i}"}}'
        for i in range(rng.randrange(100, 500))
    )
    return (
        f"<style>{rules}</style>"
        '<script type="application/ld+json">{"@type":"NewsArticle","publisher":"Example"}</script>'
        f"<script>window.__state={{events:[{events}]}};function track(e){{return e}}</script>"
    )


def build_warc(path: Path, pages: int, seed: int) -> dict[str, str]:
    """Write ``pages`` variants to ``path``; returns expected text by record id."""
    truth = load_ground_truth()
    vocabulary = sorted({w for _, _, text in truth for w in _WORD.findall(text) if w.isascii()})
    rng = random.Random(seed)
    records, expected_by_id = [], {}
    for i in range(pages):
        name, html, expected = truth[i % len(truth)]
        if i >= len(truth):
            html, expected = make_variant(html, expected, vocabulary, rng)
            html = html.replace("</head>", page_weight(rng) + "</head>", 1)
        record = response(f"https://bench.example/{name}/{i}", html)
        records.append(record)
        expected_by_id[record.id()] = expected
    write_warc(path, records)
    return expected_by_id


class _Collect:
    def __init__(self):
        self.docs = []

    def write(self, doc):
        self.docs.append(doc)


def use_rules_of(tool: str) -> None:
    """trafilatura's own XPath rules for its baselines, corpuskit's rewritten ones for corpuskit.

    corpuskit installs its faster, equivalent rules process-wide when it builds an extractor;
    a baseline timed in the same process must not run on them.
    """
    if tool == "trafilatura":
        xpath_rules.uninstall()
    else:
        xpath_rules.install()


def run_baseline(path: Path, options: dict | None = None) -> tuple[dict[str, str], float, int]:
    """A plain warcio loop calling ``trafilatura.extract`` on each payload."""
    import trafilatura
    from warcio.archiveiterator import ArchiveIterator

    use_rules_of("trafilatura")
    options = options or {}
    texts, payload = {}, 0
    started = time.process_time()
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type != "response":
                continue
            body = record.content_stream().read()
            payload += len(body)
            text = trafilatura.extract(body, **options)
            texts[record.rec_headers.get_header("WARC-Record-ID")] = text or ""
    return texts, time.process_time() - started, payload


def run_step(path: Path, options: ExtractorOptions) -> tuple[dict[str, str], float, int]:
    """The corpuskit ``extract`` step on the whole file (one shard, this process)."""
    step = ExtractStep(ExtractStep.Params(extractor=options))
    step.setup()
    use_rules_of("corpuskit")
    out = _Collect()
    started = time.process_time()
    counters = step.run(Shard("bench", str(path)), out)
    seconds = time.process_time() - started
    return {d.id: d.text for d in out.docs}, seconds, counters["payload_bytes"]


def corpuskit_page_extractor(options: ExtractorOptions, timeout: float = 10.0):
    """``page -> text`` the way the ``extract`` step treats a page: decode, then extract."""
    extractor = make_extractor(options)

    def run(page) -> str:
        try:
            decoded, codec = decode_body(page.body, None, html=True)
            with time_limit(timeout):
                extracted = extractor.extract(decoded, page.url, utf8_bytes(page.body, codec))
        except (Undecodable, ExtractionTimeout):
            return ""
        return extracted.text if extracted else ""

    return run


def trafilatura_page_extractor(**options):
    """``page -> text`` with ``trafilatura.extract`` on the raw bytes (it decodes itself)."""
    import trafilatura

    def run(page) -> str:
        return trafilatura.extract(page.body, url=page.url, **options) or ""

    return run


def real_page_methods(explore: bool = False) -> list[tuple[str, object]]:
    """The extractors compared on real pages, baseline first."""
    methods = [
        ("trafilatura.extract() defaults", trafilatura_page_extractor()),
        (
            "trafilatura favor_precision (no fast)",
            trafilatura_page_extractor(favor_precision=True),
        ),
        ("corpuskit default", corpuskit_page_extractor(ExtractorOptions())),
        (
            "corpuskit --extractor resiliparse",
            corpuskit_page_extractor(ExtractorOptions(extractor="resiliparse")),
        ),
    ]
    if explore:
        methods += [
            ("trafilatura fast", trafilatura_page_extractor(fast=True)),
            (
                "trafilatura fast+precision",
                trafilatura_page_extractor(fast=True, favor_precision=True),
            ),
            (
                "corpuskit --fast (no fallback)",
                corpuskit_page_extractor(ExtractorOptions(fast=True)),
            ),
        ]
    return methods


def run_real(limit: int | None, rounds: int, explore: bool) -> None:
    """Score and time every method on the real-page dev set; print one table."""
    reason = dev_set_missing()
    if reason:
        print(f"skipped: {reason}", file=sys.stderr)
        return
    pages = load_pages(limit=limit)
    size_mb = sum(len(p.body) for p in pages) / 1e6
    print(
        f"{len(pages)} real pages ({size_mb:.1f} MB HTML) from the trafilatura evaluation set; "
        "1 worker; rates per CPU-second",
        file=sys.stderr,
    )
    methods = real_page_methods(explore)
    best: dict[str, float] = {}
    scores: dict[str, Score] = {}
    for round_number in range(rounds):
        for label, extract in methods:  # interleaved, so a burst of load hits every method
            use_rules_of("trafilatura" if label.startswith("trafilatura") else "corpuskit")
            texts = []
            started = time.process_time()
            for page in pages:
                texts.append(extract(page))
            seconds = time.process_time() - started
            best[label] = min(seconds, best.get(label, float("inf")))
            if round_number == 0:
                score = Score()
                for page, text in zip(pages, texts, strict=True):
                    score.add(text, page.with_snippets, page.without_snippets)
                scores[label] = score
            print(f"  round {round_number + 1}: {label} {seconds:.1f} CPU s", file=sys.stderr)
    base_rate = len(pages) / best[methods[0][0]]
    print(
        f"{'extractor (1 worker, real pages)':40} {'F1':>6} {'prec':>6} {'recall':>6} "
        f"{'docs/s':>7} {'x base':>7}"
    )
    for label, _ in methods:
        score, rate = scores[label], len(pages) / best[label]
        print(
            f"{label:40} {score.f1:6.4f} {score.precision:6.4f} {score.recall:6.4f} "
            f"{rate:7.1f} {rate / base_rate:6.2f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000, help="pages in the generated WARC")
    parser.add_argument(
        "--rounds", type=int, default=2, help="timed rounds per method; the best one counts"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--explore", action="store_true", help="also time other trafilatura settings"
    )
    parser.add_argument(
        "--real", action="store_true", help="score real pages (devdata) instead of generated ones"
    )
    parser.add_argument("--limit", type=int, default=None, help="with --real: first N pages only")
    args = parser.parse_args()
    if args.real:
        run_real(args.limit, args.rounds, args.explore)
        return

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.warc.gz"
        expected = build_warc(path, args.pages, args.seed)
        size_mb = path.stat().st_size / 1e6
        print(
            f"{args.pages} pages from {len(load_ground_truth())} ground-truth templates, "
            f"{size_mb:.1f} MB WARC.gz; 1 worker; rates per CPU-second",
            file=sys.stderr,
        )
        runs = [("baseline: trafilatura.extract() defaults", lambda: run_baseline(path))]
        runs.append(("corpuskit default (trafilatura)", lambda: run_step(path, ExtractorOptions())))
        runs.append(
            (
                "corpuskit --extractor resiliparse",
                lambda: run_step(path, ExtractorOptions(extractor="resiliparse")),
            )
        )
        if args.explore:
            for label, opts in [
                ("trafilatura fast=True", dict(fast=True)),
                ("trafilatura favor_precision=True", dict(favor_precision=True)),
                ("trafilatura fast+precision", dict(fast=True, favor_precision=True)),
                (
                    "trafilatura fast+precision-comments",
                    dict(fast=True, favor_precision=True, include_comments=False),
                ),
            ]:
                runs.append((label, lambda opts=opts: run_baseline(path, opts)))
        best: dict[str, float] = {}
        quality: dict[str, tuple[float, int]] = {}
        for round_number in range(args.rounds):
            for label, run in runs:  # interleaved, so a burst of load hits every method
                texts, seconds, payload = run()
                best[label] = min(seconds, best.get(label, float("inf")))
                if round_number == 0:
                    f1 = sum(token_f1(texts.get(i, ""), exp) for i, exp in expected.items())
                    quality[label] = (f1 / len(expected), payload)
                print(f"  round {round_number + 1}: {label} {seconds:.1f} CPU s", file=sys.stderr)
        rows = []
        for label, _ in runs:
            f1, payload = quality[label]
            seconds = best[label]
            rows.append((label, len(expected) / seconds, payload / 1e6 / seconds, f1, seconds))
    base_rate = rows[0][1]
    print(f"{'extractor (1 worker)':42} {'docs/s':>8} {'MB/s':>7} {'x base':>7} {'token F1':>9}")
    for label, rate, mbs, f1, _ in rows:
        print(f"{label:42} {rate:8.1f} {mbs:7.2f} {rate / base_rate:6.2f}x {f1:9.3f}")


if __name__ == "__main__":
    main()
