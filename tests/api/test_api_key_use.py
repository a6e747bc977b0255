"""Finding 4 of issue 17, the API keys' half: each key's use is audited by its ``last_used_at``,
written at most once a minute rather than a row (or an update) per request."""

from __future__ import annotations

from datetime import datetime

from fastapi.testclient import TestClient
from sqlalchemy import select

from agent.container import Services
from agent.db.models import ApiKey
from tests.conftest import Caller, FakeClock


def _last_used(services: Services, caller: Caller) -> datetime | None:
    with services.session_factory() as session:
        return session.scalar(select(ApiKey.last_used_at).where(ApiKey.user_id == caller.user_id))


def test_an_api_keys_last_use_is_recorded_at_most_once_a_minute(
    client: TestClient, services: Services, clock: FakeClock, rep: Caller
) -> None:
    unused = _last_used(services, rep)
    first = clock.now
    client.get("/v1/leads", headers=rep.headers)
    after_first = _last_used(services, rep)
    clock.advance(seconds=59)
    client.get("/v1/leads", headers=rep.headers)
    within_the_minute = _last_used(services, rep)
    later = clock.advance(seconds=1)
    client.get("/v1/leads", headers=rep.headers)

    assert unused is None
    assert (after_first, within_the_minute, _last_used(services, rep)) == (first, first, later)
