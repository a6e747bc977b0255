"""Inline SVG charts for the metrics page: no script, nothing fetched, readable on a phone.

Each row puts its label, then its figures, above its bars, so the chart keeps a narrow width (a
phone's) and its text stays readable however the page scales it. Every text goes through ``escape``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH = 380
ROW = 48
BAR = 12
INK, TRACK = "#1f2933", "#e6ebf1"
COLOURS = ("#2f6db5", "#2f855a", "#b7791f", "#9b2c2c")


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    values: tuple[float | None, ...]  # one per series, each on 0..scale
    text: str  # what to print beside the label: the figures themselves
    scale: float = 1.0


def bars(rows: Sequence[Bar], *, title: str, series: Sequence[str] = ()) -> Markup:
    """Horizontal bars, one group per row (one bar per series), with a legend when there are series."""
    lanes = max((len(r.values) for r in rows), default=1)
    legend = 18 if series else 0
    row_height = ROW + (lanes - 1) * (BAR + 2)
    height = legend + row_height * len(rows) + 4
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
    ]
    x = 0
    for n, name in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        parts.append(f'<rect x="{x}" y="2" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="11" font-size="11" fill="{INK}">{escape(name)}</text>')
        x += 16 + 7 * len(name) + 12
    for index, row in enumerate(rows):
        y = legend + index * row_height
        parts.append(f'<text x="0" y="{y + 12}" font-size="12" fill="{INK}">{escape(row.label)}</text>')
        parts.append(f'<text x="0" y="{y + 26}" font-size="11" fill="#52606d">{escape(row.text)}</text>')
        for lane, value in enumerate(row.values):
            top = y + 31 + lane * (BAR + 2)
            share = 0.0 if value is None or row.scale <= 0 else min(1.0, max(0.0, value / row.scale))
            colour = COLOURS[lane % len(COLOURS)]
            parts.append(f'<rect x="0" y="{top}" width="{WIDTH}" height="{BAR}" fill="{TRACK}" rx="2"/>')
            parts.append(
                f'<rect x="0" y="{top}" width="{share * WIDTH:.1f}" height="{BAR}" fill="{colour}" rx="2">'
                f"<title>{escape(row.label)}: {escape(row.text)}</title></rect>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()


def share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"
