"""The drafter interface every drafter implements: the composer now, the LLM drafter behind the same call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from agent.domain import Channel, CompanyIdentity, DrafterKind, LeadContext, TouchPurpose
from knowledge.retrieval import Source


@dataclass(frozen=True, slots=True)
class DraftRequest:
    lead: LeadContext
    purpose: TouchPurpose
    channel: Channel
    sources: tuple[Source, ...]
    identity: CompanyIdentity
    now: datetime
    previous_bodies: tuple[str, ...] = ()
    instruction: str | None = None


@dataclass(frozen=True, slots=True)
class Draft:
    subject: str | None
    body: str
    call_to_action: str
    source_ids: tuple[str, ...]
    drafter: DrafterKind
    label: str
    prompt_version: str
    model: str | None = None


class Drafter(Protocol):
    def draft(self, request: DraftRequest) -> Draft: ...
