"""The tone evaluation for people: what each lead's drafts look like on average, then the contrast pair."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from evals.tone.runner import ToneReport

BAR_WIDTH = 12
MAX_FORMALITY = 6


def _number(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _bar(value: float, top: float) -> Text:
    filled = round(BAR_WIDTH * min(value, top) / top) if top else 0
    bar = Text("█" * filled, style="cyan")
    bar.append("░" * (BAR_WIDTH - filled), style="dim")
    return bar


def lead_table(report: ToneReport) -> Table:
    summary = report.summary()
    longest = max((row["words"] for row in summary.values()), default=1)
    table = Table(title=f"Tone per lead (composer, mean over {len(report.contrasts())} purposes)")
    table.add_column("lead")
    table.add_column("profile")
    for column in (
        "formality 0-6",
        "",
        "words",
        "",
        "contractions /100w",
        "words before 1st figure",
        "grade",
    ):
        table.add_column(column, justify="right" if column else "left")
    for lead, row in summary.items():
        table.add_row(
            lead,
            f"{row['formality_profile']}, {row['length_profile']}, {row['emphasis_profile']}",
            _number(row["formality"]),
            _bar(row["formality"], MAX_FORMALITY),
            _number(row["words"], 0),
            _bar(row["words"], longest),
            _number(row["contractions_per_100"]),
            _number(row["first_figure"]),
            _number(row["grade"]),
        )
    return table


def contrast_table(report: ToneReport) -> Table:
    first, second = report.contrast
    table = Table(title=f"{first} vs {second}, purpose by purpose (✓ = the direction the profiles intend)")
    for column in (
        "purpose",
        "formality",
        "more formal",
        "words",
        "shorter",
        "words before figure",
        "data first",
    ):
        table.add_column(column, justify="left" if column == "purpose" else "right")
    for contrast in report.contrasts():
        a, b = contrast.first, contrast.second
        data_first = contrast.data_first
        table.add_row(
            contrast.purpose.value,
            f"{a.formality} vs {b.formality}",
            _mark(contrast.more_formal),
            f"{a.words} vs {b.words}",
            _mark(contrast.shorter),
            f"{_number(a.first_figure, 0)} vs {_number(b.first_figure, 0)}",
            _data_first(data_first, contrast.source_has_figures),
        )
    return table


def _data_first(data_first: bool | None, source_has_figures: bool) -> Text:
    if data_first is not None:
        return _mark(data_first)
    if source_has_figures:
        return Text("none quoted", style="yellow")  # the source had figures; neither draft used one
    return Text("source has none", style="dim")


def _mark(ok: bool) -> Text:
    return Text("✓", style="green") if ok else Text("✗", style="red")


def print_report(report: ToneReport, console: Console) -> None:
    console.print(lead_table(report))
    console.print(contrast_table(report))
    contrasts = report.contrasts()
    measured = [c for c in contrasts if c.data_first is not None]
    console.print(
        f"[bold]{report.contrast[0]} vs {report.contrast[1]}[/]: more formal in "
        f"{sum(c.more_formal for c in contrasts)}/{len(contrasts)} purposes, shorter in "
        f"{sum(c.shorter for c in contrasts)}/{len(contrasts)}, figures first in "
        f"{sum(bool(c.data_first) for c in measured)}/{len(measured)} that quote a figure"
    )
