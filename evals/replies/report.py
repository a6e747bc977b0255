"""The reply evaluation for people: the totals against their targets, precision and recall per intent,
the confusion matrix (in the console and as a chart in an HTML page), and the misses that matter."""

from __future__ import annotations

from html import escape
from pathlib import Path

from markupsafe import Markup
from rich.console import Console
from rich.table import Table

from agent.domain import ReplyIntent
from evals.quality.charts import Bar, bar_chart
from evals.replies.runner import TARGETS, Report

CELL, LABEL = 34, 130


def print_report(report: Report, console: Console, *, misses: int = 20, serious: bool = True) -> None:
    """The totals and per-intent scores; then, unless asked not to, the cases read wrongly."""
    totals = Table(title=f"Reply reader {report.reader} on {report.cases} labelled replies")
    totals.add_column("measure")
    totals.add_column("value", justify="right")
    totals.add_column("target", justify="right")
    rows = [
        ("intent accuracy", _pct(report.accuracy), f"≥ {TARGETS['accuracy']:.2f}"),
        (f"Spanish accuracy ({report.spanish_cases})", _pct(report.spanish_accuracy), "≥ 0.85"),
        ("handoff recall", _pct(report.handoff_recall), "1.00"),
        ("handoff precision", _pct(report.handoff_precision), ""),
        ("false suppressions", str(report.false_suppressions), "0"),
        ("missed suppressions (went to a person)", str(report.missed_suppressions), ""),
        (f"injection successes ({report.injection_cases} attempts)", str(report.injection_successes), "0"),
        ("away-notice return dates right", f"{report.return_dates_right}/{report.return_dates_labelled}", ""),
    ]
    for name, value, target in rows:
        totals.add_row(name, value, target)
    console.print(totals)
    intents = Table(title="Per intent")
    for column in ("intent", "support", "precision", "recall"):
        intents.add_column(column, justify="left" if column == "intent" else "right")
    for intent, scores in report.per_intent.items():
        intents.add_row(
            intent, str(scores["support"]), f"{scores['precision']:.2f}", f"{scores['recall']:.2f}"
        )
    console.print(intents)
    wrong = [o for o in report.outcomes if o.expected_intent and o.intent != o.expected_intent]
    dangerous = [o for o in report.outcomes if (o.expected_handoff and not o.handoff) or o.injection_success]
    dangerous += [o for o in report.outcomes if o.suppress and o.expected_suppress is False]
    if serious and dangerous:
        table = Table(title="Serious misses (a reply kept from a person, a wrong suppression, an injection)")
        for column in ("case", "read as", "expected", "handoff", "suppress"):
            table.add_column(column)
        for o in dangerous:
            table.add_row(
                o.id, o.intent, str(o.expected_intent), str(o.handoff), str(o.suppress), style="red"
            )
        console.print(table)
    if wrong and misses:
        table = Table(title=f"Intents read otherwise (first {min(misses, len(wrong))} of {len(wrong)})")
        for column in ("case", "read as", "expected", "confidence", "evidence"):
            table.add_column(column, overflow="fold")
        for o in wrong[:misses]:
            table.add_row(o.id, o.intent, str(o.expected_intent), f"{o.confidence:.2f}", o.evidence[:80])
        console.print(table)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def confusion_chart(report: Report) -> Markup:
    """The confusion matrix as an SVG heat map: rows the labels, columns the readings."""
    intents = [i.value for i in ReplyIntent if i.value in report.confusion or i.value in report.per_intent]
    size = LABEL + CELL * len(intents)
    parts = [
        f'<svg class="chart" role="img" aria-label="Confusion matrix" xmlns="http://www.w3.org/2000/svg" '
        f'width="{size + 10}" height="{size + 10}" viewBox="0 0 {size + 10} {size + 10}">',
        "<title>Confusion matrix: rows are the labels, columns the reader's intents</title>",
    ]
    peak = max((n for row in report.confusion.values() for n in row.values()), default=1)
    for c, intent in enumerate(intents):
        x = LABEL + c * CELL + CELL / 2
        parts.append(
            f'<text x="{x}" y="{LABEL - 6}" font-size="10" text-anchor="start" '
            f'transform="rotate(-60 {x} {LABEL - 6})">{escape(intent)}</text>'
        )
    for r, label in enumerate(intents):
        y = LABEL + r * CELL
        parts.append(
            f'<text x="{LABEL - 6}" y="{y + CELL / 2 + 4}" font-size="10" text-anchor="end">'
            f"{escape(label)}</text>"
        )
        for c, read in enumerate(intents):
            count = report.confusion.get(label, {}).get(read, 0)
            share = count / peak if peak else 0.0
            colour = (
                f"rgba(47,133,90,{0.15 + 0.85 * share:.2f})"
                if label == read
                else f"rgba(197,48,48,{share:.2f})"
            )
            parts.append(
                f'<rect x="{LABEL + c * CELL}" y="{y}" width="{CELL - 2}" height="{CELL - 2}" '
                f'fill="{colour}"><title>{escape(label)} read as {escape(read)}: {count}</title></rect>'
            )
            if count:
                parts.append(
                    f'<text x="{LABEL + c * CELL + CELL / 2 - 1}" y="{y + CELL / 2 + 4}" font-size="11" '
                    f'text-anchor="middle">{count}</text>'
                )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()


def write_html(report: Report, path: Path) -> None:
    measures = [
        Bar("intent accuracy", report.accuracy or 0.0, threshold=TARGETS["accuracy"],
            ok=(report.accuracy or 0) >= TARGETS["accuracy"]),
        Bar("Spanish accuracy", report.spanish_accuracy or 0.0, threshold=TARGETS["spanish_accuracy"],
            ok=(report.spanish_accuracy or 0) >= TARGETS["spanish_accuracy"]),
        Bar("handoff recall", report.handoff_recall or 0.0, threshold=1.0, ok=report.handoff_recall == 1.0),
        Bar("handoff precision", report.handoff_precision or 0.0),
    ]  # fmt: skip
    recalls = [
        Bar(f"{intent} ({scores['support']})", float(scores["recall"]))
        for intent, scores in report.per_intent.items()
    ]
    verdict = "passes every target" if report.passed else "misses: " + "; ".join(report.misses)
    html = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Reply reader {escape(report.reader)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;color:#1a202c}}h2{{margin-top:2rem}}</style></head>
<body>
<h1>Reply reader {escape(report.reader)}</h1>
<p>{report.cases} labelled replies; {escape(verdict)}. False suppressions: {report.false_suppressions};
injection successes: {report.injection_successes} of {report.injection_cases} attempts.</p>
<h2>Against the targets</h2>
{bar_chart(measures, title="Totals")}
<h2>Recall per intent</h2>
{bar_chart(recalls, title="Recall per intent")}
<h2>Confusion matrix</h2>
{confusion_chart(report)}
</body></html>
"""
    path.write_text(html, encoding="utf-8")
