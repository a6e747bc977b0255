"""Users: Argon2id passwords, page sessions stored only as hashes, CSRF tokens, who may act on a lead."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import Type

from agent.container import Services
from agent.db.models import User, WebSession
from agent.domain import UserRole
from agent.users import (
    PasswordError,
    check_password,
    csrf_token,
    csrf_valid,
    end_session,
    hash_key,
    resume_session,
    set_password,
    start_session,
)
from tests.conftest import PRODUCTION_HASHER, FakeClock

PASSWORD = "a long enough passphrase"


def _user(services: Services, email: str = "ana@example.com", role: UserRole = UserRole.REP) -> User:
    with services.session_factory.begin() as session:
        return set_password(
            session, email=email, password=PASSWORD, name="Ana", role=role, now=services.clock()
        )


class TestPasswords:
    def test_the_service_hashes_with_argon2_s_recommended_cost(self) -> None:
        """The suite hashes cheaply (tests/conftest.py); the service uses argon2-cffi's defaults, RFC 9106's
        low-memory profile: argon2id, 64 MiB, three passes."""
        assert PRODUCTION_HASHER.type is Type.ID
        assert (PRODUCTION_HASHER.memory_cost, PRODUCTION_HASHER.time_cost) == (65536, 3)
        assert PRODUCTION_HASHER.hash("correct horse battery").startswith("$argon2id$v=19$m=65536,t=3,")

    def test_the_password_is_stored_as_an_argon2id_hash_and_checks_out(self, services: Services) -> None:
        user = _user(services)

        assert user.password_hash is not None and user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
        with services.session_factory.begin() as session:
            found = check_password(session, "ANA@example.com", PASSWORD)
            assert found is not None and found.id == user.id

    @pytest.mark.parametrize(
        ("email", "password"), [("ana@example.com", "wrong one entirely"), ("nobody@example.com", PASSWORD)]
    )
    def test_a_wrong_password_or_an_unknown_email_signs_nobody_in(
        self, services: Services, email: str, password: str
    ) -> None:
        _user(services)

        with services.session_factory.begin() as session:
            assert check_password(session, email, password) is None

    def test_a_deactivated_user_cannot_sign_in(self, services: Services) -> None:
        user = _user(services)
        with services.session_factory.begin() as session:
            stored = session.get(User, user.id)
            assert stored is not None
            stored.active = False

        with services.session_factory.begin() as session:
            assert check_password(session, "ana@example.com", PASSWORD) is None

    def test_a_short_password_is_refused_with_what_to_choose(self, services: Services) -> None:
        with services.session_factory.begin() as session, pytest.raises(PasswordError, match="at least 12"):
            set_password(
                session,
                email="x@example.com",
                password="short",
                name="X",
                role=UserRole.REP,
                now=services.clock(),
            )

    def test_setting_a_password_again_keeps_the_users_role(self, services: Services) -> None:
        _user(services, role=UserRole.ADMIN)

        with services.session_factory.begin() as session:
            again = set_password(
                session,
                email="ana@example.com",
                password="another passphrase",
                name="Ana",
                role=UserRole.REP,
                now=services.clock(),
            )
            assert again.role == UserRole.ADMIN
            assert check_password(session, "ana@example.com", "another passphrase") is not None


class TestSessions:
    def test_a_session_resumes_until_it_expires_and_only_its_hash_is_stored(
        self, services: Services, clock: FakeClock
    ) -> None:
        user = _user(services)
        with services.session_factory.begin() as session:
            token = start_session(session, user, now=clock.now, lifetime=timedelta(hours=12))

        with services.session_factory.begin() as session:
            signed_in = resume_session(session, token, clock.now)
            assert signed_in is not None and signed_in.principal.email == "ana@example.com"
            stored = session.query(WebSession).one()
            assert stored.token_hash == hash_key(token) and token not in stored.token_hash
        clock.advance(hours=12, seconds=1)
        with services.session_factory.begin() as session:
            assert resume_session(session, token, clock.now) is None

    def test_signing_out_ends_the_session(self, services: Services, clock: FakeClock) -> None:
        user = _user(services)
        with services.session_factory.begin() as session:
            token = start_session(session, user, now=clock.now, lifetime=timedelta(hours=1))
            end_session(session, token)

        with services.session_factory.begin() as session:
            assert resume_session(session, token, clock.now) is None


class TestCsrf:
    def test_the_token_belongs_to_one_session(self) -> None:
        token = csrf_token("secret", "session-a")

        assert csrf_valid("secret", "session-a", token)
        assert not csrf_valid("secret", "session-b", token)
        assert not csrf_valid("another secret", "session-a", token)
        assert not csrf_valid("secret", "session-a", "")
        assert not csrf_valid("secret", "session-a", None)
