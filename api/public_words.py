"""The words of the pages a lead reaches from our emails (unsubscribe, preferences), per language.

A lead written to in Spanish reads a Spanish footer ("Darse de baja con un clic"); the page that link
opens must not answer in English. The page follows the lead's language (``leads.language``) when it
has wording for it, like the email footer (``agent/channels/email_message.footer_words``), and English
otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from agent.domain import Channel, ContactFrequency


@dataclass(frozen=True, slots=True)
class PageWords:
    lang: str  # the page's <html lang>
    unsubscribe_title: str
    unsubscribe_question: str  # {company}
    will_stop: str  # {what}: one of ``stopping``
    unsubscribe_button: str
    rather: str
    choose_preferences: str
    unsubscribed_title: str
    unsubscribed_heading: str
    will_not: str  # {company}, {what}: one of ``stops``
    preferences_title: str
    preferences_heading: str  # {company}
    how_often: str
    how: str
    save: str
    or_: str
    unsubscribe_all: str
    saved_title: str
    saved_heading: str
    change_again: str
    pick_one: str
    frequencies: Mapping[ContactFrequency, str]
    stops: Mapping[Channel | None, str]  # None: any channel
    stopping: Mapping[Channel | None, str]
    channels: Mapping[str, str]  # "" (no preference), email, sms, phone


PAGE_WORDS = {
    "en": PageWords(
        lang="en",
        unsubscribe_title="Unsubscribe",
        unsubscribe_question="Unsubscribe from {company}?",
        will_stop="We will stop {what} straight away.",
        unsubscribe_button="Unsubscribe",
        rather="Rather hear from us less often, or another way?",
        choose_preferences="Choose your preferences",
        unsubscribed_title="Unsubscribed",
        unsubscribed_heading="You're unsubscribed",
        will_not="{company} will not {what} again.",
        preferences_title="Your preferences",
        preferences_heading="How would you like to hear from {company}?",
        how_often="How often",
        how="How",
        save="Save my preferences",
        or_="Or",
        unsubscribe_all="unsubscribe from all emails",
        saved_title="Preferences saved",
        saved_heading="Thanks, your preferences are saved",
        change_again="Change them again",
        pick_one="Please pick one of the options below.",
        frequencies={
            ContactFrequency.NORMAL: "As planned: a few useful notes over the next weeks",
            ContactFrequency.REDUCED: "Less often: at most one message every two weeks",
            ContactFrequency.MONTHLY: "Rarely: at most one message a month",
        },
        stops={Channel.EMAIL: "email you", Channel.SMS: "text you", None: "contact you"},
        stopping={Channel.EMAIL: "emailing you", Channel.SMS: "texting you", None: "contacting you"},
        channels={
            "": "Whatever suits the conversation",
            Channel.EMAIL.value: "Email only",
            Channel.SMS.value: "Text messages",
            Channel.PHONE.value: "A phone call",
        },
    ),
    "es": PageWords(
        lang="es",
        unsubscribe_title="Darse de baja",
        unsubscribe_question="¿Darse de baja de {company}?",
        will_stop="Dejaremos de {what} de inmediato.",
        unsubscribe_button="Darme de baja",
        rather="¿Prefiere saber de nosotros con menos frecuencia, o por otro medio?",
        choose_preferences="Elija sus preferencias",
        unsubscribed_title="Baja confirmada",
        unsubscribed_heading="Se ha dado de baja",
        will_not="{company} no volverá a {what}.",
        preferences_title="Sus preferencias",
        preferences_heading="¿Cómo prefiere saber de {company}?",
        how_often="Con qué frecuencia",
        how="Por qué medio",
        save="Guardar mis preferencias",
        or_="O",
        unsubscribe_all="darse de baja de todos los correos",
        saved_title="Preferencias guardadas",
        saved_heading="Gracias, sus preferencias están guardadas",
        change_again="Cambiarlas de nuevo",
        pick_one="Elija una de las opciones de abajo.",
        frequencies={
            ContactFrequency.NORMAL: "Como está previsto: algunas notas útiles en las próximas semanas",
            ContactFrequency.REDUCED: "Con menos frecuencia: como mucho un mensaje cada dos semanas",
            ContactFrequency.MONTHLY: "Rara vez: como mucho un mensaje al mes",
        },
        stops={
            Channel.EMAIL: "enviarle correos",
            Channel.SMS: "enviarle mensajes de texto",
            None: "contactarle",
        },
        stopping={
            Channel.EMAIL: "enviarle correos",
            Channel.SMS: "enviarle mensajes de texto",
            None: "contactarle",
        },
        channels={
            "": "Lo que mejor convenga a la conversación",
            Channel.EMAIL.value: "Solo correo electrónico",
            Channel.SMS.value: "Mensajes de texto",
            Channel.PHONE.value: "Una llamada telefónica",
        },
    ),
}


def page_words(language: str | None) -> PageWords:
    """The lead's language when the pages have words for it, else English."""
    return PAGE_WORDS.get(language or "en", PAGE_WORDS["en"])
