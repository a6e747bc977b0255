"""The guardrail evaluation for people: precision and recall per check, with bars, then the misses."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from evals.guardrails.runner import Report

BAR_WIDTH = 20


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _bar(value: float | None, target: float) -> Text:
    if value is None:
        return Text("")
    filled = round(value * BAR_WIDTH)
    bar = Text("█" * filled, style="green" if value >= target else "red")
    bar.append("░" * (BAR_WIDTH - filled), style="dim")
    return bar


def code_table(report: Report) -> Table:
    table = Table(
        title=f"Guardrails per check ({len(report.results)} labelled drafts, recall bar: target "
        f"{report.target_recall:.2f})"
    )
    table.add_column("code")
    for column in ("support", "TP", "FP", "FN", "precision", "recall"):
        table.add_column(column, justify="right")
    table.add_column("recall")
    for code, score in report.codes.items():
        if not (score.support or score.false_positives):
            continue
        style = "red" if (score.recall is not None and score.recall < report.target_recall) else ""
        table.add_row(
            code,
            str(score.support),
            str(score.true_positives),
            str(score.false_positives),
            str(score.false_negatives),
            _ratio(score.precision),
            _ratio(score.recall),
            _bar(score.recall, report.target_recall),
            style=style,
        )
    return table


def mismatch_table(report: Report, *, all_cases: bool = False) -> Table:
    table = Table(title="Cases where the checks and the labels disagree" if not all_cases else "Every case")
    for column in ("case", "file", "kind", "expected", "missed", "extra"):
        table.add_column(column, overflow="fold")
    for result in report.results:
        if result.exact and not all_cases:
            continue
        kind = "good" if result.case.good else "bad"
        table.add_row(
            result.case.id,
            result.case.file.name,
            kind,
            ", ".join(sorted(result.case.expect)) or "-",
            ", ".join(sorted(result.missed)),
            ", ".join(sorted(result.extra)),
            style="" if result.exact else "red" if result.false_block or result.missed else "yellow",
        )
    return table


def print_report(report: Report, console: Console, *, all_cases: bool = False) -> None:
    console.print(code_table(report))
    if all_cases or any(not r.exact for r in report.results):
        console.print(mismatch_table(report, all_cases=all_cases))
    recall_ok = report.recall >= report.target_recall
    blocks_ok = report.false_block_rate <= report.target_false_blocks
    false_blocks = sum(1 for r in report.good if r.false_block)
    console.print(
        f"[bold]recall {report.recall:.3f}[/] ({'[green]met' if recall_ok else '[red]missed'}[/]: target "
        f"{report.target_recall:.2f})   "
        f"[bold]false blocks {report.false_block_rate:.1%}[/] ({false_blocks} of {len(report.good)} "
        f"good drafts; {'[green]met' if blocks_ok else '[red]missed'}[/]: target "
        f"{report.target_false_blocks:.0%})   "
        f"precision {report.precision:.3f}   bad drafts blocked {report.bad_blocked_rate:.1%}   "
        f"{len(report.results)} cases"
    )
    if len(languages := report.by_language()) > 1:
        console.print(
            "   ".join(
                f"{language}: false blocks {figures['false_block_rate']:.1%} of {figures['good_cases']} "
                f"good, bad held {figures['bad_blocked_rate']:.1%} of {figures['bad_cases']}"
                for language, figures in languages.items()
            )
        )
