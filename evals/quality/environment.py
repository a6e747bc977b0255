"""What a run drives: the product's parts, built once (from settings by the CLI, by hand in tests)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from agent.drafting.base import Draft, Drafter, DraftRequest
from agent.drafting.pipeline import DraftingPipeline
from agent.policy import PolicyConfig
from agent.replies.protocol import ReplyClassifier
from agent.sequences import Sequence
from evals.quality.agreement import Labels
from evals.quality.judge import Judge
from knowledge.retrieval import KnowledgeBase


class RecordingDrafter:
    """The drafter under test, with every draft it returns kept (per thread) for the case being run."""

    def __init__(self, inner: Drafter) -> None:
        self.inner = inner
        self._local = threading.local()

    @property
    def kind(self) -> Any:
        return self.inner.kind

    @property
    def model_name(self) -> str | None:
        return getattr(self.inner, "model_name", None)

    def draft(self, request: DraftRequest) -> Draft:
        draft = self.inner.draft(request)
        self.drafts.append(draft)
        return draft

    @property
    def drafts(self) -> list[Draft]:
        if not hasattr(self._local, "drafts"):
            self._local.drafts = []
        found: list[Draft] = self._local.drafts
        return found

    def begin(self) -> None:
        self._local.drafts = []


@dataclass
class Environment:
    knowledge: KnowledgeBase
    drafting: DraftingPipeline
    classifier: ReplyClassifier
    sequences: dict[str, Sequence]
    config: PolicyConfig = field(default_factory=PolicyConfig)
    judge: Judge | None = None
    judge_skipped: str = "no LLM is configured (set TOUCHPOINT_LLM_BASE_URL to run the judge)"
    labels: Labels | None = None
    describe: dict[str, Any] = field(default_factory=dict)  # drafter, model, prompt version, classifier
