"""What a service that runs its own transactions is handed: the container's edges, as an interface.

``submit_inquiry`` and the inbound receivers open and commit their own transactions (an inquiry
retrieves before it writes; a webhook records within one), so they take these edges rather than a
session. ``agent.container.Services`` is the one implementation; the services never import it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.orm import Session, sessionmaker

from agent.domain import CompanyIdentity
from agent.settings import Settings

if TYPE_CHECKING:
    from agent.loop import AgentLoop
    from knowledge.retrieval import KnowledgeBase


class Edges(Protocol):
    @property
    def settings(self) -> Settings: ...

    @property
    def session_factory(self) -> sessionmaker[Session]: ...

    @property
    def knowledge(self) -> KnowledgeBase: ...

    @property
    def loop(self) -> AgentLoop: ...

    @property
    def identity(self) -> CompanyIdentity: ...

    def clock(self) -> datetime: ...
