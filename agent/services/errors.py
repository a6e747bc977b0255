"""The refusals a service can give, each carrying its HTTP status: one handler renders them.

A service raises one of these for an expected outcome (no such lead, another rep's lead, a draft that
changed); ``api/problems.py`` turns it into an RFC 9457 problem document and the reps' pages into a
notice. ``code`` is the stable name clients match on (``type`` ends with it); ``current`` is the fresh
state of what the caller tried to change, as plain values copied at the time of the refusal, when
showing it helps (a draft someone else decided).
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    status: ClassVar[int] = 400
    title: ClassVar[str] = "Bad request"

    def __init__(self, message: str, *, code: str, current: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.current = current


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class OutOfDate(Conflict):
    """A draft a newer event made unfit (superseded): it can never be approved."""

    title = "Out of date"


class Invalid(DomainError):
    status = 422
    title = "Invalid request"
