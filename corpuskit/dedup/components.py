"""Connected components of the candidate graph on Dask DataFrames (min-label propagation).

Every node starts with the smallest id among itself and its neighbours; then, until no
label changes, each node takes the smallest label among its neighbours' labels, followed
by one pointer-jumping step (a node takes the label of its label). Labels only decrease,
and at the fixed point every node carries the smallest node id of its component. Each
round is a few Dask joins and group-bys on (node, label) and (node, neighbour) frames
partitioned by hash, so no process ever holds every edge (hash-to-min, Rastogi et al. 2013;
pointer jumping halves the rounds on long chains).
"""

from __future__ import annotations

from corpuskit.progress import log

MAX_ROUNDS = 200


def _min_labels(frame, node: str, value: str, npartitions: int):
    return frame.groupby(node)[value].min(split_out=npartitions).reset_index()


def connected_components(edges, npartitions: int, persist, compute):
    """Labels ``(node, label)`` of every node in ``edges`` (columns ``u``, ``v``).

    ``persist`` and ``compute`` run Dask collections on the chosen scheduler. Returns the
    labels frame and the number of rounds.
    """
    import dask.dataframe as dd

    forward = edges[["u", "v"]].rename(columns={"u": "node", "v": "other"})
    backward = edges[["v", "u"]].rename(columns={"v": "node", "u": "other"})
    adjacency = persist(dd.concat([forward, backward]))
    labels = _min_labels(adjacency, "node", "other", npartitions)
    labels["label"] = labels["other"].where(labels["other"] < labels["node"], labels["node"])
    labels = persist(labels[["node", "label"]])
    rounds = 0
    while True:
        rounds += 1
        neighbour_labels = adjacency.merge(
            labels.rename(columns={"node": "other", "label": "other_label"}),
            on="other",
            npartitions=npartitions,
        )
        best = _min_labels(neighbour_labels, "node", "other_label", npartitions)
        step = labels.merge(best, on="node", how="left", npartitions=npartitions)
        step["new"] = (
            step["label"]
            .where(
                step["other_label"].isna() | (step["label"] <= step["other_label"]),
                step["other_label"],
            )
            .astype("int64")
        )
        jumped = step.merge(
            step[["node", "new"]].rename(columns={"node": "new", "new": "jump"}),
            on="new",
            how="left",
            npartitions=npartitions,
        )
        jumped["next"] = (
            jumped["new"]
            .where(jumped["jump"].isna() | (jumped["new"] <= jumped["jump"]), jumped["jump"])
            .astype("int64")
        )
        jumped = persist(jumped[["node", "label", "next"]])
        changed_count = int(compute((jumped["next"] != jumped["label"]).sum()))
        labels = jumped[["node", "next"]].rename(columns={"next": "label"})
        log(f"dedup: components round {rounds}: {changed_count:,} labels changed", level=2)
        if changed_count == 0 or rounds >= MAX_ROUNDS:
            return labels, rounds
