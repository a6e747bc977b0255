"""The terminal view of a run and of a comparison: metric bars, thresholds, deltas and regressed cases."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from evals.quality.compare import Comparison
from evals.quality.metrics import GROUPS

BAR_WIDTH = 20
VERDICT_STYLE = {"regressed": "bold red", "improved": "green", "no clear change": "", "informational": "dim"}


def _bar(value: float, scale: float, low: float = 0.0) -> Text:
    share = min(1.0, max(0.0, (value - low) / ((scale - low) or 1.0)))
    filled = round(share * BAR_WIDTH)
    return Text("█" * filled, style="cyan") + Text("░" * (BAR_WIDTH - filled), style="dim")


def print_result(result: Mapping[str, Any], console: Console) -> None:
    table = Table(
        title=f"Suite {result['suite']['name']}: {result['suite']['scenarios']} scenarios, "
        f"drafter {result['run']['drafter']}"
    )
    for column in ("group", "metric", "value", ""):
        table.add_column(column, justify="right" if column == "value" else "left")
    for group in GROUPS:
        for name, metric in result["metrics"].items():
            if metric["group"] != group:
                continue
            low = (
                -1.0
                if name.startswith("judge.kappa.")
                else 1.0
                if name.startswith("judge.") and name != "judge.spread"
                else 0.0
            )
            value = float(metric["value"])
            shown = f"{value:.1%}" if metric["scale"] == 1.0 and low == 0.0 else f"{value:.2f}"
            table.add_row(group, name, shown, _bar(value, float(metric["scale"]), low))
    console.print(table)
    judge = result["judge"]
    if judge["status"] == "run":
        line = f"judge: {judge['model']}, rubric {judge['rubric']}, {judge['samples']} samples per draft"
        overall = judge.get("agreement", {}).get("overall")
        if overall:
            kappa = "undefined" if overall["kappa"] is None else f"{overall['kappa']:.2f}"
            line += f"; agreement with people: kappa {kappa} over {overall['items']} scores"
        console.print(line)
    else:
        console.print(f"[yellow]judge not run[/]: {judge['reason']}")
    if result["thresholds"]:
        gates = Table(title="Thresholds")
        for column in ("metric", "threshold", "value", "result"):
            gates.add_column(column)
        for row in result["thresholds"]:
            style = "green" if row["passed"] else "red" if row["passed"] is False else "dim"
            shown = "-" if row["value"] is None else f"{row['value']:.4g}"
            gates.add_row(row["metric"], row["limit"], shown, Text(row["status"], style=style))
        console.print(gates)
    errors = result["errors"]
    console.print(
        f"model calls: {errors['model_calls']}, failed: {errors['errors']} ({errors['error_rate']:.1%}); "
        f"{result['run']['seconds']} s"
    )


def print_comparison(comparison: Comparison, console: Console, *, cases: int = 25) -> None:
    for warning in comparison.warnings:
        console.print(f"[yellow]note:[/] {warning}")
    base, cand = comparison.baseline, comparison.candidate
    table = Table(
        title=f"{base['drafter']} {base['prompt_version']} -> {cand['drafter']} {cand['prompt_version']} "
        f"({comparison.shared_cases} shared scenarios; 95% bootstrap intervals)"
    )
    table.add_column("metric", no_wrap=True, min_width=24)
    for column in ("baseline", "candidate", "delta", "95% CI"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    changed = [d for d in comparison.metrics if d.delta != 0 or d.verdict in {"regressed", "improved"}]
    for delta in sorted(changed, key=lambda d: (d.verdict != "regressed", GROUPS.index(d.group), d.name)):
        interval = delta.interval
        ci = f"[{interval.low:+.2f}, {interval.high:+.2f}]" if interval else "-"
        table.add_row(
            delta.name,
            f"{delta.baseline:.3f}",
            f"{delta.candidate:.3f}",
            f"{delta.delta:+.3f}",
            ci,
            Text(delta.verdict, style=VERDICT_STYLE[delta.verdict]),
        )
    console.print(table)
    console.print(f"{len(comparison.metrics) - len(changed)} other metric(s) did not change")
    if comparison.regressed_cases:
        regressed = Table(
            title=f"Regressed cases ({len(comparison.regressed_cases)}; {comparison.improved_cases} improved)"
        )
        regressed.add_column("case")
        regressed.add_column("what got worse", overflow="fold")
        for change in comparison.regressed_cases[:cases]:
            regressed.add_row(change.id, "\n".join(change.worse))
        console.print(regressed)
        if len(comparison.regressed_cases) > cases:
            console.print(f"... and {len(comparison.regressed_cases) - cases} more (--json lists them all)")
    else:
        console.print(f"no case regressed; {comparison.improved_cases} improved")
    names = [d.name for d in comparison.regressed]
    if names:
        console.print(f"[bold red]regressed:[/] {', '.join(names)}")
    else:
        console.print("[green]no metric regressed beyond its confidence interval[/]")
