"""The lead's language in drafting (issue 24, item 3): the composer writes Spanish from Spanish templates
and Spanish sources, the model is told the language, and a touch that cannot be written in it goes to
review with the reason, never out in English.

Casa Verde Remodeling (evals/companies/casa-verde) writes in English and Spanish and has Spanish documents.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agent.company import load_profile
from agent.domain import Channel, CompanyIdentity, DrafterKind, LeadContext, LeadStatus, TouchPurpose
from agent.drafting.base import Draft, DraftRequest, guardrail_context
from agent.drafting.composer import Composer
from agent.drafting.language import stated_language, writing_language
from agent.drafting.pipeline import LANGUAGE_NO_SOURCE, LANGUAGE_NOT_WRITTEN, DraftingPipeline
from agent.drafting.prompting import render
from agent.drafting.tone import Emphasis, Formality, Length, ToneProfile, tone_for
from agent.guardrails import DraftText, run_checks
from agent.replies.language import detect
from knowledge.documents import KnowledgeDocument, load_folder
from knowledge.types import Answer, Source
from prompts.loader import load_prompt_file

CASA_VERDE = Path(__file__).parents[3] / "evals" / "companies" / "casa-verde"
IDENTITY = load_profile(CASA_VERDE / "company.yaml")
ENGLISH_ONLY = dataclasses.replace(IDENTITY, languages=("en",))
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
DOCUMENTS = {d.id: d for d in load_folder(CASA_VERDE / "knowledge").documents}
SPANISH_WORDS = ("usted", "gracias", "le ")


def _source(document_id: str) -> Source:
    document: KnowledgeDocument = DOCUMENTS[document_id]
    return Source(
        id=document.id,
        type=document.type,
        title=document.title,
        url=document.url,
        text=document.body,
        score=0.8,
        customer=document.customer,
        figures=document.figures,
        language=document.language,
    )


def _lead(language: str | None = "es", **overrides: object) -> LeadContext:
    values: dict[str, object] = {
        "id": "lead-es-1",
        "email": "marisol@example.com",
        "phone": None,
        "first_name": "Marisol",
        "last_name": "Vega",
        "company": None,
        "role": None,
        "industry": "residential",
        "source": "web_form",
        "need": "remodelar la cocina",
        "deal_value": None,
        "timezone": "America/Chicago",
        "consent_email": True,
        "consent_sms": True,
        "status": LeadStatus.NEW,
        "inquiry_text": "Hola, quisiera remodelar la cocina de mi casa. ¿Cuánto tiempo tarda?",
        "language": language,
    }
    values.update(overrides)
    return LeadContext(**values)  # type: ignore[arg-type]


def _request(
    purpose: TouchPurpose = TouchPurpose.ACKNOWLEDGMENT,
    *,
    sources: tuple[str, ...] = ("faqs/plazos-es", "faqs/timelines"),
    identity: CompanyIdentity = IDENTITY,
    channel: Channel = Channel.EMAIL,
    **overrides: object,
) -> DraftRequest:
    return DraftRequest(
        lead=overrides.pop("lead", _lead()),  # type: ignore[arg-type]
        purpose=purpose,
        channel=channel,
        sources=tuple(_source(s) for s in sources),
        identity=identity,
        now=NOW,
        **overrides,  # type: ignore[arg-type]
    )


SPANISH_SOURCES = {
    TouchPurpose.ACKNOWLEDGMENT: "faqs/plazos-es",
    TouchPurpose.VALUE_ADD: "faqs/garantia-es",
    TouchPurpose.SOCIAL_PROOF: "case-studies/familia-ramirez-pasadena-es",
    TouchPurpose.FAQ: "faqs/financiamiento-es",
    TouchPurpose.OBJECTION: "faqs/precios-es",
    TouchPurpose.PRICING: "faqs/precios-es",
    TouchPurpose.CHECK_IN: "faqs/plazos-es",
    TouchPurpose.BREAKUP: "faqs/garantia-es",
    TouchPurpose.RE_ENGAGEMENT: "faqs/plazos-es",
    TouchPurpose.NURTURE: "faqs/calendario-de-pagos-es",
    TouchPurpose.POST_MEETING: "faqs/plazos-es",
    TouchPurpose.PERSONAL_RESPONSE: "faqs/plazos-es",
}


def _tones(lead: LeadContext) -> list[ToneProfile]:
    base = tone_for(lead)
    return [
        dataclasses.replace(base, formality=formality, emphasis=emphasis, length=length)
        for formality in Formality
        for emphasis in Emphasis
        for length in Length
    ]


def _clean(draft: Draft, request: DraftRequest) -> list[str]:
    text = DraftText(request.channel, draft.body, draft.subject)
    return [v.code for v in run_checks(text, guardrail_context(request))]


def _spanish(text: str) -> bool:
    return detect(text) == "es"


class TestComposerInSpanish:
    @pytest.mark.parametrize(
        ("purpose", "sources"),
        [
            (TouchPurpose.ACKNOWLEDGMENT, ("faqs/plazos-es", "faqs/timelines")),
            (TouchPurpose.VALUE_ADD, ("faqs/timelines", "faqs/garantia-es")),
            (TouchPurpose.SOCIAL_PROOF, ("case-studies/familia-ramirez-pasadena-es",)),
            (TouchPurpose.FAQ, ("faqs/financiamiento-es",)),
            (TouchPurpose.CHECK_IN, ("faqs/precios-es",)),
            (TouchPurpose.BREAKUP, ("faqs/garantia-es",)),
            (TouchPurpose.NURTURE, ("faqs/calendario-de-pagos-es",)),
            (TouchPurpose.RE_ENGAGEMENT, ("faqs/plazos-es",)),
            (TouchPurpose.OBJECTION, ("faqs/precios-es",)),
            (TouchPurpose.PRICING, ("faqs/precios-es",)),
            (TouchPurpose.PERSONAL_RESPONSE, ("faqs/plazos-es",)),
        ],
    )
    def test_a_spanish_lead_gets_a_clean_spanish_draft_quoting_a_spanish_source(
        self, purpose: TouchPurpose, sources: tuple[str, ...]
    ) -> None:
        request = _request(purpose, sources=sources)

        draft = Composer().draft(request)

        assert _spanish(draft.body), draft.body
        assert draft.subject is not None and _spanish(draft.subject + " " + draft.body)
        assert draft.prompt_version == load_prompt_file("composer.es").version
        assert _clean(draft, request) == [], draft.body
        spanish_sources = [s for s in sources if DOCUMENTS[s].language == "es"]
        assert set(draft.source_ids) <= set(spanish_sources)
        for source_id in sources:
            if DOCUMENTS[source_id].language != "es":
                assert DOCUMENTS[source_id].title not in draft.body  # never quotes English to her

    @pytest.mark.parametrize("with_source", [True, False])
    def test_every_spanish_wording_passes_the_guardrails(self, with_source: bool) -> None:
        """Every purpose, formality, emphasis and length, with and without her name and need, by email
        and text: the Spanish bank is held to the same checks as the English one (a message without a
        source gives no value and goes to review in both languages, so `value.missing` is expected)."""
        found: dict[tuple[str, str, str], str] = {}
        for seed in range(4):
            for first_name, need in ((None, None), ("Marisol", "remodelar la cocina")):
                lead = _lead(id=f"lead-es-{seed}", first_name=first_name, need=need)
                for purpose, source in SPANISH_SOURCES.items():
                    for channel in (Channel.EMAIL, Channel.SMS):
                        for tone in _tones(lead):
                            request = _request(
                                purpose,
                                sources=(source,) if with_source else (),
                                lead=lead,
                                channel=channel,
                                tone=tone,
                            )
                            draft = Composer().draft(request)
                            for code in _clean(draft, request):
                                if code != "value.missing" or with_source:
                                    found.setdefault((purpose.value, channel.value, code), draft.body)
                            assert _spanish(draft.body), draft.body

        assert found == {}

    def test_the_spanish_acknowledgment_thanks_her_first_and_says_a_person_will_reply(self) -> None:
        draft = Composer().draft(_request())

        assert draft.body.startswith("Hola, Marisol:") or draft.body.startswith("Buenos días, Marisol:")
        opening = draft.body.split("\n\n")[1]
        assert opening.startswith(("Gracias", "Muchas gracias"))
        assert "personalmente" in opening
        assert "¿Cuánto tiempo tarda una remodelación?" in draft.body  # the Spanish FAQ, quoted

    def test_a_spanish_text_message_is_spanish_with_a_spanish_opt_out(self) -> None:
        request = _request(channel=Channel.SMS)

        draft = Composer().draft(request)

        assert draft.subject is None
        assert draft.body.endswith("Responda STOP para no recibir más mensajes.")
        assert _spanish(draft.body)

    def test_the_answers_are_framed_in_spanish(self) -> None:
        answer = Answer(
            question="¿Cuánto tiempo tarda una remodelación?",
            sentences=("Full Kitchen Remodel: de 6 a 10 semanas.",),
            quoted=("Full Kitchen Remodel: de 6 a 10 semanas.",),
            document_id="faqs/plazos-es",
            document_title=DOCUMENTS["faqs/plazos-es"].title,
            score=0.8,
            sure=True,
            language="es",
        )
        request = _request(TouchPurpose.PERSONAL_RESPONSE, sources=("faqs/plazos-es",), answers=(answer,))

        draft = Composer().draft(request)

        assert "Full Kitchen Remodel: de 6 a 10 semanas." in draft.body
        assert _spanish(draft.body)
        assert "You asked" not in draft.body and 'On "' not in draft.body

    def test_an_english_lead_of_a_bilingual_company_is_not_quoted_spanish(self) -> None:
        request = _request(lead=_lead("en", inquiry_text="How long does a kitchen remodel take?"))

        draft = Composer().draft(request)

        assert draft.prompt_version == load_prompt_file("composer").version
        assert detect(draft.body) == "en"
        assert DOCUMENTS["faqs/plazos-es"].title not in draft.body
        assert draft.source_ids == ("faqs/timelines",)


class TestReviewWhenNothingFits:
    def test_a_lead_in_a_language_the_company_does_not_write_goes_to_review_naming_it(self) -> None:
        request = _request(identity=ENGLISH_ONLY)

        outcome = DraftingPipeline(Composer(), Composer()).produce(request)

        assert not outcome.clean
        (flag,) = [v for v in outcome.violations if v.code == LANGUAGE_NOT_WRITTEN]
        assert "Spanish" in flag.message and "(en)" in flag.message

    def test_a_language_the_company_writes_without_templates_goes_to_review(self) -> None:
        identity = dataclasses.replace(IDENTITY, languages=("en", "es", "pt"))
        request = _request(identity=identity, lead=_lead("pt"), sources=("faqs/timelines",))

        outcome = DraftingPipeline(Composer(), Composer()).produce(request)

        (flag,) = [v for v in outcome.violations if v.code == LANGUAGE_NOT_WRITTEN]
        assert "Portuguese" in flag.message and "composer.pt.yaml" in flag.message

    def test_an_answer_quoted_only_from_an_english_document_goes_to_review(self) -> None:
        answer = Answer(
            question="¿Tienen garantía?",
            sentences=("Every project comes with our 5-Year Workmanship Warranty.",),
            quoted=("Every project comes with our 5-Year Workmanship Warranty.",),
            document_id="faqs/warranty",
            document_title=DOCUMENTS["faqs/warranty"].title,
            score=0.8,
            sure=True,
            language=None,
        )
        request = _request(TouchPurpose.PERSONAL_RESPONSE, sources=("faqs/warranty",), answers=(answer,))

        outcome = DraftingPipeline(Composer(), Composer()).produce(request)

        (flag,) = [v for v in outcome.violations if v.code == LANGUAGE_NO_SOURCE]
        assert "Spanish" in flag.message and "¿Tienen garantía?" in flag.message

    def test_the_model_is_not_called_for_a_language_the_company_does_not_write(self) -> None:
        class Model:
            kind = DrafterKind.LLM
            calls = 0

            def draft(self, request: DraftRequest) -> Draft:
                Model.calls += 1
                raise AssertionError("the model should not be asked")

        outcome = DraftingPipeline(Model(), Composer()).produce(_request(identity=ENGLISH_ONLY))

        assert Model.calls == 0
        assert outcome.fallback_reason == "the company does not write in Spanish"
        assert LANGUAGE_NOT_WRITTEN in [v.code for v in outcome.violations]

    def test_a_spanish_lead_of_a_bilingual_company_is_not_held(self) -> None:
        outcome = DraftingPipeline(Composer(), Composer()).produce(_request())

        assert outcome.clean, outcome.violations
        assert outcome.draft.drafter is DrafterKind.COMPOSER


class TestModelIsTold:
    def test_the_model_prompt_says_to_write_in_spanish(self) -> None:
        messages = render(load_prompt_file("drafter-v1"), _request())

        assert "in Spanish, the lead's language" in messages.user

    def test_an_english_prompt_is_unchanged(self) -> None:
        messages = render(load_prompt_file("drafter-v1"), _request(lead=_lead("en")))

        assert "the lead's language" not in messages.user

    def test_a_language_the_company_does_not_write_is_not_asked_of_the_model(self) -> None:
        assert writing_language(ENGLISH_ONLY, _lead("es")) == "en"


class TestStatedLanguage:
    @pytest.mark.parametrize(
        ("text", "language"),
        [
            ("Hola, escríbame en español por favor, mi inglés no es muy bueno.", "es"),
            ("Hi, I need a new bathroom. Please write to me in Spanish.", "es"),
            ("Could you reply in Spanish? My mother will read it.", "es"),
            ("Prefiero español.", "es"),
            ("¿Me pueden atender en español?", "es"),
            ("I'd prefer English if possible, gracias.", "en"),
            ("Necesito cotización para un baño nuevo.", None),
            ("Do you have Spanish tile in stock?", None),
        ],
    )
    def test_a_stated_preference_is_read(self, text: str, language: str | None) -> None:
        assert stated_language(text) == language
