"""When a lead may be contacted: their local hours and days, and how many messages they have had lately.

Pure functions over plain data; the clock is passed in. Times go in and come out as aware UTC
datetimes, and every rule about the lead's day is evaluated in the lead's own time zone, so "8 a.m."
stays 8 a.m. for them across daylight-saving changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

HOURS_PATTERN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
# TCPA: no telephone solicitation before 8 a.m. or after 9 p.m. at the called party's location.
TCPA_HOURS = (time(8, 0), time(21, 0))
SATURDAY = 5


@dataclass(frozen=True, slots=True)
class Hours:
    """A daily window in local time, ``start`` inclusive, ``end`` exclusive; ``end`` None is midnight."""

    start: time
    end: time | None

    @classmethod
    def parse(cls, text: str) -> Hours:
        """``"08:00-20:00"``; ``"00:00-24:00"`` is the whole day. Overnight windows are refused."""
        match = HOURS_PATTERN.match(text)
        if match is None:
            raise ValueError(f"{text!r} is not a window like 08:00-20:00")
        start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
        if start_h > 23 or start_m > 59 or end_m > 59 or end_h > 24 or (end_h == 24 and end_m):
            raise ValueError(f"{text!r} has a time that does not exist (use 00:00 to 24:00)")
        start = time(start_h, start_m)
        end = None if end_h == 24 else time(end_h, end_m)
        if end is not None and end <= start:
            raise ValueError(f"{text!r} ends before it starts; overnight windows are not supported")
        return cls(start, end)

    def within(self, other: tuple[time, time]) -> bool:
        return self.start >= other[0] and self.end is not None and self.end <= other[1]

    def __str__(self) -> str:
        end = "24:00" if self.end is None else self.end.strftime("%H:%M")
        return f"{self.start.strftime('%H:%M')}-{end}"


def zone(name: str) -> tzinfo:
    """The lead's zone; an unknown name (an old import) falls back to UTC rather than stopping the loop."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def local_days_later(moment: datetime, days: float, tz: tzinfo) -> datetime:
    """``days`` later on the lead's wall clock: day 7 at 9 a.m. is 9 a.m. local, whatever DST did."""
    return (moment.astimezone(tz) + timedelta(days=days)).astimezone(UTC)


def step_due(started: datetime, days: float, at: time | None, tz: tzinfo) -> datetime:
    """When a sequence step falls due: ``days`` calendar days after ``started`` on the lead's calendar,
    at the step's own local time ``at`` if it has one, else at the starting event's local time of day.
    Both are wall-clock times, so a daylight-saving change in between moves neither."""
    if at is None:
        return local_days_later(started, days, tz)
    day = (started.astimezone(tz) + timedelta(days=days)).date()
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def next_open(moment: datetime, tz: tzinfo, hours: Hours, *, weekdays_only: bool) -> datetime:
    """The first instant at or after ``moment`` that lies inside ``hours`` on an allowed local day."""
    local = moment.astimezone(tz)
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        if weekdays_only and day.weekday() >= SATURDAY:
            continue
        opens = datetime.combine(day, hours.start, tzinfo=tz)
        closes = (
            datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
            if hours.end is None
            else datetime.combine(day, hours.end, tzinfo=tz)
        )
        if local < opens:
            return opens.astimezone(UTC)
        if local < closes:
            return moment.astimezone(UTC)
    raise AssertionError("a week always contains an allowed day")  # pragma: no cover


def is_open(moment: datetime, tz: tzinfo, hours: Hours, *, weekdays_only: bool) -> bool:
    return next_open(moment, tz, hours, weekdays_only=weekdays_only) == moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Cap:
    """At most ``limit`` messages in any rolling ``window`` (a day is 24 hours, a week 7 days...)."""

    name: str
    limit: int
    window: timedelta


def cap_frees_at(sent: Sequence[datetime], caps: Iterable[Cap], now: datetime) -> tuple[datetime, list[str]]:
    """When one more message would break no cap, and the caps that hold it back until then.

    ``sent`` are the send times of messages already out. A cap of ``limit`` in ``window`` is full when
    ``limit`` of them fall in ``(t - window, t]``; it frees when the oldest of those leaves the window.
    """
    ordered = sorted(sent)
    earliest = now
    binding: list[str] = []
    for cap in caps:
        recent = [at for at in ordered if at > now - cap.window]
        if len(recent) >= cap.limit:
            frees = recent[len(recent) - cap.limit] + cap.window
            if frees > earliest:
                earliest = frees
            binding.append(cap.name)
    return earliest, binding


def breaches(sent: Sequence[datetime], caps: Iterable[Cap]) -> list[tuple[str, datetime]]:
    """Every send that broke a cap (for tests and audits): the cap's name and the offending send."""
    ordered = sorted(sent)
    found = []
    for cap in caps:
        for index, at in enumerate(ordered):
            in_window = [other for other in ordered[: index + 1] if other > at - cap.window]
            if len(in_window) > cap.limit:
                found.append((cap.name, at))
    return found
