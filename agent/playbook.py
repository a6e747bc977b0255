"""The business's playbook as plain data: its sequences and the policy's numbers, loaded once at the edge.

The pure policy takes what this returns; it never reads a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from agent.policy import DEFAULT_CONFIG, PolicyConfig
from agent.sequences import Sequence, load_sequences


@dataclass(frozen=True, slots=True)
class Playbook:
    sequences: dict[str, Sequence]
    policy: PolicyConfig


def load_playbook(folder: Path | None = None, base: PolicyConfig = DEFAULT_CONFIG) -> Playbook:
    """The shipped playbook (the business's configuration folder is not read yet)."""
    return Playbook(load_sequences(), base)
