"""Build a run's parts from settings, the way the product builds its own (``agent.container``).

The drafter is the product's pipeline (``build_drafting``) with the requested prompt version, or the
composer alone; the reply classifier and the policy settings are the product's; the knowledge base is
the suite's folder in a vector store of its own under ``var/evals/`` (so an eval never rewrites the
store the agent serves from). The drafter, the reply classifier and the judge share the run's one
``ModelAccess`` (one gate, so the concurrency limit holds for the whole run). Every model call goes
through the disk cache.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import AnyHttpUrl

from agent.container import (
    build_drafting,
    build_knowledge_base,
    build_model_access,
    build_reply_classifier,
)
from agent.drafting.llm import load_drafter_prompts
from agent.llm import RetryPolicy
from agent.policy import PolicyConfig
from agent.replies.llm import LlmReplyClassifier
from agent.sequences import load_sequences
from agent.settings import Settings
from evals.quality.agreement import load_labels
from evals.quality.cache import CacheMode, DiskCache
from evals.quality.environment import Environment
from evals.quality.judge import Judge, load_rubric
from evals.quality.scenarios import Suite, SuiteError
from knowledge.retrieval import KnowledgeBase
from prompts.loader import load_prompt_file

VERSION = re.compile(r"^[A-Za-z0-9_.-]+$")
REPLAY_URL = (
    "http://127.0.0.1:9/v1"  # never reached: in replay mode the cache answers or the call fails first
)
Drafter = Literal["composer", "llm"]


@dataclass(frozen=True, slots=True)
class RunOptions:
    drafter: Drafter | None = None  # None: the LLM when one is configured, else the composer
    prompts: str | None = None  # a drafter prompt version (prompts/drafter-<version>.yaml)
    judge: bool = True
    judge_model: str | None = None
    cache: CacheMode = CacheMode.USE


def eval_settings(settings: Settings, options: RunOptions) -> Settings:
    """The settings of the run: in replay mode a model need not be reachable, or even configured."""
    if options.cache is CacheMode.REPLAY and not settings.llm_configured:
        return settings.model_copy(update={"llm_base_url": AnyHttpUrl(REPLAY_URL)})
    return settings


def build_environment(
    settings: Settings,
    suite: Suite,
    options: RunOptions,
    *,
    knowledge: KnowledgeBase | None = None,
) -> tuple[Environment, DiskCache]:
    settings = eval_settings(settings, options)
    drafter = options.drafter or ("llm" if settings.llm_configured else "composer")
    if drafter == "llm" and not settings.llm_configured:
        raise SuiteError(
            "--drafter llm needs a model: set TOUCHPOINT_LLM_BASE_URL (or TOUCHPOINT_LLM_API_KEY), "
            "or replay recorded answers with --replay"
        )
    if options.prompts is not None and not VERSION.match(options.prompts):
        raise SuiteError(
            f"--prompts {options.prompts!r}: give a version such as v1 (prompts/drafter-v1.yaml)"
        )
    drafting_settings = settings.model_copy(
        update={"prompt_version": options.prompts or settings.prompt_version}
    )
    models = build_model_access(settings)
    if drafter == "llm":
        prompts = load_drafter_prompts(drafting_settings.prompt_version)  # a clear error for a missing file
        prompt_version, model = prompts.version, settings.llm_model
    else:
        prompt_version, model = load_prompt_file("composer").version, None
    classifier = build_reply_classifier(settings, models, suite.identity)
    environment = Environment(
        knowledge=knowledge or suite_knowledge(settings, suite),
        drafting=build_drafting(drafting_settings, models if drafter == "llm" else None),
        classifier=classifier,
        sequences=load_sequences(),
        config=PolicyConfig.from_settings(settings),
        describe={
            "drafter": drafter,
            "model": model,
            "prompt_version": prompt_version,
            "classifier": "llm" if isinstance(classifier, LlmReplyClassifier) else "rules",
            "structured_output": settings.llm_structured_output if settings.llm_configured else None,
        },
    )
    if not options.judge:
        environment.judge_skipped = "switched off with --no-judge"
    elif models is not None:
        rubric = load_rubric(suite.model.judge.rubric)
        judge_model = options.judge_model or settings.llm_model
        environment.judge = Judge(
            models.chat_model(model=judge_model, temperature=suite.model.judge.temperature),
            model_name=judge_model,
            rubric=rubric,
            identity=suite.identity,
            gate=models.gate,
            retry=RetryPolicy(
                attempts=settings.llm_max_attempts, total_seconds=settings.llm_timeout_seconds * 3
            ),
            method=settings.llm_structured_output,
            samples=suite.model.judge.samples,
        )
        labels_path = suite.human_labels_path
        if labels_path is not None:
            environment.labels = load_labels(
                labels_path, rubric, set(suite.catalogue), suite.model.judge.human_label_ids
            )
    return environment, DiskCache(cache_dir(settings), options.cache)


def suite_knowledge(settings: Settings, suite: Suite) -> KnowledgeBase:
    """The suite's knowledge folder, embedded into the evals' own vector store."""
    if not suite.knowledge_dir.is_dir():
        raise SuiteError(f"the suite's knowledge folder {suite.knowledge_dir} does not exist")
    own = settings.model_copy(
        update={
            "knowledge_dir": suite.knowledge_dir,
            "chroma_path": settings.var_dir / "evals" / "chroma",
            "chroma_url": None,
        }
    )
    return build_knowledge_base(own)


def cache_dir(settings: Settings) -> Path:
    return settings.var_dir / "evals" / "cache"
