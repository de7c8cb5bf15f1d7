"""The ``tokenize`` step: one package shard (Parquet) in, one token shard (two files) out.

Work travels as ``(step name, frozen params, shard)`` like every stage; the tokenizer is
loaded once per worker in :meth:`TokenizeStep.setup`. :func:`run_token_shard` is the
top-level function the executors call: it writes the token files under temporary names,
renames them, then ``_stats/<shard>.json`` and last the ``_done/<shard>`` marker, so a shard
killed at any point counts as not done and is redone from scratch on the next run.
"""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path
from typing import Any, ClassVar

from corpuskit import storage
from corpuskit.dataset import DATA_DIR, DatasetFolder, atomic_write_text
from corpuskit.executor import Shard, ShardResult, StageSpec, failed_result, step_instance
from corpuskit.registry import Step, register_step

# Documents are read and encoded this many at a time: large enough that the tokenizer's batch
# call dominates, small enough to keep a worker's memory at a few MB of text.
BATCH_DOCUMENTS = 1024


@register_step
class TokenizeStep(Step):
    """Encode the ``text`` column of one package shard and write its token files."""

    name: ClassVar[str] = "tokenize"

    @dataclasses.dataclass(frozen=True)
    class Params:
        tokenizer: str = ""
        eot_token: str = "<|endoftext|>"
        format: str = "megatron"
        dtype: str = "uint16"
        threads: int = 1

    def setup(self) -> None:
        from corpuskit.tokenize.spec import LoadedTokenizer

        self.tokenizer = LoadedTokenizer(
            self.params.tokenizer, self.params.eot_token, self.params.threads
        )

    def run(self, shard: Shard, output: str) -> dict[str, Any]:
        """Tokenize ``shard.path`` into ``output/<shard.id>.*``; returns counters and files.

        The files are written on a local disk (the ``.npy`` header is rewritten in place at
        the end): in ``output`` itself when it is local, else in a temporary folder, then
        uploaded under attempt names and committed (:func:`corpuskit.storage.commit`).
        """
        import tempfile

        if storage.is_local(output):
            return self._write(shard, output, output)
        with tempfile.TemporaryDirectory(prefix="corpuskit-tokens-") as local:
            return self._write(shard, local, output)

    def _write(self, shard: Shard, local: str, output: str) -> dict[str, Any]:
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        from corpuskit.checksum import file_sha256
        from corpuskit.tokenize.formats import TokenShardWriter

        writer = TokenShardWriter(
            Path(local), shard.id, self.params.format, self.params.dtype, self.tokenizer.eot_id
        )
        text_bytes = 0
        try:
            with storage.open_input(shard.path) as fh:
                parquet = pq.ParquetFile(fh)
                for batch in parquet.iter_batches(batch_size=BATCH_DOCUMENTS, columns=["text"]):
                    column = batch.column(0)
                    text_bytes += pc.sum(pc.binary_length(column)).as_py() or 0
                    writer.write(self.tokenizer.encode_batch(column.to_pylist()))
            paths = writer.commit()
        except BaseException:
            writer.abort()
            raise
        files = []
        for path in paths:
            files.append(
                {
                    "path": f"{DATA_DIR}/{path.name}",
                    "bytes": path.stat().st_size,
                    "sha256": file_sha256(path),
                }
            )
            if local != output:
                _upload(path, storage.join(output, path.name))
        return {
            "documents": writer.documents,
            "tokens": writer.tokens,
            "text_bytes": text_bytes,
            "files": files,
        }


def _upload(path: Path, url: str) -> None:
    """Copy a finished local file to ``url`` so that it appears whole or not at all."""
    import shutil

    attempt = storage.attempt_name(url)
    with open(path, "rb") as src, storage.open(attempt, "wb") as dst:
        shutil.copyfileobj(src, dst, 8 << 20)
    storage.commit(attempt, url)


def run_token_shard(spec: StageSpec, shard: Shard) -> ShardResult:
    """Run one shard of ``tokenize`` and commit it; a bad shard is reported, never raised."""
    started = time.monotonic()
    folder = DatasetFolder(spec.output)
    try:
        storage.configure(spec.storage_options)  # the worker shares nothing with the client
        step = step_instance(spec.step, spec.params)
        result = step.run(shard, storage.join(folder.root, DATA_DIR))
        files = result.pop("files")
        stats = {
            "shard": shard.id,
            "input": shard.path,
            "split": shard.option("split"),
            "rows": result["documents"],
            "files": files,
            "counters": result,
            "seconds": round(time.monotonic() - started, 3),
        }
        atomic_write_text(folder.stats_path(shard.id), json.dumps(stats, indent=1, sort_keys=True))
        atomic_write_text(folder.done_path(shard.id), "")
        return ShardResult(shard.id, True, stats)
    except Exception as exc:  # a failed shard is reported, the run goes on
        return failed_result(shard, started, exc)
