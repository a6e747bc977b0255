"""Run a suite: every scenario on a bounded thread pool, with progress, then the result assembled.

Model calls are bounded twice: by the pool (one case at a time per worker) and by each ``ModelGate``.
The result is plain JSON (``result.RESULT_FORMAT``): what ``compare``, the HTML report and the JUnit
writer read.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from agent.drafting.pipeline import DraftingPipeline
from agent.loop import AgentLoop
from evals.quality.cases import CaseRunner, retrieval_case
from evals.quality.environment import Environment, RecordingDrafter
from evals.quality.judge import Judgement
from evals.quality.result import assemble, known_metric
from evals.quality.scenarios import Scenario, Suite, SuiteError
from evals.retrieval.runner import check_labels

ProgressCallback = Callable[[int, int], None]


def instrument(pipeline: DraftingPipeline) -> tuple[DraftingPipeline, RecordingDrafter | None]:
    """The same pipeline with its primary drafter recorded (nothing to record when the composer is alone)."""
    if not pipeline.has_llm:
        return pipeline, None
    recorder = RecordingDrafter(pipeline.primary)
    recorded = DraftingPipeline(recorder, pipeline.fallback, repairs=pipeline.repairs, checks=pipeline.checks)
    return recorded, recorder


def validate(suite: Suite, env: Environment) -> None:
    """Labels that cannot be right for this knowledge folder are the suite's bug: refuse to run on them."""
    cases = [c for c in (retrieval_case(s, suite) for s in suite.scenarios) if c is not None]
    problems = check_labels(cases, env.knowledge.documents)
    problems += [
        f"thresholds: no metric named {name!r} (see docs/evals.md for the metrics)"
        for name in suite.model.thresholds
        if not known_metric(name)
    ]
    for scenario in suite.scenarios:
        for item in scenario.model.history:
            problems += [
                f"{scenario.id}: history cites {d!r}, which is not in the knowledge folder"
                for d in item.sources
                if env.knowledge.get(d) is None
            ]
    if problems:
        raise SuiteError(
            f"the scenarios do not fit the knowledge folder {suite.knowledge_dir}:\n  "
            + "\n  ".join(problems[:10])
        )


def run_suite(
    suite: Suite,
    env: Environment,
    *,
    concurrency: int = 1,
    on_progress: ProgressCallback | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, Any]:
    validate(suite, env)
    started_at = datetime.now(UTC)
    started = clock()
    drafting, recorder = instrument(env.drafting)
    loop = AgentLoop(
        knowledge=env.knowledge,
        drafting=drafting,
        sequences=env.sequences,
        identity=suite.identity,
        config=env.config,
        classifier=env.classifier,
    )
    runner = CaseRunner(suite, env, loop, drafting, recorder)
    labels = env.labels.items if env.labels is not None and env.judge is not None else ()
    total = len(suite.scenarios) + len(labels)
    done = 0
    lock = threading.Lock()

    def tick() -> None:
        nonlocal done
        with lock:
            done += 1
            if on_progress:
                on_progress(done, total)

    def one_case(scenario: Scenario) -> dict[str, Any]:
        try:
            return runner.run(scenario)
        finally:
            tick()

    def one_label(item: Any) -> Judgement:
        try:
            return runner.judge_label(item)
        finally:
            tick()

    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="eval") as pool:
        cases = list(pool.map(one_case, suite.scenarios))
        judged = dict(zip((i.id for i in labels), pool.map(one_label, labels), strict=True))
    return assemble(suite, env, cases, judged, started_at=started_at, seconds=clock() - started)
