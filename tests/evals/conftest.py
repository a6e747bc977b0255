"""Fixtures of the quality-suite tests: the product's parts built as `touchpoint eval run` builds them."""

from __future__ import annotations

from typing import Any

import pytest

from agent.container import build_drafting
from agent.replies.rules import RuleClassifier
from agent.sequences import load_sequences
from agent.settings import Settings
from evals.quality.environment import Environment
from evals.quality.runner import run_suite
from evals.quality.scenarios import load_suite
from knowledge.retrieval import KnowledgeBase


@pytest.fixture(scope="session")
def composer_environment(knowledge_base: KnowledgeBase) -> Environment:
    """No model configured: the composer drafts, the rules read replies, the judge does not run."""
    settings = Settings.load(_env_file=None, llm_base_url=None, llm_api_key=None)  # whatever the shell says
    return Environment(
        knowledge=knowledge_base,
        drafting=build_drafting(settings, None),
        classifier=RuleClassifier(),
        sequences=load_sequences(),
        describe={"drafter": "composer", "model": None, "prompt_version": "composer", "classifier": "rules"},
    )


@pytest.fixture(scope="session")
def default_result(composer_environment: Environment) -> dict[str, Any]:
    """The default suite, deterministic part, run once for the session (a few seconds)."""
    return run_suite(load_suite("default"), composer_environment)
