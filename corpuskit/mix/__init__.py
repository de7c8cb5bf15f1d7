"""``corpuskit mix``: a token-budgeted mixture of sources written as a dataset-card package.

Modules, in the order data flows through them:

- :mod:`.sources`   read any source as Arrow batches of the raw document schema
  (dataset folders, Parquet/JSONL files, :mod:`.books`, :mod:`.wiki`, :mod:`.webtext`);
- :mod:`.recipe`    the TOML recipe, its validation and the ``gpt3`` preset;
- :mod:`.tokens`    token counting (whitespace, tiktoken, HF tokenizers);
- :mod:`.plan`      pass 1 (per-document token index) and the epochs/quotas/order plan;
- :mod:`.package`   pass 2: streams documents into ``data/<split>-NNNNN-of-NNNNN.parquet``
  through on-disk buckets, then writes ``manifest.json``;
- :mod:`.card`      the dataset card ``README.md`` and its plots; :mod:`.verify` checks a package.
"""
