"""Charts as inline SVG strings: horizontal bars, histograms and the funnel.

Written for this page (no charting library): every chart is a ``<svg>`` element with a
``viewBox``, so it scales with the page, and a ``<title>`` per mark, so hovering shows the
exact number. All text is escaped.
"""

from __future__ import annotations

from html import escape

PALETTE = {"kept": "#2f6f9f", "removed": "#d9534f", "bar": "#4a89b8", "grid": "#d0d7de"}


def number(value: float) -> str:
    """1,234 for integers, at most three decimals for fractions (0.12, 7.4), never 1.2e+07."""
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    text = f"{value:,.3f}" if abs(value) < 1000 else f"{value:,.1f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def hbars(items: list[tuple[str, float]], width: int = 560, color: str = PALETTE["bar"]) -> str:
    """One labelled horizontal bar per (label, value), longest value = full width."""
    if not items:
        return ""
    row, label_w, value_w = 20, 170, 70
    bar_w = width - label_w - value_w
    top = max(v for _, v in items) or 1
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {row * len(items) + 4}" '
        f'role="img" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, value) in enumerate(items):
        y = i * row + 2
        w = max(1.0, bar_w * value / top) if value else 0
        short = label if len(label) <= 26 else label[:25] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{escape(short)}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{row - 6}" fill="{color}">'
            f"<title>{escape(label)}: {number(value)}</title></rect>"
            f'<text x="{label_w + w + 4:.1f}" y="{y + 13}">{number(value)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def histogram(labels: list[str], counts: list[int], xlabel: str, width: int = 560) -> str:
    """Vertical bars, one per bin, with the bin labels under them."""
    if not counts:
        return ""
    height, bottom, left = 170, 42, 40
    plot_h = height - bottom - 10
    slot = (width - left) / len(counts)
    top = max(counts) or 1
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{left}" y1="{10 + plot_h}" x2="{width}" y2="{10 + plot_h}" '
        f'stroke="{PALETTE["grid"]}"/>',
        f'<text x="{left - 4}" y="18" text-anchor="end">{number(top)}</text>',
        f'<text x="{left - 4}" y="{10 + plot_h}" text-anchor="end">0</text>',
    ]
    for i, (label, count) in enumerate(zip(labels, counts, strict=True)):
        h = plot_h * count / top
        x = left + i * slot
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{10 + plot_h - h:.1f}" width="{max(slot - 4, 1):.1f}" '
            f'height="{h:.1f}" fill="{PALETTE["bar"]}"><title>{escape(label)}: '
            f"{number(count)}</title></rect>"
            f'<text class="tick" x="{x + slot / 2:.1f}" y="{height - bottom + 14}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    parts.append(
        f'<text x="{left + (width - left) / 2:.1f}" y="{height - 4}" text-anchor="middle" '
        f'class="axis">{escape(xlabel)}</text></svg>'
    )
    return "".join(parts)


def funnel(steps: list[dict], width: int = 720) -> str:
    """One bar per step, as wide as its input relative to the first step: the kept part in
    blue and the removed part in red, with the documents left written after it."""
    if not steps:
        return ""
    row, label_w, value_w = 26, 230, 150
    bar_w = width - label_w - value_w
    top = max(s["in"] for s in steps) or 1
    parts = [
        f'<svg class="chart funnel" viewBox="0 0 {width} {row * len(steps) + 4}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, step in enumerate(steps):
        y = i * row + 2
        kept_w = bar_w * step["out"] / top
        removed_w = bar_w * step["removed"] / top
        share = f" (−{step['share_removed']:.1%})" if step["removed"] else ""
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end">{escape(step["name"])}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{kept_w:.1f}" height="{row - 8}" '
            f'fill="{PALETTE["kept"]}"><title>{escape(step["name"])}: {number(step["out"])} kept'
            f"</title></rect>"
            f'<rect x="{label_w + kept_w:.1f}" y="{y + 3}" width="{removed_w:.1f}" '
            f'height="{row - 8}" fill="{PALETTE["removed"]}"><title>{escape(step["name"])}: '
            f"{number(step['removed'])} removed ({step['share_removed']:.1%})</title></rect>"
            f'<text x="{label_w + kept_w + removed_w + 4:.1f}" y="{y + 16}">'
            f"{number(step['out'])}{share}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
