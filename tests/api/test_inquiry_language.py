"""The lead's language, end to end (issue 24, item 3): a Spanish-speaking lead of a company that writes
in English and Spanish gets the acknowledgment and the day-1 touch in Spanish; the language an inquiry
states (the `language` field, "escríbame en español") or is written in is stored on the lead.

The company is Casa Verde Remodeling (evals/companies/casa-verde): its profile (`languages: [en, es]`)
and its knowledge base, Spanish documents included, embedded by the real model.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from agent.channels.received import InboundSms
from agent.container import Services, build_knowledge_base, build_services
from agent.db.models import Lead, Touch
from agent.replies.language import detect
from agent.services.inbound import receive_sms
from agent.services.review import approve
from agent.settings import Settings
from agent.worker import tick
from api.app import create_app
from knowledge.retrieval import KnowledgeBase
from knowledge.types import RetrievalQuery
from tests.conftest import FakeClock
from tests.factories import inquiry_payload, submit

CASA_VERDE = Path(__file__).parents[2] / "evals" / "companies" / "casa-verde"
SPANISH_INQUIRY = (
    "Hola, buenas tardes. Quisiera remodelar la cocina de mi casa en Pasadena. "
    "¿Cuánto tiempo tarda una remodelación completa? Gracias."
)


@pytest.fixture(scope="module")
def casa_verde_knowledge(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    var = tmp_path_factory.mktemp("casa-verde")
    return build_knowledge_base(
        Settings.load(
            knowledge_dir=CASA_VERDE / "knowledge", chroma_path=var / "chroma", var_dir=var, _env_file=None
        )
    )


@pytest.fixture
def casa_verde(
    make_settings: Callable[..., Settings],
    database_url: str,
    casa_verde_knowledge: KnowledgeBase,
    clock: FakeClock,
) -> Iterator[Services]:
    settings = make_settings(
        database_url=database_url,
        knowledge_dir=CASA_VERDE / "knowledge",
        company_profile=CASA_VERDE / "company.yaml",
    )
    built = build_services(settings, clock=clock, knowledge=casa_verde_knowledge)
    yield built
    built.close()


@pytest.fixture
def casa_verde_client(casa_verde: Services) -> Iterator[TestClient]:
    with TestClient(create_app(casa_verde), raise_server_exceptions=False) as test_client:
        yield test_client


def _emails(services: Services) -> list[EmailMessage]:
    """The outbox's emails, oldest first."""
    directory = services.settings.resolved_outbox_dir
    files = sorted(directory.glob("*.eml"), key=lambda f: f.stat().st_mtime_ns) if directory.exists() else []
    parsed = [message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
    return [p for p in parsed if isinstance(p, EmailMessage)]


def _message_text(email: EmailMessage) -> str:
    """What we wrote to the lead: the plain-text part without the channel's footer (after "--")."""
    part = email.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content()).split("\n--\n")[0]


def _lead(services: Services, lead_id: str) -> Lead:
    with services.session_factory() as session:
        lead = session.get(Lead, uuid.UUID(lead_id))
        assert lead is not None
        return lead


def _touches(services: Services, lead_id: str, purpose: str) -> list[Touch]:
    with services.session_factory() as session:
        return list(
            session.scalars(
                select(Touch).where(Touch.lead_id == uuid.UUID(lead_id), Touch.purpose == purpose)
            )
        )


def _sent(services: Services, lead_id: str) -> list[Touch]:
    with services.session_factory() as session:
        return list(
            session.scalars(
                select(Touch)
                .where(Touch.lead_id == uuid.UUID(lead_id), Touch.state == "sent")
                .order_by(Touch.created_at)
            )
        )


class TestSpanishSpeakingLead:
    def test_a_spanish_lead_gets_the_acknowledgment_and_the_day_1_touch_in_spanish(
        self, casa_verde_client: TestClient, casa_verde: Services, clock: FakeClock
    ) -> None:
        response = casa_verde_client.post(
            "/v1/inquiries",
            json=inquiry_payload(
                email="marisol.vega@example.com",
                first_name="Marisol",
                company=None,
                need=None,
                industry=None,
                message=SPANISH_INQUIRY,
            ),
        )

        assert response.status_code == 201, response.text
        assert response.json()["acknowledgment"] == "queued"
        lead_id = response.json()["lead_id"]
        assert _lead(casa_verde, lead_id).language == "es"
        (acknowledgment,) = _emails(casa_verde)
        text = _message_text(acknowledgment)
        assert detect(text) == "es", text
        assert text.startswith(
            ("Hola, Marisol:", "Buenos días, Marisol:", "Reciba un cordial saludo, Marisol:")
        ), text
        assert "personalmente" in text and ("Gracias" in text or "gracias" in text)
        assert "Lucía" in text
        # Our own lines follow the body (found reading the e-mail as Marisol would: an English footer
        # under a Spanish message).
        whole = acknowledgment.get_body(preferencelist=("plain",))
        assert whole is not None
        footer = str(whole.get_content()).split("\n--\n")[1]
        assert "Darse de baja con un clic" in footer and "Unsubscribe" not in footer, footer
        html_part = acknowledgment.get_body(preferencelist=("html",))
        assert html_part is not None and ">Darse de baja</a>" in str(html_part.get_content())

        tick(casa_verde)  # the worker, seconds later: the personal reply the acknowledgment promised
        (personal,) = _touches(casa_verde, lead_id, "personal_response")
        assert detect(personal.body) == "es", personal.body
        assert "Marisol" in personal.body
        if personal.state == "pending_review":  # no answer sure enough to send by itself: a rep's
            with casa_verde.session_factory.begin() as session:  # (the lead waits for it meanwhile)
                approve(session, casa_verde.loop, personal.id, version=personal.version, now=clock.now)
        assert _touches(casa_verde, lead_id, "personal_response")[0].state in {"queued", "sent"}

        start = clock.now
        for hours in range(6, 24 * 2 + 1, 6):  # the worker, every 6 hours, to the end of day 2
            clock.now = start + timedelta(hours=hours)
            tick(casa_verde)

        every = _sent(casa_verde, lead_id)  # the personal reply among them, if it went by itself
        sent = [t for t in every if t.purpose != "personal_response"]
        assert [t.purpose for t in sent][:2] == ["acknowledgment", "value_add"]
        day_1 = _emails(casa_verde)[[t.purpose for t in every].index("value_add")]
        text = _message_text(day_1)
        assert detect(text) == "es", text
        assert detect(str(day_1["Subject"]) + ". " + text) == "es"
        assert "Marisol" in text
        assert any(word in text for word in ("usted", "Usted", "Le comparto", "Aquí tiene")), text
        assert text.rstrip().endswith("Lucía")
        assert any(signoff in text for signoff in ("Saludos", "Un saludo", "Atentamente")), text
        assert sent[1].prompt_version == "composer-es-v3"
        documents = casa_verde.knowledge.documents
        assert sent[1].sources, "the day-1 touch should quote a Spanish document"
        assert all(documents[source["id"]].language == "es" for source in sent[1].sources)

    def test_the_same_inquiry_in_english_gets_english(
        self, casa_verde_client: TestClient, casa_verde: Services
    ) -> None:
        """The control: the company's first language for a lead who writes in it."""
        response = casa_verde_client.post(
            "/v1/inquiries",
            json=inquiry_payload(
                email="mary.vega@example.com",
                first_name="Mary",
                message="Hello, I would like to remodel my kitchen. How long does a full remodel take?",
            ),
        )

        assert _lead(casa_verde, response.json()["lead_id"]).language == "en"
        (acknowledgment,) = _emails(casa_verde)
        assert detect(_message_text(acknowledgment)) == "en"


class TestLanguageAtTheInquiry:
    @pytest.mark.parametrize(
        ("message", "language", "stored"),
        [
            ("Need a quote for a new bathroom, two sinks.", "es", "es"),  # the field wins
            ("Hi, I need a new bathroom. Please write to me in Spanish.", None, "es"),  # stated
            ("Hola, escríbame en español, por favor. Necesito un baño nuevo.", None, "es"),  # stated
            (SPANISH_INQUIRY, None, "es"),  # detected
            ("Hello, I would like a quote for a new bathroom with two sinks.", None, "en"),  # detected
            ("Baño nuevo", None, None),  # too short to tell
        ],
    )
    def test_the_language_is_stored_on_the_lead(
        self,
        casa_verde_client: TestClient,
        casa_verde: Services,
        message: str,
        language: str | None,
        stored: str | None,
    ) -> None:
        payload = inquiry_payload(message=message)
        if language:
            payload["language"] = language

        response = casa_verde_client.post("/v1/inquiries", json=payload)

        assert response.status_code == 201, response.text
        assert _lead(casa_verde, response.json()["lead_id"]).language == stored

    @pytest.mark.parametrize("language", ["spanish", "xx", "e", "es-MX"])
    def test_a_language_that_is_not_iso_639_1_is_refused(
        self, casa_verde_client: TestClient, language: str
    ) -> None:
        response = casa_verde_client.post("/v1/inquiries", json={**inquiry_payload(), "language": language})

        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "ISO 639-1" in response.text

    def test_a_lead_writing_in_a_language_the_company_does_not_write_is_held_for_review(
        self, casa_verde_client: TestClient, casa_verde: Services
    ) -> None:
        response = casa_verde_client.post(
            "/v1/inquiries",
            json=inquiry_payload(
                message="Bonjour, je voudrais rénover ma cuisine. Combien de temps faut-il pour les travaux ?"
            ),
        )

        assert response.json()["acknowledgment"] == "pending_review"
        with casa_verde.session_factory() as session:
            touch = session.get(Touch, uuid.UUID(response.json()["touch_id"]))
            assert touch is not None
            codes = [g["code"] for g in touch.guardrails]
            assert "language.not_written" in codes
            assert any("French" in g["message"] for g in touch.guardrails)
        assert _emails(casa_verde) == []


class TestRetrievalPrefersTheLeadsLanguage:
    def test_documents_in_the_lead_s_language_come_first(self, casa_verde_knowledge: KnowledgeBase) -> None:
        def first(language: str | None) -> str:
            query = RetrievalQuery.for_lead(
                need=None, inquiry="How long does a kitchen remodel take?", purpose="faq", language=language
            )
            return casa_verde_knowledge.retrieve(query)[0].id

        assert casa_verde_knowledge.documents[first(None)].language is None  # English, unmarked
        assert casa_verde_knowledge.documents[first("es")].language == "es"


class TestSpanishSmsStopConfirmation:
    def test_spanish_sms_lead_who_texts_stop_is_answered_in_spanish(self, casa_verde: Services) -> None:
        """Found using the product as Casa Verde: a Spanish lead texted STOP and was told, in English,
        "you are unsubscribed". The carriers' English keyword says nothing of the lead's language: the
        stored one does."""
        phone = "+17135550199"
        outcome = submit(
            casa_verde,
            email="rosa.mendez@example.com",
            first_name="Rosa",
            company=None,
            industry=None,
            need=None,
            phone=phone,
            consent_sms=True,
            message=SPANISH_INQUIRY,
        )
        assert _lead(casa_verde, str(outcome.lead_id)).language == "es"

        result = receive_sms(casa_verde, InboundSms(sid="SM-es-1", from_number=phone, body="STOP"))

        assert result.reply is not None
        assert result.reply.startswith("Casa Verde Remodeling:")
        assert "no recibirá más mensajes" in result.reply and "START" in result.reply
        assert "unsubscribed" not in result.reply
