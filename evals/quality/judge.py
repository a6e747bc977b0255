"""The LLM judge: a versioned rubric, scored by a model through the project's one model client.

The judge asks the configured OpenAI-compatible endpoint (``agent.llm.ModelAccess``, behind a
``ModelGate`` with its retries, timeout and concurrency limit) for a score per rubric criterion, with
structured output. Each draft is judged ``samples`` times (3 by default) with a different seed, and
the result is the per-criterion majority with the spread (max - min): one sample is an opinion, three
show whether the judge is sure. A sample that fails (no answer, a schema-breaking answer) is recorded
as an error, never replaced by a made-up score; with fewer than a majority of samples answered, the
draft counts as not judged, and the run reports it as a judge error.

What the judge sees goes into delimited blocks (``agent.drafting.prompting.block``): the draft and
the lead's words are data, and a lead who writes "score this 5" is read, not obeyed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_core.runnables import Runnable
from pydantic import BaseModel, Field, ValidationError, create_model

from agent.domain import Channel, CompanyIdentity, LeadContext, TouchPurpose
from agent.drafting.prompting import block
from agent.guardrails import SourceLike
from agent.llm import ModelGate, ModelUnavailable, RetryPolicy
from evals.quality.stats import majority, spread
from prompts.loader import PromptError, PromptFile, load_prompt_file

Score = Literal[1, 2, 3, 4, 5]
StructuredMethod = Literal["json_schema", "function_calling", "json_mode"]
REASON_CHARS = 300
SOURCE_CHARS = 900  # of each source: enough to check a claim against, short enough for a small model
# Five integers and a sentence; a model that rambles past it has failed the sample. LangChain sends it as
# `max_completion_tokens`, which llama-cpp-python's server ignores: give that server `max_tokens` yourself
# (the client's `extra_body`), or a tiny model may write until its context is full.
MAX_TOKENS = 400


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    label: str
    question: str
    anchors: Mapping[int, str]


@dataclass(frozen=True, slots=True)
class Rubric:
    version: str
    criteria: tuple[Criterion, ...]
    prompts: PromptFile

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria)

    def describe(self) -> str:
        lines = []
        for criterion in self.criteria:
            lines.append(f"- {criterion.id} ({criterion.label}): {criterion.question}")
            lines += [f"    {score}: {text}" for score, text in sorted(criterion.anchors.items())]
        return "\n".join(lines)


def load_rubric(name: str) -> Rubric:
    prompts = load_prompt_file(name)
    raw = prompts.data.get("criteria")
    if not isinstance(raw, dict) or not raw:
        raise PromptError(f"prompts/{name}.yaml needs `criteria:`, a mapping of criterion id to its rubric")
    criteria = []
    for criterion_id, spec in raw.items():
        if not isinstance(spec, dict) or not {"label", "question", "anchors"} <= spec.keys():
            raise PromptError(
                f"prompts/{name}.yaml: criterion {criterion_id!r} needs label, question, anchors"
            )
        anchors = {int(k): str(v) for k, v in spec["anchors"].items()}
        criteria.append(Criterion(str(criterion_id), str(spec["label"]), str(spec["question"]), anchors))
    for key in ("system", "user"):
        if not isinstance(prompts.data.get(key), str):
            raise PromptError(f"prompts/{name}.yaml needs a `{key}:` template")
    return Rubric(prompts.version, tuple(criteria), prompts)


def verdict_schema(rubric: Rubric) -> type[BaseModel]:
    """The structured-output schema: one 1-5 integer per criterion of this rubric, and a reason."""
    fields: dict[str, Any] = {
        c.id: (Score, Field(description=f"{c.label}: {c.question} (1-5)")) for c in rubric.criteria
    }
    fields["reason"] = (str, Field(description="One short sentence: the draft's biggest weakness"))
    model: type[BaseModel] = create_model("JudgeVerdict", **fields)
    return model


@dataclass(frozen=True, slots=True)
class JudgeInput:
    """A draft and what it was written for: what the judge reads."""

    lead: LeadContext
    purpose: TouchPurpose
    channel: Channel
    sources: Sequence[SourceLike]
    subject: str | None
    body: str


@dataclass(frozen=True, slots=True)
class Sample:
    scores: Mapping[str, int] | None
    reason: str = ""
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "scores": dict(self.scores) if self.scores else None,
            "reason": self.reason,
            "error": self.error,
        }


@dataclass(frozen=True, slots=True)
class Judgement:
    samples: tuple[Sample, ...]
    criteria: tuple[str, ...]
    majority: Mapping[str, int] = field(default_factory=dict)
    spread: Mapping[str, int] = field(default_factory=dict)

    @property
    def answered(self) -> list[Sample]:
        return [s for s in self.samples if s.scores is not None]

    @property
    def judged(self) -> bool:
        return bool(self.majority)

    @property
    def errors(self) -> list[str]:
        return [s.error for s in self.samples if s.error]

    def as_dict(self) -> dict[str, Any]:
        return {
            "judged": self.judged,
            "majority": dict(self.majority),
            "spread": dict(self.spread),
            "samples": [s.as_dict() for s in self.samples],
            "errors": self.errors,
        }


def summarise(samples: Sequence[Sample], criteria: Sequence[str]) -> Judgement:
    """Majority and spread per criterion, if more than half of the samples answered."""
    answered = [s.scores for s in samples if s.scores is not None]
    if len(answered) * 2 <= len(samples):
        return Judgement(tuple(samples), tuple(criteria))
    return Judgement(
        tuple(samples),
        tuple(criteria),
        majority={c: majority([a[c] for a in answered]) for c in criteria},
        spread={c: spread([a[c] for a in answered]) for c in criteria},
    )


class Judge:
    def __init__(
        self,
        model: BaseChatModel,
        *,
        model_name: str,
        rubric: Rubric,
        identity: CompanyIdentity,
        gate: ModelGate,
        method: StructuredMethod = "json_schema",
        samples: int = 3,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.model_name = model_name
        self.rubric = rubric
        self.identity = identity
        self.gate = gate
        self.retry = retry  # None: the gate's own
        self.samples = samples
        self.schema = verdict_schema(rubric)
        # A seed per sample: different samples, yet each one the same on every run (and in the cache).
        self._runnables: list[Runnable[Any, Any]] = [
            model.with_structured_output(
                self.schema, method=method, include_raw=True, seed=seed, max_tokens=MAX_TOKENS
            )
            for seed in range(1, samples + 1)
        ]
        self._system = rubric.prompts.data["system"].format(
            company_name=identity.name, rubric=rubric.describe()
        )

    def messages(self, item: JudgeInput) -> list[SystemMessage | HumanMessage]:
        lead = item.lead
        details = {
            "first name": lead.first_name,
            "company": lead.company,
            "role": lead.role,
            "industry": lead.industry,
            "need": lead.need,
        }
        lines = "\n".join(f"{k}: {v}" for k, v in details.items() if v)
        parts = [
            self.rubric.prompts.data["user"].format(
                purpose=item.purpose.value.replace("_", " "), channel=item.channel.value
            ),
            "The lead:\n" + block("lead_details", lines or "(unknown)"),
        ]
        if lead.inquiry_text:
            parts.append("What the lead wrote to us:\n" + block("lead_message", lead.inquiry_text))
        if item.sources:
            parts.append(
                "The sources the writer was given (facts may only come from these or the lead):\n"
                + "\n".join(block("source", s.text[:SOURCE_CHARS], title=s.title) for s in item.sources)
            )
        else:
            parts.append("The writer was given no sources.")
        draft = (f"Subject: {item.subject}\n\n" if item.subject else "") + item.body
        parts.append("The draft to score:\n" + block("draft", draft))
        return [SystemMessage(self._system), HumanMessage("\n\n".join(parts))]

    def judge(self, item: JudgeInput) -> Judgement:
        chat = self.messages(item)
        samples = [self._sample(runnable, chat) for runnable in self._runnables]
        return summarise(samples, self.rubric.ids)

    def _sample(self, runnable: Runnable[Any, Any], chat: list[SystemMessage | HumanMessage]) -> Sample:
        try:
            answer = self.gate.call(lambda: runnable.invoke(chat), policy=self.retry)
        except ModelUnavailable as exc:
            return Sample(None, error=str(exc))
        except (ValidationError, OutputParserException, ValueError) as exc:
            first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            return Sample(None, error=f"the judge's answer did not match the schema: {first}")
        parsed = answer.get("parsed") if isinstance(answer, dict) else answer
        problem = answer.get("parsing_error") if isinstance(answer, dict) else None
        if problem is not None or not isinstance(parsed, self.schema):
            detail = str(problem).splitlines()[0][:200] if problem is not None else "no structured answer"
            return Sample(None, error=f"the judge's answer did not match the schema: {detail}")
        values = parsed.model_dump()
        scores = {c: int(values[c]) for c in self.rubric.ids}
        return Sample(scores, reason=str(values.get("reason") or "")[:REASON_CHARS])
