"""Build the RFC 5322 message every email channel sends: identity, footer and one-click unsubscribe.

The footer (sender identity, postal address, unsubscribe link) is added here, by the channel, never
left to the drafter: a model cannot forget it and a rep cannot edit it away. Links in the HTML part
point through the signed click redirects the outbox made; the text part keeps the links as written.

Internationalised addresses: a domain is written in its ASCII form (IDNA punycode,
``bücher.example`` → ``xn--bcher-kva.example``), which every relay takes; a mailbox name that is not
ASCII needs SMTPUTF8 end to end, so such a message is written with UTF-8 headers and only an SMTP
relay that offers SMTPUTF8 is given it (agent/channels/smtp.py). Header-bound text (a name, a subject)
is put on one line here whatever was stored: the API refuses line breaks, but an import may not have.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

import idna

from agent.channels.base import OutgoingMessage
from agent.domain import CompanyIdentity
from agent.fields import one_line

# Long header lines are folded at spaces, never RFC 2047-encoded (List-Unsubscribe must stay a <URL>);
# bodies are quoted-printable or base64 so that any relay takes them (no 8BITMIME needed).
EMAIL_POLICY = policy.default.clone(max_line_length=998, cte_type="7bit")
UTF8_POLICY = EMAIL_POLICY.clone(utf8=True)  # SMTPUTF8 (RFC 6532): raw UTF-8 in the headers

_URL = re.compile(r"https?://[^\s<>\"'()\[\]]+", re.IGNORECASE)
_TRAILING = ".,;:!?"


def find_urls(text: str) -> list[str]:
    """The web links in a plain-text body, in order, without the punctuation that ends a sentence."""
    return [match.group(0).rstrip(_TRAILING) for match in _URL.finditer(text)]


@dataclass(frozen=True, slots=True)
class FooterWords:
    """The words our own lines around a message use, in the language the message is written in."""

    receiving: str  # {company}
    unsubscribe_line: str  # {url}
    preferences_line: str  # {url}
    unsubscribe: str
    preferences: str
    subject: str  # when a draft has none: {company}


FOOTER_WORDS = {
    "en": FooterWords(
        receiving="You are receiving this because you contacted {company}.",
        unsubscribe_line="Unsubscribe with one click: {url}",
        preferences_line="Fewer emails, or another channel: {url}",
        unsubscribe="Unsubscribe",
        preferences="Email preferences",
        subject="A note from {company}",
    ),
    "es": FooterWords(
        receiving="Recibe este mensaje porque se puso en contacto con {company}.",
        unsubscribe_line="Darse de baja con un clic: {url}",
        preferences_line="Menos correos, u otro canal: {url}",
        unsubscribe="Darse de baja",
        preferences="Preferencias de correo",
        subject="Un mensaje de {company}",
    ),
}


def footer_words(language: str | None) -> FooterWords:
    """A message in Spanish ends in Spanish: the footer follows the body's language (English when we
    have no wording in it)."""
    return FOOTER_WORDS.get(language or "en", FOOTER_WORDS["en"])


def footer_text(
    identity: CompanyIdentity,
    unsubscribe_url: str,
    preferences_url: str | None = None,
    *,
    language: str | None = None,
) -> str:
    words = footer_words(language)
    lines = [
        "--",
        f"{identity.sender_name}, {identity.name}",
        identity.postal_address,
        words.receiving.format(company=identity.name)
        + " "
        + words.unsubscribe_line.format(url=unsubscribe_url),
    ]
    if preferences_url:
        lines.append(words.preferences_line.format(url=preferences_url))
    return "\n".join(lines)


class UnsendableAddress(ValueError):
    """An address that cannot be written for the wire at all (no @, or a domain that is not a valid
    internationalised name): no relay can take it."""


def ascii_domain(domain: str) -> str:
    """The domain as relays and DNS know it: IDNA 2008 (UTS 46 mapping) punycode when not ASCII."""
    if domain.isascii():
        return domain
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise UnsendableAddress(
            f"the domain {domain!r} is not a valid internationalised name: {exc}"
        ) from None


def _parts(address: str) -> tuple[str, str]:
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise UnsendableAddress(f"{address!r} is not an email address")
    return local, ascii_domain(domain)


def wire_address(address: str) -> str:
    """The address for ``MAIL FROM``, ``RCPT TO`` and the headers: the domain in ASCII."""
    local, domain = _parts(address)
    return f"{local}@{domain}"


def needs_smtputf8(address: str) -> bool:
    """A mailbox name (before the @) that is not ASCII: only SMTPUTF8 can carry it."""
    return not address.rpartition("@")[0].isascii()


def _address(name: str, address: str) -> Address:
    local, domain = _parts(address)
    # From its parts: Address(addr_spec=...) refuses a non-ASCII mailbox name even under SMTPUTF8.
    return Address(one_line(name), username=local, domain=domain)


def build_email(message: OutgoingMessage, identity: CompanyIdentity, *, now: datetime) -> EmailMessage:
    utf8 = needs_smtputf8(message.to_address) or needs_smtputf8(identity.sender_email)
    email = EmailMessage(policy=UTF8_POLICY if utf8 else EMAIL_POLICY)
    email["From"] = _address(identity.sender_name, identity.sender_email)
    email["To"] = _address(message.to_name or "", message.to_address)
    if identity.reply_to:
        email["Reply-To"] = identity.reply_to
    words = footer_words(message.language)
    email["Subject"] = one_line(message.subject or "") or words.subject.format(
        company=one_line(identity.name)
    )
    email["Date"] = format_datetime(now)
    email["Message-ID"] = message.message_id
    if message.in_reply_to:
        email["In-Reply-To"] = message.in_reply_to
    if message.references:
        email["References"] = " ".join(message.references)
    email["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
    email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email["X-Touchpoint-Touch"] = message.touch_id

    footer = footer_text(
        identity, message.unsubscribe_url, message.preferences_url, language=message.language
    )
    email.set_content(f"{message.body}\n\n{footer}\n")
    email.add_alternative(_html(message, identity), subtype="html")
    return email


def email_bytes(message: OutgoingMessage, identity: CompanyIdentity, *, now: datetime) -> bytes:
    """The message as an SMTP ``DATA`` payload: CRLF line endings, 7-bit clean (but for the UTF-8
    headers of a message to a non-ASCII mailbox, which goes only by SMTPUTF8)."""
    email = build_email(message, identity, now=now)
    return email.as_bytes(policy=email.policy.clone(linesep="\r\n"))


def _html(message: OutgoingMessage, identity: CompanyIdentity) -> str:
    tracked = dict(message.tracked_links)
    paragraphs = "".join(
        f"<p>{_linkify(paragraph, tracked).replace(chr(10), '<br>')}</p>"
        for paragraph in message.body.split("\n\n")
    )
    words = footer_words(message.language)
    unsubscribe = html.escape(message.unsubscribe_url, quote=True)
    preferences_url = html.escape(message.preferences_url or "", quote=True)
    preferences = (
        f' · <a href="{preferences_url}">{html.escape(words.preferences)}</a>'
        if message.preferences_url
        else ""
    )
    pixel = (
        f'<img src="{html.escape(message.open_pixel_url, quote=True)}" width="1" height="1" alt="">'
        if message.open_pixel_url
        else ""
    )
    return (
        '<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">'
        f'{paragraphs}<hr><p style="color:#666;font-size:12px">{html.escape(identity.sender_name)}, '
        f"{html.escape(identity.name)}<br>{html.escape(identity.postal_address)}<br>"
        f'<a href="{unsubscribe}">{html.escape(words.unsubscribe)}</a>{preferences}</p>'
        f"{pixel}</body></html>\n"
    )


def _linkify(text: str, links: dict[str, str]) -> str:
    """Escape ``text`` and make anchors of the links the company put in it (``links``: each one's href,
    the click redirect when tracked). Any other URL stays text: what a lead wrote, their name quoted
    back to them, is never made a link."""
    out: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        if url not in links:
            continue
        out.append(html.escape(text[position : match.start()]))
        out.append(f'<a href="{html.escape(links[url], quote=True)}">{html.escape(url)}</a>')
        position = match.start() + len(url)
    out.append(html.escape(text[position:]))
    return "".join(out)
