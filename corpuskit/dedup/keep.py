"""The deterministic keep rule: which member of a duplicate group survives.

Members are ordered by, in turn: documents of an ``--index`` dataset first (they are
already published, so every input document duplicating one is removed), source priority
(``--priority``; without it every source ranks the same unless the rule is
``first-source``), the rule's own key, and finally the document id, so every tie is broken
the same way on every run, worker count and shard order. The first member is kept.

Rules: ``oldest`` / ``newest`` (timestamp; a missing timestamp ranks last), ``longest``
(characters; datatrove and text-dedup keep an arbitrary member, NeMo the first),
``first-source`` (only source priority, in input order, then id).
"""

from __future__ import annotations

KEEP_RULES = ("oldest", "newest", "longest", "first-source")

# Columns every group-member frame carries for the rule.
RULE_COLUMNS = ("id", "is_index", "priority", "time", "length")


def mark_kept(frame, group: str, rule: str):
    """Sort members of each ``group`` by the keep order; add ``kept`` and ``cluster_size``."""
    if rule not in KEEP_RULES:
        raise ValueError(f"unknown keep rule {rule!r}")
    ordered = frame.assign(_index_rank=(~frame["is_index"].astype(bool)).astype("int8"))
    columns = [group, "_index_rank", "priority"]
    ascending = [True, True, True]
    if rule in ("oldest", "newest"):
        ordered = ordered.assign(_rule=ordered["time"] if rule == "oldest" else -ordered["time"])
        columns.append("_rule")
        ascending.append(True)
    elif rule == "longest":
        ordered = ordered.assign(_rule=-ordered["length"])
        columns.append("_rule")
        ascending.append(True)
    columns.append("id")
    ascending.append(True)
    ordered = ordered.sort_values(columns, ascending=ascending, na_position="last", kind="stable")
    ordered["kept"] = ~ordered[group].duplicated(keep="first")
    ordered["cluster_size"] = ordered.groupby(group)[group].transform("size").astype("int64")
    kept_ids = ordered.loc[ordered["kept"], [group, "id"]].rename(columns={"id": "kept_id"})
    ordered = ordered.merge(kept_ids, on=group, how="left")
    return ordered.drop(columns=[c for c in ("_index_rank", "_rule") if c in ordered.columns])
