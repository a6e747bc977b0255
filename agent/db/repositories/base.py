"""The generic repository every noun's repository stands on (after polar's ``RepositoryBase``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar, TypeVarTuple

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from agent.db.models import Base

T = TypeVar("T")
Ts = TypeVarTuple("Ts")
M = TypeVar("M", bound=Base)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    data: list[T]
    count: int


class RepositoryBase(Generic[M]):
    """Get, lock, add, delete and page one model; subclasses add the queries of their noun."""

    model: ClassVar[type[Any]]

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, id: uuid.UUID) -> M | None:
        found: M | None = self.session.get(self.model, id)
        return found

    def lock(self, id: uuid.UUID) -> M | None:
        """The row, re-read and locked for this transaction (SQLite: the write lock).

        PostgreSQL: ``FOR NO KEY UPDATE``, which excludes every other locker and writer of the row but
        not the foreign-key checks of rows that point at it (an event, a touch being sent): those take
        ``FOR KEY SHARE`` on it, and with ``FOR UPDATE`` a sender holding a touch and checking its lead
        deadlocked with a step holding the lead and changing that touch.
        """
        query = (
            select(self.model)
            .where(self.model.id == id)
            .with_for_update(key_share=True)
            .execution_options(populate_existing=True)
        )
        found: M | None = self.session.scalar(query)
        return found

    def by_ids(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, M]:
        wanted = [i for i in set(ids) if i is not None]
        if not wanted:
            return {}
        return {
            row.id: row for row in self.session.scalars(select(self.model).where(self.model.id.in_(wanted)))
        }

    def add(self, row: M) -> M:
        self.session.add(row)
        self.session.flush()
        return row

    def delete(self, row: M) -> None:
        self.session.delete(row)
        self.session.flush()

    def count(self, query: Select[*Ts]) -> int:
        return self.session.scalar(select(func.count()).select_from(query.subquery())) or 0

    def paginate(self, query: Select[Any], *, order_by: Sequence[Any], limit: int, offset: int) -> Page[M]:
        rows = self.session.scalars(query.order_by(*order_by).limit(limit).offset(offset))
        return Page(list(rows), self.count(query))
