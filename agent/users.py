"""Users and API keys. Keys are random, shown once, and stored only as a SHA-256 hash.

SHA-256 (not a slow password hash) is right for keys: they carry 256 bits of randomness, so there is
nothing to brute-force, and every API request must verify one quickly.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from agent.db.models import ApiKey, User
from agent.db.repositories import UserRepository, normalise_email
from agent.domain import UserRole

KEY_PREFIX = "tp_"


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


def authenticate(session: Session, key: str, now: datetime) -> Principal | None:
    found = UserRepository(session).user_for_key_hash(hash_key(key))
    if found is None:
        return None
    user, api_key = found
    api_key.last_used_at = now
    return Principal(user_id=str(user.id), email=user.email, role=UserRole(user.role))
