"""The report as one self-contained HTML page: styles, script, data and charts inline.

Every number taken from ``corpuskit stats`` carries ``data-path`` (the folder) and
``data-stat`` (its dotted key in that folder's ``stats --json`` entry, e.g.
``counters.filters.lang.dropped.wrong_language``), so a reader or a test can check it.
The report's data is also embedded as JSON (``<script type="application/json"
id="report-data">``). Nothing is fetched: the page opens from disk, offline.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from corpuskit.htmlreport import svg
from corpuskit.htmlreport.assets import SCRIPT, STYLE
from corpuskit.htmlreport.svg import number


def _size(value: float | None) -> str:
    if value is None:
        return "–"
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return ""


def stat(path: str, key: str, value: float, tag: str = "td") -> str:
    """A number from ``corpuskit stats``, tagged with where it comes from."""
    cls = ' class="num"' if tag == "td" else ""
    return (
        f'<{tag}{cls} data-path="{escape(path)}" data-stat="{escape(key)}" '
        f'data-value="{value}">{number(value)}</{tag}>'
    )


def _anchor(*parts: str) -> str:
    return "-".join("".join(c if c.isalnum() else "_" for c in p) for p in parts)


def stages_table(folders: list[dict[str, Any]]) -> str:
    """One row per folder: documents, rejected kept, bytes, text bytes, tokens."""
    rows = []
    for f in folders:
        r, path = f["row"], f["path"]
        tokens = (
            "–"
            if r["tokens"] is None
            else ("" if r["tokens_exact"] else "≈ ") + number(r["tokens"])
        )
        rows.append(
            f"<tr><td>{escape(f['stage'])}</td><td><code>{escape(path)}</code></td>"
            + stat(path, "documents", r["documents"])
            + stat(path, "rejected_documents", r["rejected_documents"])
            + stat(path, "bytes.data", r["bytes"]).replace(
                f">{number(r['bytes'])}<", f">{_size(r['bytes'])}<"
            )
            + f'<td class="num">{_size(r["text_bytes"])}</td>'
            + f'<td class="num" title="{escape(r["tokenizer"] or "")}">{tokens}</td></tr>'
        )
    return (
        '<table id="stages-table"><tr><th>stage</th><th>folder</th><th class=num>documents</th>'
        "<th class=num>rejected kept</th><th class=num>Parquet on disk</th>"
        "<th class=num>text (uncompressed)</th><th class=num>tokens</th></tr>"
        + "".join(rows)
        + "</table><p class=note>Tokens are exact for a package (its tokenizer); for the other "
        "stages they are whitespace words estimated from the sampled documents' words per byte.</p>"
    )


def funnel_section(folders: list[dict[str, Any]]) -> str:
    """The funnel chart and table over every step of every folder given."""
    steps = []
    for f in folders:
        for step in f["steps"]:
            name = step["label"] if f["stage"] == "filter" else f"{f['stage']}: {step['label']}"
            steps.append(step | {"name": name, "path": f["path"], "stage": f["stage"]})
    if not steps:
        return lineage_funnel(folders)
    rows = []
    for step in steps:
        path = step["path"]
        reasons = "".join(
            f'<span>{escape(r["name"])}: <b data-path="{escape(path)}" '
            f'data-stat="counters.{escape(r["key"])}" data-value="{r["count"]}">'
            f"{number(r['count'])}</b></span>"
            for r in step["reasons"]
        )
        target = (
            f' class="clickable" data-target="reasons-{_anchor(path, step["label"])}"'
            if step["stage"] == "filter"
            else ""
        )
        rows.append(
            f"<tr{target}><td>{escape(step['name'])}</td>"
            + stat(path, f"counters.{step['in_key']}", step["in"])
            + stat(path, f"counters.{step['out_key']}", step["out"])
            + f'<td class="num removed">{number(step["removed"])}</td>'
            + f'<td class="num removed">{step["share_removed"]:.1%}</td>'
            + f'<td class="reason-list">{reasons or "–"}</td></tr>'
        )
    return (
        svg.funnel(steps)
        + '<table id="funnel-table"><tr><th>step</th><th class=num>in</th><th class=num>kept</th>'
        "<th class=num>removed</th><th class=num>share removed</th><th>reasons</th></tr>"
        + "".join(rows)
        + "</table><p class=note>Counts are summed from the <code>_stats/</code> of every "
        "completed shard, exactly as <code>corpuskit stats --json</code> reports them. Filters "
        "count documents only; bytes and tokens are given per stage above.</p>"
    )


def lineage_funnel(folders: list[dict[str, Any]]) -> str:
    """A package given alone: the funnel of its upstream stages, from its manifest's lineage."""
    parts = []
    for f in folders:
        steps = (f.get("package") or {}).get("lineage_steps") or []
        if not steps:
            continue
        named = [
            s | {"name": s["label"] if s["stage"] == "filter" else f"{s['stage']}: {s['label']}"}
            for s in steps
        ]
        rows = "".join(
            f"<tr><td>{escape(s['name'])}</td><td class=num>{number(s['in'])}</td>"
            f"<td class=num>{number(s['out'])}</td><td class='num removed'>{number(s['removed'])}</td>"
            f"<td class='num removed'>{s['share_removed']:.1%}</td><td class=reason-list>"
            + (
                "".join(
                    f"<span>{escape(r['name'])}: <b>{number(r['count'])}</b></span>"
                    for r in s["reasons"]
                )
                or "–"
            )
            + "</td></tr>"
            for s in named
        )
        parts.append(
            f"<p class=note>Upstream of the package <code>{escape(f['path'])}</code>, as recorded "
            "in its <code>manifest.json</code> lineage when each stage finished. Give the stage "
            "folders (or the run's output root) to see rejected documents and distributions.</p>"
            + svg.funnel(named)
            + "<table><tr><th>step</th><th class=num>in</th><th class=num>kept</th>"
            "<th class=num>removed</th><th class=num>share removed</th><th>reasons</th></tr>"
            + rows
            + "</table>"
        )
    return "".join(parts) or "<p>No stage with counters (extract, filter, dedup) was given.</p>"


def _rule(row: dict[str, Any]) -> str:
    """The threshold a signal is held to, as text: ``≥ 50``, ``≤ 0.3``, ``in en, de``."""
    parts = []
    if row.get("allowed"):
        parts.append("in " + ", ".join(map(str, row["allowed"])))
    if row["min"] is not None:
        parts.append(("> " if row.get("strict") else "≥ ") + number(row["min"]))
    if row["max"] is not None:
        parts.append("≤ " + number(row["max"]))
    return " and ".join(parts) or "–"


def _signals_table(rows: list[dict[str, Any]]) -> str:
    """Each signal of a rejected document, its threshold, and whether it lies outside."""
    if not rows:
        return ""
    body = "".join(
        f'<tr class="{"fails" if r["fails"] else ""}"><td>{escape(r["signal"])}</td>'
        f'<td class="num">{escape(r["value"]) if isinstance(r["value"], str) else number(r["value"])}</td>'
        f'<td class="num">{escape(_rule(r))}</td>'
        f"<td>{'outside' if r['fails'] else ''}</td></tr>"
        for r in rows
    )
    return (
        "<table class=signals><tr><th>signal</th><th class=num>value</th>"
        f"<th class=num>threshold</th><th></th></tr>{body}</table>"
    )


def _example(e: dict[str, Any], reason: str) -> str:
    lang = ""
    if e["language"]:
        score = "" if e["language_score"] is None else f" ({e['language_score']:.3f})"
        lang = f" · language <b>{escape(e['language'])}</b>{score}"
    origin = f"<div class=note>{escape(e['signals_origin'])}</div>" if e["signals_origin"] else ""
    return (
        f'<div class="example" data-reason="{escape(reason)}" data-id="{escape(e["id"] or "")}">'
        f'<div class="url">{escape(e["url"] or "(no URL)")}</div>'
        f"<div class=note>{e['chars']:,} characters{lang}</div>"
        f'<div class="excerpt">{escape(e["excerpt"])}{"…" if e["truncated"] else ""}</div>'
        f"{_signals_table(e['signals'])}{origin}</div>"
    )


def reasons_section(folders: list[dict[str, Any]], report: dict[str, Any]) -> str:
    """Every drop reason of every filter folder with its sampled rejected documents."""
    parts = []
    for f in folders:
        if "reasons" not in f:
            continue
        path = f["path"]
        parts.append(f"<h3>{escape(f['stage'])} <code>{escape(path)}</code></h3>")
        if not f["has_rejected"]:
            parts.append(
                '<p class="warn" id="no-rejected">No rejected documents are stored for this '
                "folder: the stage ran without <code>--keep-rejected</code>. Rerun it with "
                "<code>--keep-rejected</code> to see examples; the counts below are complete.</p>"
            )
        seen_filters = set()
        for r in f["reasons"]:
            anchor = ""
            if r["filter"] not in seen_filters:
                seen_filters.add(r["filter"])
                anchor = f' id="reasons-{_anchor(path, r["filter"])}"'
            thresholds = "; ".join(
                f"{k} = {', '.join(map(str, v)) if isinstance(v, list) else v}"
                for k, v in sorted(r["thresholds"].items())
            )
            examples = "".join(_example(e, f"{r['filter']}.{r['reason']}") for e in r["examples"])
            if f["has_rejected"] and not examples:
                examples = "<p class=note>No stored example of this reason was found.</p>"
            parts.append(
                f'<section class="reason"{anchor} data-reason="{escape(r["filter"])}.{escape(r["reason"])}">'
                f"<h3>{escape(r['filter'])} · {escape(r['reason'])}: "
                + stat(path, f"counters.{r['key']}", r["count"], tag="span")
                + f" {'document' if r['count'] == 1 else 'documents'} ({r['share_of_input']:.1%} of "
                "this filter's input)</h3>"
                + (f"<div class=note>thresholds: {escape(thresholds)}</div>" if thresholds else "")
                + examples
                + "</section>"
            )
    if not parts:
        return "<p>No filter stage was given.</p>"
    intro = (
        f"<p class=note>Up to {report['examples']} documents per reason, sampled with seed "
        f"{report['seed']} (the same seed gives the same documents). Signals outside a "
        "threshold are highlighted. Open more with <code>corpuskit inspect FOLDER --reason "
        "FILTER.REASON --sample N --seed S</code>.</p>"
        '<input id="filter-box" type="search" placeholder="filter the examples by text">'
    )
    return intro + "".join(parts)


def _pairs_chart(title: str, pairs: list[tuple[str, int]] | None) -> str:
    if not pairs:
        return ""
    return f"<div><h4>{escape(title)}</h4>{svg.hbars([(str(k), v) for k, v in pairs])}</div>"


def _hist(title: str, data: dict[str, Any] | None, labels, xlabel: str) -> str:
    if not data:
        return ""
    return f"<div><h4>{escape(title)}</h4>{svg.histogram(labels, data['counts'], xlabel)}</div>"


def distributions_section(folders: list[dict[str, Any]]) -> str:
    """The charts of each folder's sampled distributions."""
    parts = []
    for f in folders:
        d = f["distributions"]
        if not d:
            continue
        charts = []
        if d.get("length"):
            edges = d["length"]["edges"]
            labels = [f"{number(a)}–" for a in edges]
            charts.append(
                _hist(
                    f"document length (median {number(d['length']['median'])} chars)",
                    d["length"],
                    labels,
                    "characters",
                )
            )
        charts.append(_pairs_chart("languages", d.get("languages")))
        if d.get("language_score"):
            labels = [f"{e:.1f}" for e in d["language_score"]["edges"]]
            charts.append(
                _hist("language score", d["language_score"], labels, "fastText probability")
            )
        charts.append(_pairs_chart("sources", d.get("sources")))
        charts.append(_pairs_chart("top domains kept", d.get("domains")))
        dropped = f.get("dropped")
        if dropped:
            charts.append(
                _pairs_chart(
                    f"top domains dropped (sample of {dropped['sampled']:,})", dropped["domains"]
                )
            )
        for name, sig in d.get("signals", {}).items():
            labels = [f"{number(round(e, 3))}" for e in sig["edges"]]
            missing = f" ({sig['missing']:,} missing)" if sig["missing"] else ""
            charts.append(_hist(name + missing, sig, labels, name))
        parts.append(
            f"<h3>{escape(f['stage'])} <code>{escape(f['path'])}</code></h3>"
            f"<p class=note>A seeded sample of {d['sampled']:,} of {d['total']:,} documents "
            "(whole row groups).</p>"
            f'<div class="grid">{"".join(charts)}</div>'
        )
    return "".join(parts) or "<p>No documents to sample.</p>"


def _member(m: dict[str, Any]) -> str:
    text = "".join(
        (f"<mark>{escape(seg)}</mark>" if differs else escape(seg)) + " "
        for seg, differs in m["segments"]
    )
    label = "kept" if m["kept"] else "removed"
    missing = "" if m["found"] else "<p class=note>text not found in the input folder</p>"
    return (
        f'<div class="member member-{label}"><b>{label}</b>'
        f'<div class="url">{escape(m["url"] or m["id"])}</div>'
        f'{missing}<div class="text">{text}</div></div>'
    )


def dedup_section(folders: list[dict[str, Any]]) -> str:
    """Cluster sizes and clusters side by side, for each dedup folder."""
    parts = []
    for f in folders:
        c = f.get("clusters")
        if f["stage"] != "dedup":
            continue
        parts.append(f"<h3>dedup <code>{escape(f['path'])}</code></h3>")
        if not c:
            parts.append("<p class=note>No <code>clusters/</code> in this folder.</p>")
            continue
        methods = ", ".join(f"{k}: {v:,}" for k, v in c["by_method"].items())
        parts.append(
            f"<p>{c['clusters']:,} duplicate clusters ({escape(methods)}).</p>"
            + svg.histogram(
                [b["label"] for b in c["sizes"]],
                [b["count"] for b in c["sizes"]],
                "documents per cluster",
            )
        )
        for ex in c["examples"]:
            parts.append(
                f"<h4>{escape(ex['method'])} cluster <code>{escape(ex['cluster'])}</code>, "
                f"{ex['size']} documents</h4><div class=cluster>"
                + "".join(_member(m) for m in ex["members"])
                + "</div>"
            )
    if parts:
        parts.insert(0, "<p class=note>Words that differ from the kept document are marked.</p>")
    return "".join(parts) or "<p>No dedup stage was given.</p>"


def package_section(folders: list[dict[str, Any]]) -> str:
    """Source shares, epochs, rows and tokens of each package."""
    parts = []
    for f in folders:
        p = f.get("package")
        if not p:
            continue
        rows = "".join(
            f"<tr><td>{escape(s['name'])}</td><td class=num>{s['target_share']:.1%}</td>"
            f"<td class=num>{s['achieved_share']:.1%}</td><td class=num>{s['epochs']:.2f}</td>"
            f"<td class=num>{s['rows']:,}</td><td class=num>{s['tokens']:,}</td></tr>"
            for s in p["sources"]
        )
        parts.append(
            f"<h3>package <code>{escape(f['path'])}</code></h3>"
            f"<p>{number(p['total_tokens'] or 0)} training tokens ({escape(str(p['tokenizer']))}).</p>"
            "<table><tr><th>source</th><th class=num>target share</th><th class=num>achieved</th>"
            f"<th class=num>epochs</th><th class=num>rows</th><th class=num>tokens</th></tr>{rows}</table>"
            '<div class="grid">'
            + _pairs_chart(
                "achieved token share (%)",
                [(s["name"], round(100 * s["achieved_share"], 1)) for s in p["sources"]],
            )
            + _pairs_chart("epochs", [(s["name"], round(s["epochs"], 2)) for s in p["sources"]])
            + "</div>"
        )
    return "".join(parts)


def render(report: dict[str, Any]) -> str:
    """The whole page."""
    folders = report["folders"]
    sections = [
        ("stages", "Stages", stages_table(folders)),
        ("funnel", "Funnel", funnel_section(folders)),
        ("reasons", "Reasons with evidence", reasons_section(folders, report)),
        ("distributions", "Distributions", distributions_section(folders)),
        ("dedup", "Dedup", dedup_section(folders)),
        ("package", "Package", package_section(folders)),
    ]
    sections = [s for s in sections if s[2]]
    nav = "".join(f'<a href="#{key}">{title}</a>' for key, title, _ in sections)
    body = "".join(
        f'<section id="{key}"><h2>{title}</h2>{html}</section>' for key, title, html in sections
    )
    data = json.dumps(report, ensure_ascii=False, default=str).replace("</", "<\\/")
    return (
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>corpuskit report</title>"
        f"<style>{STYLE}</style></head><body>"
        "<header><h1>corpuskit report</h1>"
        f"<p>{len(folders)} dataset folder(s) · written {escape(report['created'])} by corpuskit "
        f"{escape(report['version'])} · sampling seed {report['seed']}</p></header>"
        f"<nav>{nav}</nav><main>{body}</main>"
        f'<script type="application/json" id="report-data">{data}</script>'
        f"<script>{SCRIPT}</script></body></html>\n"
    )


def write(report: dict[str, Any], path: str) -> str:
    """Write the page atomically."""
    from corpuskit.dataset import atomic_write_text

    atomic_write_text(path, render(report))
    return path
