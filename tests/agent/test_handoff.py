"""The handoff brief and its response-time target: everything a rep needs in one read, nothing invented."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from agent.domain import EventType, ReplyIntent
from agent.handoff import HandoffTarget, build_brief
from agent.policy import HandOff, next_action
from agent.scoring import ScoringConfig, score
from agent.timing import Hours
from tests.agent.policy_cases import HUMAN_AGENT, SEQUENCES, day, event, reply, sent_sequence, snapshot, visit

SCORING = ScoringConfig()


class TestHandoffTarget:
    @pytest.mark.parametrize(
        ("now", "due"),
        [
            (datetime(2026, 11, 24, 10, 0, tzinfo=UTC), datetime(2026, 11, 24, 11, 0, tzinfo=UTC)),  # at work
            (datetime(2026, 11, 24, 2, 0, tzinfo=UTC), datetime(2026, 11, 24, 10, 0, tzinfo=UTC)),  # 2 a.m.
            (
                datetime(2026, 11, 28, 12, 0, tzinfo=UTC),
                datetime(2026, 11, 30, 10, 0, tzinfo=UTC),
            ),  # Saturday
        ],
    )
    def test_the_target_counts_from_the_teams_next_working_hour(self, now: datetime, due: datetime) -> None:
        assert HandoffTarget().due_by(now) == due

    def test_the_team_zone_and_hours_come_from_the_settings(self) -> None:
        target = HandoffTarget(
            response=timedelta(minutes=30), team_timezone="Europe/Berlin", team_hours=Hours(time(8), time(18))
        )

        assert target.due_by(datetime(2026, 11, 24, 6, 0, tzinfo=UTC)) == datetime(
            2026, 11, 24, 7, 30, tzinfo=UTC
        )


class TestBuildBrief:
    def brief(
        self,
        *,
        intent: ReplyIntent = ReplyIntent.QUESTION,
        text: str = "Looks useful. How long does setup take? And do you work with Square?",
    ) -> dict[str, object]:
        sent = tuple(
            replace(
                t,
                subject=f"Subject {i}",
                call_to_action="Would Tuesday at 10:00 suit you?",
                source_ids=("faq-deposits",),
            )
            for i, t in enumerate(sent_sequence(0, 1, 3))
        )
        events = (
            visit(day(2)),
            event(
                EventType.DOWNLOAD,
                day(2, hours=1),
                channel=None,
                title="No-show calculator",
                user_agent=HUMAN_AGENT,
            ),
            reply(
                day(3, hours=2),
                intent,
                text=text,
            ),
        )
        given = snapshot(events=events, touches=sent)
        action = next_action(given, SEQUENCES, day(3, hours=2))
        assert isinstance(action, HandOff)
        now = day(3, hours=2)
        built = build_brief(
            given,
            action,
            score(given, now, SCORING),
            now=now,
            due_by=now + timedelta(hours=1),
            scoring=SCORING,
        )
        assert built.summary == f"Dana Lopez (Luna Hair Studio): {action.detail}"
        return built.content

    def test_the_brief_says_why_now_and_quotes_what_they_said(self) -> None:
        content = self.brief()

        assert content["reason"] == "question"
        assert str(content["why_now"]).startswith('They replied (question): "Looks useful.')
        said = content["what_they_said"]
        assert isinstance(said, list)
        assert [(s["kind"], s["intent"]) for s in said] == [("reply", "question"), ("inquiry", None)]
        assert content["open_questions"] == [
            "How long does setup take?",
            "And do you work with Square?",
            "Can you help?",  # from the inquiry
        ]

    def test_a_phone_number_they_wrote_is_in_the_brief(self) -> None:
        """Found live: "Please call me ASAP 210-555-0148" in an inquiry, and the brief's phone was empty."""
        content = self.brief(
            intent=ReplyIntent.ASKS_FOR_PERSON,
            text="Please call me ASAP 210-555-0148, or my office (210) 555-0199. Wedding is 2027-04-10.",
        )

        assert content["numbers_they_gave"] == ["210-555-0148", "(210) 555-0199"]

    def test_no_number_in_their_words_leaves_the_list_empty(self) -> None:
        assert self.brief()["numbers_they_gave"] == []

    def test_an_event_recorded_in_the_leads_local_time_is_shown_in_utc_under_the_utc_label(self) -> None:
        """A visit at 10:00 in Los Angeles (18:00 UTC in November) is not printed as "10:00 UTC"."""
        at = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
        local = at.astimezone(ZoneInfo("America/Los_Angeles"))
        given = snapshot(events=(visit(local), reply(at + timedelta(minutes=5), ReplyIntent.QUESTION)))
        now = at + timedelta(minutes=5)
        action = next_action(given, SEQUENCES, now)
        assert isinstance(action, HandOff)

        built = build_brief(given, action, score(given, now, SCORING), now=now, due_by=now, scoring=SCORING)

        assert built.content["what_they_did"] == [
            "2026-11-24 18:00 UTC: pricing visit (https://northstar.example/pricing)"
        ]

    def test_the_brief_lists_what_they_did_and_what_was_sent_or_promised(self) -> None:
        content = self.brief()

        did = content["what_they_did"]
        assert isinstance(did, list)
        assert any("download (No-show calculator)" in line for line in did)
        assert any("pricing visit" in line for line in did)
        sent = content["already_sent"]
        assert isinstance(sent, list)
        assert [s["subject"] for s in sent] == ["Subject 0", "Subject 1", "Subject 2"]
        assert content["promised"] == ["Would Tuesday at 10:00 suit you?"] * 3

    def test_talking_points_follow_the_reason_and_the_behaviour(self) -> None:
        points = self.brief()["talking_points"]

        assert isinstance(points, list)
        assert points[0] == "Answer their question first, plainly, before anything else."
        assert "What they came for: cut no-shows." in points
        assert "They looked at pricing 1 time(s): be ready to talk budget." in points
        assert any(p.startswith("They downloaded No-show calculator") for p in points)
        assert "Already shared with them: faq-deposits; do not send these again." in points

    def test_the_brief_carries_the_score_and_the_response_target(self) -> None:
        content = self.brief(intent=ReplyIntent.FRUSTRATED)

        engagement = content["engagement"]
        assert isinstance(engagement, dict) and engagement["value"] > 0
        assert content["response_due_by"] == (day(3, hours=3)).isoformat()
        assert str(content["next_step"]).startswith(
            "Reply to Dana Lopez personally by Thu 26 Nov 11:30 their time"
        )
        assert content["talking_points"][0].startswith("Apologise plainly")  # type: ignore[index]
