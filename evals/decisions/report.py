"""The decision evaluation for people: accuracy per field (overall and per business), then each miss
with what was expected, what the policy decided and the rule ids it gave."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from evals.decisions.runner import FIELDS, TARGETS, FieldScore, Report


def _cell(score: FieldScore) -> str:
    if score.accuracy is None:
        return "-"
    return f"{score.accuracy:.2f} ({score.correct}/{score.total})"


def field_table(report: Report) -> Table:
    table = Table(title=f"Next-action accuracy per field ({len(report.results)} scenarios, {report.split})")
    table.add_column("business")
    for name in FIELDS:
        table.add_column(f"{name} (target {TARGETS[name]:.2f})", justify="right")
    for business, fields in report.by_business().items():
        table.add_row(business, *(_cell(fields[name]) for name in FIELDS))
    overall = [report.field(name) for name in FIELDS]
    styles = [
        "green" if s.accuracy is None or s.accuracy >= TARGETS[name] else "red"
        for name, s in zip(FIELDS, overall, strict=True)
    ]
    table.add_row(
        "[bold]all[/]",
        *(f"[{style}]{_cell(s)}[/]" for s, style in zip(overall, styles, strict=True)),
    )
    return table


def miss_table(report: Report) -> Table:
    table = Table(title="Misses: expected, decided, and the rules the policy gave")
    for column in ("scenario", "missed", "expected", "decided", "rules"):
        table.add_column(column, overflow="fold")
    for result in report.results:
        if not result.misses:
            continue
        expect, decided = result.scenario.expect, result.decided
        expected = " ".join(
            part
            for part in (
                expect.action,
                expect.purpose.value if expect.purpose else "",
                expect.channel.value if expect.channel else "",
                f"[{expect.window[0]:%m-%d %H:%M%z} .. {expect.window[1]:%m-%d %H:%M%z}]",
            )
            if part
        )
        local = decided.at.astimezone(expect.window[0].tzinfo) if decided.at else None
        got = " ".join(
            part
            for part in (
                decided.action,
                decided.purpose or "",
                decided.channel or "",
                f"@ {local:%m-%d %H:%M%z}" if local else "@ -",
            )
            if part
        )
        table.add_row(result.scenario.id, ", ".join(result.misses), expected, got, " ".join(decided.rules))
    return table


def print_report(report: Report, console: Console, *, misses: bool = True) -> None:
    console.print(field_table(report))
    if misses and any(r.misses for r in report.results):
        console.print(miss_table(report))
    summary = "   ".join(
        f"{name} {s.accuracy:.3f}" for name in FIELDS for s in [report.field(name)] if s.accuracy is not None
    )
    console.print(f"[bold]{summary}[/]   {len(report.results)} scenarios")
    if report.consent_violations:
        console.print("[red]written on a channel without consent: " + "; ".join(report.consent_violations))
    else:
        console.print("no message on a channel without consent")
