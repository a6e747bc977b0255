"""Turn a ``DraftRequest`` into chat messages: versioned templates plus delimited blocks of data.

Everything that did not come from us (the lead's message, retrieved sources, earlier messages, a rep's
instruction) goes into its own tagged block, escaped so it cannot close the block and talk to the model
as if it were the system. The templates themselves live in ``prompts/drafter-<version>.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from agent.domain import Channel
from agent.drafting.base import DraftRequest, guardrail_context
from agent.drafting.language import name, writing_language
from agent.guardrails import hard_ask_allowed
from prompts.loader import PromptError, PromptFile

TAG_NAME = re.compile(r"^[a-z_]+$")
MAX_BLOCK_CHARS = 4000  # a pasted novel in a web form must not crowd out the rules


@dataclass(frozen=True, slots=True)
class ChatMessages:
    system: str
    user: str


def block(tag: str, text: str, **attributes: str) -> str:
    """``<tag a="..">text</tag>`` with the text unable to open or close a tag of its own."""
    if not TAG_NAME.match(tag):
        raise ValueError(f"bad block tag {tag!r}")
    safe = text[:MAX_BLOCK_CHARS].replace("<", "‹").replace(">", "›")
    attrs = "".join(f' {name}="{_attr(value)}"' for name, value in attributes.items())
    return f"<{tag}{attrs}>\n{safe}\n</{tag}>"


def _attr(value: str) -> str:
    return value.replace('"', "'").replace("<", "‹").replace(">", "›")[:300]


def render(prompts: PromptFile, request: DraftRequest) -> ChatMessages:
    data = prompts.data
    lead = request.lead
    slot_a, slot_b = request.slots
    allowed = hard_ask_allowed(guardrail_context(request))
    values = {
        "company_name": request.identity.name,
        "sender_name": request.identity.sender_name,
        "sender_first": request.identity.sender_name.split()[0],
        "slot_a": slot_a,
        "slot_b": slot_b,
    }
    values["ask_rule"] = _format(data["ask_rule"]["allowed" if allowed else "not_allowed"], values)
    values["channel_rules"] = _format(data["channel_rules"][request.channel.value], values)
    values["tone"] = request.tone_profile.describe()
    system = _format(data["system"], values)

    purpose = data["purposes"].get(request.purpose.value)
    if purpose is None:
        raise PromptError(f"{prompts.name}: no template for purpose {request.purpose.value!r}")
    details = {
        "first name": lead.first_name,
        "last name": lead.last_name,
        "company": lead.company,
        "role": lead.role,
        "industry": lead.industry,
        "need": lead.need,
        "time zone": lead.timezone,
    }
    lead_lines = "\n".join(f"{name}: {value}" for name, value in details.items() if value)
    parts = [
        f"TASK ({request.purpose.value}, {request.channel.value}): {purpose}"
        + (f" {request.angle}" if request.angle else ""),
        "LEAD details:\n" + block("lead_details", lead_lines or "(unknown)"),
    ]
    if lead.inquiry_text:
        parts.append("What the lead wrote:\n" + block("lead_message", lead.inquiry_text))
    if request.signals:
        parts.append("What the lead did recently: " + "; ".join(request.signals))
    if request.sources:
        sources = "\n".join(
            block("source", source.text, id=source.id, title=source.title, url=source.url or "")
            for source in request.sources
        )
        parts.append("SOURCES (cite by id):\n" + sources)
    else:
        parts.append("SOURCES: none fit this lead. Give value from the LEAD details only; state no facts.")
    if request.answers:
        answers = "\n".join(
            block("answer", f"Question: {a.question}\nAnswer: {' '.join(a.quoted)}", source=a.document_id)
            for a in request.answers
        )
        parts.append(
            "The lead's questions and the sentences of the sources that answer them: answer each "
            "question plainly with its sentence, quoted as it stands:\n" + answers
        )
    if request.unanswered:
        parts.append(
            "No source answers these questions of the lead: do not answer them; say plainly that a "
            "colleague will answer them personally:\n" + block("unanswered", "\n".join(request.unanswered))
        )
    if request.previous:
        earlier = "\n".join(
            block("previous_message", message.body, purpose=message.purpose or "")
            for message in request.previous[-3:]
        )
        parts.append("Messages this lead already received (do not repeat them):\n" + earlier)
    if request.instruction:
        parts.append(data["instruction"] + "\n" + block("rep_instruction", request.instruction))
    if request.feedback and request.rejected_body is not None:
        listed = "\n".join(f"- {v.code}: {v.message}" for v in request.feedback)
        repair = _format(data["repair"], {"violations": listed})
        parts.append(repair + "\n" + block("previous_draft", request.rejected_body))
    if request.channel is Channel.EMAIL and lead.first_name:
        parts.append(f'Greet them as "{lead.first_name}".')
    language = writing_language(request.identity, lead)
    if language != "en":  # English prompts stay as they were: the templates are written in English
        parts.append(
            f"Write the whole message, subject included, in {name(language)}, the lead's language"
            + (", addressing them as usted." if language == "es" else ".")
        )
    return ChatMessages(system=system, user="\n\n".join(parts))


def _format(template: str, values: Mapping[str, str]) -> str:
    try:
        return template.format_map(values)
    except (KeyError, ValueError) as exc:
        raise PromptError(f"prompt template needs a value it does not get: {exc}") from None
