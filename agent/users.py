"""Users, API keys, passwords and page sessions; who may act on which lead.

API keys are random, shown once, and stored only as a SHA-256 hash. SHA-256 (not a slow password
hash) is right for keys: they carry 256 bits of randomness, so there is nothing to brute-force, and
every API request must verify one quickly. Passwords are chosen by people, so they get Argon2id
(argon2-cffi's tuned defaults), verified only at sign-in.

The review page signs a rep in with a session: the cookie holds a random token, the database only
its hash, so a leaked table opens no session. Forms carry a CSRF token derived from the session token
with the signing secret (HMAC): another site can make the browser send the cookie, never the token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from agent.db.models import ApiKey, User, WebSession
from agent.db.repositories.throttles import SignInThrottleRepository, account_key
from agent.db.repositories.users import UserRepository, WebSessionRepository
from agent.domain import UserRole, normalise_email

KEY_PREFIX = "tp_"
MIN_PASSWORD_LENGTH = 12
_HASHER = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so a wrong email costs as long as a wrong password."""
    return _HASHER.hash(secrets.token_urlsafe(16))


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: what authorisation and the audit trail need, detached from the session."""

    user_id: str
    email: str
    role: UserRole

    @property
    def id(self) -> uuid.UUID:
        return uuid.UUID(self.user_id)

    @property
    def is_admin(self) -> bool:
        return self.role is UserRole.ADMIN


def users_by_id(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, User]:
    """The users behind these ids (owners, claimers), to show their names."""
    return UserRepository(session).by_ids(ids)


def ensure_user(session: Session, *, email: str, name: str, role: UserRole, now: datetime) -> User:
    users = UserRepository(session)
    user = users.by_email(email)
    if user is None:
        user = users.add(User(email=normalise_email(email), name=name, role=role, created_at=now))
    return user


def issue_key(session: Session, user: User, *, name: str, now: datetime, key: str | None = None) -> str:
    """Create an API key for ``user``; returns the key itself, which is never stored or shown again."""
    key = key or generate_key()
    UserRepository(session).add_key(
        ApiKey(user_id=user.id, name=name, prefix=key[:10], key_hash=hash_key(key), created_at=now)
    )
    return key


def ensure_bootstrap_key(session: Session, key: str, now: datetime) -> None:
    """Make the key from ``TOUCHPOINT_BOOTSTRAP_API_KEY`` valid, for an admin, idempotently."""
    if UserRepository(session).user_for_key_hash(hash_key(key)) is not None:
        return
    admin = ensure_user(session, email="admin@touchpoint.local", name="Admin", role=UserRole.ADMIN, now=now)
    issue_key(session, admin, name="bootstrap", now=now, key=key)


# How stale a key's ``last_used_at`` may be: its use is audited to the minute, not with a write per request.
KEY_USE_RESOLUTION = timedelta(minutes=1)


def authenticate(session: Session, key: str, now: datetime) -> Principal | None:
    """The caller behind an API key, recording when the key was last used (at most once a minute)."""
    found = UserRepository(session).user_for_key_hash(hash_key(key))
    if found is None:
        return None
    user, api_key = found
    if api_key.last_used_at is None or now - api_key.last_used_at >= KEY_USE_RESOLUTION:
        api_key.last_used_at = now
    return _principal(user)


# --- passwords -------------------------------------------------------------------------------------


class PasswordError(ValueError):
    """A password that may not be set; the message says what to choose instead."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordError(f"use at least {MIN_PASSWORD_LENGTH} characters (a passphrase is easiest)")
    return _HASHER.hash(password)


def set_password(
    session: Session, *, email: str, password: str, name: str, role: UserRole, now: datetime
) -> User:
    """Create the user if new (with ``role``), and set their password; an existing user keeps their role.
    A sign-in lockout of the account ends (``agent/services/sign_in.py``)."""
    digest = hash_password(password)
    user = ensure_user(session, email=email, name=name, role=role, now=now)
    user.password_hash = digest
    SignInThrottleRepository(session).clear(account_key(email))  # a new password lifts a lockout
    return user


def check_password(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, or None (in the same time either way)."""
    user = UserRepository(session).by_email(email)
    stored = user.password_hash if user is not None and user.active else None
    try:
        _HASHER.verify(stored or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or stored is None:
        return None
    if _HASHER.check_needs_rehash(stored):
        user.password_hash = _HASHER.hash(password)
    return user


# --- page sessions and CSRF ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SignedIn:
    principal: Principal
    token: str  # the cookie's value, needed to derive the CSRF token


def start_session(session: Session, user: User, *, now: datetime, lifetime: timedelta) -> str:
    """A new page session for ``user``; returns the token for the cookie (stored only hashed)."""
    token = secrets.token_urlsafe(32)
    row = WebSession(
        user_id=user.id,
        token_hash=hash_key(token),
        created_at=now,
        expires_at=now + lifetime,
        last_seen_at=now,
    )
    WebSessionRepository(session).start(row, now=now)
    return token


def resume_session(session: Session, token: str, now: datetime) -> SignedIn | None:
    found = WebSessionRepository(session).active(hash_key(token), now)
    if found is None:
        return None
    user, web_session = found
    if now - web_session.last_seen_at > timedelta(minutes=5):  # not a write per request
        web_session.last_seen_at = now
    return SignedIn(_principal(user), token)


def end_session(session: Session, token: str) -> None:
    WebSessionRepository(session).remove(hash_key(token))


def csrf_token(secret: str, session_token: str) -> str:
    return hmac.new(secret.encode(), f"csrf:{session_token}".encode(), hashlib.sha256).hexdigest()


def csrf_valid(secret: str, session_token: str, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(csrf_token(secret, session_token), str(presented))


def _principal(user: User) -> Principal:
    return Principal(user_id=str(user.id), email=user.email, role=UserRole(user.role))
