"""datatrove's side of ``make bench-peers``; runs inside ``benchmarks/.venv-peers``.

Not imported by corpuskit: ``benchmarks/bench_peers.py`` runs it as a subprocess, one stage
at a time, so that each stage's wall time and peak memory are measured on their own.

* ``extract WARC_DIR OUT``: WarcReader → Trafilatura(favour_precision) → JsonlWriter
  (``OUT/extracted``), FineWeb's extraction step.
* ``filter OUT``: JsonlReader(``OUT/extracted``) → LanguageFilter(en > 0.65) →
  GopherRepetitionFilter → GopherQualityFilter → C4QualityFilter(no terminal-punctuation
  rule) → FineWebQualityFilter → JsonlWriter(``OUT/kept``); every filter writes what it drops
  to ``OUT/excluded/<filter>`` so the two tools' decisions can be compared document by document.

* ``dedup OUT``: datatrove's four MinHash stages (signatures, buckets, clusters, filter) on
  ``OUT/extracted``, FineWeb's settings (5-word shingles, 14 buckets x 8 hashes, seed 1);
  removed documents go to ``OUT/dedup-removed``.

The settings are FineWeb's (datatrove's ``examples/fineweb.py``) except the per-page
extraction time limit (10 s, corpuskit's default, instead of 1 s, so a loaded machine does not
decide which pages both tools read) and the language model file: lid.176 is loaded from
``--lid-model`` (the copy corpuskit caches) because the benchmark runs without internet.
"""

from __future__ import annotations

import argparse
from pathlib import Path

FILTERS = ("lang", "gopher_repetition", "gopher_quality", "c4", "fineweb_quality")


def use_local_lid_model(path: str) -> None:
    """Point datatrove's fastText lid.176 at a local file instead of its download URL."""
    from datatrove.utils import lid

    lid.FT176LID.MODEL_URL = str(Path(path).resolve())


def run_extract(warc_dir: str, out: Path, workers: int) -> None:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.extractors import Trafilatura
    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.writers import JsonlWriter

    LocalPipelineExecutor(
        pipeline=[
            WarcReader(warc_dir, glob_pattern="*.warc.gz"),
            Trafilatura(favour_precision=True, timeout=10.0),
            JsonlWriter(str(out / "extracted"), compression=None),
        ],
        tasks=workers,
        workers=workers,
        logging_dir=str(out / "logs-extract"),
    ).run()


def run_filter(out: Path, workers: int) -> None:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.filters import (
        C4QualityFilter,
        FineWebQualityFilter,
        GopherQualityFilter,
        GopherRepetitionFilter,
        LanguageFilter,
    )
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    def excluded(name: str):
        return JsonlWriter(str(out / "excluded" / name), compression=None)

    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(out / "extracted"), compression=None),
            LanguageFilter(
                languages=["en"], language_threshold=0.65, exclusion_writer=excluded("lang")
            ),
            GopherRepetitionFilter(exclusion_writer=excluded("gopher_repetition")),
            GopherQualityFilter(exclusion_writer=excluded("gopher_quality")),
            C4QualityFilter(filter_no_terminal_punct=False, exclusion_writer=excluded("c4")),
            FineWebQualityFilter(exclusion_writer=excluded("fineweb_quality")),
            JsonlWriter(str(out / "kept"), compression=None),
        ],
        tasks=workers,
        workers=workers,
        logging_dir=str(out / "logs-filter"),
    ).run()


def run_dedup(out: Path, workers: int) -> None:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup import (
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.dedup.minhash import MinhashConfig
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    config = MinhashConfig(n_grams=5, num_buckets=14, hashes_per_bucket=8, seed=1)
    work = out / "minhash"
    stages = [
        (
            [
                JsonlReader(str(out / "extracted"), compression=None),
                MinhashDedupSignature(output_folder=str(work / "signatures"), config=config),
            ],
            workers,
        ),
        (
            [MinhashDedupBuckets(str(work / "signatures"), str(work / "buckets"), config=config)],
            config.num_buckets,
        ),
        ([MinhashDedupCluster(str(work / "buckets"), str(work / "remove_ids"), config=config)], 1),
        (
            [
                JsonlReader(str(out / "extracted"), compression=None),
                MinhashDedupFilter(
                    str(work / "remove_ids"),
                    exclusion_writer=JsonlWriter(str(out / "dedup-removed"), compression=None),
                ),
                JsonlWriter(str(out / "deduped"), compression=None),
            ],
            workers,
        ),
    ]
    for number, (pipeline, tasks) in enumerate(stages, 1):
        LocalPipelineExecutor(
            pipeline=pipeline,
            tasks=tasks,
            workers=min(tasks, workers),
            logging_dir=str(out / f"logs-minhash-{number}"),
        ).run()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stage", choices=["extract", "filter", "dedup"])
    parser.add_argument("--warc-dir", help="folder holding the benchmark WARC (extract)")
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--lid-model", help="local lid.176 model file (filter)")
    args = parser.parse_args()
    if args.stage == "extract":
        run_extract(args.warc_dir, args.out, args.workers)
    elif args.stage == "dedup":
        run_dedup(args.out, args.workers)
    else:
        use_local_lid_model(args.lid_model)
        run_filter(args.out, args.workers)


if __name__ == "__main__":
    main()
