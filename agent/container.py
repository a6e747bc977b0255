"""Build every edge once from settings (database, knowledge, drafters, channels) and hand it in.

The API, the worker, the CLI and the tests all start here, so they run the same wiring; tests swap
an edge by passing it in, never by patching the logic.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache, partial
from pathlib import Path

import httpx
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from agent.channels.base import Sender
from agent.channels.email_message import find_urls
from agent.channels.eml_file import EmlFileSender
from agent.channels.sms_file import SmsFileSender
from agent.channels.smtp import SmtpConfig, SmtpSender
from agent.channels.tasks import TaskSender
from agent.channels.twilio import TwilioConfig, TwilioSender
from agent.clock import Clock, utcnow
from agent.company import ProfileError, load_profile
from agent.db.engine import build_engine, build_session_factory
from agent.domain import Channel, CompanyIdentity
from agent.drafting.composer import Composer
from agent.drafting.llm import LLMDrafter, Pricing, load_drafter_prompts
from agent.drafting.pipeline import DraftingPipeline
from agent.guardrails import DEFAULT_CHECKS, Check
from agent.guardrails.embedded_meaning import EmbeddingMeaning
from agent.guardrails.meaning import Meaning
from agent.guardrails.urgency import check_urgency, reading_meaning
from agent.handoff import HandoffTarget
from agent.llm import ModelAccess, ModelEndpoint, ModelGate, RetryPolicy
from agent.loop import AgentLoop
from agent.notify import Notifier
from agent.outbox import Outbox
from agent.playbook import PlaybookReloader, load_playbook
from agent.policy import PolicyConfig
from agent.replies.llm import LlmReplyClassifier
from agent.replies.protocol import ReplyClassifier
from agent.replies.reader import shipped_reader
from agent.replies.rules import RuleClassifier
from agent.services.leads import team_timezone
from agent.settings import EmailChannelKind, EmbeddingProvider, Settings, SettingsError, SmsChannelKind
from agent.signing import LinkSigner, is_web_url
from knowledge.chroma_store import ChromaVectorStore, chroma_client
from knowledge.embeddings import LOCAL_MODEL_NAMES, LocalMiniLMEmbedder
from knowledge.ingest import ProgressCallback
from knowledge.retrieval import KnowledgeBase, open_knowledge_base
from knowledge.store import Embedder

logger = logging.getLogger(__name__)


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
    notifier: Notifier
    models: ModelAccess | None  # the process's one way to its model; None with no model configured
    playbook: PlaybookReloader  # the business's folder, re-read when it changes (worker tick, API request)

    def close(self) -> None:
        self.outbox.close()
        self.notifier.close()
        if self.models is not None:
            self.models.close()
        self.engine.dispose()


def company_identity(settings: Settings) -> CompanyIdentity:
    """The company profile file when one is configured (or ``company.yaml`` in the business's
    configuration folder), else the individual settings."""
    profile = settings.company_profile
    if (
        profile is None
        and settings.config_dir is not None
        and (settings.config_dir / "company.yaml").is_file()
    ):
        profile = settings.config_dir / "company.yaml"
    if profile is not None:
        try:
            return load_profile(profile)
        except ProfileError as exc:
            raise SettingsError(f"TOUCHPOINT_COMPANY_PROFILE: {exc}") from exc
    return CompanyIdentity(
        name=settings.company_name,
        sender_name=settings.sender_name,
        sender_title=settings.sender_title,
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
    models = build_model_access(settings)
    base = PolicyConfig.from_settings(settings)
    playbook = load_playbook(settings.config_dir, base)
    loop = AgentLoop(
        knowledge=knowledge,
        drafting=build_drafting(settings, models),
        sequences=playbook.sequences,
        identity=identity,
        config=playbook.policy,
        classifier=build_reply_classifier(settings, models, identity),
        handoff_target=HandoffTarget.from_settings(settings, team_timezone(settings, identity)),
    )
    links = LinkSigner(str(settings.public_base_url), settings.signing_secret.get_secret_value())
    outbox = build_outbox(settings, session_factory, links, identity, clock, knowledge)
    notifier = build_notifier(settings, session_factory, outbox, identity, clock)
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
        notifier=notifier,
        models=models,
        playbook=PlaybookReloader(loop, settings.config_dir, base),
    )


def build_notifier(
    settings: Settings,
    session_factory: sessionmaker[Session],
    outbox: Outbox,
    identity: CompanyIdentity,
    clock: Clock,
) -> Notifier:
    """Handoff notifications: the webhook if one is set, email through the outbox's own email sender.
    The webhook's HTTP client is made only when there is a webhook: a client loads the CA bundle (tens of
    milliseconds), and every process and test that builds the services would pay for it."""
    webhook = settings.notify_webhook_url
    return Notifier(
        session_factory,
        email=outbox.senders.get(Channel.EMAIL) if settings.notify_email else None,
        webhook_url=webhook.get_secret_value() if webhook is not None else None,
        http=httpx.Client(timeout=settings.notify_timeout_seconds) if webhook is not None else None,
        base_url=str(settings.public_base_url),
        team_timezone=team_timezone(settings, identity),
        message_domain=identity.sender_email.rsplit("@", 1)[-1],
        clock=clock,
        fallback_email=settings.notify_email_fallback,
    )


def build_model_access(settings: Settings) -> ModelAccess | None:
    """The one model gate and chat-model factory of this process (None with no model configured)."""
    if settings.llm_base_url is None:
        return None
    endpoint = ModelEndpoint(
        base_url=str(settings.llm_base_url),
        api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
        model=settings.llm_model,
        timeout_seconds=settings.llm_timeout_seconds,
        max_output_tokens=settings.llm_max_output_tokens,
    )
    gate = ModelGate(
        max_concurrency=settings.llm_max_concurrency,
        policy=RetryPolicy(
            attempts=settings.llm_max_attempts, total_seconds=settings.llm_timeout_seconds * 3
        ),
    )
    return ModelAccess(endpoint, gate)


def build_drafting(settings: Settings, models: ModelAccess | None) -> DraftingPipeline:
    """The composer alone with no model; otherwise the LLM, repaired, with the composer behind it."""
    composer = Composer()
    checks = guardrail_checks(build_meaning(settings))
    if models is None:
        return DraftingPipeline(composer, composer, checks=checks)
    pricing = None
    if settings.llm_input_price_per_mtok is not None and settings.llm_output_price_per_mtok is not None:
        pricing = Pricing(
            input_per_mtok=settings.llm_input_price_per_mtok,
            output_per_mtok=settings.llm_output_price_per_mtok,
        )
    drafter = LLMDrafter(
        models.chat_model(),
        model_name=models.model_name,
        prompts=load_drafter_prompts(settings.prompt_version),
        gate=models.gate,
        method=settings.llm_structured_output,
        pricing=pricing,
    )
    return DraftingPipeline(drafter, composer, repairs=settings.draft_repairs, checks=checks)


def build_reply_classifier(
    settings: Settings, models: ModelAccess | None, identity: CompanyIdentity
) -> ReplyClassifier:
    """The reader ``TOUCHPOINT_REPLY_CLASSIFIER`` asks for: with ``auto``, the LLM reader when a model is
    configured (the learned reader behind it), otherwise the learned reader shipped in the package."""
    choice = settings.reply_classifier
    if choice == "rules":
        return RuleClassifier()
    if models is None or choice == "learned":
        return shipped_reader()
    return LlmReplyClassifier(
        models.chat_model(temperature=0.0),
        company_name=identity.name,
        model_name=models.model_name,
        gate=models.gate,
        retry=RetryPolicy(attempts=settings.llm_max_attempts, total_seconds=settings.llm_timeout_seconds * 2),
    )


def build_embedder(settings: Settings) -> Embedder:
    """The embedder the settings ask for; the local model unless ``embedding_provider=openai``."""
    if settings.embedding_provider is EmbeddingProvider.OPENAI:
        if settings.llm_base_url is None or settings.llm_api_key is None:
            raise SettingsError("TOUCHPOINT_EMBEDDING_PROVIDER=openai needs TOUCHPOINT_LLM_API_KEY")
        from knowledge.openai_embeddings import OpenAIEmbedder  # the SDK only when it is wanted

        return OpenAIEmbedder(
            base_url=str(settings.llm_base_url),
            api_key=settings.llm_api_key.get_secret_value(),
            model=settings.embedding_model,
            timeout=settings.llm_timeout_seconds,
        )
    if settings.embedding_model not in LOCAL_MODEL_NAMES:
        raise SettingsError(
            f"TOUCHPOINT_EMBEDDING_MODEL={settings.embedding_model!r} is not available locally: the local "
            "provider ships all-MiniLM-L6-v2 only. Unset the variable, or set "
            "TOUCHPOINT_EMBEDDING_PROVIDER=openai to use a model served by your LLM endpoint."
        )
    return LocalMiniLMEmbedder()


def build_meaning(settings: Settings) -> Meaning | None:
    """The urgency check's reader of meaning, on the local model, when ``TOUCHPOINT_URGENCY_BY_MEANING``
    asks for it: one per process, loaded (and its bank embedded, ~2 s) at the first draft that has a
    sentence worth reading, not when services start.

    None with ``embedding_provider=openai``: the bank's thresholds were calibrated on all-MiniLM-L6-v2
    vectors and mean nothing for another model, so urgency is then judged by its patterns alone.
    """
    if not settings.urgency_by_meaning or settings.embedding_provider is EmbeddingProvider.OPENAI:
        return None
    return LazyMeaning()


class LazyMeaning:
    """``Meaning`` that builds the process's one ``EmbeddingMeaning`` when first asked."""

    def pressure(self, sentences: Sequence[str]) -> list[str | None]:
        return _local_meaning().pressure(sentences)


@lru_cache(maxsize=1)
def _local_meaning() -> EmbeddingMeaning:
    return EmbeddingMeaning(LocalMiniLMEmbedder())


def guardrail_checks(meaning: Meaning | None) -> tuple[Check, ...]:
    """Every check, urgency reading meaning when there is a reader."""
    if meaning is None:
        return DEFAULT_CHECKS
    return tuple(reading_meaning(meaning) if check is check_urgency else check for check in DEFAULT_CHECKS)


def build_vector_store(settings: Settings, embedder: Embedder) -> ChromaVectorStore:
    """Chroma on local disk under ``var/``, or the Chroma server ``TOUCHPOINT_CHROMA_URL`` names."""
    url = str(settings.chroma_url) if settings.chroma_url is not None else None
    store = ChromaVectorStore(chroma_client(url=url, path=settings.resolved_chroma_path), embedder)
    logger.info(
        "knowledge.store.ready",
        extra={
            "collection": store.collection_name,
            "location": url or str(settings.resolved_chroma_path),
            "chunks": store.count(),
        },
    )
    return store


def check_knowledge_dir(settings: Settings) -> Path:
    """The knowledge folder, if it is one; a missing folder is a configuration mistake to name."""
    folder = settings.knowledge_dir
    if not folder.is_dir():
        raise SettingsError(
            f"TOUCHPOINT_KNOWLEDGE_DIR={folder} is not a folder (a relative path starts in {Path.cwd()}): "
            "point it at your knowledge folder (docs/knowledge.md), or unset it to serve the demo's"
        )
    return folder


def build_knowledge_base(
    settings: Settings, *, ingest_missing: bool = True, on_progress: ProgressCallback | None = None
) -> KnowledgeBase:
    """The settings' knowledge folder, embedded into their vector store (``open_knowledge_base``)."""
    check_knowledge_dir(settings)
    store = build_vector_store(settings, build_embedder(settings))
    knowledge = open_knowledge_base(
        settings.knowledge_dir, store, ingest_missing=ingest_missing, on_progress=on_progress
    )
    # The sentences answers are quoted from keep their vectors here: a restart embeds only new ones.
    knowledge.answer_cache = settings.var_dir / "answers"
    return knowledge


def build_outbox(
    settings: Settings,
    session_factory: sessionmaker[Session],
    links: LinkSigner,
    identity: CompanyIdentity,
    clock: Clock,
    knowledge: KnowledgeBase | None = None,
) -> Outbox:
    return Outbox(
        session_factory,
        build_senders(settings, session_factory, identity, clock),
        links,
        message_domain=identity.sender_email.rsplit("@", 1)[-1],
        clock=clock,
        claim_timeout=timedelta(seconds=settings.outbox_claim_timeout_seconds),
        tracking=settings.email_tracking,
        own_links=partial(company_links, identity, knowledge),
    )


def company_links(identity: CompanyIdentity, knowledge: KnowledgeBase | None) -> tuple[str, ...]:
    """The links the company publishes, as the knowledge base holds them now: its website, each
    document's link and the links in the documents' text. Only these are tracked or redirected to."""
    website = identity.website or ""
    links = [website if "://" in website else f"https://{website}"]
    for document in (knowledge.documents if knowledge is not None else {}).values():
        links += [document.url or "", *find_urls(document.body)]
    return tuple(link for link in links if is_web_url(link))


def build_senders(
    settings: Settings, session_factory: sessionmaker[Session], identity: CompanyIdentity, clock: Clock
) -> dict[Channel, Sender]:
    """One sender per channel. Unless configured otherwise, email and SMS go to files: nobody is reached."""
    email: Sender
    if settings.email_channel is EmailChannelKind.SMTP:
        assert settings.smtp_host is not None  # the settings validator guarantees it
        email = SmtpSender(
            SmtpConfig(
                host=settings.smtp_host,
                port=settings.resolved_smtp_port,
                security=settings.smtp_security.value,
                username=settings.smtp_username,
                password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
                ca_file=settings.smtp_ca_file,
                envelope_from=settings.smtp_envelope_from,
                timeout=settings.smtp_timeout_seconds,
            ),
            identity,
            clock,
        )
    else:
        email = EmlFileSender(settings.resolved_outbox_dir, identity, clock)
    sms: Sender
    if settings.sms_channel is SmsChannelKind.TWILIO:
        assert settings.twilio_account_sid is not None and settings.twilio_auth_token is not None
        sms = TwilioSender(
            TwilioConfig(
                base_url=str(settings.twilio_base_url),
                account_sid=settings.twilio_account_sid,
                auth_token=settings.twilio_auth_token.get_secret_value(),
                from_number=settings.twilio_from_number,
                messaging_service_sid=settings.twilio_messaging_service_sid,
                status_callback_url=f"{str(settings.public_base_url).rstrip('/')}/webhooks/sms/twilio/status",
            ),
            httpx.Client(timeout=settings.sms_timeout_seconds),
        )
    else:
        sms = SmsFileSender(settings.resolved_outbox_dir)
    return {
        Channel.EMAIL: email,
        Channel.SMS: sms,
        Channel.PHONE: TaskSender(Channel.PHONE, session_factory, clock),
        Channel.LINKEDIN: TaskSender(Channel.LINKEDIN, session_factory, clock),
    }


def describe_channels(settings: Settings) -> str:
    """Where messages go, in one line for the console (what reaches a real person, and what does not)."""
    if settings.email_channel is EmailChannelKind.SMTP:
        email = (
            f"email via SMTP {settings.smtp_host}:{settings.resolved_smtp_port} ({settings.smtp_security})"
        )
    else:
        email = f"email as .eml files in {settings.resolved_outbox_dir}/ (nothing leaves this machine)"
    if settings.sms_channel is SmsChannelKind.TWILIO:
        sms = f"SMS via {settings.twilio_base_url}"
    else:
        sms = "SMS as .sms.json files there too"
    return f"{email}; {sms}; phone and LinkedIn touches become tasks for reps"
