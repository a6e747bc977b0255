"""`touchpoint demo`: the demo company's knowledge and leads, through the real loop, end to end.

Every demo lead arrives as an inquiry through the same code path as the public endpoint, so what the
demo shows (acknowledgments in ``var/outbox``, drafts waiting for review) is what production does.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.progress import Progress

from agent.container import Services, build_knowledge_base, build_services
from agent.db.models import Touch
from agent.db.repositories.users import UserRepository
from agent.domain import LeadContext, LeadStatus, UserRole
from agent.leads_import import LeadRow, read_rows
from agent.services.inquiries import Inquiry, InquiryOutcome, submit_inquiry
from agent.settings import Settings, is_loopback_url
from agent.users import ensure_user, hash_password, issue_key

DEMO_LEADS = Path(__file__).with_name("demo_leads.csv")
DEMO_ADMIN = "admin@demo.touchpoint.local"


def demo_lead_contexts(limit: int | None = None, *, id_prefix: str = "demo") -> list[LeadContext]:
    """The demo leads as a drafter sees a new lead who wrote in: realistic leads for benchmarks and
    tests that draft without a database (ids ``<id_prefix>-0``, ``-1``, ...)."""
    rows = [raw for _line, raw in read_rows(DEMO_LEADS)][:limit]
    return [
        LeadContext(
            id=f"{id_prefix}-{index}",
            first_name=row["first_name"] or None,
            last_name=row["last_name"] or None,
            email=row["email"] or None,
            phone=row["phone"] or None,
            company=row["company"] or None,
            role=row["role"] or None,
            industry=row["industry"] or None,
            source=row["source"] or None,
            need=row["need"] or None,
            deal_value=None,
            timezone=row["timezone"] or "UTC",
            consent_email=True,
            consent_sms=True,
            status=LeadStatus.NEW,
            inquiry_text=row["message"] or None,
        )
        for index, row in enumerate(rows)
    ]


@dataclass
class DemoResult:
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    summary: str = ""
    api_key: str | None = None
    password: str | None = None  # the demo admin's, for the review page: shown once, like the key


def run_demo(settings: Settings, *, leads_file: Path | None, progress: Progress) -> DemoResult:
    task = progress.add_task("knowledge base", total=None)
    knowledge = build_knowledge_base(
        settings, on_progress=lambda done, total: progress.update(task, completed=done, total=total)
    )
    services = build_services(settings, knowledge=knowledge)
    result = DemoResult()
    try:
        result.api_key, result.password = _demo_admin_access(services)
        rows = list(read_rows(leads_file or DEMO_LEADS))
        task = progress.add_task("inquiries", total=len(rows))
        latencies: list[float] = []
        outcomes: list[tuple[LeadRow, InquiryOutcome]] = []
        for _line, raw in rows:
            lead = LeadRow.model_validate(raw)
            started = time.perf_counter()
            outcome = submit_inquiry(services, _inquiry(lead, raw))
            latencies.append(time.perf_counter() - started)
            outcomes.append((lead, outcome))
            progress.advance(task)
        sent = services.outbox.drain(limit=len(rows) + 10)
        with services.session_factory() as session:
            for lead, outcome in outcomes:
                touch = session.get(Touch, outcome.touch_id) if outcome.touch_id else None
                result.rows.append(
                    (
                        f"{lead.first_name or lead.email}, {lead.company or '-'}",
                        lead.industry or "",
                        _what_happened(outcome, touch),
                        ", ".join(s["title"] for s in touch.sources) if touch else "",
                    )
                )
        latencies.sort()
        median_ms = latencies[len(latencies) // 2] * 1000 if latencies else 0.0
        replayed = sum(1 for _, outcome in outcomes if outcome.replayed)
        result.summary = (
            f"{len(rows)} inquiries handled (median {median_ms:.0f} ms each), "
            f"{replayed} of them already handled by an earlier run; "
            f"{sum(sent.values())} message(s) sent to {settings.resolved_outbox_dir}/ as .eml files.\n"
            f"Next: `touchpoint serve{_port_option(settings)}`, then open {_base(settings)}/ (the review "
            f"queue) and {_base(settings)}/docs (the API)"
        )
    finally:
        services.close()
    return result


def _what_happened(outcome: InquiryOutcome, touch: Touch | None) -> str:
    if touch is None:
        return f"not contacted ({outcome.decision})"
    state = {"sent": "sent", "pending_review": "waiting for review"}.get(touch.state, touch.state)
    return f"{touch.purpose.replace('_', ' ')} {state}" + (" (earlier run)" if outcome.replayed else "")


def _inquiry(lead: LeadRow, raw: dict[str, str]) -> Inquiry:
    """The row as the public endpoint would receive it, consent included: a lead whose row says
    ``consent_email=false`` must not be emailed, not even the acknowledgment. A consent cell left empty
    states nothing, so the inquiry's own defaults apply, as for a web form that has no such box."""
    return Inquiry(
        message=raw.get("message", "") or (lead.need or "Inquiry"),
        email=lead.email,
        phone=lead.phone,
        first_name=lead.first_name,
        last_name=lead.last_name,
        company=lead.company,
        role=lead.role,
        industry=lead.industry,
        need=lead.need,
        source=lead.source or "web_form",
        timezone=lead.timezone,
        deal_value=lead.deal_value,
        consent_email=lead.consent_email if _given(raw, "consent_email") else None,
        consent_sms=lead.consent_sms if _given(raw, "consent_sms") else None,
    )


def _given(raw: dict[str, str], column: str) -> bool:
    return bool((raw.get(column) or "").strip())


def _demo_admin_access(services: Services) -> tuple[str | None, str | None]:
    """An API key and a review-page password for the demo admin the first time the demo runs (both
    random, shown once); later runs keep what was shown then."""
    with services.session_factory.begin() as session:
        admin = ensure_user(
            session, email=DEMO_ADMIN, name="Demo Admin", role=UserRole.ADMIN, now=services.clock()
        )
        password = None
        if admin.password_hash is None:
            password = secrets.token_urlsafe(12)
            admin.password_hash = hash_password(password)
        if UserRepository(session).has_keys(admin.id):
            return None, password
        return issue_key(session, admin, name="demo", now=services.clock()), password


def _base(settings: Settings) -> str:
    return str(settings.public_base_url).rstrip("/")


def _port_option(settings: Settings) -> str:
    """`touchpoint serve` serves on 8000 unless told: the demo's links point where it must serve."""
    port = settings.public_base_url.port
    local = is_loopback_url(str(settings.public_base_url))
    return f" --port {port}" if local and port not in (None, 8000) else ""
