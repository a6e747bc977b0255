"""Two concrete call times to offer a lead: "one clear next step" is easiest to answer with a choice."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

SLOT_TIMES = (time(10, 0), time(14, 0))


def call_slots(now: datetime, timezone: str) -> tuple[str, str]:
    """10:00 and 14:00 on the next two business days, in the lead's own time zone ("Tuesday at 10:00")."""
    zone = ZoneInfo(timezone)
    day = now.astimezone(zone)
    days: list[datetime] = []
    while len(days) < len(SLOT_TIMES):
        day = day + timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    first, second = (
        datetime.combine(d.date(), at, tzinfo=zone) for d, at in zip(days, SLOT_TIMES, strict=True)
    )
    return f"{first:%A} at {first:%H:%M}", f"{second:%A} at {second:%H:%M}"
