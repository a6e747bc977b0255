"""Inline SVG charts for the HTML report: no script, no font or library to fetch, readable offline.

Horizontal bars, one per metric, on the metric's own scale (0-1 for shares, 1-5 for judge scores),
with the threshold drawn as a tick and the bar coloured by whether the threshold holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

LABEL_WIDTH = 330
BAR_WIDTH = 300
ROW_HEIGHT = 24
VALUE_WIDTH = 170
GOOD, BAD, NEUTRAL, TRACK, INK = "#2f855a", "#c53030", "#3b6ea5", "#e8edf3", "#1a202c"


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    scale: float = 1.0
    low: float = 0.0  # the axis starts here (1 for a 1-5 score, -1 for kappa)
    threshold: float | None = None
    ok: bool | None = None  # None: no threshold, drawn neutral
    text: str | None = None  # what to print beside the bar (default: the value)


def bar_chart(bars: Sequence[Bar], *, title: str) -> Markup:
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = ROW_HEIGHT * len(bars) + 8
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{escape(title)}</title>",
    ]
    for row, bar in enumerate(bars):
        y = 4 + row * ROW_HEIGHT
        span = (bar.scale - bar.low) or 1.0
        share = min(1.0, max(0.0, (bar.value - bar.low) / span))
        colour = NEUTRAL if bar.ok is None else GOOD if bar.ok else BAD
        text = bar.text or _fmt(bar.value)
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end" font-size="12" fill="{INK}">'
            f"{escape(bar.label)}</text>"
        )
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{BAR_WIDTH}" height="16" fill="{TRACK}" rx="2"/>'
        )
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{share * BAR_WIDTH:.1f}" height="16" '
            f'fill="{colour}" rx="2"><title>{escape(bar.label)}: {escape(text)}</title></rect>'
        )
        if bar.threshold is not None:
            at = LABEL_WIDTH + min(1.0, max(0.0, (bar.threshold - bar.low) / span)) * BAR_WIDTH
            parts.append(
                f'<line x1="{at:.1f}" x2="{at:.1f}" y1="{y}" y2="{y + 22}" stroke="{INK}" stroke-width="2">'
                f"<title>threshold {_fmt(bar.threshold)}</title></line>"
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="{y + 15}" font-size="12" fill="{INK}">'
            f"{escape(text)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()


def _fmt(value: float) -> str:
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.0f}"
