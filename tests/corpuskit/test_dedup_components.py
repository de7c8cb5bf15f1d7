"""Distributed connected components against a union-find reference."""

from __future__ import annotations

import random

import dask
import dask.dataframe as dd
import pandas as pd

from corpuskit.dedup.components import connected_components


def _reference(edges):
    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for u, v in edges:
        ru, rv = find(u), find(v)
        if ru != rv:
            parent[max(ru, rv)] = min(ru, rv)
    return {node: min(n for n in parent if find(n) == find(node)) for node in parent}


def _run(edges, partitions):
    frame = pd.DataFrame(edges, columns=["u", "v"]).astype("int64")
    ddf = dd.from_pandas(frame, npartitions=partitions)
    with dask.config.set({"dataframe.shuffle.method": "tasks"}):
        labels, rounds = connected_components(
            ddf,
            partitions,
            lambda c: dask.persist(c, scheduler="sync")[0],
            lambda c: dask.compute(c, scheduler="sync")[0],
        )
        result = labels.compute(scheduler="sync")
    return dict(zip(result["node"], result["label"], strict=True)), rounds


def test_random_graph_matches_union_find():
    partitions = 2
    rng = random.Random(partitions)
    nodes = [rng.randrange(-(2**62), 2**62) for _ in range(150)]
    edges = []
    for _ in range(120):
        u, v = rng.sample(nodes, 2)
        edges.append((max(u, v), min(u, v)))
    labels, _ = _run(edges, partitions)
    assert labels == _reference(edges)


def test_long_chain_converges_to_the_minimum():
    chain = list(range(40, 0, -1))
    edges = [(chain[i], chain[i + 1]) for i in range(len(chain) - 1)]
    labels, rounds = _run(edges, 1)
    assert set(labels.values()) == {1}
    assert len(labels) == 40
    assert rounds < 10  # pointer jumping: logarithmic, not 40 rounds
