"""The reply reader's speed: reading one reply, and training on the corpus.

- **reading**: ``LearnedReader.classify`` on every reply of the corpus's dev and train files (their own
  text, quoted threads and all), one at a time, after one warm-up reading (the model and the language
  identifier are loaded once per process). Target: p95 under 10 ms on the CPU.
- **training**: ``touchpoint replies train``'s work (features, fit, calibration, thresholds) on the whole
  training corpus, into a temporary folder (the shipped model is not touched).

Run: ``.venv/bin/python bench/bench_replies.py [--skip-training] [--json results.json]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent.replies.reader import shipped_reader  # noqa: E402
from agent.replies.training import DEFAULT_CORPUS, read_cases, train  # noqa: E402


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--skip-training", action="store_true", help="Only time the reading")
    parser.add_argument("--json", type=Path, help="Also write the figures to this file")
    args = parser.parse_args()
    corpus = ROOT / DEFAULT_CORPUS
    cases = read_cases(corpus / "dev.jsonl") + read_cases(corpus / "train.jsonl")
    reader = shipped_reader()
    reader.classify(cases[0].reply, today=cases[0].received)
    timings = []
    for case in cases:
        start = time.perf_counter()
        reader.classify(case.reply, today=case.received)
        timings.append((time.perf_counter() - start) * 1000)
    figures: dict[str, object] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": reader.model.version,
        "replies": len(timings),
        "read_ms": {
            "p50": round(statistics.median(timings), 2),
            "p95": round(_percentile(timings, 0.95), 2),
            "p99": round(_percentile(timings, 0.99), 2),
            "max": round(max(timings), 2),
        },
    }
    print(f"reading {len(timings)} replies with model {reader.model.version}:")
    print("  p50 {p50} ms, p95 {p95} ms, p99 {p99} ms, max {max} ms".format(**figures["read_ms"]))  # type: ignore[arg-type]
    if not args.skip_training:
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            model = train(corpus, Path(folder))
            seconds = time.perf_counter() - start
        figures["training"] = {"seconds": round(seconds, 1), "cases": model.meta["training_cases"]}
        print(f"training on {model.meta['training_cases']} replies: {seconds:.1f} s")
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
