"""End to end against a REAL local model: llama.cpp's server with SmolLM2-135M, started on loopback.

Demo leads go through the real drafting path (real retrieval, the real LLM drafter with function
calling, the real guardrails, repair, the composer fallback), one lead for each of the four purposes
below. The tiny model writes badly on purpose; the test asserts that nothing ungrounded or
over-long is ever routed to send, checking the routed text independently of the guardrails, and reports
how often repair succeeded. Each model call takes seconds on a CPU (the prompt alone is a thousand
tokens), so the test drafts once per purpose: more leads of the same purposes run the same code again.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime

import pytest

from agent.container import build_model_access
from agent.demo import demo_lead_contexts
from agent.domain import Channel, CompanyIdentity, LeadContext, TouchPurpose
from agent.drafting.base import DraftRequest
from agent.drafting.composer import Composer
from agent.drafting.llm import LLMDrafter, load_drafter_prompts
from agent.drafting.pipeline import DraftingPipeline, DraftOutcome
from agent.llm import ModelGate, RetryPolicy
from agent.settings import Settings
from knowledge.retrieval import KnowledgeBase
from knowledge.types import RetrievalQuery

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
IDENTITY = CompanyIdentity(
    "Northstar Bookings",
    "Maya Ortiz",
    "maya@northstar-bookings.example",
    "Northstar Bookings Ltd, 418 Harbor Street, Suite 200, Portland, OR 97204, USA",
)
PURPOSES = (TouchPurpose.VALUE_ADD, TouchPurpose.SOCIAL_PROOF, TouchPurpose.FAQ, TouchPurpose.ACKNOWLEDGMENT)
LEADS = len(PURPOSES)  # one lead per purpose, each drafted, checked and (at most once) repaired
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
URL = re.compile(r"https?://[^\s)\"'>]+")


def request_for(lead: LeadContext, purpose: TouchPurpose, knowledge: KnowledgeBase) -> DraftRequest:
    query = RetrievalQuery(
        text=" ".join(part for part in (lead.need, lead.inquiry_text) if part) or purpose.value,
        purpose=purpose.value,
        industry=lead.industry,
        today=NOW.date(),
    )
    return DraftRequest(
        lead=lead,
        purpose=purpose,
        channel=Channel.EMAIL,
        sources=tuple(knowledge.retrieve(query)),
        identity=IDENTITY,
        now=NOW,
        company_facts=knowledge.company_facts(),
    )


def independently_unsupported(outcome: DraftOutcome, request: DraftRequest) -> list[str]:
    """A second, simpler opinion on a routed draft: every number and link is in the allowed text."""
    allowed = " ".join(
        [
            *(s.text + " " + (s.url or "") + " " + s.title for s in request.sources),
            *request.company_facts,
            *request.slots,
            " ".join(str(v) for v in vars_of(request.lead) if v),
            IDENTITY.postal_address,
        ]
    )
    allowed_numbers = {n.replace(",", "") for n in NUMBER.findall(allowed)}
    problems = [
        f"number {n}" for n in NUMBER.findall(outcome.draft.body) if n.replace(",", "") not in allowed_numbers
    ]
    problems += [f"link {u}" for u in URL.findall(outcome.draft.body) if u.rstrip(".,") not in allowed]
    words = len(outcome.draft.body.split())
    if not 50 <= words <= 150:
        problems.append(f"{words} words")
    return problems


def vars_of(lead: LeadContext) -> list[object]:
    return [getattr(lead, name) for name in lead.__slots__]


def test_nothing_ungrounded_or_over_long_is_routed_to_send(
    local_llm: str, knowledge_base: KnowledgeBase, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings.load(
        llm_base_url=local_llm,
        llm_model="smollm2-135m",
        llm_timeout_seconds=180,
        # A 150-word email as JSON is under 300 tokens; the cap only cuts a ramble short (the rambling
        # answer fails its schema either way, and 800 tokens of it cost a minute of CPU here).
        llm_max_output_tokens=400,
        _env_file=None,
    )
    models = build_model_access(settings)
    assert models is not None
    model = models.chat_model()
    drafter = LLMDrafter(
        model,
        model_name="smollm2-135m",
        prompts=load_drafter_prompts("v1"),
        gate=ModelGate(max_concurrency=1, policy=RetryPolicy(attempts=2, total_seconds=400)),
        method="function_calling",
    )
    pipeline = DraftingPipeline(drafter, Composer(), repairs=1)
    tally: Counter[str] = Counter()
    violations_seen: Counter[str] = Counter()
    routed_problems = []
    for lead, purpose in zip(demo_lead_contexts(LEADS, id_prefix="local"), PURPOSES, strict=True):
        request = request_for(lead, purpose, knowledge_base)
        outcome = pipeline.produce(request)
        llm_attempts = [a for a in outcome.attempts if a.drafter == "llm"]
        tally["llm calls"] += len(llm_attempts)
        tally["llm errors"] += sum(1 for a in llm_attempts if a.error)
        for attempt in llm_attempts:
            violations_seen.update(attempt.violations)
        if outcome.draft.drafter.value == "llm":
            tally["first draft clean" if len(llm_attempts) == 1 else "repaired"] += 1
        elif outcome.clean:
            tally["composer fallback"] += 1
        else:
            tally["review queue"] += 1
        if outcome.clean:  # what the loop would route to send
            assert outcome.violations == ()
            problems = independently_unsupported(outcome, request)
            if problems:
                routed_problems.append((lead.id, problems, outcome.draft.body))

    with capsys.disabled():
        print(
            f"\nSmolLM2-135M over {LEADS} leads: {dict(tally)}; "
            f"violations of its drafts: {dict(violations_seen)}"
        )
    assert routed_problems == []
    assert tally["llm calls"] >= LEADS and tally["llm calls"] > tally["llm errors"], (
        "the model never answered"
    )
