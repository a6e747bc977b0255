"""A typed loader for the versioned files in ``prompts/``.

Prompts and phrase banks are files, not strings in code, so a change to wording is a reviewable diff
with a version bump, and every draft can record exactly which version wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PROMPTS_DIR = Path(__file__).parent


class PromptError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class PromptFile:
    name: str
    version: str
    data: dict[str, Any]


@cache
def load_prompt_file(name: str, directory: Path = PROMPTS_DIR) -> PromptFile:
    """Load ``<name>.yaml``; it must carry a ``version`` string that drafts will record."""
    path = directory / f"{name}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PromptError(f"prompt file {path} is missing") from None
    except yaml.YAMLError as exc:
        raise PromptError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("version"), str):
        raise PromptError(f"{path}: needs a top-level `version: <string>` so drafts can record it")
    return PromptFile(name=name, version=data["version"], data=data)
