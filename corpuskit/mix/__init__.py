"""``corpuskit mix``: a token-budgeted mixture of sources written as a dataset-card package.

Modules, in the order data flows through them:

- :mod:`.sources`   read any source as Arrow batches of the raw document schema
  (dataset folders, Parquet/JSONL files, :mod:`.books`, :mod:`.wiki`, :mod:`.webtext`);
- :mod:`.recipe`    the TOML recipe, its validation and the ``gpt3`` preset;
- :mod:`.tokens`    token counting (whitespace, tiktoken, HF tokenizers);
- :mod:`.tasks`     the units of work any executor runs: count one file (pass 1), spill one
  file's planned rows into buckets and write one shard (pass 2);
- :mod:`.passes`    the client's side: which tasks to submit, joining their results;
- :mod:`.plan`      the per-document token index and the epochs/quotas/order plan;
- :mod:`.buckets`, :mod:`.workarea`  pass 2's on-disk buckets, and all of mix's own file I/O;
- :mod:`.package`   builds ``data/<split>-NNNNN-of-NNNNN.parquet`` in a work area, writes
  ``manifest.json`` and renames the finished package into place;
- :mod:`.card`      the dataset card ``README.md`` and its plots; :mod:`.verify` checks a package.
"""
