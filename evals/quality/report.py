"""The HTML report of a run: one self-contained file (inline CSS and SVG), readable with no network.

Summary and verdict first, then the thresholds, a chart per group of metrics, the judge and its
agreement with people, what the suite covers, an index of every case, and every case in full: the
lead, what happened, what the policy decided and what was expected, each draft with the guardrail
findings marked in its text, the sources it was given and what failed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from evals.quality.charts import Bar, bar_chart
from evals.quality.metrics import GROUPS

TEMPLATES = Path(__file__).parent / "templates"
GROUP_TITLES = {
    "quality": "Draft quality (deterministic)",
    "guardrails": "Guardrail pass rate per check",
    "pipeline": "The drafting pipeline",
    "decisions": "Decisions",
    "retrieval": "Retrieval",
    "judge": "LLM judge (majority of the samples, 1-5)",
}


def render_html(result: Mapping[str, Any]) -> str:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    environment.filters["marked"] = marked
    environment.filters["pct"] = lambda v: "-" if v is None else f"{v:.1%}"
    environment.filters["num"] = lambda v: (
        "-" if v is None else f"{v:.3g}" if isinstance(v, float) else str(v)
    )
    template = environment.get_template("report.html")
    return template.render(
        result=result,
        charts=metric_charts(result),
        coverage=coverage_charts(result),
        case_status={c["id"]: _status(c) for c in result["cases"]},
    )


def write_html(result: Mapping[str, Any], path: Path) -> None:
    path.write_text(render_html(result), encoding="utf-8")


def metric_charts(result: Mapping[str, Any]) -> list[tuple[str, Markup]]:
    thresholds = {t["metric"]: t for t in result["thresholds"]}
    charts = []
    for group in GROUPS:
        bars = []
        for name, metric in result["metrics"].items():
            if metric["group"] != group or name.startswith("judge.kappa."):
                continue
            gate = thresholds.get(name)
            limit = _limit(gate["limit"]) if gate else None
            scale = float(metric["scale"])
            low = 1.0 if name.startswith("judge.") and name != "judge.spread" else 0.0
            bars.append(
                Bar(
                    label=metric["label"],
                    value=float(metric["value"]),
                    scale=scale,
                    low=low,
                    threshold=limit,
                    ok=gate["passed"] if gate else None,
                    text=_value_text(metric, scale),
                )
            )
        if bars:
            charts.append((GROUP_TITLES[group], bar_chart(bars, title=GROUP_TITLES[group])))
    agreement = result["judge"].get("agreement")
    if agreement:
        bars = [
            Bar(
                label=f"kappa: {name}",
                value=a["kappa"] if a["kappa"] is not None else 0.0,
                scale=1.0,
                low=-1.0,
                text="undefined" if a["kappa"] is None else f"{a['kappa']:.2f} (n={a['items']})",
            )
            for name, a in agreement.items()
        ]
        title = "Judge agreement with people (Cohen's kappa, -1 to 1)"
        charts.append((title, bar_chart(bars, title=title)))
    return charts


def coverage_charts(result: Mapping[str, Any]) -> list[tuple[str, Markup]]:
    charts = []
    for dimension, counts in result["coverage"].items():
        if not counts:
            continue
        top = max(counts.values())
        bars = [Bar(label=name, value=count, scale=top, text=str(count)) for name, count in counts.items()]
        title = f"Scenarios by {dimension}"
        charts.append((title, bar_chart(bars, title=title)))
    return charts


def marked(body: str | None, violations: Sequence[Mapping[str, Any]] | None = None) -> Markup:
    """The body escaped, with each violation that has a span wrapped in <mark title="code: message">."""
    if body is None:
        return Markup("")
    spans = sorted(
        (v for v in violations or () if v.get("start") is not None and v.get("end") is not None),
        key=lambda v: (v["start"], -v["end"]),
    )
    out: list[str] = []
    position = 0
    for v in spans:
        start, end = int(v["start"]), int(v["end"])
        if start < position or end > len(body):
            continue  # overlapping spans: the first one marks the text
        out.append(str(escape(body[position:start])))
        title = escape(f"{v['code']}: {v['message']}")
        out.append(f'<mark title="{title}">{escape(body[start:end])}</mark>')
        position = end
    out.append(str(escape(body[position:])))
    return Markup("".join(out))  # noqa: S704 - every piece of the body went through escape()


def _status(case: Mapping[str, Any]) -> str:
    if case["errors"] or case["model_errors"]:
        return "error"
    return "fail" if case["failures"] else "pass"


def _limit(text: str) -> float:
    return float(text.split()[-1])


def _value_text(metric: Mapping[str, Any], scale: float) -> str:
    value = float(metric["value"])
    if scale == 1.0 and metric.get("denominator"):
        return f"{value:.1%} ({metric['numerator']:.4g}/{metric['denominator']:.4g})"
    return f"{value:.2f}"
