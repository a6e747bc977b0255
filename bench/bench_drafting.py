"""Drafting speed: the composer, the guardrails, and what the LLM path costs besides the model itself.

Three measurements over the demo knowledge base and the demo leads (every purpose, email and SMS):

- **composer draft**: ``Composer.draft`` for a prepared request (retrieval done beforehand);
- **guardrail checks**: ``run_checks`` on each composer draft with its full context;
- **LLM-path overhead**: ``DraftingPipeline.produce`` with the LLM drafter against an OpenAI-compatible
  endpoint that answers instantly (respx, in-process): prompt rendering, LangChain, the HTTP client,
  parsing the structured answer, usage accounting and the guardrails. The model's own time is zero
  here by construction, so this is the overhead Touchpoint adds to every model call.

Run: ``.venv/bin/python bench/bench_drafting.py [--rounds 3] [--json results.json]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import httpx
import respx
from langchain_openai import ChatOpenAI

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent.container import build_knowledge_base  # noqa: E402
from agent.demo import demo_lead_contexts  # noqa: E402
from agent.domain import Channel, CompanyIdentity, TouchPurpose  # noqa: E402
from agent.drafting.base import DraftRequest, guardrail_context  # noqa: E402
from agent.drafting.composer import Composer  # noqa: E402
from agent.drafting.llm import LLMDrafter, load_drafter_prompts  # noqa: E402
from agent.drafting.pipeline import DraftingPipeline  # noqa: E402
from agent.guardrails import DraftText, run_checks  # noqa: E402
from agent.llm import ModelGate, RetryPolicy  # noqa: E402
from agent.settings import Settings  # noqa: E402
from knowledge.types import RetrievalQuery  # noqa: E402

IDENTITY = CompanyIdentity(
    "Northstar Bookings",
    "Maya Ortiz",
    "maya@northstar-bookings.example",
    "Northstar Bookings Ltd, 418 Harbor Street, Suite 200, Portland, OR 97204, USA",
)
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)


def requests(chroma: Path) -> list[DraftRequest]:
    settings = Settings.load(knowledge_dir=ROOT / "knowledge" / "content", chroma_path=chroma, _env_file=None)
    kb = build_knowledge_base(settings)
    facts = kb.company_facts()
    built = []
    for lead in demo_lead_contexts(id_prefix="bench"):
        for purpose in TouchPurpose:
            query = RetrievalQuery.for_lead(
                need=lead.need,
                inquiry=lead.inquiry_text,
                purpose=purpose.value,
                industry=lead.industry,
                today=NOW.date(),
            )
            sources = tuple(kb.retrieve(query))
            for channel in (Channel.EMAIL, Channel.SMS):
                built.append(
                    DraftRequest(
                        lead=lead,
                        purpose=purpose,
                        channel=channel,
                        sources=sources,
                        identity=IDENTITY,
                        now=NOW,
                        company_facts=facts,
                    )
                )
    return built


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def summary(samples: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    return {
        "n": len(ordered),
        "p50": pct(50),
        "p95": pct(95),
        "p99": pct(99),
        "mean": statistics.fmean(ordered),
    }


def llm_pipeline() -> DraftingPipeline:
    model = ChatOpenAI(model="bench", base_url="http://llm.bench/v1", api_key="bench", max_retries=0)
    drafter = LLMDrafter(
        model,
        model_name="bench",
        prompts=load_drafter_prompts("v1"),
        gate=ModelGate(max_concurrency=4, policy=RetryPolicy(attempts=1)),
    )
    return DraftingPipeline(drafter, Composer(), repairs=0)


def instant_answer(request: httpx.Request) -> httpx.Response:
    """A structured answer built from the request's own lead name: a well-formed, grounded draft."""
    body = (
        "Hi there,\n\nThanks for getting in touch. One of us will reply to you personally, soon, with the "
        "examples and answers that fit what you wrote, rather than a generic pitch.\n\nWhat would you most "
        "like to solve first?\n\nBest,\nMaya"
    )
    content = {
        "subject": "Thanks for getting in touch",
        "body": body,
        "call_to_action": "What would you?",
        "source_ids": [],
    }
    return httpx.Response(
        200,
        json={
            "id": "x",
            "object": "chat.completion",
            "created": 1,
            "model": "bench",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": json.dumps(content)},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 900, "completion_tokens": 120, "total_tokens": 1020},
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over all requests (default 3)")
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        print("loading the demo knowledge base and preparing requests ...", flush=True)
        prepared = requests(Path(tmp) / "chroma")
    composer = Composer()
    drafts = [composer.draft(r) for r in prepared]  # warm-up, and the drafts the checks are timed on
    composing: list[float] = []
    checking: list[float] = []
    for _ in range(args.rounds):
        for request, draft in zip(prepared, drafts, strict=True):
            composing.append(timed(partial(composer.draft, request)))
            text = DraftText(request.channel, draft.body, draft.subject)
            checking.append(timed(partial(run_checks, text, guardrail_context(request))))

    pipeline = llm_pipeline()
    overhead: list[float] = []
    email_requests = [r for r in prepared if r.channel is Channel.EMAIL][:120]
    with respx.mock() as router:
        router.post("http://llm.bench/v1/chat/completions").mock(side_effect=instant_answer)
        for request in email_requests[:10]:
            pipeline.produce(request)  # warm-up
        for _ in range(args.rounds):
            for request in email_requests:
                overhead.append(timed(partial(pipeline.produce, request)))

    results = {
        "composer_draft_ms": summary(composing),
        "guardrail_checks_ms": summary(checking),
        "llm_path_overhead_ms": summary(overhead),
        "requests": len(prepared),
    }
    print(f"{'measure':<36} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name, figures in results.items():
        if isinstance(figures, dict):
            n, p50, p95, p99 = figures["n"], figures["p50"], figures["p95"], figures["p99"]
            print(f"{name:<36} {n:>6} {p50:>8.2f} {p95:>8.2f} {p99:>8.2f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
