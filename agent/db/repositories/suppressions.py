"""Suppressions: addresses we must never write to again (on one channel, or on all of them)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select

from agent.db.models import Suppression
from agent.db.repositories.base import RepositoryBase
from agent.db.repositories.snapshots import suppressed_channels, suppressions_by_address
from agent.domain import Channel, normalise_email


class SuppressionRepository(RepositoryBase[Suppression]):
    model = Suppression

    def suppressed_channels(self, *, email: str | None, phone: str | None) -> frozenset[Channel]:
        addresses = [address for address in (normalise_email(email), phone) if address]
        if not addresses:
            return frozenset()
        return suppressed_channels(self.by_address(addresses), email=email, phone=phone)[0]

    def by_address(self, addresses: Iterable[str]) -> dict[str, dict[str, str]]:
        """The suppressed channels of each of ``addresses``, with each one's reason (only those with any)."""
        return suppressions_by_address(self.session, addresses)

    def lift(self, *, channel: str, address: str) -> bool:
        """Remove one channel's suppression of an address (an SMS START); "all" is never lifted here."""
        result = self.session.execute(
            delete(Suppression)
            .where(Suppression.channel == channel, Suppression.address == address)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))

    def suppress(self, *, channel: str, address: str, reason: str, source: str | None, now: datetime) -> bool:
        """Idempotent: suppressing an address twice keeps the first record. Returns whether it was new."""
        if "@" in address:
            address = address.strip().lower()
        existing = self.session.scalar(
            select(Suppression).where(Suppression.channel == channel, Suppression.address == address)
        )
        if existing is not None:
            return False
        self.add(Suppression(channel=channel, address=address, reason=reason, source=source, created_at=now))
        return True
