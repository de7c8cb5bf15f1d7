"""Benchmark `corpuskit models train-quality` on a real-page proxy: held-out AUC and seconds.

The proxy (issue 11): for each of the ~990 real pages of
``../shared/devdata/extraction/trafilatura-eval``, the main text trafilatura extracts is a
positive and the text of the whole page (navigation, footers and all) a negative. The command
is run with its default settings, and, as the baseline, with the settings it had before
(10 epochs, dim 64, whole documents up to 20,000 characters). The held-out AUC printed by the
command itself must be at least 0.9 with the defaults. Skips (exit 0) without the dev data.

    .venv/bin/python benchmarks/bench_quality.py               # all pages
    .venv/bin/python benchmarks/bench_quality.py --pages 300   # quicker
    .venv/bin/python benchmarks/bench_quality.py --proxy /tmp/proxy  # build once, then reuse
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.quality_proxy import available, write_proxy  # noqa: E402

BASELINE = ("--epoch", "10", "--max-chars", "20000")


def train(positive: Path, negative: Path, model: Path, extra: tuple[str, ...]) -> dict:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "corpuskit", "models", "train-quality", "--positive",
         str(positive), "--negative", str(negative), "-o", str(model), *extra],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    print(done.stdout, file=sys.stderr)
    metrics = json.loads(Path(str(model) + ".metrics.json").read_text())["metrics"]
    return {
        "settings": " ".join(extra) or "defaults",
        "auc": metrics["auc"],
        "f1": metrics["f1"],
        "precision": metrics["precision"],
        "recall": metrics["recall"],
        "seconds": round(seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=None)
    parser.add_argument(
        "--proxy", type=Path, help="Reuse (or keep) the proxy files in this folder."
    )
    args = parser.parse_args()
    if not available():
        print("skipped: ../shared/devdata/extraction/trafilatura-eval is absent")
        return
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        folder = args.proxy or Path(tmp) / "proxy"
        if (folder / "positive.jsonl").is_file() and (folder / "negative.jsonl").is_file():
            positive, negative = folder / "positive.jsonl", folder / "negative.jsonl"
            pages = sum(1 for _ in positive.open())
        else:
            positive, negative, pages = write_proxy(folder, args.pages)
        results = {"pages": pages, "proxy_seconds": round(time.perf_counter() - started, 1)}
        results["defaults"] = train(positive, negative, Path(tmp) / "q.bin", ())
        results["baseline_previous_defaults"] = train(
            positive, negative, Path(tmp) / "b.bin", BASELINE
        )
    print(json.dumps(results, indent=2))
    if results["defaults"]["auc"] < 0.9:
        sys.exit(f"held-out AUC {results['defaults']['auc']} < 0.9 with the default settings")


if __name__ == "__main__":
    main()
