"""Build the RFC 5322 message every email channel sends: identity, footer and one-click unsubscribe.

The footer (sender identity, postal address, unsubscribe link) is added here, by the channel, never
left to the drafter: a model cannot forget it and a rep cannot edit it away.
"""

from __future__ import annotations

import html
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from agent.channels.base import OutgoingMessage
from agent.domain import CompanyIdentity


def footer_text(identity: CompanyIdentity, unsubscribe_url: str) -> str:
    return (
        f"--\n{identity.sender_name}, {identity.name}\n{identity.postal_address}\n"
        f"You are receiving this because you contacted {identity.name}. "
        f"Unsubscribe with one click: {unsubscribe_url}"
    )


def build_email(message: OutgoingMessage, identity: CompanyIdentity, *, now: datetime) -> EmailMessage:
    # Long header lines are folded at spaces, never RFC 2047-encoded: List-Unsubscribe must stay a <URL>.
    email = EmailMessage(policy=policy.default.clone(max_line_length=998))
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

    footer = footer_text(identity, message.unsubscribe_url)
    email.set_content(f"{message.body}\n\n{footer}\n")
    email.add_alternative(_html(message.body, identity, message.unsubscribe_url), subtype="html")
    return email


def _html(body: str, identity: CompanyIdentity, unsubscribe_url: str) -> str:
    paragraphs = "".join(
        f"<p>{html.escape(paragraph).replace(chr(10), '<br>')}</p>" for paragraph in body.split("\n\n")
    )
    link = html.escape(unsubscribe_url, quote=True)
    return (
        '<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">'
        f'{paragraphs}<hr><p style="color:#666;font-size:12px">{html.escape(identity.sender_name)}, '
        f"{html.escape(identity.name)}<br>{html.escape(identity.postal_address)}<br>"
        f'<a href="{link}">Unsubscribe</a></p></body></html>\n'
    )
