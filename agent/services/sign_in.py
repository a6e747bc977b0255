"""Signing in to the reps' pages: the password checked behind a throttle per account and per client
address, with exponentially growing lockouts, and every failure and lockout in the audit trail.

Why two counters: one per account stops guessing a rep's password from many addresses; one per
address stops a client trying a few passwords against every account. An account's count starts over
when its password is right; an address's does not (an attacker's own account must not reset it), and
both are forgotten a day after their last failure.

While locked, the password is not even checked: the right one is refused too, nothing is written,
and a refused attempt costs one read. So the rows written grow with the backoff, not with the
requests. Attempts sharing an account or an address run one after the other (their throttle rows
are locked for the attempt), so parallel guesses cannot slip in between a check and its count. The
unknown email is throttled and audited like a known one: the answers never tell which exists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from sqlalchemy.orm import Session

from agent.db.models import SignInThrottle, User
from agent.db.repositories.audit import AuditRepository
from agent.db.repositories.throttles import SignInThrottleRepository, account_key, address_key
from agent.db.repositories.users import UserRepository
from agent.services.errors import DomainError
from agent.users import check_password


@dataclass(frozen=True, slots=True)
class Backoff:
    """After ``free_failures`` failures, each further one locks for twice as long as the last."""

    free_failures: int
    first_lockout: timedelta
    longest_lockout: timedelta

    def lockout(self, failures: int) -> timedelta | None:
        if failures < self.free_failures:
            return None
        doublings = min(failures - self.free_failures, 16)  # past any sensible ceiling already
        return min(self.first_lockout * (1 << doublings), self.longest_lockout)


# 5 wrong passwords for one account lock it for a minute, then 2, 4, 8... up to an hour per failure.
ACCOUNT = Backoff(free_failures=5, first_lockout=timedelta(minutes=1), longest_lockout=timedelta(hours=1))
# An office shares one address: more room before it locks, then the same growth.
ADDRESS = Backoff(free_failures=20, first_lockout=timedelta(minutes=1), longest_lockout=timedelta(hours=1))
FORGET_AFTER = timedelta(days=1)


class WrongPassword(DomainError):
    status = 401
    title = "Unauthorized"


class LockedOut(DomainError):
    """Too many failed sign-ins: refused, even with the right password, for ``retry_after``."""

    status: ClassVar[int] = 429
    title: ClassVar[str] = "Too many requests"

    def __init__(self, message: str, *, retry_after: timedelta) -> None:
        super().__init__(message, code="locked-out")
        self.retry_after_seconds = max(1, math.ceil(retry_after.total_seconds()))


def sign_in(session: Session, *, email: str, password: str, address: str, now: datetime) -> User:
    """The user with this email and password, unless this account or address is locked out.

    Raises ``LockedOut`` (the password unchecked) or ``WrongPassword`` (counted and audited); the
    caller commits either way, so a failure is remembered."""
    throttles = SignInThrottleRepository(session)
    keys = {"account": account_key(email), "address": address_key(address)}
    rows = {row.key: row for row in throttles.lock_all(list(keys.values()))}
    account, client = rows[keys["account"]], rows[keys["address"]]
    for row, scope in ((account, "account"), (client, "address")):
        if row.locked_until is not None and row.locked_until > now:
            _drop_idle(throttles, account, client)  # a refusal leaves nothing behind
            raise _locked(scope, row.locked_until - now)
    user = check_password(session, email, password)
    if user is None:
        _count_failure(session, account, client, email=email, address=address, now=now)
        raise WrongPassword(
            "That email and password do not match. An admin can set a new password with "
            "`touchpoint users create`.",
            code="wrong-password",
        )
    account.failures = 0  # the right password: the account's count starts over
    _drop_idle(throttles, account, client)
    AuditRepository(session).record(
        action="auth.signed_in", user_id=user.id, details={"address": address}, now=now
    )
    return user


def _drop_idle(throttles: SignInThrottleRepository, *rows: SignInThrottle) -> None:
    """The rows that count no failure were only made to be locked: gone again at the commit."""
    for row in rows:
        if row.failures == 0:
            throttles.drop(row)


def _count_failure(
    session: Session,
    account: SignInThrottle,
    client: SignInThrottle,
    *,
    email: str,
    address: str,
    now: datetime,
) -> None:
    """One more failure on both counters, in the audit trail; a counter past its free failures locks."""
    throttles = SignInThrottleRepository(session)
    throttles.forget_stale(before=now - FORGET_AFTER, now=now, keep=[account.key, client.key])
    known = UserRepository(session).by_email(email)
    audit = AuditRepository(session)
    who = {"email": email[:320], "address": address}
    audit.record(
        action="auth.sign_in_failed", user_id=known.id if known else None, details=dict(who), now=now
    )
    longest: tuple[timedelta, str] | None = None
    for row, backoff, scope in ((account, ACCOUNT, "account"), (client, ADDRESS, "address")):
        if row.last_failure_at is not None and row.last_failure_at < now - FORGET_AFTER:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        lockout = backoff.lockout(row.failures)
        if lockout is None:
            continue
        row.locked_until = now + lockout
        audit.record(
            action="auth.locked_out",
            user_id=known.id if known and scope == "account" else None,
            details={
                "scope": scope,
                **({"email": who["email"]} if scope == "account" else {"address": address}),
                "failures": row.failures,
                "until": row.locked_until.isoformat(),
            },
            now=now,
        )
        longest = max(longest or (lockout, scope), (lockout, scope))
    session.flush()
    if longest is not None:
        raise _locked(longest[1], longest[0])


def _locked(scope: str, wait: timedelta) -> LockedOut:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    when = f"{minutes} minute{'s' if minutes != 1 else ''}"
    if scope == "account":
        message = (
            f"Too many failed sign-ins for this account: it is locked for {when}, even with the right "
            "password. Try again then, or ask an admin to set a new password with `touchpoint users "
            "create` (which unlocks it)."
        )
    else:
        message = (
            f"Too many failed sign-ins from your network address: signing in from it is paused for "
            f"{when}, even with the right password. Try again then."
        )
    return LockedOut(message, retry_after=wait)
