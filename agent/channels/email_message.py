"""Build the RFC 5322 message every email channel sends: identity, footer and one-click unsubscribe.

The footer (sender identity, postal address, unsubscribe link) is added here, by the channel, never
left to the drafter: a model cannot forget it and a rep cannot edit it away. Links in the HTML part
point through the signed click redirects the outbox made; the text part keeps the links as written.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from agent.channels.base import OutgoingMessage
from agent.domain import CompanyIdentity

# Long header lines are folded at spaces, never RFC 2047-encoded (List-Unsubscribe must stay a <URL>);
# bodies are quoted-printable or base64 so that any relay takes them (no 8BITMIME needed).
EMAIL_POLICY = policy.default.clone(max_line_length=998, cte_type="7bit")
SMTP_POLICY = EMAIL_POLICY.clone(linesep="\r\n")

_URL = re.compile(r"https?://[^\s<>\"'()\[\]]+", re.IGNORECASE)
_TRAILING = ".,;:!?"


def find_urls(text: str) -> list[str]:
    """The web links in a plain-text body, in order, without the punctuation that ends a sentence."""
    return [match.group(0).rstrip(_TRAILING) for match in _URL.finditer(text)]


def footer_text(identity: CompanyIdentity, unsubscribe_url: str, preferences_url: str | None = None) -> str:
    lines = [
        "--",
        f"{identity.sender_name}, {identity.name}",
        identity.postal_address,
        f"You are receiving this because you contacted {identity.name}. "
        f"Unsubscribe with one click: {unsubscribe_url}",
    ]
    if preferences_url:
        lines.append(f"Fewer emails, or another channel: {preferences_url}")
    return "\n".join(lines)


def build_email(message: OutgoingMessage, identity: CompanyIdentity, *, now: datetime) -> EmailMessage:
    email = EmailMessage(policy=EMAIL_POLICY)
    email["From"] = Address(identity.sender_name, addr_spec=identity.sender_email)
    email["To"] = Address(message.to_name or "", addr_spec=message.to_address)
    if identity.reply_to:
        email["Reply-To"] = identity.reply_to
    email["Subject"] = message.subject or f"A note from {identity.name}"
    email["Date"] = format_datetime(now)
    email["Message-ID"] = message.message_id
    if message.in_reply_to:
        email["In-Reply-To"] = message.in_reply_to
    if message.references:
        email["References"] = " ".join(message.references)
    email["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
    email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email["X-Touchpoint-Touch"] = message.touch_id

    footer = footer_text(identity, message.unsubscribe_url, message.preferences_url)
    email.set_content(f"{message.body}\n\n{footer}\n")
    email.add_alternative(_html(message, identity), subtype="html")
    return email


def email_bytes(message: OutgoingMessage, identity: CompanyIdentity, *, now: datetime) -> bytes:
    """The message as an SMTP ``DATA`` payload: CRLF line endings, 7-bit clean."""
    return build_email(message, identity, now=now).as_bytes(policy=SMTP_POLICY)


def _html(message: OutgoingMessage, identity: CompanyIdentity) -> str:
    tracked = dict(message.tracked_links)
    paragraphs = "".join(
        f"<p>{_linkify(paragraph, tracked).replace(chr(10), '<br>')}</p>"
        for paragraph in message.body.split("\n\n")
    )
    unsubscribe = html.escape(message.unsubscribe_url, quote=True)
    preferences = (
        f' · <a href="{html.escape(message.preferences_url, quote=True)}">Email preferences</a>'
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
        f'<a href="{unsubscribe}">Unsubscribe</a>{preferences}</p>{pixel}</body></html>\n'
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
