"""The LLM drafter: a versioned prompt, structured output, retries, a timeout and the bill.

It asks any OpenAI-compatible model (through LangChain) for a ``DraftOutput`` and turns it into a
``Draft`` labelled with the model and prompt version. It does not judge the text: the pipeline's
guardrails do, and send it back with the violations when it breaks a rule. What it does guarantee is
that an unreachable model, an unreadable answer or an answer in the wrong shape becomes a
``DraftingError`` the pipeline can fall back from, never a half-made draft.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, ValidationError

from agent.domain import Channel, DrafterKind
from agent.drafting.base import Draft, DraftingError, DraftRequest, Usage
from agent.drafting.prompting import render
from agent.llm import ModelGate, ModelUnavailable, RetryPolicy
from prompts.loader import PromptFile, load_prompt_file

if TYPE_CHECKING:  # LangChain is imported where a model is used (see ``agent.llm.openai_error``)
    from langchain_core.language_models import BaseChatModel

StructuredMethod = Literal["json_schema", "function_calling", "json_mode"]


class DraftOutput(BaseModel):
    """The shape the model must answer in."""

    subject: str | None = Field(description="Email subject line; null for SMS")
    body: str = Field(description="The message text, greeting to sign-off")
    call_to_action: str = Field(description="The one question or next step, copied from the body")
    source_ids: list[str] = Field(description="Ids of the SOURCES the message uses")


class Pricing(BaseModel):
    input_per_mtok: float
    output_per_mtok: float

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        return (input_tokens * self.input_per_mtok + output_tokens * self.output_per_mtok) / 1_000_000


def load_drafter_prompts(version: str) -> PromptFile:
    return load_prompt_file(f"drafter-{version}")


class LLMDrafter:
    kind = DrafterKind.LLM

    def __init__(
        self,
        model: BaseChatModel,
        *,
        model_name: str,
        prompts: PromptFile,
        gate: ModelGate,
        method: StructuredMethod = "json_schema",
        pricing: Pricing | None = None,
        clock: Callable[[], float] = time.perf_counter,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.model_name = model_name
        self.prompts = prompts
        self.gate = gate
        self.retry = retry  # None: the gate's own
        self.pricing = pricing
        self.clock = clock
        self._structured = model.with_structured_output(DraftOutput, method=method, include_raw=True)

    def draft(self, request: DraftRequest) -> Draft:
        from langchain_core.exceptions import OutputParserException
        from langchain_core.messages import HumanMessage, SystemMessage

        messages = render(self.prompts, request)
        chat = [SystemMessage(messages.system), HumanMessage(messages.user)]
        started = self.clock()
        try:
            answer = self.gate.call(lambda: self._structured.invoke(chat), policy=self.retry)
        except ModelUnavailable as exc:
            raise DraftingError(str(exc), usage=Usage(latency_ms=self._ms(started))) from exc
        except (ValidationError, OutputParserException, ValueError) as exc:
            # Some structured-output paths raise instead of reporting ``parsing_error``: same outcome.
            first_line = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            raise DraftingError(
                f"the model's answer did not match the draft schema: {first_line}",
                usage=Usage(latency_ms=self._ms(started)),
            ) from exc
        result: dict[str, Any] = answer if isinstance(answer, dict) else {"parsed": answer}
        usage = self._usage(result.get("raw"), started)
        parsed = result.get("parsed")
        if result.get("parsing_error") is not None or not isinstance(parsed, DraftOutput):
            error = result.get("parsing_error")
            detail = str(error).splitlines()[0][:200] if error is not None else "no structured answer"
            raise DraftingError(f"the model's answer did not match the draft schema: {detail}", usage=usage)
        if not parsed.body.strip():
            raise DraftingError("the model returned an empty body", usage=usage)
        known = {source.id for source in request.sources}
        return Draft(
            subject=None if request.channel is Channel.SMS else (parsed.subject or "").strip() or None,
            body=parsed.body.strip(),
            call_to_action=parsed.call_to_action.strip(),
            # Only ids we handed in: a model that "cites" a source it never saw does not get it recorded.
            source_ids=tuple(sorted(known.intersection(parsed.source_ids))),
            drafter=DrafterKind.LLM,
            label=str(self.prompts.data["label"]).format(model=self.model_name),
            prompt_version=self.prompts.version,
            model=self.model_name,
            usage=usage,
        )

    def _usage(self, raw: object, started: float) -> Usage:
        from langchain_core.messages import AIMessage

        metadata = raw.usage_metadata if isinstance(raw, AIMessage) else None
        input_tokens = int(metadata["input_tokens"]) if metadata else 0
        output_tokens = int(metadata["output_tokens"]) if metadata else 0
        cost = self.pricing.cost(input_tokens, output_tokens) if self.pricing and metadata else None
        return Usage(input_tokens, output_tokens, cost, self._ms(started))

    def _ms(self, started: float) -> float:
        return (self.clock() - started) * 1000
