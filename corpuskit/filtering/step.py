"""The registered step ``filter``: run a filter chain on one shard (one input data file).

Kept documents go to ``OUT/data/<shard>.parquet``, dropped ones (with ``--keep-rejected``) to
``OUT/rejected/<shard>.parquet`` with ``reject.filter``/``reject.reason``. Counters per filter
(in, kept, dropped by reason — zeros included — and seconds) are returned for ``_stats`` and
the manifest.

Multilingual mode (``by_language``): kept documents are routed by ``doc.language`` to one
complete dataset folder per language, ``OUT/languages/<lang>/`` (``data/<shard>.parquet``,
``_stats/<shard>.json``, ``_done/<shard>``; the CLI writes its ``manifest.json``), so any
later stage reads one language with ``corpuskit dedup OUT/languages/en``. The main
``OUT/data/`` shards are then empty; documents without a language go to ``und``.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from corpuskit.filtering.chain import FilterSpec
from corpuskit.filtering.languages import LanguagePartitions
from corpuskit.filtering.runner import ChainRunner
from corpuskit.readers import read_documents
from corpuskit.registry import Step, register_step


@register_step
class FilterStep(Step):
    """Run ``chain`` on every document of a shard (see :mod:`corpuskit.filtering.runner`)."""

    name = "filter"

    @dataclasses.dataclass(frozen=True)
    class Params:
        chain: tuple[FilterSpec, ...] = ()
        mode: str = "filter"  # filter | annotate | from_signals
        by_language: bool = False
        # from_signals: drop the signal columns of the chain's filters, so the output equals
        # what filtering directly writes.
        strip_signals: bool = True

    def setup(self) -> None:
        self._runner = ChainRunner(self.params.chain, self.params.mode)
        self._runner.setup()

    def run(self, shard, output) -> dict[str, Any]:
        runner = self._runner
        runner.reset()
        partitions = (
            LanguagePartitions(output.folder.root, shard.id) if self.params.by_language else None
        )
        prefixes = tuple(spec.key + "." for spec in self.params.chain)
        strip = self.params.mode == "from_signals" and self.params.strip_signals
        started = time.perf_counter()
        try:
            for doc in read_documents(shard.path):
                doc, spec, reason = runner.process(doc)
                if strip:
                    doc.signals = {
                        k: v for k, v in doc.signals.items() if not k.startswith(prefixes)
                    }
                if spec is not None:
                    output.reject(doc, spec.name, reason)
                elif partitions is not None:
                    partitions.write(doc)
                else:
                    output.write(doc)
            languages = partitions.commit() if partitions is not None else None
        except BaseException:
            if partitions is not None:
                partitions.abort()
            raise
        counters = runner.counters()
        filter_seconds = sum(f["seconds"] for f in counters["filters"].values())
        read_seconds = time.perf_counter() - started - filter_seconds
        counters["read_write_seconds"] = round(max(read_seconds, 0.0), 6)
        if languages is not None:
            counters["languages"] = languages
        return counters
