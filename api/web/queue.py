"""The review queue page (``/``): the list, the focused draft, and every action a rep takes on it.

Actions are ordinary form posts (htmx swaps the queue in place; without JavaScript the browser gets the
same page). Each runs in a savepoint: a refusal (another rep was first, the draft went out of date, a
placeholder is left) rolls back whatever the action had begun and answers with its status code, the
reason, and the draft's fresh state.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from agent import fields
from agent.container import Services
from agent.services import leads, review, tasks
from agent.services.errors import Conflict, DomainError, Invalid, OutOfDate
from agent.services.records import Touch
from agent.users import SignedIn
from api.deps import CsrfDep, PageUserDep, ServicesDep, SessionDep
from api.routes.queue import release
from api.schemas import Storable
from api.web.templating import display_name, render
from api.web.views import Filters, Notice, queue_context

router = APIRouter(include_in_schema=False)
SNOOZES = {
    "1d": timedelta(days=1),
    "3d": timedelta(days=3),
    "1w": timedelta(weeks=1),
    "2w": timedelta(weeks=2),
}


@router.get("/", response_class=HTMLResponse)
def queue_page(
    request: Request, session: SessionDep, services: ServicesDep, signed_in: PageUserDep
) -> HTMLResponse:
    filters = Filters.read(request.query_params, sorted(services.loop.sequences))
    focus = _uuid(request.query_params.get("focus"))
    return _answer(request, session, services, signed_in, filters, focus=focus)


def _answer(
    request: Request,
    session: Session,
    services: Services,
    signed_in: SignedIn,
    filters: Filters,
    *,
    focus: uuid.UUID | None = None,
    notice: Notice | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = queue_context(session, services, signed_in.principal, filters, focus=focus, notice=notice)
    headers = {
        "HX-Push-Url": f"/?{filters.query(focus=context['draft'].touch.id if context['draft'] else '')}"
    }
    return render(
        request, services, signed_in, "queue.html", status_code=status_code, headers=headers, **context
    )


async def _filters(request: Request, services: Services) -> Filters:
    return Filters.read(await request.form(), sorted(services.loop.sequences))


def _act(
    request: Request,
    session: Session,
    services: Services,
    signed_in: SignedIn,
    filters: Filters,
    touch_id: uuid.UUID,
    next_id: str,
    action: Callable[[], Notice | Done],
) -> HTMLResponse:
    """Run ``action`` in a savepoint; answer with the queue focused on the next draft (or where the
    action says), or on this one, fresh, with the reason if it was refused."""
    try:
        with session.begin_nested():
            done = action()
    except DomainError as exc:
        return _answer(
            request,
            session,
            services,
            signed_in,
            filters,
            focus=touch_id,
            notice=Notice("error", _refusal(exc)),
            status_code=exc.status,
        )
    if isinstance(done, Done):
        return _answer(request, session, services, signed_in, filters, focus=done.focus, notice=done.notice)
    following = _uuid(next_id)
    if following is not None and not review.is_waiting(session, following):
        following = None
    return _answer(request, session, services, signed_in, filters, focus=following, notice=done)


@dataclass(frozen=True, slots=True)
class Done:
    """What an action did, when it knows what to show next (a regenerated draft shows its successor)."""

    notice: Notice
    focus: uuid.UUID | None


def _check_edit(subject: str, body: str) -> None:
    """The subject goes into a header: one line, as the API's ``EditIn`` requires; neither may hold
    what no database stores. A refusal is the page's notice (422), nothing saved."""
    problem = fields.not_one_line(subject) if subject.strip() else None
    if problem is not None:
        raise Invalid(f"the subject {problem}", code="validation")
    problem = fields.unstorable(body)
    if problem is not None:
        raise Invalid(f"the message {problem}", code="validation")


def _refusal(exc: DomainError) -> str:
    if isinstance(exc, OutOfDate):
        return f"Not approved: {exc}."
    if isinstance(exc, Conflict) and exc.current is not None:
        return f"Someone else got there first: {exc}. Here is the draft as it is now."
    return f"Not done: {exc}."


@router.post("/queue/{touch_id}/approve", response_class=HTMLResponse)
async def approve(
    touch_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    signed_in: CsrfDep,
    background: BackgroundTasks,
    version: Annotated[int, Form()],
    next_id: Annotated[str, Form(alias="next")] = "",
) -> HTMLResponse:
    def action() -> Notice:
        already = review.is_approved(session, touch_id)
        touch = review.approve(
            session, services.loop, touch_id, version=version, now=services.clock(), actor=signed_in.principal
        )
        if already:
            return Notice("info", f"This draft was already approved ({touch.state}): it is sent once.")
        release(touch, services, background)
        return Notice("ok", _sent(services, touch, "Approved"))

    filters = await _filters(request, services)
    return _act(request, session, services, signed_in, filters, touch_id, next_id, action)


@router.post("/queue/{touch_id}/edit", response_class=HTMLResponse)
async def edit(
    touch_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    signed_in: CsrfDep,
    background: BackgroundTasks,
    version: Annotated[int, Form()],
    body: Annotated[str, Form(min_length=1, max_length=10000)],
    subject: Annotated[str, Form(max_length=300)] = "",
    next_id: Annotated[str, Form(alias="next")] = "",
) -> HTMLResponse:
    def action() -> Notice:
        _check_edit(subject, body)
        touch = review.edit_and_approve(
            session,
            services.loop,
            touch_id,
            version=version,
            body=body.replace("\r\n", "\n").strip(),
            subject=subject.strip() or None,
            now=services.clock(),
            actor=signed_in.principal,
        )
        release(touch, services, background)
        return Notice("ok", _sent(services, touch, "Edited and approved"))

    filters = await _filters(request, services)
    return _act(request, session, services, signed_in, filters, touch_id, next_id, action)


@router.post("/queue/{touch_id}/reject", response_class=HTMLResponse)
async def reject(
    touch_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    signed_in: CsrfDep,
    version: Annotated[int, Form()],
    reason: Annotated[Storable, Form(min_length=3, max_length=1000)],
    next_id: Annotated[str, Form(alias="next")] = "",
) -> HTMLResponse:
    def action() -> Notice:
        touch = review.reject(
            session,
            touch_id,
            version=version,
            reason=reason.strip(),
            now=services.clock(),
            actor=signed_in.principal,
        )
        return Notice("ok", f"Rejected the {touch.purpose.replace('_', ' ')} draft: {reason.strip()}")

    filters = await _filters(request, services)
    return _act(request, session, services, signed_in, filters, touch_id, next_id, action)


@router.post("/queue/{touch_id}/regenerate", response_class=HTMLResponse)
async def regenerate(
    touch_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    signed_in: CsrfDep,
    version: Annotated[int, Form()],
    instruction: Annotated[Storable, Form(min_length=2, max_length=500)],
) -> HTMLResponse:
    def action() -> Done:
        new = review.regenerate(
            session,
            services.loop,
            touch_id,
            version=version,
            instruction=instruction.strip(),
            now=services.clock(),
            actor=signed_in.principal,
        )
        text = f"Drafted again with “{instruction.strip()}”: review the new draft below."
        return Done(Notice("ok", text), new.id)

    filters = await _filters(request, services)
    return _act(request, session, services, signed_in, filters, touch_id, "", action)


@router.post("/queue/bulk-approve", response_class=HTMLResponse)
async def bulk_approve(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    signed_in: CsrfDep,
    background: BackgroundTasks,
) -> HTMLResponse:
    form = await request.form()
    drafts = [parsed for value in form.getlist("draft") if (parsed := _draft_ref(str(value))) is not None]
    filters = Filters.read(form, sorted(services.loop.sequences))
    if not drafts:
        notice = Notice("error", "Tick the low-risk drafts to approve first.")
        return _answer(request, session, services, signed_in, filters, notice=notice, status_code=422)
    with session.begin_nested():
        outcome = review.bulk_approve(
            session, services.loop, drafts, actor=signed_in.principal, now=services.clock()
        )
        for touch in outcome.approved:
            release(touch, services, background)
    approved = len(outcome.approved)
    text = f"Approved {approved} draft{'' if approved == 1 else 's'}."
    if outcome.skipped:
        text += f" Skipped {len(outcome.skipped)}: " + "; ".join(reason for _, reason in outcome.skipped[:3])
    return _answer(request, session, services, signed_in, filters, notice=Notice("ok", text))


@router.post("/leads/{lead_id}/snooze", response_class=HTMLResponse)
async def snooze(
    lead_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    signed_in: CsrfDep,
    period: Annotated[str, Form()],
    touch: Annotated[str, Form()] = "",
    next_id: Annotated[str, Form(alias="next")] = "",
) -> HTMLResponse:
    """Snooze: automation waits until then (unsent drafts go out of date and are drafted afresh)."""
    length = SNOOZES.get(period)

    def action() -> Notice:
        if length is None:
            raise Invalid(f"pick one of: {', '.join(SNOOZES)}", code="validation")
        until = services.clock() + length
        lead = leads.pause(
            session, services.loop, lead_id, actor=signed_in.principal, now=services.clock(), until=until
        )
        return Notice(
            "ok", f"Snoozed {display_name(lead)} until {until:%a %d %b %H:%M} UTC.", resume_lead=lead.id
        )

    filters = await _filters(request, services)
    return _act(request, session, services, signed_in, filters, _uuid(touch) or lead_id, next_id, action)


@router.post("/leads/{lead_id}/pause", response_class=HTMLResponse)
async def pause(
    lead_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    signed_in: CsrfDep,
    touch: Annotated[str, Form()] = "",
    next_id: Annotated[str, Form(alias="next")] = "",
) -> HTMLResponse:
    def action() -> Notice:
        lead = leads.pause(session, services.loop, lead_id, actor=signed_in.principal, now=services.clock())
        return Notice(
            "ok", f"Paused automation for {display_name(lead)} until you resume it.", resume_lead=lead.id
        )

    filters = await _filters(request, services)
    return _act(request, session, services, signed_in, filters, _uuid(touch) or lead_id, next_id, action)


@router.post("/leads/{lead_id}/close", response_class=HTMLResponse)
async def close(
    lead_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    signed_in: CsrfDep,
    reason: Annotated[Storable, Form(max_length=500)] = "",
    touch: Annotated[str, Form()] = "",
    next_id: Annotated[str, Form(alias="next")] = "",
) -> HTMLResponse:
    """The rep is done with the lead (a vendor's pitch, a duplicate, not a fit): its drafts go out of
    date and nothing more is sent; audited with the reason."""

    def action() -> Notice:
        lead = leads.close(
            session,
            services.loop,
            lead_id,
            actor=signed_in.principal,
            now=services.clock(),
            reason=reason.strip() or "closed from the review queue",
        )
        return Notice("ok", f"Closed {display_name(lead)}: nothing more will be sent.")

    filters = await _filters(request, services)
    return _act(request, session, services, signed_in, filters, _uuid(touch) or lead_id, next_id, action)


@router.post("/leads/{lead_id}/resume", response_class=HTMLResponse)
async def resume(
    lead_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    signed_in: CsrfDep,
    touch: Annotated[str, Form()] = "",
) -> HTMLResponse:
    def action() -> Notice:
        lead = leads.resume(
            session, services.loop, lead_id, actor=signed_in.principal, now=services.clock(), note=None
        )
        return Notice("ok", f"Automation resumed for {display_name(lead)}.")

    filters = await _filters(request, services)
    return _act(request, session, services, signed_in, filters, _uuid(touch) or lead_id, "", action)


@router.post("/tasks/{task_id}/done", response_class=HTMLResponse)
async def task_done(
    task_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    signed_in: CsrfDep,
    outcome: Annotated[Storable, Form(min_length=1, max_length=2000)],
) -> HTMLResponse:
    def action() -> Notice:
        task = tasks.complete(
            session, task_id, outcome=outcome.strip(), actor=signed_in.principal, now=services.clock()
        )
        return Notice("ok", f"Marked done: {task.title}.")

    filters = await _filters(request, services)
    return _act(request, session, services, signed_in, filters, task_id, "", action)


def _sent(services: Services, touch: Touch, done: str) -> str:
    when: datetime | None = touch.send_after
    if when is not None and when > services.clock() + timedelta(minutes=1):
        return f"{done}: it goes out {when:%a %d %b %H:%M} UTC, within the lead's hours and caps."
    return f"{done}: sending now."


def _draft_ref(value: str) -> tuple[uuid.UUID, int] | None:
    touch_id, _, version = value.partition(":")
    parsed = _uuid(touch_id)
    return (parsed, int(version)) if parsed is not None and version.isdigit() else None


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None
