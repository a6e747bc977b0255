"""The reps' pages: one Jinja2 environment, the filters they share, and how a page is answered.

Every page gets the signed-in rep, the session's CSRF token (forms post it as a field, htmx as a
header) and the open-handoff count for the navigation. An htmx request gets the same page: the
client takes the part it asked for (``hx-select``), so there is one template per page, not a second
set of fragments to keep in step.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from agent.container import Services
from agent.domain import full_name
from agent.services.records import Lead
from agent.users import SignedIn, csrf_token
from api.schemas import LeadPublic

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "review"
templates = Jinja2Templates(directory=TEMPLATES)


def render(
    request: Request,
    services: Services,
    signed_in: SignedIn | None,
    name: str,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    secret = services.settings.signing_secret.get_secret_value()
    base = {
        "user": signed_in.principal if signed_in else None,
        "csrf": csrf_token(secret, signed_in.token) if signed_in else "",
        "company": services.identity.name,
        "now": services.clock(),
    }
    return templates.TemplateResponse(
        request, name, {**base, **context}, status_code=status_code, headers=headers
    )


def duration(seconds: float) -> str:
    """A span of time in the unit a person would say it in."""
    seconds = abs(seconds)
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def until(due: datetime, now: datetime) -> str:
    left = (due - now).total_seconds()
    return f"due in {duration(left)}" if left >= 0 else f"overdue by {duration(left)}"


def ago(moment: datetime | None, now: datetime) -> str:
    """How long ago; a moment still ahead (a tick simulated with ``worker --once --now`` dates its
    drafts in the future) says so instead of being counted backwards."""
    if moment is None:
        return ""
    seconds = (now - moment).total_seconds()
    return f"{duration(seconds)} ago" if seconds >= 0 else f"{duration(seconds)} from now"


def marked(body: str, violations: list[dict[str, Any]]) -> Markup:
    """The draft's text, escaped, with each guardrail violation's span underlined and explained."""
    spans = sorted(
        (int(v["start"]), int(v["end"]), f"{v.get('code')}: {v.get('message')}")
        for v in violations
        if isinstance(v.get("start"), int) and isinstance(v.get("end"), int) and 0 <= v["start"] < v["end"]
    )
    out: list[str] = []
    position = 0
    for start, end, why in spans:
        if start < position or end > len(body):
            continue  # overlapping or stale spans: the list below the draft still names the violation
        out.append(str(escape(body[position:start])))
        out.append(f'<u class="violation" title="{escape(why)}">{escape(body[start:end])}</u>')
        position = end
    out.append(str(escape(body[position:])))
    return Markup("".join(out))  # noqa: S704 - every piece of text went through escape()


def display_name(lead: Lead | LeadPublic) -> str:
    """How a rep names a lead: their name as our messages write it ("Héctor van der Berg", typed
    "HÉCTOR VAN DER BERG"), else as typed, else their address; and their company."""
    typed = " ".join(p for p in (lead.first_name, lead.last_name) if p)
    name = full_name(lead.first_name, lead.last_name) or typed or lead.email or lead.phone or "a lead"
    return f"{name} ({lead.company})" if lead.company else name


def in_utc(moment: datetime | None, pattern: str = "%d %b %H:%M") -> str:
    """A time for the pages, converted to UTC before it is labelled UTC: a time that kept the offset it
    was recorded with (the lead's own zone) would otherwise print its local clock under the UTC label."""
    if moment is None:
        return ""
    return f"{moment.astimezone(UTC):{pattern}} UTC"


def label(value: str | None) -> str:
    return re.sub(r"[_.]", " ", value or "").strip()


templates.env.filters["label"] = label
templates.env.filters["duration"] = duration
templates.env.filters["utc"] = in_utc
templates.env.globals["until"] = until
templates.env.globals["ago"] = ago
templates.env.globals["marked"] = marked
templates.env.globals["display_name"] = display_name
