"""The answer evaluation for people: the totals against their targets, per company, language and
channel, and (except on the frozen test split) the questions left unanswered and any unanswerable one
that would have gone out."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from evals.answers.runner import TARGETS, Report


def print_report(report: Report, console: Console, *, misses: int = 20) -> None:
    share = report.answered_share
    totals = Table(title=f"Personal responses on {report.cases} inquiries ({report.split})")
    totals.add_column("measure")
    totals.add_column("value", justify="right")
    totals.add_column("target", justify="right")
    totals.add_row(
        f"answerable questions answered ({report.answered}/{report.answerable})",
        "-" if share is None else f"{share:.3f}",
        f"≥ {TARGETS['answered']:.2f}",
    )
    totals.add_row(
        f"unanswerable questions sent without review (of {report.unanswerable})",
        str(report.unanswerable_sent),
        str(TARGETS["unanswerable_sent"]),
    )
    totals.add_row("touches sent without review", f"{report.sent_without_review}/{report.cases}", "")
    console.print(totals)
    groups = Table(title="By company, language and channel")
    for column in ("group", "cases", "answered", "unanswerable sent", "sent without review"):
        groups.add_column(column, justify="left" if column == "group" else "right")
    for name, row in report.by_group.items():
        groups.add_row(
            name,
            str(row["cases"]),
            f"{row['answered']}/{row['answerable']} ({row['answered_share']:.2f})",
            f"{row['unanswerable_sent']}/{row['unanswerable']}",
            str(row["sent_without_review"]),
        )
    console.print(groups)
    if not misses:
        return
    sent = [
        (o, q) for o in report.outcomes for q in o.questions if not q.answerable and o.sent_without_review
    ]
    if sent:
        table = Table(title="Unanswerable questions that would have gone out")
        table.add_column("case")
        table.add_column("question")
        for outcome, question in sent:
            table.add_row(outcome.id, question.text, style="red")
        console.print(table)
    missed = [(o, q) for o in report.outcomes for q in o.questions if q.answerable and not q.answered]
    if missed:
        table = Table(
            title=f"Answerable questions not answered (first {min(misses, len(missed))} of {len(missed)})"
        )
        for column in ("case", "question", "what the response said instead"):
            table.add_column(column, overflow="fold")
        for outcome, question in missed[:misses]:
            said = next(
                (
                    " ".join(a["quoted"])[:120]
                    for a in outcome.answers
                    if a["question"] in question.text or question.text in a["question"]
                ),
                "named for a person" if outcome.unanswered else "no question found",
            )
            table.add_row(outcome.id, question.text, said)
        console.print(table)
