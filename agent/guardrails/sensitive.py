"""Requests a follow-up message must never make: card or bank details, payment by message, secrets.

A card number sent by email or text sits in inboxes and phone backups forever, and a lead who learns to
answer such requests is a lead a fraudster can reach the same way. Payment goes through the company's
real payment channel and identity checks through its own forms, so any message that asks for these is
held for a person, whatever the sources say. A sentence that says the company will *never* ask for
them is a reassurance, not a request, and passes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from agent.guardrails import speech
from agent.guardrails.base import DraftText, GuardrailContext, Violation

# "We never ask for card numbers by text", "Nunca le pediremos su contraseña": reassurance.
NEGATED = re.compile(
    r"\b(?:never|not|don't|do not|won't|will not|no one|nobody|nunca|jamás|ningún|ninguna|nadie)\b"
    r"|\bno (?:le|les|te|se|pedimos|pediremos|solicitamos)\b",
    re.IGNORECASE,
)
CARD_OR_BANK = re.compile(
    r"\b(?:number|digits) on (?:your|the) (?:card|visa|mastercard|amex)\b|\bdigits on the back\b"
    r"|\bcode on the back\b|\bc[óo]digo (?:de atr[áa]s|cvv|cvc)\b"
    r"|\b(?:visa|mastercard|amex|american express|discover) (?:number|details|info)\b|\bcard info\b"
    r"|\bn[úu]mero (?:de|en) (?:su|la) (?:visa|mastercard)\b|\bd[íi]gitos de atr[áa]s\b|"
    r"\b(?:credit |debit )?card(?:'s)? (?:number|details|info|information|digits|expir\w*|cvv|cvc)\b"
    r"|\b(?:expiration|expiry) date\b|\bcvv\b|\bcvc\b|\bsecurity code (?:on|of) (?:the|your) card\b"
    r"|\b(?:bank|banking) (?:details|account|info|information|login)\b|\b(?:account|routing) number\b"
    r"|\biban\b|\bsort code\b|\bbilling (?:zip|postcode|postal code)\b"
    r"|\bn[úu]mero de (?:la |su |tu )?tarjeta\b|\bdatos de (?:la |su |tu )?(?:tarjeta|cuenta)\b"
    r"|\bdatos bancarios\b|\bfecha de (?:vencimiento|expiración"
    r"|caducidad)\b|\bc[óo]digo de seguridad de (?:la|su)"
    r" tarjeta\b|\bcuenta bancaria\b|\bn[úu]mero de cuenta\b|\bclabe\b|\bn[úu]mero de ruta\b",
    re.IGNORECASE,
)
PAYING = re.compile(
    r"\b(?:pay|paying|payment|deposit|send (?:the |your |us )?(?:money|funds)|pagar|pagarme|pagarnos|pague|"
    r"pago|depósito|cobrar)\b",
    re.IGNORECASE,
)
BY_MESSAGE = re.compile(
    r"\b(?:by|via|over|through) (?:reply|replying|text|texting|email|message|sms|whatsapp)\b"
    r"|\b(?:reply|respond|text|email) (?:back )?(?:with|me|us)\b|\breplying to this\b"
    r"|\brespond(?:iendo|a|ame|eme) (?:a este|con|por)\b|\bpor (?:este )?(?:mensaje|texto|correo|whatsapp)\b"
    r"|\bpor aquí\b|\bm[áa]nd(?:eme|ame|enos|anos)\b|\benv[íi](?:eme|ame|enos|anos)\b"
    # A person-to-person transfer to a number or an address a message gives: outside any payment process.
    r"|\b(?:by|via|through|with|over|on|por|con|a través de) "
    r"(?:zelle|venmo|paypal|cash ?app|western union)\b",
    re.IGNORECASE,
)
# Before the payment word, only a request to send it by message counts ("reply with the deposit",
# "mándeme por aquí el pago"): "billing is by email, and you can pay in the portal" describes billing.
SEND_BY_MESSAGE = re.compile(
    r"\b(?:reply|respond|text|email) (?:back )?(?:with|me|us)\b|\bby (?:reply|replying|text|texting)\b"
    r"|\brespond(?:iendo|a|ame|eme) (?:a este|con|por)\b|\bm[áa]nd(?:eme|ame|enos|anos)\b"
    r"|\benv[íi](?:eme|ame|enos|anos)\b|\bpor (?:este )?(?:mensaje|texto|whatsapp)\b|\bpor aquí\b",
    re.IGNORECASE,
)
SECRET = re.compile(
    r"\b\d[- ]digit code\b|\b(?:sent|texted|emailed) you (?:a|the) (?:\w+ )?code\b"
    r"|\bc[óo]digo de \d d[íi]gitos\b|\b(?:le|te) (?:enviamos|mandamos|lleg[óo]) (?:un|el) c[óo]digo\b|"
    r"\bpassword\b|\bpasscode\b|\bpin(?: number| code)?\b(?!-)"
    r"|\bverification code\b|\bone[- ]time (?:pass)?code\b"
    r"|\b(?:login|log-in|sign-in) (?:details|credentials|info)\b|\bsecurity (?:question|answer)s?\b"
    r"|\b(?:code|c[óo]digo) (?:we|I|que le|que te) (?:just )?(?:sent|texted|emailed|enviamos|mandamos)\b"
    r"|\bsocial security number\b|\bssn\b|\bsocial security\b(?= (?:no|#))|\b(?:passport|driver'?s licen[cs]e"
    r"|national id|identification) number\b|\b(?:full|complete) (?:id|identification) number\b"
    r"|\bmother'?s maiden name\b"
    r"|\bcontraseña\b|\bclave (?:de acceso|secreta|de (?:su"
    r"|tu) cuenta)\b|\bnip\b|\bc[óo]digo de verificaci[óo]n\b"
    r"|\bc[óo]digo de (?:un solo uso|acceso)\b|\bn[úu]mero de(?: su"
    r"| tu)? seguro social\b|\bn[úu]mero de (?:pasaporte|licencia|"
    r"identificaci[óo]n)\b|\bpregunta de seguridad\b",
    re.IGNORECASE,
)
# The last four digits of a number are how a person confirms identity safely; the guide bans the full one.
PARTIAL = re.compile(
    r"\b(?:last|final) (?:four|4)\b|\búltimos (?:cuatro|4)\b|\b(?:cuatro|4) últimos\b", re.IGNORECASE
)


def _units(draft: DraftText) -> Iterator[tuple[str, int | None, int | None]]:
    """The subject, then each sentence of the body, with its span in the body (none for the subject)."""
    if draft.subject:
        yield draft.subject, None, None
    for sentence in speech.clauses(draft.body):
        yield sentence.text, sentence.start, sentence.end


# The sentence must ask for something: a question, a request, an option offered, or "I need...".
NEEDS = re.compile(
    r"\b(?:i|we) (?:will |'ll |would |'d )?(?:need|require)\b|\bplease\b|\bnecesit(?:o|amos|aría|aríamos)\b"
    r"|\bpor favor\b|\bhace(?:n)? falta\b"
    # "The quickest way is to send me your password", "Just text us the code", "Envíeme su clave".
    r"|\b(?:send|text|email|give|tell|forward|share with) (?:me|us)\b|\breply (?:with|back with)\b"
    r"|\b(?:quickest|easiest|simplest|fastest|best) way is to\b"
    r"|\b(?:env[íi]e|m[áa]nde|d[íi]ga|d[ée]|comp[áa]rta|p[áa]se)(?:me|nos)\b|\bresp[óo]nda(?:me|nos)? con\b"
    r"|\b(?:me|nos) (?:env[íi]e|mande|d[ée]|pase|comparta)\b"
    r"|\blo m[áa]s (?:f[áa]cil|r[áa]pido|sencillo) es\b"
    # An invitation to send: "you can send a deposit by Zelle", "puede enviar su pago por aquí".
    r"|\b(?:you can|you could|just|puede|podría|pueden|podrían) (?:send|transfer|enviar|mandar|transferir)\b",
    re.IGNORECASE,
)
NEGATION_REACH = 60  # characters before the request where a "never" still governs it
PAY_REACH = 50  # "pay the deposit by replying": the channel is said close to the payment


def _affirmed(pattern: re.Pattern[str], sentence: str) -> bool:
    """The pattern occurs somewhere not governed by a negation just before it."""
    return any(
        not NEGATED.search(sentence[max(0, m.start() - NEGATION_REACH) : m.start()])
        for m in pattern.finditer(sentence)
    )


@lru_cache(maxsize=speech.CACHE)
def is_request(sentence: str) -> bool:
    """A sentence that asks the lead for something, as opposed to one that describes how things work."""
    return (
        speech.is_primary_ask(sentence)
        or speech.is_option(sentence)
        or NEEDS.search(sentence.replace("’", "'")) is not None
    )


@lru_cache(maxsize=speech.CACHE)
def asks_for_payment(sentence: str) -> bool:
    if not is_request(sentence):
        return False
    if _affirmed(CARD_OR_BANK, sentence):
        return True
    return any(
        (
            BY_MESSAGE.search(sentence[m.end() : m.end() + PAY_REACH])
            or SEND_BY_MESSAGE.search(sentence[max(0, m.start() - PAY_REACH) : m.start()])
        )
        and not NEGATED.search(sentence[max(0, m.start() - NEGATION_REACH) : m.start()])
        for m in PAYING.finditer(sentence)
    )


@lru_cache(maxsize=speech.CACHE)
def asks_for_secret(sentence: str) -> bool:
    return is_request(sentence) and not PARTIAL.search(sentence) and _affirmed(SECRET, sentence)


def check_payment_request(draft: DraftText, context: GuardrailContext) -> list[Violation]:
    """``ask.payment``: card or bank details, or payment by reply, text or email."""
    return [
        Violation(
            "ask.payment",
            "asks for card or bank details or for payment by message: never take payment in a message; "
            "point to the company's real payment process or leave payment to a person",
            start,
            end,
        )
        for text, start, end in _units(draft)
        if asks_for_payment(text)
    ]


def check_secret_request(draft: DraftText, context: GuardrailContext) -> list[Violation]:
    """``ask.secret``: a password, PIN, verification code, full SSN or ID number, or another secret."""
    return [
        Violation(
            "ask.secret",
            "asks for a secret (password, PIN, verification code, full Social Security or ID number): "
            "remove the request; identity and eligibility checks go through the company's own forms",
            start,
            end,
        )
        for text, start, end in _units(draft)
        if asks_for_secret(text)
    ]
