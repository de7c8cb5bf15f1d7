"""Sampled rejected documents for every drop reason, with the signals that decided.

Examples are chosen reproducibly: row groups of ``rejected/`` are visited in an order drawn
from the seed, only the ``reject.filter`` and ``reject.reason`` columns are read to find
candidates, and each reason takes a seeded random subset of its candidates in the first row
groups that have any; full rows are read only for the row groups that hold a chosen example.

A document's signals are its stored ``signals.<filter>.*`` columns (``filter --annotate``);
without them the deciding filter's ``score()`` is recomputed on the document with the
parameters recorded in the manifest (``params.chain``). A signal ``s`` is matched to the
threshold parameters ``min_s`` / ``max_s`` of that filter, and marked when it lies outside.
"""

from __future__ import annotations

from typing import Any

from corpuskit.inspection.rows import read_group, row_groups

EXCERPT_CHARS = 700
REASON_COLUMNS = ["reject.filter", "reject.reason"]


def pick_examples(
    files: list[str], wanted: set[tuple[str, str]], k: int, seed: int
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Up to ``k`` seeded example rows per (filter, reason) in ``wanted``."""
    import numpy as np
    import pyarrow as pa

    groups = row_groups(files)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(groups)).tolist()
    chosen: dict[int, list[tuple[tuple[str, str], int]]] = {}
    need = {pair: k for pair in wanted}
    for number in order:
        if not any(need.values()):
            break
        table = read_group(groups[number], REASON_COLUMNS)
        if table.num_columns < 2:
            continue
        pairs = list(zip(*(table[c].to_pylist() for c in REASON_COLUMNS), strict=True))
        where: dict[tuple[str, str], list[int]] = {}
        for row, pair in enumerate(pairs):
            if need.get(pair):
                where.setdefault(pair, []).append(row)
        for pair in sorted(where):
            rows = where[pair]
            take = rng.permutation(len(rows))[: need[pair]]
            need[pair] -= len(take)
            chosen.setdefault(number, []).extend((pair, rows[i]) for i in sorted(take.tolist()))
    found: dict[tuple[str, str], list[dict[str, Any]]] = {pair: [] for pair in wanted}
    for number in sorted(chosen):
        picks = chosen[number]
        table = read_group(groups[number]).take(pa.array([row for _, row in picks], pa.int64()))
        for (pair, _), record in zip(picks, table.to_pylist(), strict=True):
            found[pair].append(record)
    return found


def _chain_params(manifest: dict[str, Any] | None) -> dict[str, tuple[str, dict[str, Any]]]:
    chain = ((manifest or {}).get("params") or {}).get("chain") or []
    return {
        entry.get("key", entry["name"]): (entry["name"], entry.get("params") or {})
        for entry in chain
        if isinstance(entry, dict) and "name" in entry
    }


class SignalSource:
    """Signals of rejected documents: stored columns, else recomputed by the filter."""

    def __init__(self, manifest: dict[str, Any] | None):
        self.chain = _chain_params(manifest)
        self.filters: dict[str, Any] = {}
        self.problems: dict[str, str] = {}

    def thresholds(self, key: str) -> dict[str, Any]:
        """The parameters of filter ``key`` as it ran (short lists included, e.g. languages)."""
        params = self.chain.get(key, ("", {}))[1]
        return {
            k: v
            for k, v in params.items()
            if isinstance(v, (int, float, bool)) or (isinstance(v, list) and 0 < len(v) <= 10)
        }

    def _filter(self, key: str):
        if key in self.filters or key in self.problems:
            return self.filters.get(key)
        from corpuskit.registry import get_filter, make_params

        name, params = self.chain.get(key, (key.split("#")[0], {}))
        try:
            cls = get_filter(name)
            instance = cls(make_params(cls.Params, params, f"filter {key}"))
            instance.setup()
            self.filters[key] = instance
        except Exception as exc:  # a filter's model or word list may be missing here
            self.problems[key] = f"could not recompute {key} signals: {exc}"
        return self.filters.get(key)

    def signals(self, key: str, record: dict[str, Any]) -> tuple[dict[str, float], str]:
        """(signals, where they came from) for a rejected row of filter ``key``."""
        prefix = f"signals.{key}."
        stored = {
            name[len(prefix) :]: value
            for name, value in record.items()
            if name.startswith(prefix) and value is not None
        }
        if stored:
            return stored, "stored signals (filter --annotate)"
        instance = self._filter(key)
        if instance is not None:
            from corpuskit.document import Document

            try:
                return dict(instance.score(Document.from_row(record))), "recomputed by the filter"
            except Exception as exc:  # a bad document must not stop the report
                return {}, f"could not recompute: {exc}"
        return {}, self.problems.get(key, "")


def _stem(name: str) -> str:
    return name.removesuffix("_ratio")


def compare(signals: dict[str, float], thresholds: dict[str, Any]) -> list[dict[str, Any]]:
    """Each signal ``s`` beside its thresholds ``min_s`` / ``max_s`` (a ``_ratio`` suffix on
    either side is ignored), flagged when outside them."""
    bounds: dict[tuple[str, str], float] = {}
    for param, value in thresholds.items():
        side, _, rest = param.partition("_")
        if (
            side in ("min", "max")
            and isinstance(value, (int, float))
            and not isinstance(value, bool)
        ):
            bounds[(side, _stem(rest))] = value
    strict = thresholds.get("strictly_above") is True  # the lang filter's FineWeb '> 0.65'
    rows = []
    for name in sorted(signals):
        value = signals[name]
        low, high = bounds.get(("min", _stem(name))), bounds.get(("max", _stem(name)))
        fails = (low is not None and (value <= low if strict else value < low)) or (
            high is not None and bool(high) and value > high
        )
        rows.append(
            {
                "signal": name,
                "value": value,
                "min": low,
                "max": high,
                "strict": strict and low is not None,
                "fails": bool(fails),
            }
        )
    rows.sort(key=lambda r: (not r["fails"], r["min"] is None and r["max"] is None, r["signal"]))
    return rows


def describe(record: dict[str, Any], key: str, source: SignalSource) -> dict[str, Any]:
    """What the page shows for one rejected document."""
    signals, origin = source.signals(key, record)
    text = record.get("text") or ""
    return {
        "id": record.get("id"),
        "url": record.get("url"),
        "language": record.get("language"),
        "language_score": record.get("language_score"),
        "chars": len(text),
        "excerpt": text[:EXCERPT_CHARS],
        "truncated": len(text) > EXCERPT_CHARS,
        "signals": language_rule(record, source.thresholds(key))
        + compare(signals, source.thresholds(key)),
        "signals_origin": origin,
    }


def language_rule(record: dict[str, Any], thresholds: dict[str, Any]) -> list[dict[str, Any]]:
    """The document's language against a filter's ``languages`` list (the lang filter's
    ``wrong_language`` rule), as one more row of the signals table."""
    allowed = thresholds.get("languages")
    language = record.get("language")
    if not isinstance(allowed, list) or not allowed or language is None:
        return []
    return [
        {
            "signal": "language",
            "value": language,
            "min": None,
            "max": None,
            "allowed": allowed,
            "fails": language not in allowed,
        }
    ]


def reasons_with_examples(
    files: list[str], steps: list[dict[str, Any]], manifest, k: int, seed: int
) -> list[dict[str, Any]]:
    """For each filter step and drop reason: its count, share and up to ``k`` examples."""
    wanted = {(step["label"], reason["name"]) for step in steps for reason in step["reasons"]}
    examples = pick_examples(files, wanted, k, seed) if files and k else {}
    source = SignalSource(manifest)
    found = []
    for step in steps:
        for reason in step["reasons"]:
            pair = (step["label"], reason["name"])
            found.append(
                {
                    "filter": step["label"],
                    "reason": reason["name"],
                    "count": reason["count"],
                    "key": reason["key"],
                    "share_of_input": reason["count"] / step["in"] if step["in"] else 0.0,
                    "thresholds": source.thresholds(step["label"]),
                    "examples": [
                        describe(r, step["label"], source) for r in examples.get(pair, [])
                    ],
                }
            )
    return found
