"""What the pages print: violations underlined in escaped text, times as a person says them, charts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from agent.db.models import Lead
from api.web.charts import Bar, bars
from api.web.templating import ago, display_name, in_utc, marked, templates, until


class TestMarked:
    def test_each_violation_is_underlined_with_its_reason_and_the_rest_escaped(self) -> None:
        body = "We cut <b>no-shows</b> by 83% for 500 salons."
        spans = [
            {
                "code": "grounded.number",
                "message": "not in the sources",
                "start": body.index("83%"),
                "end": body.index("83%") + 3,
            },
            {
                "code": "grounded.number",
                "message": "invented",
                "start": body.index("500"),
                "end": body.index("500") + 3,
            },
        ]

        html = str(marked(body, spans))

        assert "&lt;b&gt;no-shows&lt;/b&gt;" in html
        assert '<u class="violation" title="grounded.number: not in the sources">83%</u>' in html
        assert '<u class="violation" title="grounded.number: invented">500</u>' in html

    def test_overlapping_or_stale_spans_are_left_to_the_list_below_the_draft(self) -> None:
        spans: list[dict[str, Any]] = [
            {"code": "a", "message": "x", "start": 0, "end": 5},
            {"code": "b", "message": "y", "start": 3, "end": 8},
            {"code": "c", "message": "z", "start": 50, "end": 60},
            {"code": "d", "message": "no span"},
        ]

        html = str(marked("Hello there", spans))

        assert html == '<u class="violation" title="a: x">Hello</u> there'


class TestUntil:
    def test_due_and_overdue_read_like_a_person_says_them(self) -> None:
        now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

        assert until(now + timedelta(minutes=30), now) == "due in 30 min"
        assert until(now - timedelta(hours=3), now) == "overdue by 3.0 h"
        assert until(now + timedelta(days=3), now) == "due in 3.0 days"


class TestAgo:
    def test_a_moment_ahead_is_said_to_be_from_now_not_ago(self) -> None:
        """Found after `worker --once --now` a day ahead: the queue said "drafted 26.8 h ago" of a draft
        dated the next day."""
        now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

        assert ago(now - timedelta(minutes=30), now) == "30 min ago"
        assert ago(now + timedelta(hours=26.8), now) == "26.8 h from now"


class TestCharts:
    def test_a_chart_is_inline_svg_with_its_texts_escaped_and_bars_to_scale(self) -> None:
        svg = str(bars([Bar("<pricing>", (0.5,), "50%"), Bar("faq", (None,), "n/a")], title="Rates & more"))

        assert svg.startswith("<svg") and 'aria-label="Rates &amp; more"' in svg
        assert "&lt;pricing&gt;" in svg and "<pricing>" not in svg
        assert 'width="190.0"' in svg  # half of the 380 units
        assert 'width="0.0"' in svg  # nothing measured: an empty bar, not an error


class TestTimesInUtc:
    def test_a_time_recorded_in_the_leads_zone_is_shown_in_utc_under_the_utc_label(self) -> None:
        local = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))

        assert in_utc(local) == "24 Nov 18:00 UTC"
        assert in_utc(local, "%a %d %b %H:%M") == "Tue 24 Nov 18:00 UTC"
        assert in_utc(None) == ""

    def test_the_timeline_template_prints_each_time_in_utc(self) -> None:
        local = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))

        html = templates.env.from_string("{{ at|utc }}").render(at=local)

        assert html == "24 Nov 18:00 UTC"


class TestDisplayName:
    def test_a_rep_sees_the_lead_named_as_our_messages_name_them(self) -> None:
        lead = Lead(first_name="HÉCTOR", last_name="VAN DER BERG", company=None, email="h@example.com")

        assert display_name(lead) == "Héctor van der Berg"

    def test_a_name_no_message_would_use_is_still_shown_as_typed(self) -> None:
        lead = Lead(first_name="www.cheap-seo.example", last_name=None, company="SEO", email="s@example.com")

        assert display_name(lead) == "www.cheap-seo.example (SEO)"
