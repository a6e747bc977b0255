"""Users, their API keys and their signed-in page sessions."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select

from agent.db.models import ApiKey, User, WebSession
from agent.db.repositories.base import RepositoryBase
from agent.domain import normalise_email


class UserRepository(RepositoryBase[User]):
    model = User

    def by_email(self, email: str) -> User | None:
        return self.session.scalar(select(User).where(User.email == normalise_email(email)))

    def user_for_key_hash(self, key_hash: str) -> tuple[User, ApiKey] | None:
        row = self.session.execute(
            select(User, ApiKey)
            .join(ApiKey, ApiKey.user_id == User.id)
            .where(ApiKey.key_hash == key_hash, ApiKey.revoked_at.is_(None), User.active.is_(True))
        ).first()
        return (row[0], row[1]) if row is not None else None

    def has_keys(self, user_id: uuid.UUID) -> bool:
        return self.session.scalar(select(ApiKey.id).where(ApiKey.user_id == user_id).limit(1)) is not None

    def add_key(self, key: ApiKey) -> ApiKey:
        self.session.add(key)
        self.session.flush()
        return key


class WebSessionRepository(RepositoryBase[WebSession]):
    model = WebSession

    def start(self, web_session: WebSession, *, now: datetime) -> None:
        self.session.add(web_session)
        self.session.execute(delete(WebSession).where(WebSession.expires_at <= now))
        self.session.flush()

    def active(self, token_hash: str, now: datetime) -> tuple[User, WebSession] | None:
        row = self.session.execute(
            select(User, WebSession)
            .join(WebSession, WebSession.user_id == User.id)
            .where(WebSession.token_hash == token_hash, WebSession.expires_at > now, User.active.is_(True))
        ).first()
        return (row[0], row[1]) if row is not None else None

    def remove(self, token_hash: str) -> None:
        self.session.execute(delete(WebSession).where(WebSession.token_hash == token_hash))
