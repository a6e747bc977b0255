"""The LLM reply reader: a chat model reads the reply through LangChain structured output.

The reply reaches the model escaped inside a declared ``<inbound_reply>`` block, under a system prompt
(``prompts/reply_classifier.yaml``) that says it is data; the model can only answer with the fields of
``ReplyVerdict``, none of which names a lead, an address or an action, so the most a hostile reply can
do is mislabel itself. Any failure falls back to another reader (the learned one by default), and a
verdict that would keep a reply from a person (an away notice, a bounce) is only taken when that reader
sees the same thing: the model can make the loop more careful, never less.
"""

from __future__ import annotations

import html
import logging
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from agent.domain import MACHINE_INTENTS, ReplyIntent, ReplyReading
from agent.llm import ModelGate, RetryPolicy
from agent.replies.message import MAX_REPLY_CHARS, InboundReply
from agent.replies.protocol import ReplyClassifier
from agent.replies.reader import shipped_reader
from prompts.loader import PromptFile, load_prompt_file

if TYPE_CHECKING:  # LangChain is imported where a model is used (see ``agent.llm.openai_error``)
    from langchain_core.language_models import BaseChatModel

logger = logging.getLogger(__name__)
# Readings that would keep a reply from a person or silence a lead: the model alone never decides them.
SILENCING = MACHINE_INTENTS | {ReplyIntent.UNSUBSCRIBE, ReplyIntent.WRONG_PERSON}

IntentName = Literal[
    "interested",
    "question",
    "objection",
    "not_now",
    "asks_for_person",
    "frustrated",
    "complaint",
    "wrong_person",
    "unsubscribe",
    "out_of_office",
    "bounce_like",
    "auto_reply",
    "other",
]


class ReplyVerdict(BaseModel):
    """All the model may say about a reply (the structured-output schema)."""

    model_config = ConfigDict(extra="forbid")

    intent: IntentName
    confidence: float = Field(ge=0, le=1)
    evidence: str = Field(max_length=400)
    return_date: str | None = Field(description="YYYY-MM-DD, only for out_of_office or not_now")


def render_reply(reply: InboundReply) -> dict[str, str]:
    """The reply's fields, escaped for the ``<inbound_reply>`` block: no text can close or forge a tag."""
    return {
        "sender": html.escape(reply.sender or "", quote=False),
        "subject": html.escape(reply.subject or "", quote=False),
        "message": html.escape(reply.message[:MAX_REPLY_CHARS], quote=False),
    }


class LlmReplyClassifier:
    """A chat model (any LangChain ``BaseChatModel``) reads the reply; the rules answer when it fails."""

    uses_model = True

    def __init__(
        self,
        model: BaseChatModel,
        *,
        company_name: str,
        model_name: str | None = None,
        fallback: ReplyClassifier | None = None,
        prompt: PromptFile | None = None,
        gate: ModelGate,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.structured = model.with_structured_output(ReplyVerdict)
        self.gate = gate
        self.retry = retry  # None: the gate's own
        self.company_name = company_name
        self.model_name = model_name or str(getattr(model, "model_name", "") or "") or None
        self.fallback = fallback or shipped_reader()
        self.prompt = prompt or load_prompt_file("reply_classifier")

    def messages(self, reply: InboundReply, *, today: date) -> list[tuple[str, str]]:
        system = self.prompt.data["system"].format(company_name=self.company_name, today=today.isoformat())
        user = self.prompt.data["user"].format(**render_reply(reply))
        return [("system", system), ("human", user)]

    def classify(self, reply: InboundReply, *, today: date) -> ReplyReading:
        local = self.fallback.classify(reply, today=today)
        try:
            messages = self.messages(reply, today=today)
            verdict = self.gate.call(lambda: self.structured.invoke(messages), policy=self.retry)
            if not isinstance(verdict, ReplyVerdict):
                raise TypeError(f"the model answered {type(verdict).__name__}, not a ReplyVerdict")
        except Exception as exc:  # any failure at all: the local reader answers, and the reading says why
            logger.warning("replies.llm_failed", extra={"error": f"{type(exc).__name__}: {exc}"[:300]})
            return replace(local, fallback_reason=f"{type(exc).__name__}: {str(exc)[:200]}")
        intent = ReplyIntent(verdict.intent)
        if intent in SILENCING:
            if local.intent is not intent or local.needs_person:
                # The model alone could hide a real reply from a person, or silence a lead: no.
                reason = f"the model said {intent.value}; the local reader did not agree"
                return replace(local, fallback_reason=reason)
            # Both agree: the local reader's decisions (what to suppress) stand; a return date only the
            # model found ("back after the conference" with the date in the signature) is kept.
            returns = local.return_date or _parse_iso(verdict.return_date)
            return replace(
                local,
                classifier="llm",
                model=self.model_name,
                evidence=verdict.evidence[:200],
                return_date=returns,
            )
        return ReplyReading(
            intent=intent,
            confidence=verdict.confidence,
            classifier="llm",
            evidence=verdict.evidence[:200],
            model=self.model_name,
            other_intents=tuple(i for i in (local.intent, *local.other_intents) if i is not intent)[:3],
            language=local.language,
            handoff=True,
            injection=local.injection,
            return_date=_parse_iso(verdict.return_date) if intent is ReplyIntent.NOT_NOW else None,
        )


def _parse_iso(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
