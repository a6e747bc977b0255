"""Tests for the deterministic composer: every purpose, both channels, varied leads and sources.

The composer is the drafter with no LLM and the fallback when the LLM fails, so its drafts must pass the
guardrails on their own, for any lead the store can hold and whatever retrieval returned.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from agent.domain import (
    PERSON_WILL_ANSWER,
    SORRY_PERSON_WILL_ANSWER,
    URGENT_PERSON_WILL_ANSWER,
    Channel,
    CompanyIdentity,
    DrafterKind,
    LeadContext,
    LeadStatus,
    TouchPurpose,
)
from agent.drafting.base import Draft, DraftRequest, guardrail_context
from agent.drafting.composer import Composer
from agent.drafting.tone import Formality
from agent.guardrails import DraftText, PriorMessage, is_hard_ask, run_checks
from knowledge.types import DocType, Source
from prompts.loader import PROMPTS_DIR

WEDNESDAY = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
IDENTITY = CompanyIdentity(
    name="Northstar Bookings",
    sender_name="Maya Ortiz",
    sender_email="maya@northstar-bookings.example",
    postal_address="Northstar Bookings Ltd, 418 Harbor Street, Suite 200, Portland, OR 97204, USA",
)
LABEL = "Drafted by the deterministic composer (no LLM)"
PROMPT_VERSION = "composer-v6"
OPT_OUT = "Reply STOP to opt out."
SLOT = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) at (\d\d:\d\d)\b")

CASE_STUDY = Source(
    id="case-studies/luna-hair-studio",
    type=DocType.CASE_STUDY,
    title="Luna Hair Studio cut Saturday no-shows with reminders and colour deposits",
    url="https://northstar-bookings.example/customers/luna-hair-studio",
    text=(
        "Case study: Luna Hair Studio (beauty) — Luna Hair Studio cut Saturday no-shows with reminders and "
        "colour deposits. Results: no-shows down 38% in 90 days; $2,100 a month in appointment revenue "
        "recovered.\n\n"
        "Luna Hair Studio is a six-stylist salon in Austin, Texas. Before Northstar, every booking came "
        "through the front-desk phone or Instagram messages, and owner Carla Mendes kept a paper "
        "appointment book at the desk. Saturdays hurt the most: two or three colour clients a week simply "
        "didn't turn up."
    ),
    score=0.82,
    customer="Luna Hair Studio",
    figures=("no-shows down 38% in 90 days", "$2,100 a month in appointment revenue recovered"),
)
FAQ = Source(
    id="faqs/how-reminders-work",
    type=DocType.FAQ,
    title="How do appointment reminders work?",
    url=None,
    text=(
        "How do appointment reminders work?\n\n"
        "By default, a client gets an email confirmation when they book, an email reminder 48 hours before "
        "and an SMS reminder 24 hours before. You can change the timing, the wording and the channel for "
        "each service, add more reminders, or switch any of them off."
    ),
    score=0.74,
)
RESOURCE = Source(
    id="resources/no-show-cost-calculator",
    type=DocType.RESOURCE,
    title="No-show cost calculator",
    url="https://northstar-bookings.example/tools/no-show-cost",
    text=(
        "No-show cost calculator\n\n"
        "A free spreadsheet that works out what no-shows cost your business each month, from your "
        "appointment count, average price and no-show rate."
    ),
    score=0.69,
)
SOURCE_SETS: dict[str, tuple[Source, ...]] = {
    "no sources": (),
    "case study": (CASE_STUDY,),
    "faq without url": (FAQ,),
    "resource with url": (RESOURCE,),
}


def lead(
    *,
    id: str = "lead-dana",
    first_name: str | None = "Dana",
    last_name: str | None = "Lopez",
    company: str | None = "Luna Hair Studio",
    need: str | None = "cut no-shows",
    timezone: str = "America/Chicago",
) -> LeadContext:
    return LeadContext(
        id=id,
        first_name=first_name,
        last_name=last_name,
        email="dana.lopez@lunahair.example",
        phone="+15125550100",
        company=company,
        role="Owner",
        industry="beauty",
        source="web_form",
        need=need,
        deal_value=None,
        timezone=timezone,
        consent_email=True,
        consent_sms=True,
        status=LeadStatus.NEW,
        inquiry_text="We lose so many Saturday bookings to no-shows. Can you help?",
    )


TITLED = replace(IDENTITY, sender_title="Customer Success")
LEADS: dict[str, LeadContext] = {
    "full": lead(),
    "no company, no need": lead(id="lead-imported", company=None, need=None, timezone="Asia/Tokyo"),
    "no first name": lead(id="lead-anon", first_name=None, last_name=None, timezone="Europe/Berlin"),
    "long need": lead(
        id="lead-long",
        first_name="Tomás",
        company="Harbor Pediatric Dental",
        need="We need one system for booking, payments, reminders and intake forms across our five locations",
        timezone="Australia/Sydney",
    ),
    "lowercase name, noun need": lead(
        id="lead-li",
        first_name="li",
        company="Serene Day Spa",
        need="online booking for massages",
        timezone="Pacific/Auckland",
    ),
}


def request(
    *,
    to: LeadContext | None = None,
    purpose: TouchPurpose = TouchPurpose.ACKNOWLEDGMENT,
    channel: Channel = Channel.EMAIL,
    sources: tuple[Source, ...] = (),
    now: datetime = WEDNESDAY,
    previous_bodies: tuple[str, ...] = (),
) -> DraftRequest:
    return DraftRequest(
        lead=to or lead(),
        purpose=purpose,
        channel=channel,
        sources=sources,
        identity=IDENTITY,
        now=now,
        previous=tuple(PriorMessage(body, "value_add") for body in previous_bodies),
    )


def greetings(name: str) -> set[str]:
    return {f"{word} {name}," for word in ("Hi", "Hello", "Hey", "Dear")}


def compose(**kwargs: Any) -> Draft:
    """Compose the ``request(**kwargs)`` with a fresh composer."""
    return Composer().draft(request(**kwargs))


def every_request(channel: Channel) -> Iterator[tuple[str, DraftRequest]]:
    """Every purpose, for every lead and source set, labelled for failure messages."""
    for purpose in TouchPurpose:
        for lead_name, each_lead in LEADS.items():
            for sources_name, sources in SOURCE_SETS.items():
                label = f"{purpose.value} / {channel.value} / {lead_name} / {sources_name}"
                yield label, request(to=each_lead, purpose=purpose, channel=channel, sources=sources)


def has_fitting_source(each_request: DraftRequest) -> bool:
    """The acknowledgment needs none; a social-proof email needs a case study; the rest, any source."""
    if each_request.purpose is TouchPurpose.ACKNOWLEDGMENT:
        return True
    if each_request.purpose is TouchPurpose.SOCIAL_PROOF and each_request.channel is Channel.EMAIL:
        return any(source.type is DocType.CASE_STUDY for source in each_request.sources)
    return bool(each_request.sources)


def failures_of(channel: Channel, problem: Callable[[DraftRequest, Draft], str | None]) -> list[str]:
    composer = Composer()
    found = []
    for label, each_request in every_request(channel):
        draft = composer.draft(each_request)
        issue = problem(each_request, draft)
        if issue:
            found.append(f"{label}: {issue}\n    {draft.body!r}")
    return found


def report(failures: list[str]) -> str:
    shown = "\n".join(failures[:8])
    return f"{len(failures)} drafts failed, for example:\n{shown}"


def slots(text: str) -> list[tuple[str, str]]:
    return SLOT.findall(text)


CHANNELS = pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.SMS], ids=["email", "sms"])


class TestComposerOverEveryPurpose:
    @CHANNELS
    def test_drafts_pass_the_guardrails_when_a_fitting_source_was_found(self, channel: Channel) -> None:
        def problem(each_request: DraftRequest, draft: Draft) -> str | None:
            if not has_fitting_source(each_request):
                return None
            violations = run_checks(
                DraftText(channel, draft.body, draft.subject), guardrail_context(each_request)
            )
            return "; ".join(v.message for v in violations) or None

        failures = failures_of(channel, problem)

        assert not failures, report(failures)

    @CHANNELS
    def test_without_a_fitting_source_only_the_value_is_missing(self, channel: Channel) -> None:
        # Such a draft goes to a rep instead of out: the composer never pads it with invented value.
        def problem(each_request: DraftRequest, draft: Draft) -> str | None:
            if has_fitting_source(each_request):
                return None
            text = DraftText(channel, draft.body, draft.subject)
            found = [v.code for v in run_checks(text, guardrail_context(each_request))]
            return None if found == ["value.missing"] else f"violations {found}"

        failures = failures_of(channel, problem)

        assert not failures, report(failures)

    @CHANNELS
    def test_drafts_greet_the_lead_by_first_name_when_known(self, channel: Channel) -> None:
        def problem(each_request: DraftRequest, draft: Draft) -> str | None:
            first_name = each_request.lead.first_name
            opening = draft.body.splitlines()[0] if draft.body else ""
            if first_name and first_name.casefold() not in opening.casefold():
                return f"{first_name!r} missing from the greeting {opening!r}"
            return None

        failures = failures_of(channel, problem)

        assert not failures, report(failures)

    @CHANNELS
    def test_drafts_end_with_a_call_to_action_found_in_the_body(self, channel: Channel) -> None:
        def problem(_: DraftRequest, draft: Draft) -> str | None:
            if not draft.call_to_action.strip():
                return "empty call to action"
            if draft.call_to_action not in draft.body:
                return f"call to action {draft.call_to_action!r} not in the body"
            return None

        failures = failures_of(channel, problem)

        assert not failures, report(failures)

    @CHANNELS
    def test_drafts_are_labelled_as_the_composer(self, channel: Channel) -> None:
        def problem(_: DraftRequest, draft: Draft) -> str | None:
            recorded = (draft.drafter, draft.label, draft.prompt_version, draft.model)
            expected = (DrafterKind.COMPOSER, LABEL, PROMPT_VERSION, None)
            return None if recorded == expected else f"recorded {recorded}"

        failures = failures_of(channel, problem)

        assert not failures, report(failures)

    @CHANNELS
    def test_drafts_cite_only_sources_whose_title_or_url_is_in_the_body(self, channel: Channel) -> None:
        def problem(each_request: DraftRequest, draft: Draft) -> str | None:
            known = {source.id: source for source in each_request.sources}
            for source_id in draft.source_ids:
                source = known.get(source_id)
                if source is None:
                    return f"cites {source_id!r}, which was not retrieved"
                if source.title not in draft.body and not (source.url and source.url in draft.body):
                    return f"cites {source_id!r} without its title or URL in the body"
            return None

        failures = failures_of(channel, problem)

        assert not failures, report(failures)

    @CHANNELS
    def test_drafts_never_print_a_missing_value(self, channel: Channel) -> None:
        def problem(_: DraftRequest, draft: Draft) -> str | None:
            text = f"{draft.subject or ''}\n{draft.body}"
            leftovers = [token for token in ("None", "{", "}", "  ") if token in text]
            return f"contains {leftovers}" if leftovers else None

        failures = failures_of(channel, problem)

        assert not failures, report(failures)

    @CHANNELS
    def test_same_request_gives_the_same_draft(self, channel: Channel) -> None:
        def problem(each_request: DraftRequest, draft: Draft) -> str | None:
            again = Composer().draft(each_request)
            return None if again == draft else "a second composer wrote a different draft"

        failures = failures_of(channel, problem)

        assert not failures, report(failures)


class TestComposerEmail:
    def test_has_a_subject_and_signs_off_as_the_sender(self) -> None:
        draft = compose(purpose=TouchPurpose.VALUE_ADD, sources=(RESOURCE,))

        assert draft.subject
        assert draft.body.splitlines()[-1] == "Maya"

    def test_without_a_first_name_greets_neutrally(self) -> None:
        for purpose in TouchPurpose:
            draft = compose(to=LEADS["no first name"], purpose=purpose, sources=(FAQ,))

            assert draft.body.splitlines()[0] in {"Hi there,", "Hello,"}, purpose

    def test_lowercase_first_name_is_capitalised(self) -> None:
        draft = compose(to=lead(first_name="dana"))

        assert draft.body.splitlines()[0] in greetings("Dana")

    def test_first_name_keeps_its_inner_capitals(self) -> None:
        for first_name in ("DeShawn", "McKenzie", "JoAnne"):
            draft = compose(to=lead(id=f"lead-{first_name}", first_name=first_name))

            assert draft.body.splitlines()[0] in greetings(first_name)

    def test_acknowledgment_without_sources_is_at_least_50_words(self) -> None:
        # The instant acknowledgment is auto-sent only when clean; with nothing retrieved it must still pass.
        each_request = request(purpose=TouchPurpose.ACKNOWLEDGMENT, sources=())
        draft = Composer().draft(each_request)

        text = DraftText(channel=Channel.EMAIL, body=draft.body, subject=draft.subject)
        assert run_checks(text, guardrail_context(each_request)) == []
        assert len(draft.body.split()) >= 50

    def test_social_proof_quotes_the_first_figure_verbatim(self) -> None:
        for lead_name, each_lead in LEADS.items():
            draft = compose(to=each_lead, purpose=TouchPurpose.SOCIAL_PROOF, sources=(CASE_STUDY,))

            assert CASE_STUDY.figures[0] in draft.body, lead_name
            assert CASE_STUDY.customer is not None
            assert CASE_STUDY.customer in draft.body, lead_name

    def test_quotes_the_source_text_without_its_case_study_header(self) -> None:
        draft = compose(purpose=TouchPurpose.VALUE_ADD, sources=(CASE_STUDY,))

        assert "Luna Hair Studio is a six-stylist salon in Austin, Texas." in draft.body
        assert "Case study:" not in draft.body

    def test_an_opening_too_long_to_quote_whole_is_cut_not_stepped_over(self) -> None:
        """Sent live: a lead asking "how much" got "The service charge is included; Texas sales tax ..."
        from a wedding FAQ whose two long opening sentences (the price, "It includes ...") were skipped."""
        wedding = Source(
            id="faqs/wedding-package",
            type=DocType.FAQ,
            title="What does the wedding package include and what does it cost?",
            url=None,
            text=(
                "The Riverbend Wedding Package is priced per guest, by day of the week: $85 per guest on "
                "Saturdays (minimum 120 guests), $72 on Fridays and Sundays (minimum 80) and $62 Monday to "
                "Thursday (minimum 60). It includes the Grand Ballroom for 6 hours, a ceremony in the River "
                "Courtyard, a plated three-course dinner or a buffet with two entrées, tables, chairs, "
                "linens in 12 colors, china and glassware, cake cutting, a champagne toast and a day-of "
                "coordinator. The service charge is included; Texas sales tax of 8.25% is added to the total."
            ),
            score=0.8,
        )

        draft = compose(sources=(wedding,))

        opening = "The Riverbend Wedding Package is priced per guest, by day of the week: $85 per guest on"
        assert opening in " ".join(draft.body.split())

    def test_cites_the_source_it_quotes_and_not_the_unused_ones(self) -> None:
        draft = compose(purpose=TouchPurpose.VALUE_ADD, sources=(RESOURCE, FAQ))

        assert RESOURCE.title in draft.body
        assert draft.source_ids == (RESOURCE.id,)

    def test_source_url_follows_the_quoted_resource(self) -> None:
        draft = compose(purpose=TouchPurpose.VALUE_ADD, sources=(RESOURCE,))

        assert RESOURCE.url is not None
        assert RESOURCE.url in draft.body

    def test_short_need_starting_with_a_verb_reads_as_how_to(self) -> None:
        draft = compose(purpose=TouchPurpose.ACKNOWLEDGMENT, to=lead(need="Cut no-shows."))

        assert "how to cut no-shows" in f"{draft.subject}\n{draft.body}"

    @pytest.mark.parametrize(
        ("need", "reads"),
        [
            ("master bath remodel", "your master bath remodel"),
            ("kitchen", "your kitchen"),
            ("Roof repair", "your roof repair"),
            ("my garage", "your garage"),
            ("a quote for 2 bathrooms", "a quote for 2 bathrooms"),
            ("help with no-shows", "help with no-shows"),
            ("HVAC repair", "your HVAC repair"),
            ("customers book and pay online", "how customers book and pay online"),
        ],
    )
    def test_acknowledgment_need_reads_naturally_in_the_sentence(self, need: str, reads: str) -> None:
        """A need typed as a label ("master bath remodel") is said back as a noun phrase, never pasted
        bare after "about" ("Thanks for getting in touch about master bath remodel.")."""
        bare = need.removeprefix("my ")
        for n in range(12):
            draft = compose(purpose=TouchPurpose.ACKNOWLEDGMENT, to=replace(lead(need=need), id=f"lead-{n}"))
            text = f"{draft.subject}\n{draft.body}"
            for found in re.finditer(re.escape(bare), text, flags=re.IGNORECASE):
                said = text[max(0, found.end() - len(reads)) : found.end()]
                assert said == reads, (need, text)

    def test_acknowledgment_need_in_spanish_reads_with_su(self) -> None:
        spanish = replace(lead(need="Remodelación del baño"), language="es")
        bilingual = replace(IDENTITY, languages=("en", "es"))
        bodies = []
        for n in range(12):
            each = replace(request(to=replace(spanish, id=f"lead-{n}")), identity=bilingual)
            draft = Composer().draft(each)
            bodies.append(f"{draft.subject}\n{draft.body}")
        text = "\n".join(bodies)
        assert "su remodelación del baño" in text
        assert "sobre Remodelación" not in text and "sobre remodelación" not in text

    def test_phrase_bank_spells_inquiry_for_a_us_company(self) -> None:
        """The English bank writes US spelling ("inquiry"): the profile has no locale to say otherwise."""
        for n in range(24):
            draft = compose(purpose=TouchPurpose.ACKNOWLEDGMENT, to=replace(lead(), id=f"lead-{n}"))
            assert "enquiry" not in f"{draft.subject}\n{draft.body}".lower()
        assert "enquiry" not in (PROMPTS_DIR / "composer.yaml").read_text(encoding="utf-8").lower()

    def test_long_need_is_not_pasted_into_the_message(self) -> None:
        long_need = LEADS["long need"].need
        assert long_need is not None
        for purpose in TouchPurpose:
            draft = compose(to=LEADS["long need"], purpose=purpose, sources=(RESOURCE,))

            assert long_need not in f"{draft.subject}\n{draft.body}", purpose


class TestComposerSms:
    def test_sms_has_no_subject_and_ends_with_the_opt_out(self) -> None:
        for purpose in TouchPurpose:
            draft = compose(channel=Channel.SMS, purpose=purpose, sources=(RESOURCE,))

            assert draft.subject is None
            assert draft.body.endswith(OPT_OUT), purpose

    def test_lead_without_a_usable_need_still_gets_a_message(self) -> None:
        for lead_name in ("no company, no need", "long need"):
            draft = compose(channel=Channel.SMS, to=LEADS[lead_name], purpose=TouchPurpose.ACKNOWLEDGMENT)

            message = draft.body.removesuffix(OPT_OUT).strip()
            assert message, f"{lead_name}: the SMS is only the opt-out line: {draft.body!r}"
            assert draft.call_to_action, lead_name


class TestNothingTheyToldUsIsAskedAgain:
    """Found configuring an event hall: "the wedding is in 3 weeks (April 10), call me ASAP" was answered
    with "Is there a date you would like to have this in place by?"."""

    ASKS_WHEN = ("Is there a date you would like to have this in place by?", "¿Tiene alguna fecha en mente")

    @pytest.mark.parametrize(
        ("inquiry", "language"),
        [
            ("Our venue cancelled and the wedding is in 3 weeks (April 10). Please call me ASAP.", "en"),
            ("My daughter turns 15 in June; what does the package include?", "en"),
            ("We need it done before the end of the month.", "en"),
            ("La boda es el 12 de mayo, ¿qué incluye el paquete?", "es"),
            ("Lo necesito lo antes posible, ¿cuánto cuesta?", "es"),
        ],
    )
    def test_a_lead_who_said_when_is_never_asked_when(self, inquiry: str, language: str) -> None:
        bilingual = replace(IDENTITY, languages=("en", "es"))
        bodies = set()
        for n in range(40):
            to = replace(lead(id=f"lead-{n}"), inquiry_text=inquiry, language=language)
            bodies.add(
                Composer().draft(replace(request(to=to, sources=(RESOURCE,)), identity=bilingual)).body
            )

        assert not [b for b in bodies if any(ask in b for ask in self.ASKS_WHEN)]
        assert language == "en" or all(b.startswith(("Hola", "Buenos", "Reciba", "¡Hola")) for b in bodies)

    def test_a_lead_who_did_not_say_when_may_be_asked(self) -> None:
        bodies = {
            compose(
                to=replace(lead(id=f"lead-{n}"), inquiry_text="We want to redo our kitchen."),
                sources=(RESOURCE,),
            ).body
            for n in range(40)
        }

        assert [b for b in bodies if self.ASKS_WHEN[0] in b]


@pytest.mark.parametrize(
    ("hour_utc", "greeting"), [(15, "Buenos días"), (20, "Buenas tardes"), (3, "Buenas noches")]
)
def test_a_spanish_greeting_of_the_day_fits_the_leads_own_hour(hour_utc: int, greeting: str) -> None:
    """Found live: "Buenos días, Sofía" to an inquiry sent at half past seven in the evening (Chicago)."""
    bilingual = replace(IDENTITY, languages=("en", "es"))
    bodies = set()
    for n in range(30):
        to = replace(CFO, id=f"lead-{n}", language="es", timezone="America/Chicago")
        given = request(to=to, sources=(RESOURCE,), now=WEDNESDAY.replace(hour=hour_utc))
        bodies.add(Composer().draft(replace(given, identity=bilingual)).body.split(",")[0])

    assert bodies <= {"Hola", greeting, "Reciba un cordial saludo"} and greeting in bodies


class TestTheAcknowledgmentsAskFitsWhatTheyWrote:
    def test_a_lead_who_asked_something_is_asked_about_the_answer_not_their_goals(self) -> None:
        """Found configuring an HVAC company: "What rebates are there and how long does install take?"
        was answered "What would you most like to solve first?"."""
        asked = "What rebates are there and how long does install take? No rush, probably spring."
        asks = {
            compose(to=replace(lead(id=f"lead-{n}"), inquiry_text=asked), sources=(RESOURCE,)).call_to_action
            for n in range(30)
        }

        assert asks == {"Is email the best way to get the answer to you?"}

    def test_a_quote_never_carries_a_phrase_the_brand_voice_avoids_while_another_sentence_is_left(
        self,
    ) -> None:
        """Found configuring an HVAC company: every acknowledgment quoting its price FAQ said "tax credit",
        which its brand voice avoids, and waited for a rep."""
        faq = replace(
            RESOURCE,
            text="The federal tax credit ended for equipment installed after 2025. "
            "Financing runs 12 to 60 months.",
        )
        avoiding = replace(IDENTITY, brand_avoid=("tax credit",))
        draft = Composer().draft(replace(request(sources=(faq,)), identity=avoiding))

        assert "tax credit" not in draft.body and "Financing runs 12 to 60 months." in draft.body

    def test_an_emergency_is_given_the_business_phone_when_it_has_one(self) -> None:
        urgent = replace(request(sources=(RESOURCE,)), angle=URGENT_PERSON_WILL_ANSWER)
        with_phone = replace(urgent, identity=replace(IDENTITY, phone="+1 651 555 0187"))

        assert "our number is +1 651 555 0187" in Composer().draft(with_phone).body
        assert "our number is" not in Composer().draft(urgent).body


class TestAnAcknowledgmentBeforeAPersonTakesOver:
    """A lead who asked for a person, complained or is angry with us gets thanks, an apology when due, a
    person's promise and an ask for a time to talk: no quote and no sales content (sent live: a complaint
    about a broken AC got the cancellation policy)."""

    @pytest.mark.parametrize("angle", [PERSON_WILL_ANSWER, SORRY_PERSON_WILL_ANSWER], ids=["person", "sorry"])
    @pytest.mark.parametrize("language", ["en", "es"])
    @CHANNELS
    def test_it_quotes_nothing_and_passes_every_check(
        self, channel: Channel, language: str, angle: str
    ) -> None:
        to = replace(
            lead(id="lead-upset"),
            inquiry_text="The AC was broken all night. I want a refund.",
            language=language,
        )
        given = replace(
            request(to=to, sources=(RESOURCE, CASE_STUDY), channel=channel),
            angle=angle,
            identity=replace(IDENTITY, languages=("en", "es")),
        )

        draft = Composer().draft(given)

        assert run_checks(DraftText(channel, draft.body, draft.subject), guardrail_context(given)) == []
        assert draft.source_ids == ()
        assert RESOURCE.title not in draft.body and CASE_STUDY.title not in draft.body
        sorry = {"en": "sorry to read it", "es": "lamento mucho leerlo"}[language]
        assert (sorry in draft.body) is (angle == SORRY_PERSON_WILL_ANSWER)


class TestComposerVariety:
    def test_two_leads_with_the_same_facts_read_differently_for_some_purposes(self) -> None:
        differing = [
            purpose
            for purpose in TouchPurpose
            if compose(to=lead(id="lead-a"), purpose=purpose, sources=(CASE_STUDY,)).body
            != compose(to=lead(id="lead-b"), purpose=purpose, sources=(CASE_STUDY,)).body
        ]

        assert differing

    def test_previous_messages_change_the_text_for_some_purposes(self) -> None:
        differing = []
        for purpose in TouchPurpose:
            first = compose(purpose=purpose, sources=(CASE_STUDY,))
            second = compose(purpose=purpose, sources=(CASE_STUDY,), previous_bodies=(first.body,))
            if first.body != second.body:
                differing.append(purpose)

        assert differing

    def test_many_leads_get_more_than_one_acknowledgment(self) -> None:
        bodies = {compose(to=lead(id=f"lead-{n}"), sources=(RESOURCE,)).body for n in range(20)}

        assert len(bodies) > 1


class TestComposerCallTimes:
    @pytest.mark.parametrize(
        ("now", "timezone", "expected"),
        [
            pytest.param(
                datetime(2026, 11, 27, 15, 0, tzinfo=UTC),
                "America/Chicago",
                [("Monday", "10:00"), ("Tuesday", "14:00")],
                id="friday-gives-monday-and-tuesday",
            ),
            pytest.param(
                datetime(2026, 11, 26, 15, 0, tzinfo=UTC),
                "Europe/Berlin",
                [("Friday", "10:00"), ("Monday", "14:00")],
                id="thursday-gives-friday-and-monday",
            ),
            pytest.param(
                datetime(2026, 11, 29, 20, 30, tzinfo=UTC),
                "Pacific/Auckland",
                [("Tuesday", "10:00"), ("Wednesday", "14:00")],
                id="already-monday-in-auckland",
            ),
            pytest.param(
                datetime(2026, 11, 29, 20, 30, tzinfo=UTC),
                "America/Los_Angeles",
                [("Monday", "10:00"), ("Tuesday", "14:00")],
                id="still-sunday-in-los-angeles",
            ),
            pytest.param(
                datetime(2026, 11, 27, 23, 30, tzinfo=UTC),
                "Asia/Tokyo",
                [("Monday", "10:00"), ("Tuesday", "14:00")],
                id="already-saturday-in-tokyo",
            ),
        ],
    )
    def test_slots_are_the_next_two_weekdays_in_the_lead_time_zone(
        self, now: datetime, timezone: str, expected: list[tuple[str, str]]
    ) -> None:
        draft = compose(to=lead(timezone=timezone), purpose=TouchPurpose.POST_MEETING, now=now)

        assert slots(draft.call_to_action) == expected
        assert "(your time)" in draft.call_to_action

    def test_slots_never_fall_on_a_weekend(self) -> None:
        for day in range(23, 30):  # a whole week of November 2026, at every third hour
            for hour in range(0, 24, 3):
                now = datetime(2026, 11, day, hour, tzinfo=UTC)
                for timezone in ("America/Los_Angeles", "Europe/London", "Asia/Kolkata", "Pacific/Auckland"):
                    draft = compose(to=lead(timezone=timezone), purpose=TouchPurpose.POST_MEETING, now=now)

                    found = slots(draft.body)
                    assert len(found) == 2, (now, timezone)
                    assert not {name for name, _ in found} & {"Saturday", "Sunday"}, (now, timezone)


CFO = LeadContext(
    id="lead-cfo",
    first_name="Richard",
    last_name="Hale",
    email="rhale@summitdental.example",
    phone=None,
    company="Summit Dental Partners",
    role="CFO",
    industry="dental",
    source="web_form",
    need="per-location pricing",
    deal_value=None,
    timezone="America/New_York",
    consent_email=True,
    consent_sms=False,
    status=LeadStatus.NEW,
    inquiry_text="Please advise on per-location pricing for 12 practices.",
)
SALON_OWNER = lead(id="lead-jasmine", first_name="Jasmine", company="Velvet & Vine Salon")
CHATTY = (
    "Hi there!! So I own a little salon and honestly I am drowning in texts and DMs from clients trying to "
    "book. Saturday no-shows are killing me too, last weekend I had three in one day!! A friend said you "
    "might be able to help? I'm not super techy but I'm willing to learn lol. Would love to chat!"
)


class TestComposerTone:
    def test_a_terse_cfo_and_a_chatty_salon_owner_read_differently(self) -> None:
        from dataclasses import replace

        owner = replace(SALON_OWNER, inquiry_text=CHATTY)
        formal = Composer().draft(request(to=CFO, purpose=TouchPurpose.VALUE_ADD, sources=(FAQ,)))
        casual = Composer().draft(request(to=owner, purpose=TouchPurpose.VALUE_ADD, sources=(FAQ,)))

        assert formal.body.splitlines()[0] in {"Dear Richard,", "Hello Richard,"}
        assert casual.body.splitlines()[0] in {"Hi Jasmine,", "Hey Jasmine,"}
        assert formal.body.splitlines()[-1] == "Maya Ortiz"  # a full name under "Kind regards,"
        assert casual.body.splitlines()[-1] == "Maya"
        assert len(formal.body.split()) < len(casual.body.split())

    def test_a_formal_sign_off_names_the_sender_s_title_from_the_company_profile(self) -> None:
        titled = replace(request(to=CFO, purpose=TouchPurpose.VALUE_ADD, sources=(FAQ,)), identity=TITLED)

        draft = Composer().draft(titled)

        assert draft.body.splitlines()[-2:] == ["Maya Ortiz", "Customer Success, Northstar Bookings"]
        assert (
            run_checks(DraftText(Channel.EMAIL, draft.body, draft.subject), guardrail_context(titled)) == []
        )

    def test_the_tone_is_derived_from_the_lead(self) -> None:
        assert request(to=CFO).tone_profile.formality is Formality.FORMAL
        assert request(to=SALON_OWNER).tone_profile.formality is Formality.CASUAL


class TestComposerAsks:
    def test_no_call_is_proposed_before_enough_value_was_given(self) -> None:
        for purpose in (TouchPurpose.ACKNOWLEDGMENT, TouchPurpose.VALUE_ADD, TouchPurpose.SOCIAL_PROOF):
            for n in range(20):
                draft = compose(to=lead(id=f"lead-{n}"), purpose=purpose, sources=(CASE_STUDY,))

                assert not is_hard_ask(draft.call_to_action), (purpose, draft.call_to_action)

    def test_a_lead_who_asked_for_a_call_may_be_offered_times(self) -> None:
        from dataclasses import replace

        asked = [
            compose(to=replace(lead(id=f"lead-{n}"), inquiry_text="Can we have a call this week?"))
            for n in range(30)
        ]

        assert any(slots(draft.call_to_action) for draft in asked)


class TestLaterWordings:
    TEMPLATES = Source(
        id="resources/reminder-templates",
        type=DocType.RESOURCE,
        title="Reminder message templates that clients answer",
        url="https://northstar-bookings.example/resources/reminder-templates",
        text=(
            "Thirty ready-to-use confirmation and reminder messages for email and SMS, grouped by industry: "
            "salons and spas, dental, veterinary, fitness, home services and professional services. "
            "It's for whoever sets up reminders and wants them to sound like the business. "
            "Each one fits in a single text."
        ),
        score=0.8,
    )
    HARDEST = "Thirty ready-to-use confirmation and reminder messages"

    def test_the_first_wording_quotes_the_source_as_it_is(self) -> None:
        draft = Composer().draft(request(sources=(self.TEMPLATES,)))

        assert self.HARDEST in draft.body

    def test_a_later_wording_leaves_out_the_sentence_hardest_to_read(self) -> None:
        later = replace(request(sources=(self.TEMPLATES,)), variant=1)

        draft = Composer().draft(later)

        assert self.HARDEST not in draft.body
        assert "It's for whoever sets up reminders" in draft.body  # still quoted, never paraphrased
        assert draft.body != Composer().draft(request(sources=(self.TEMPLATES,))).body


class TestQuotingTimes:
    SHOWROOM = Source(
        id="faqs/showroom-visits",
        type=DocType.FAQ,
        title="Can I visit the showroom?",
        url=None,
        text=(
            "Can I visit the showroom?\n\n"
            "Hours: Tuesday to Friday, 10:00 a.m. to 6:00 p.m., and Thursday until 7:00 p.m.; closed Sunday. "
            "Parking is free behind the building."
        ),
        score=0.8,
    )

    def test_a_sentence_with_a_time_is_not_cut_at_a_m(self) -> None:
        """Found using the product as Casa Verde: an acknowledgment quoted "... Tuesday to Friday,
        10:00 a.m." and stopped there, the quote cut at the full stop of "a.m."."""
        draft = compose(sources=(self.SHOWROOM,))

        assert "10:00 a.m. to 6:00 p.m." in draft.body
        assert not re.search(r"a\.m\.\s*(\n|$)", draft.body)
