"""Issue 17, finding 2: inquiries and events from one contact arriving at once, on a real server.

`touchpoint serve` on loopback, on SQLite and on PostgreSQL; the requests are fired together from
threads released by one barrier (no sleeps), so the server's request threads really race for the
lead's row. Every one must be answered 2xx, land on one lead, and have its message recorded.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from agent.db.engine import build_engine, build_session_factory
from agent.db.migrate import upgrade
from agent.db.models import Event, Lead
from agent.domain import EventType, UserRole
from agent.users import ensure_user, issue_key
from tests.conftest import START, scratch_postgres
from tests.factories import inquiry_payload
from tests.loopback import free_port, touchpoint_serving
from tests.test_server import _environment

PARALLEL = 20
NEW, EXISTING, EVENTFUL = "new@lunahair.example", "existing@lunahair.example", "events@lunahair.example"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, chroma_path: Path
) -> Iterator[tuple[str, str]]:
    """A real server on loopback on a fresh, migrated database, one per database for this module (each
    test uses its own addresses); yields its URL and the database's."""
    tmp_path = tmp_path_factory.mktemp(f"served-{request.param}")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = _environment(tmp_path, chroma_path, base_url)
    database = (
        scratch_postgres("touchpoint_conc")
        if request.param == "postgres"
        else nullcontext(env["TOUCHPOINT_DATABASE_URL"])
    )
    with database as url:
        env["TOUCHPOINT_DATABASE_URL"] = url
        upgrade(url)
        with touchpoint_serving(env, tmp_path, port):
            yield base_url, url


def all_at_once(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    """Run every call in its own thread, released together by one barrier."""
    barrier = threading.Barrier(len(calls))

    def fire(call: Callable[[], httpx.Response]) -> httpx.Response:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(fire, calls))


def post(client: httpx.Client, path: str, **kwargs: Any) -> Callable[[], httpx.Response]:
    return lambda: client.post(path, **kwargs)


def client_for(base_url: str) -> httpx.Client:
    limits = httpx.Limits(max_connections=PARALLEL, max_keepalive_connections=PARALLEL)
    return httpx.Client(base_url=base_url, timeout=60, limits=limits)


def inquiry_messages(url: str, email: str) -> tuple[int, list[str]]:
    """How many leads have ``email``, and the messages of the inquiries recorded for them."""
    engine = build_engine(url)
    try:
        with build_session_factory(engine)() as session:
            leads = session.scalar(select(func.count()).select_from(Lead).where(Lead.email == email)) or 0
            events = session.scalars(
                select(Event)
                .join(Lead, Lead.id == Event.lead_id)
                .where(Lead.email == email, Event.type == EventType.INQUIRY)
            )
            return leads, sorted(str(event.payload["message"]) for event in events)
    finally:
        engine.dispose()


def test_concurrent_inquiries_from_a_new_address_are_all_answered_on_one_lead(
    served: tuple[str, str],
) -> None:
    base_url, url = served
    messages = [f"Question {n}: do you integrate with our booking system?" for n in range(PARALLEL)]
    with client_for(base_url) as client:
        answers = all_at_once(
            [post(client, "/v1/inquiries", json=inquiry_payload(email=NEW, message=m)) for m in messages]
        )

    assert [a.status_code for a in answers] == [201] * PARALLEL, [a.text for a in answers if a.is_error]
    assert len({a.json()["lead_id"] for a in answers}) == 1
    assert sum(a.json()["lead_created"] for a in answers) == 1
    assert inquiry_messages(url, NEW) == (1, sorted(messages))


def test_concurrent_inquiries_for_an_existing_lead_are_all_answered(served: tuple[str, str]) -> None:
    base_url, url = served
    with client_for(base_url) as client:
        first = client.post(
            "/v1/inquiries", json=inquiry_payload(email=EXISTING, message="Hello, first question.")
        )
        assert first.status_code == 201, first.text
        sent = ["Hello, first question."]
        for round_ in range(3):
            messages = [f"Round {round_}, follow-up {n}: what does it cost?" for n in range(8)]
            answers = all_at_once(
                [
                    post(client, "/v1/inquiries", json=inquiry_payload(email=EXISTING, message=m))
                    for m in messages
                ]
            )
            assert [a.status_code for a in answers] == [201] * 8, [a.text for a in answers if a.is_error]
            assert {a.json()["lead_id"] for a in answers} == {first.json()["lead_id"]}
            sent += messages

    assert inquiry_messages(url, EXISTING) == (1, sorted(sent))


def test_concurrent_events_for_one_lead_are_all_recorded(served: tuple[str, str]) -> None:
    base_url, url = served
    engine = build_engine(url)
    try:
        with build_session_factory(engine).begin() as session:
            admin = ensure_user(
                session, email="admin@example.com", name="admin", role=UserRole.ADMIN, now=START
            )
            key = issue_key(session, admin, name="test", now=START)
    finally:
        engine.dispose()
    headers = {"Authorization": f"Bearer {key}"}
    with client_for(base_url) as client:
        lead = client.post("/v1/inquiries", json=inquiry_payload(email=EVENTFUL)).json()["lead_id"]
        pages = [f"https://northstar-bookings.example/pricing?visit={n}" for n in range(10)]
        answers = all_at_once(
            [
                post(
                    client,
                    f"/v1/leads/{lead}/events",
                    json={"type": "page_visit", "payload": {"url": page}},
                    headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
                )
                for page in pages
            ]
        )

    assert [a.status_code for a in answers] == [201] * len(pages), [a.text for a in answers if a.is_error]
    engine = build_engine(url)
    try:
        with build_session_factory(engine)() as session:
            recorded = session.scalars(
                select(Event).where(Event.lead_id == uuid.UUID(lead), Event.type == EventType.PAGE_VISIT)
            )
            assert sorted(str(e.payload["url"]) for e in recorded) == sorted(pages)
    finally:
        engine.dispose()
