"""Global deduplication: URL, exact, line/span and MinHash near-duplicate removal.

The work is split into explicit phases that exchange Parquet files under ``OUT/_work/``
(see docs/dedup.md for the schemas): a per-shard *map* (signatures, keys), a Dask
DataFrame *reduce* (groups, candidate edges, connected components, keep decisions) and a
per-shard *apply* that rewrites every input shard without the removed documents.
"""
