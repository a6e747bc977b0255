"""Build every edge once from settings (database, knowledge, drafters, channels) and hand it in.

The API, the worker, the CLI and the tests all start here, so they run the same wiring; tests swap
an edge by passing it in, never by patching the logic.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from agent.channels.base import Sender
from agent.channels.eml_file import EmlFileSender
from agent.clock import Clock, utcnow
from agent.db.engine import build_engine, build_session_factory
from agent.domain import Channel, CompanyIdentity
from agent.drafting.composer import Composer
from agent.loop import AgentLoop
from agent.outbox import LinkSigner, Outbox
from agent.sequences import load_sequences
from agent.settings import Settings
from knowledge.retrieval import KnowledgeBase, build_knowledge_base


@dataclass
class Services:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    knowledge: KnowledgeBase
    loop: AgentLoop
    outbox: Outbox
    links: LinkSigner
    identity: CompanyIdentity
    clock: Clock

    def close(self) -> None:
        self.engine.dispose()


def company_identity(settings: Settings) -> CompanyIdentity:
    return CompanyIdentity(
        name=settings.company_name,
        sender_name=settings.sender_name,
        sender_email=settings.sender_email,
        postal_address=settings.postal_address,
        reply_to=settings.reply_to,
    )


def build_services(
    settings: Settings, *, clock: Clock = utcnow, knowledge: KnowledgeBase | None = None
) -> Services:
    engine = build_engine(settings.database_url)
    session_factory = build_session_factory(engine)
    identity = company_identity(settings)
    knowledge = knowledge or build_knowledge_base(settings)
    composer = Composer()
    loop = AgentLoop(
        retriever=knowledge,
        drafter=composer,
        fallback=composer,
        sequences=load_sequences(),
        identity=identity,
    )
    links = LinkSigner(str(settings.public_base_url), settings.signing_secret.get_secret_value())
    senders: dict[Channel, Sender] = {
        Channel.EMAIL: EmlFileSender(settings.resolved_outbox_dir, identity, clock),
    }
    outbox = Outbox(
        session_factory,
        senders,
        links,
        message_domain=settings.sender_email.rsplit("@", 1)[-1],
        clock=clock,
    )
    return Services(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        knowledge=knowledge,
        loop=loop,
        outbox=outbox,
        links=links,
        identity=identity,
        clock=clock,
    )
