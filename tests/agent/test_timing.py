"""The lead's hours and days, and the rolling caps: pure time arithmetic in the lead's own zone."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from agent.timing import Cap, Hours, breaches, cap_frees_at, is_open, local_days_later, next_open, zone

NEW_YORK = ZoneInfo("America/New_York")
EMAIL = Hours(time(8, 0), time(20, 0))
DAY, WEEK = Cap("cap.day", 1, timedelta(days=1)), Cap("cap.week", 3, timedelta(days=7))
T0 = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


class TestHours:
    @pytest.mark.parametrize(
        ("text", "start", "end"),
        [
            ("08:00-20:00", time(8), time(20)),
            ("9:30-17:05", time(9, 30), time(17, 5)),
            ("00:00-24:00", time(0), None),
        ],
    )
    def test_a_window_parses(self, text: str, start: time, end: time | None) -> None:
        assert Hours.parse(text) == Hours(start, end)

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("8am-8pm", "is not a window like 08:00-20:00"),
            ("20:00-08:00", "overnight windows are not supported"),
            ("08:00-25:00", "a time that does not exist"),
            ("10:00-10:00", "ends before it starts"),
        ],
    )
    def test_a_bad_window_says_what_is_wrong(self, text: str, message: str) -> None:
        with pytest.raises(ValueError, match=message):
            Hours.parse(text)

    def test_a_window_knows_whether_it_fits_another(self) -> None:
        assert Hours.parse("09:00-20:00").within((time(8), time(21)))
        assert not Hours.parse("07:30-20:00").within((time(8), time(21)))
        assert str(Hours.parse("0:00-24:00")) == "00:00-24:00"


class TestNextOpen:
    @pytest.mark.parametrize(
        ("local", "weekdays_only", "opens"),
        [
            (datetime(2026, 11, 25, 12, 0), True, datetime(2026, 11, 25, 12, 0)),  # open: now
            (datetime(2026, 11, 25, 7, 59), True, datetime(2026, 11, 25, 8, 0)),
            (datetime(2026, 11, 25, 20, 0), True, datetime(2026, 11, 26, 8, 0)),  # the end is exclusive
            (datetime(2026, 11, 27, 21, 0), True, datetime(2026, 11, 30, 8, 0)),  # Friday night → Monday
            (datetime(2026, 11, 27, 21, 0), False, datetime(2026, 11, 28, 8, 0)),  # any day → Saturday
            (datetime(2026, 3, 7, 22, 0), False, datetime(2026, 3, 8, 8, 0)),  # over the spring-forward night
            (datetime(2026, 10, 31, 22, 0), False, datetime(2026, 11, 1, 8, 0)),  # over the fall-back night
        ],
    )
    def test_the_next_opening_is_in_local_time(
        self, local: datetime, weekdays_only: bool, opens: datetime
    ) -> None:
        moment = local.replace(tzinfo=NEW_YORK).astimezone(UTC)

        result = next_open(moment, NEW_YORK, EMAIL, weekdays_only=weekdays_only)

        assert result == opens.replace(tzinfo=NEW_YORK).astimezone(UTC)
        assert result.tzinfo is UTC

    def test_a_window_starting_in_the_skipped_hour_opens_after_it(self) -> None:
        # 02:30 does not exist in New York on 8 March 2026: the window opens at the first instant that does.
        hours = Hours(time(2, 30), time(5, 0))
        saturday_night = datetime(2026, 3, 7, 23, 0, tzinfo=NEW_YORK)

        opens = next_open(saturday_night.astimezone(UTC), NEW_YORK, hours, weekdays_only=False)

        assert opens == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)  # 03:30 EDT

    def test_the_whole_day_is_always_open(self) -> None:
        assert is_open(
            datetime(2026, 11, 25, 3, 0, tzinfo=UTC), NEW_YORK, Hours(time(0), None), weekdays_only=False
        )

    def test_an_unknown_zone_is_utc(self) -> None:
        assert zone("Mars/Olympus_Mons") is UTC


class TestLocalDays:
    def test_days_later_keep_the_wall_clock_across_dst(self) -> None:
        monday_nine = datetime(2026, 3, 2, 9, 0, tzinfo=NEW_YORK).astimezone(UTC)

        later = local_days_later(monday_nine, 7, NEW_YORK)

        assert later.astimezone(NEW_YORK).time() == time(9, 0)
        assert later - monday_nine == timedelta(days=7) - timedelta(hours=1)


class TestCaps:
    def test_caps_with_room_free_now(self) -> None:
        assert cap_frees_at([T0 - timedelta(days=2)], (DAY, WEEK), T0) == (T0, [])

    def test_a_full_day_cap_frees_24_hours_after_the_send(self) -> None:
        sent = [T0 - timedelta(hours=3)]

        assert cap_frees_at(sent, (DAY, WEEK), T0) == (T0 + timedelta(hours=21), ["cap.day"])

    def test_a_full_week_cap_frees_when_its_oldest_send_leaves_the_window(self) -> None:
        sent = [T0 - timedelta(days=d) for d in (6, 4, 2)]

        assert cap_frees_at(sent, (DAY, WEEK), T0) == (T0 + timedelta(days=1), ["cap.week"])

    def test_breaches_finds_every_send_over_a_cap(self) -> None:
        sent = [T0, T0 + timedelta(hours=5), T0 + timedelta(days=2)]

        assert breaches(sent, (DAY, WEEK)) == [("cap.day", T0 + timedelta(hours=5))]
