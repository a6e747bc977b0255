"""Sign-in throttles: failed sign-ins counted per account and per client address (one row each)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from agent.db.models import SignInThrottle
from agent.db.repositories.base import RepositoryBase
from agent.domain import normalise_email


def account_key(email: str) -> str:
    return f"account:{normalise_email(email) or email}"


def address_key(address: str) -> str:
    return f"address:{address}"


class SignInThrottleRepository(RepositoryBase[SignInThrottle]):
    model = SignInThrottle

    def lock_all(self, keys: Sequence[str]) -> list[SignInThrottle]:
        """The rows of ``keys``, created if missing and locked for this transaction, one at a time in
        key order (so two attempts sharing a key queue behind each other and never deadlock)."""
        return [self._lock(key) for key in sorted(set(keys))]

    def _lock(self, key: str) -> SignInThrottle:
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        while True:  # the row may be dropped (an idle row) between the insert and the lock: again
            self.session.execute(
                dialect.insert(SignInThrottle)
                .values(key=key, failures=0)
                .on_conflict_do_nothing(index_elements=["key"])
            )
            row = self.session.scalar(
                select(SignInThrottle)
                .where(SignInThrottle.key == key)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
            if row is not None:
                return row

    def forget_stale(self, *, before: datetime, now: datetime, keep: Sequence[str]) -> None:
        """Drop the rows (but ``keep``) with no failure since ``before`` and no lockout running: they
        count nothing any more."""
        self.session.execute(
            delete(SignInThrottle)
            .where(
                or_(SignInThrottle.last_failure_at.is_(None), SignInThrottle.last_failure_at < before),
                or_(SignInThrottle.locked_until.is_(None), SignInThrottle.locked_until <= now),
                SignInThrottle.key.not_in(keep),
            )
            .execution_options(synchronize_session=False)
        )

    def clear(self, key: str) -> None:
        self.session.execute(delete(SignInThrottle).where(SignInThrottle.key == key))

    def drop(self, row: SignInThrottle) -> None:
        self.session.delete(row)
        self.session.flush()
