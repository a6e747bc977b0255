"""The retrieval evaluation for people: a table per case, bar charts per purpose and per kind of case."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from evals.retrieval.runner import RANK_DEPTH, K, Report, Score

BAR_WIDTH = 20


def case_table(report: Report, *, misses_only: bool = False) -> Table:
    table = Table(
        title=f"Retrieval per case (recall@{K}, rank of the first expected document in the top {RANK_DEPTH})"
    )
    for column in ("case", "purpose", "industry", f"recall@{K}", "rank", "missing from the top 3"):
        numeric = column in (f"recall@{K}", "rank")
        table.add_column(column, justify="right" if numeric else "left", overflow="fold")
    for result in report.results:
        if misses_only and not result.missing:
            continue
        style = "" if not result.missing else "red" if not result.found else "yellow"
        table.add_row(
            result.case.id,
            result.case.purpose,
            result.case.lead.industry or "-",
            f"{result.recall:.2f}",
            str(result.first_rank or "-"),
            ", ".join(result.missing),
            style=style,
        )
    return table


def bar_chart(title: str, scores: Mapping[str, Score], target: float) -> Panel:
    """Recall@3 per group as bars, with the target marked; MRR and the number of cases beside each."""
    width = max((len(name) for name in scores), default=0)
    mark = round(target * BAR_WIDTH)
    lines = []
    for name, score in scores.items():
        filled = round(score.recall * BAR_WIDTH)
        bar = Text("█" * filled, style="green" if score.recall >= target else "red")
        bar.append("░" * (BAR_WIDTH - filled), style="dim")
        bar = bar[:mark] + Text("│", style="bold") + bar[mark:]
        line = Text(f"{name:<{width}} ")
        line.append_text(bar)
        line.append(
            f" {score.recall:4.2f}  MRR {score.mrr:4.2f}  ({score.cases} case{'s' * (score.cases != 1)})"
        )
        lines.append(line)
    return Panel(Group(*lines), title=f"{title}: recall@{K} (│ = target {target:.2f})", expand=False)


def print_report(report: Report, console: Console, *, misses_only: bool = False) -> None:
    console.print(case_table(report, misses_only=misses_only))
    console.print(bar_chart("By purpose", report.by_purpose(), report.target))
    console.print(bar_chart("By kind of case", report.by_tag(), report.target))
    overall = report.overall
    verdict = "[green]target met[/]" if report.passed else "[red]target missed[/]"
    console.print(
        f"[bold]recall@{K} {overall.recall:.3f}[/] ({verdict}: {report.target:.2f})   "
        f"[bold]MRR {overall.mrr:.3f}[/]   {overall.cases} cases"
    )
