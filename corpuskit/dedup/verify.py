"""Exact verification of MinHash candidates (``--verify exact``), as Dask partition functions.

Banding only proposes pairs. With exact verification every candidate pair's true Jaccard
similarity is computed on the two documents' shingle sets (sorted 64-bit shingle hashes,
read in a second map pass from ``_work/shingles/``), and only pairs at or above the
threshold become edges of the duplicate graph. Candidate pairs are not only star edges:
inside each bucket, documents sorted by node are paired with their next ``WINDOW``
neighbours (all pairs of buckets up to ``WINDOW + 1`` members), so a chance member of a
bucket cannot hide the real duplicates in it. After the keep rule has chosen one member per
component, every other member is checked against the kept one (the *chain guard*): a
member below the threshold is kept too, so a chain A ~ B ~ C never removes C for A when
A and C differ.
"""

from __future__ import annotations

import time

from corpuskit import storage
from corpuskit.dedup import work
from corpuskit.progress import log

# Each bucket member is paired with this many following members (in node order).
WINDOW = 8


def bucket_pairs(frame, window: int = WINDOW):
    """Candidate pairs ``u > v`` of each ``(band, key)`` bucket: every member with its next
    ``window`` members in node order (a partition already shuffled by bucket)."""
    import numpy as np
    import pandas as pd

    if not len(frame):
        return pd.DataFrame({"u": pd.Series([], dtype="int64"), "v": pd.Series([], dtype="int64")})
    ordered = frame.sort_values(["band", "key", "node"], kind="stable")
    band = ordered["band"].to_numpy()
    key = ordered["key"].to_numpy()
    node = ordered["node"].to_numpy()
    us, vs = [], []
    for step in range(1, window + 1):
        if step >= len(node):
            break
        same = (band[step:] == band[:-step]) & (key[step:] == key[:-step])
        if not same.any():
            break  # no bucket has more than `step` members
        us.append(node[step:][same])
        vs.append(node[:-step][same])
    if not us:
        return pd.DataFrame({"u": pd.Series([], dtype="int64"), "v": pd.Series([], dtype="int64")})
    u, v = np.concatenate(us), np.concatenate(vs)
    pairs = pd.DataFrame({"u": np.maximum(u, v), "v": np.minimum(u, v)})
    return pairs[pairs["u"] != pairs["v"]].drop_duplicates().reset_index(drop=True)


def set_jaccard(left, right) -> float:
    """Exact Jaccard of two sorted duplicate-free hash arrays (1.0 for two empty sets)."""
    import numpy as np

    if not len(left) and not len(right):
        return 1.0
    shared = np.intersect1d(left, right, assume_unique=True).size
    return shared / (len(left) + len(right) - shared)


def score_pairs(frame):
    """``(u, v, jaccard)`` for a partition of pairs joined with both shingle lists."""
    import pandas as pd

    scores = [set_jaccard(a, b) for a, b in zip(frame["hu"], frame["hv"], strict=True)]
    return pd.DataFrame(
        {
            "u": frame["u"].astype("int64").to_numpy(),
            "v": frame["v"].astype("int64").to_numpy(),
            "jaccard": pd.Series(scores, dtype="float64").to_numpy(),
        }
    )


def guard_scores(frame):
    """``(node, jaccard)``: each removed member's Jaccard with its component's kept member."""
    import pandas as pd

    scores = [set_jaccard(a, b) for a, b in zip(frame["hu"], frame["hv"], strict=True)]
    return pd.DataFrame(
        {
            "node": frame["node"].astype("int64").to_numpy(),
            "jaccard": pd.Series(scores, dtype="float64").to_numpy(),
        }
    )


def apply_guard(rows):
    """Members flagged ``_fail`` (below the threshold with the kept member) are kept too."""
    flagged = rows["_fail"].fillna(False).astype(bool).to_numpy()
    rows = rows.drop(columns="_fail")
    rows["kept"] = rows["kept"].to_numpy() | flagged
    rows["kept_id"] = rows["kept_id"].where(~flagged, rows["id"])
    return rows


# -- the Dask side: run by the reducer (corpuskit.dedup.reduce.Reducer) -----------------------
def _with_shingles(pairs, shingles, left: str, right: str, parts: int):
    """Join both ends' shingle lists (``hu``, ``hv``) to a frame of pairs, by node."""
    return pairs.merge(
        shingles.rename(columns={"node": left, "hashes": "hu"}), on=left, npartitions=parts
    ).merge(shingles.rename(columns={"node": right, "hashes": "hv"}), on=right, npartitions=parts)


def _timed(reducer, name: str, started: float) -> float:
    """Add the time since ``started`` to ``seconds[verify]`` and ``seconds[verify.<name>]``."""
    now = time.monotonic()
    for key in ("verify", f"verify.{name}"):
        reducer.seconds[key] = reducer.seconds.get(key, 0.0) + now - started
    return now


def verify_candidates(reducer, edges, parts: int):
    """Exact Jaccard of every candidate pair; returns (accepted edges, shingle frame).

    Writes ``_work/candidates/`` (the candidate documents), runs the second map pass that
    writes ``_work/shingles/<shard>.parquet``, joins both ends' shingles to every pair
    (shuffles by node) and writes every pair's Jaccard to ``_work/scored/``.
    """
    import dask.dataframe as dd

    from corpuskit.dedup.reduce import _meta_of, read_frame

    cfg = reducer.config
    root = cfg.work
    # persist() returns at once on a cluster: wait for the candidate pairs themselves, so
    # the time below is verification's alone.
    reducer.compute(edges.shape[0])
    started = time.monotonic()
    ends = [edges[["u"]].rename(columns={"u": "node"}), edges[["v"]].rename(columns={"v": "node"})]
    nodes = dd.concat(ends).drop_duplicates(split_out=parts)
    count, _ = reducer.compute_many(
        nodes.shape[0],
        reducer.writer(nodes, storage.join(root, work.CANDIDATES), work.candidates_schema()),
    )
    reducer.counters["candidate_documents"] = int(count)
    log(f"dedup: reduce: reading the shingles of {int(count):,} candidate documents")
    started = _timed(reducer, "candidates", started)
    if reducer.shingle_pass is None:
        raise RuntimeError("--verify exact needs the shingle map pass")
    reducer.shingle_pass()
    started = _timed(reducer, "shingle_pass", started)
    shingles = read_frame(work.parquet_files(storage.join(root, work.SHINGLES)), ["node", "hashes"])
    log("dedup: reduce: exact Jaccard of every candidate pair")
    joined = _with_shingles(edges, shingles, "u", "v", parts)
    scored = reducer.persist(joined.map_partitions(score_pairs, meta=_meta_of(score_pairs, joined)))
    reducer.compute(reducer.writer(scored, storage.join(root, work.SCORED), work.scored_schema()))
    accepted = reducer.persist(scored[scored["jaccard"] >= cfg.threshold][["u", "v"]])
    _timed(reducer, "score", started)
    return accepted, shingles


def chain_guard(reducer, groups, shingles, accepted, parts: int):
    """Keep the members of a component whose Jaccard with its kept member is too low.

    A member joined to the kept member by an accepted edge is already verified; only the
    other members (connected through a chain) are scored on their shingles.
    """
    from corpuskit.dedup.reduce import _meta_of

    reducer.compute(groups.shape[0])  # wait for the keep rule (persisted, maybe running)
    started = time.monotonic()
    kept = groups[groups["kept"]][["cluster", "node"]].rename(columns={"node": "kept_node"})
    removed = groups[~groups["kept"]][["cluster", "node"]]
    pairs = removed.merge(kept, on="cluster", npartitions=parts)[["node", "kept_node"]]
    pairs = pairs.assign(
        u=pairs["node"].where(pairs["node"] > pairs["kept_node"], pairs["kept_node"]),
        v=pairs["node"].where(pairs["node"] < pairs["kept_node"], pairs["kept_node"]),
    )
    known = pairs.merge(accepted.assign(_edge=True), on=["u", "v"], how="left", npartitions=parts)
    chained = known[known["_edge"].isna()][["node", "kept_node"]]
    joined = _with_shingles(chained, shingles, "node", "kept_node", parts)
    scores = joined.map_partitions(guard_scores, meta=_meta_of(guard_scores, joined))
    failing = scores[scores["jaccard"] < reducer.config.threshold][["node"]].assign(_fail=True)
    failing = reducer.persist(failing)
    flagged = groups.merge(failing, on="node", how="left", npartitions=parts)
    guarded = reducer.persist(
        flagged.map_partitions(apply_guard, meta=_meta_of(apply_guard, flagged))
    )
    reducer.counters["chain_guard_kept"] = int(reducer.compute(failing.shape[0]))
    _timed(reducer, "guard", started)
    return guarded
