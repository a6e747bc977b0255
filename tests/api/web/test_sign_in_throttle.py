"""Finding 4 of issue 17: sign-in is throttled per account and per client address with growing
lockouts, the right password is refused while locked (429 with Retry-After), and every failure and
lockout is in the audit trail. The clock is the test's: nothing sleeps."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta

import httpx2
from fastapi.testclient import TestClient
from sqlalchemy import select

from agent.container import Services
from agent.db.models import ReviewAction, SignInThrottle
from agent.services.sign_in import ACCOUNT, ADDRESS, Backoff
from tests.api.web.pages import PASSWORD, login_form_token, make_rep
from tests.conftest import FakeClock

WRONG = "not the password at all"


def _attempt(client: TestClient, email: str, password: str) -> httpx2.Response:
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": login_form_token(client), "next": "/"},
        follow_redirects=False,
    )


def _fail(client: TestClient, email: str, times: int) -> list[int]:
    return [_attempt(client, email, WRONG).status_code for _ in range(times)]


@contextmanager
def _from_address(client: TestClient, address: str) -> Iterator[TestClient]:
    """The same app, reached from another client address."""
    with TestClient(client.app, client=(address, 50000), raise_server_exceptions=False) as other:
        yield other


def _audit(services: Services, action: str) -> list[ReviewAction]:
    with services.session_factory() as session:
        return list(
            session.scalars(
                select(ReviewAction)
                .where(ReviewAction.action == action)
                .order_by(ReviewAction.created_at, ReviewAction.id)
            )
        )


def _throttles(services: Services) -> list[tuple[str, int]]:
    with services.session_factory() as session:
        rows = session.scalars(select(SignInThrottle).order_by(SignInThrottle.key))
        return [(row.key, row.failures) for row in rows]


class TestBackoff:
    def test_lockouts_double_after_the_free_failures_up_to_the_longest(self) -> None:
        backoff = Backoff(
            free_failures=5, first_lockout=timedelta(minutes=1), longest_lockout=timedelta(hours=1)
        )

        lockouts = [backoff.lockout(n) for n in (4, 5, 6, 7, 11, 10_000)]

        assert lockouts == [
            None,
            *(timedelta(minutes=m) for m in (1, 2, 4)),
            timedelta(hours=1),
            timedelta(hours=1),
        ]

    def test_an_address_has_more_room_than_an_account(self) -> None:
        assert ADDRESS.free_failures > ACCOUNT.free_failures


class TestPerAccount:
    def test_the_right_password_is_refused_while_the_account_is_locked_out(
        self, client: TestClient, services: Services
    ) -> None:
        email = make_rep(services)

        statuses = _fail(client, email, ACCOUNT.free_failures)
        right = _attempt(client, email, PASSWORD)

        assert statuses == [401] * (ACCOUNT.free_failures - 1) + [429]
        assert right.status_code == 429
        assert right.headers["retry-after"] == "60"
        assert "Too many failed sign-ins for this account" in right.text
        assert "even with the right password" in right.text
        assert "tp_session" not in right.headers.get("set-cookie", "")

    def test_a_lockout_ends_by_itself_and_the_next_one_is_twice_as_long(
        self, client: TestClient, services: Services, clock: FakeClock
    ) -> None:
        email = make_rep(services)
        _fail(client, email, ACCOUNT.free_failures)

        clock.advance(seconds=61)
        again = _attempt(client, email, WRONG)
        clock.advance(seconds=119)
        still_locked = _attempt(client, email, PASSWORD)
        clock.advance(seconds=2)
        right = _attempt(client, email, PASSWORD)

        assert (again.status_code, again.headers["retry-after"]) == (429, "120")
        assert (still_locked.status_code, still_locked.headers["retry-after"]) == (429, "1")
        assert right.status_code == 303

    def test_the_right_password_starts_the_accounts_count_over(
        self, client: TestClient, services: Services
    ) -> None:
        email = make_rep(services)

        before = _fail(client, email, ACCOUNT.free_failures - 1)
        right = _attempt(client, email, PASSWORD)
        client.cookies.clear()
        after = _fail(client, email, ACCOUNT.free_failures - 1)

        assert (before, right.status_code, after) == ([401] * 4, 303, [401] * 4)

    def test_an_unknown_email_is_locked_out_like_a_known_one(self, client: TestClient) -> None:
        statuses = _fail(client, "nobody@example.com", ACCOUNT.free_failures + 1)

        assert statuses == [401] * (ACCOUNT.free_failures - 1) + [429, 429]

    def test_setting_a_new_password_lifts_the_lockout(self, client: TestClient, services: Services) -> None:
        email = make_rep(services)
        _fail(client, email, ACCOUNT.free_failures)

        make_rep(services, email)  # `touchpoint users create` sets the password again

        assert _attempt(client, email, PASSWORD).status_code == 303

    def test_parallel_wrong_passwords_cannot_slip_past_the_lockout(
        self, client: TestClient, services: Services
    ) -> None:
        email = make_rep(services)
        token = login_form_token(client)
        cookies = dict(client.cookies)

        def guess(_: int) -> int:
            with TestClient(client.app, cookies=cookies, raise_server_exceptions=False) as own:
                data = {"email": email, "password": WRONG, "csrf_token": token}
                return own.post("/login", data=data, follow_redirects=False).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = sorted(pool.map(guess, range(24)))

        assert statuses == [401] * (ACCOUNT.free_failures - 1) + [429] * (24 - ACCOUNT.free_failures + 1)
        assert len(_audit(services, "auth.sign_in_failed")) == ACCOUNT.free_failures

    def test_a_sign_in_refused_while_locked_writes_nothing(
        self, client: TestClient, services: Services
    ) -> None:
        email = make_rep(services)
        _fail(client, email, ACCOUNT.free_failures)
        before = _throttles(services)

        with _from_address(client, "192.0.2.44") as elsewhere:
            refused = _attempt(elsewhere, email, PASSWORD)

        assert refused.status_code == 429
        assert _throttles(services) == before
        assert len(_audit(services, "auth.sign_in_failed")) == ACCOUNT.free_failures


class TestPerAddress:
    def test_one_address_trying_many_accounts_is_locked_out_and_other_addresses_are_not(
        self, client: TestClient, services: Services
    ) -> None:
        email = make_rep(services)
        with _from_address(client, "203.0.113.7") as sprayer, _from_address(client, "198.51.100.4") as office:
            spray = [
                _attempt(sprayer, f"guess{n}@example.com", WRONG).status_code
                for n in range(ADDRESS.free_failures)
            ]
            from_sprayer = _attempt(sprayer, email, PASSWORD)
            from_office = _attempt(office, email, PASSWORD)

        assert spray == [401] * (ADDRESS.free_failures - 1) + [429]
        assert from_sprayer.status_code == 429
        assert "from your network address" in from_sprayer.text
        assert from_office.status_code == 303


class TestAudit:
    def test_failed_sign_ins_and_lockouts_are_in_the_audit_trail(
        self, client: TestClient, services: Services
    ) -> None:
        email = make_rep(services)

        _fail(client, email, ACCOUNT.free_failures)
        _attempt(client, email, PASSWORD)  # refused while locked: not a failure, nothing written

        failed = _audit(services, "auth.sign_in_failed")
        locked = _audit(services, "auth.locked_out")
        assert len(failed) == ACCOUNT.free_failures
        assert {(a.details["email"], a.details["address"]) for a in failed} == {(email, "testclient")}
        assert all(a.user_id is not None for a in failed)
        assert [(a.details["scope"], a.details["failures"]) for a in locked] == [
            ("account", ACCOUNT.free_failures)
        ]
        assert locked[0].user_id == failed[0].user_id

    def test_a_successful_sign_in_is_in_the_audit_trail(self, client: TestClient, services: Services) -> None:
        _attempt(client, make_rep(services), PASSWORD)

        assert [a.details for a in _audit(services, "auth.signed_in")] == [{"address": "testclient"}]
