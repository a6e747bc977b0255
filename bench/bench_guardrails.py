"""Guardrail speed on labelled drafts: every check, with and without urgency read by meaning.

Runs ``run_checks`` over the blind dev drafts (``evals/guardrails/blind/dev``) and the original labelled
drafts (``evals/guardrails/cases``), each with its full context as the eval builds it, and reports per
draft p50/p95/p99 in three ways:

- **pure checks**: every check, urgency by its patterns only (no ``Meaning`` in the context);
- **with meaning, new draft**: the same plus the meaning check on the local all-MiniLM-L6-v2 model, its
  sentence cache emptied before every draft, so each candidate sentence is embedded (what a draft the
  agent has never seen costs). The bank's vectors are computed once, before timing, and reported apart;
- **with meaning, seen draft**: the sentence cache kept (a re-check after a rep's small edit).

It also times ``check_urgency`` and ``check_expired_offer`` alone, every check's mean cost (the best of
the rounds, least disturbed by other load), and counts the sentences the cue filter sends to the model.
The blind test split is never read.

Run: ``.venv/bin/python bench/bench_guardrails.py [--rounds 3] [--json results.json]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent.guardrails import DEFAULT_CHECKS, Check, DraftText, GuardrailContext, run_checks  # noqa: E402
from agent.guardrails.embedded_meaning import EmbeddingMeaning  # noqa: E402
from agent.guardrails.meaning import candidates  # noqa: E402
from agent.guardrails.offers import check_expired_offer  # noqa: E402
from agent.guardrails.urgency import check_urgency  # noqa: E402
from evals.guardrails.cases import DEFAULT_CASES_DIR, load_cases  # noqa: E402
from knowledge.embeddings import LocalMiniLMEmbedder  # noqa: E402

DEV = ROOT / "evals" / "guardrails" / "blind" / "dev"
TARGET_P95_MS = 5.0

Item = tuple[DraftText, GuardrailContext]


def drafts() -> list[Item]:
    """Every dev and original draft with its context, built once (building is not the check)."""
    cases = load_cases(DEV) + load_cases(DEFAULT_CASES_DIR)
    return [(case.draft, case.context()) for case in cases]


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def percentiles(samples: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples)
    cut = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "n": len(ordered),
        "p50": cut[49],
        "p95": cut[94],
        "p99": cut[98],
        "mean": statistics.fmean(ordered),
    }


def measure(items: list[Item], meaning: EmbeddingMeaning, rounds: int) -> dict[str, dict[str, float]]:
    with_meaning = [(draft, replace(context, meaning=meaning)) for draft, context in items]
    for draft, context in with_meaning:  # warm every lazy cache (corpora, compiled patterns, the model)
        run_checks(draft, context)
    series: dict[str, list[float]] = {
        "pure checks": [],
        "with meaning, new draft": [],
        "with meaning, seen draft": [],
        "check_urgency (patterns)": [],
        "check_expired_offer": [],
    }
    for _ in range(rounds):
        for (draft, context), (_, meant) in zip(items, with_meaning, strict=True):
            series["pure checks"].append(timed(partial(run_checks, draft, context)))
            series["check_urgency (patterns)"].append(timed(partial(check_urgency, draft, context)))
            series["check_expired_offer"].append(timed(partial(check_expired_offer, draft, context)))
            meaning.forget()
            series["with meaning, new draft"].append(timed(partial(run_checks, draft, meant)))
            series["with meaning, seen draft"].append(timed(partial(run_checks, draft, meant)))
    return {name: percentiles(samples) for name, samples in series.items()}


def per_check(items: list[Item], rounds: int) -> dict[str, float]:
    """Mean ms per draft of every check alone (the best of ``rounds`` passes)."""
    means = {}
    for check in DEFAULT_CHECKS:
        passes = [timed(partial(_each, check, items)) / len(items) for _ in range(rounds)]
        means[check.__name__] = min(passes)
    return dict(sorted(means.items(), key=lambda item: -item[1]))


def _each(check: Check, items: list[Item]) -> None:
    for draft, context in items:
        check(draft, context)


def embedded_per_draft(items: list[Item]) -> dict[str, float]:
    counts = [len(candidates(draft.body)) + len(candidates(draft.subject or "")) for draft, _ in items]
    return {"candidates_mean": statistics.fmean(counts), "candidates_max": max(counts), "drafts": len(counts)}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    items = drafts()
    started = time.perf_counter()
    embedder = LocalMiniLMEmbedder()
    loaded = time.perf_counter()
    meaning = EmbeddingMeaning(embedder)
    banked = time.perf_counter()
    results = measure(items, meaning, args.rounds)
    setup = {"model_load_ms": (loaded - started) * 1000, "bank_embed_ms": (banked - loaded) * 1000}
    counts = embedded_per_draft(items)
    checks = per_check(items, args.rounds)

    bank_size = sum(map(len, meaning.bank.pressure.values())) + sum(map(len, meaning.bank.neutral.values()))
    print(
        f"{len(items)} drafts x {args.rounds} rounds; model load {setup['model_load_ms']:.0f} ms, "
        f"bank ({bank_size} sentences) embedded once in {setup['bank_embed_ms']:.0f} ms"
    )
    print(
        f"candidate sentences per draft: mean {counts['candidates_mean']:.1f}, max {counts['candidates_max']}"
    )
    print(f"{'measure':<28}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for name, figures in results.items():
        print(
            f"{name:<28}{figures['n']:>7}{figures['p50']:>9.2f}{figures['p95']:>9.2f}{figures['p99']:>9.2f}"
        )
    print("mean ms per draft, check by check (best pass):")
    for name, mean in checks.items():
        print(f"  {name:<26}{mean:>7.3f}")
    met = results["pure checks"]["p95"] < TARGET_P95_MS
    print(f"target: pure checks p95 < {TARGET_P95_MS} ms: {'met' if met else 'missed'}")
    if args.json:
        report = {"setup": setup, "candidates": counts, "results": results, "per_check": checks}
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
