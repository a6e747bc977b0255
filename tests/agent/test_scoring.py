"""Engagement scoring: weighted, decaying, explained; machine activity set aside with the reason."""

from __future__ import annotations

from datetime import timedelta

import pytest

from agent.domain import EventType
from agent.scoring import DEFAULT_WEIGHTS, ScoringConfig, read_activity, score, signal_of
from tests.agent.policy_cases import (
    GMAIL_PROXY_AGENT,
    HUMAN_AGENT,
    day,
    event,
    inquiry,
    opened,
    sent_sequence,
    snapshot,
    visit,
)

CONFIG = ScoringConfig()


class TestScore:
    def test_a_fresh_inquiry_scores_its_weight(self) -> None:
        result = score(snapshot(), day(0), CONFIG)

        assert result.value == DEFAULT_WEIGHTS["inquiry"]
        assert [(line.signal, line.count) for line in result.lines] == [("inquiry", 1)]

    @pytest.mark.parametrize(("age_days", "expected"), [(0, 10.0), (14, 5.0), (28, 2.5), (56, 0.6)])
    def test_engagement_loses_half_its_weight_every_half_life(self, age_days: float, expected: float) -> None:
        assert score(snapshot(), day(age_days), CONFIG).value == expected

    def test_the_breakdown_says_what_counted_most_first(self) -> None:
        sent = sent_sequence(0, 1)
        events = (
            opened(sent[0]),
            opened(sent[1]),
            visit(day(1, hours=5)),
            event(EventType.DOWNLOAD, day(1, hours=6), channel=None, title="Guide", user_agent=HUMAN_AGENT),
        )

        result = score(snapshot(events=events, touches=sent), day(1, hours=6), CONFIG)

        assert [line.signal for line in result.lines] == ["pricing_visit", "inquiry", "download", "open"]
        assert result.explain() == (
            "33.2/100: 1 pricing-page visits (+10), 1 inquiries (+9.4), 1 downloads (+8), "
            "2 emails opened (+5.8)"
        )
        assert result.as_dict()["counted"][0] == {"signal": "pricing_visit", "count": 1, "points": 10.0}

    def test_the_same_email_opened_again_counts_once(self) -> None:
        sent = sent_sequence(0)
        events = (opened(sent[0]), opened(sent[0], timedelta(hours=5)), opened(sent[0], timedelta(hours=6)))

        result = score(snapshot(events=events, touches=sent), day(0, hours=7), CONFIG)

        assert [(line.signal, line.count) for line in result.lines if line.signal == "open"] == [("open", 1)]
        assert [(x.signal, x.count, x.reason) for x in result.ignored] == [
            ("open", 2, "the same message opened again")
        ]

    def test_weights_come_from_the_settings(self) -> None:
        heavy = ScoringConfig(weights={**DEFAULT_WEIGHTS, "inquiry": 40.0})

        assert score(snapshot(), day(0), heavy).value == 40.0

    def test_the_score_never_passes_one_hundred(self) -> None:
        visits = tuple(visit(day(1, hours=h)) for h in range(20))

        assert score(snapshot(events=visits), day(1, hours=20), CONFIG).value == 100.0


class TestMachineActivity:
    @pytest.mark.parametrize(
        ("payload", "after", "reason"),
        [
            ({}, timedelta(seconds=3), "opened 3 s after delivery, before a person could"),
            ({"ip": "17.58.101.4"}, timedelta(hours=2), "Apple Mail Privacy Protection"),
            ({"user_agent": "Mozilla/5.0"}, timedelta(hours=2), "Apple Mail Privacy Protection"),
            ({"ip": "66.249.84.10"}, timedelta(hours=2), "Gmail image proxy"),
            (
                {"user_agent": GMAIL_PROXY_AGENT},
                timedelta(hours=2),
                "Gmail image proxy",
            ),
            (
                {"user_agent": "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html"},
                timedelta(hours=2),
                "Yahoo Mail image proxy",
            ),
        ],
    )
    def test_proxy_and_prefetch_opens_are_not_a_person(
        self, payload: dict[str, str], after: timedelta, reason: str
    ) -> None:
        sent = sent_sequence(0)
        given = snapshot(events=(opened(sent[0], after, **payload),), touches=sent)

        activity = [a for a in read_activity(given, CONFIG) if a.signal == "open"]
        result = score(given, day(0, hours=3), CONFIG)

        assert activity[0].machine == reason
        assert [line.signal for line in result.lines] == ["inquiry"]
        assert [(x.signal, x.reason) for x in result.ignored] == [("open", reason)]

    def test_a_scanner_clicking_every_link_within_a_second_is_not_a_person(self) -> None:
        sent = sent_sequence(0)
        at = day(0, hours=2)
        clicks = tuple(
            event(
                EventType.CLICK,
                at + timedelta(milliseconds=200 * i),
                touch_id=sent[0].id,
                url=f"https://x.example/{i}",
            )
            for i in range(3)
        )

        activity = read_activity(snapshot(events=clicks, touches=sent), CONFIG)

        assert [a.machine for a in activity if a.signal == "click"] == [
            "clicked several links within a second (a link scanner)"
        ] * 3

    @pytest.mark.parametrize(
        ("agent", "reason"),
        [
            ("Mozilla/5.0 (compatible; Barracuda Sentinel)", "link scanner (Barracuda)"),
            ("Mimecast URL protect", "link scanner (Mimecast)"),
            ("python-requests/2.31", "script"),
            ("Mozilla/5.0 HeadlessChrome/120.0", "headless browser"),
        ],
    )
    def test_known_scanner_agents_are_not_a_person(self, agent: str, reason: str) -> None:
        sent = sent_sequence(0)
        click = event(
            EventType.CLICK, day(0, hours=2), touch_id=sent[0].id, url="https://x.example", user_agent=agent
        )

        [activity] = [
            a for a in read_activity(snapshot(events=(click,), touches=sent), CONFIG) if a.signal == "click"
        ]

        assert activity.machine == reason

    def test_a_click_the_moment_of_delivery_is_a_scanner(self) -> None:
        sent = sent_sequence(0)
        assert sent[0].sent_at is not None
        click = event(
            EventType.CLICK,
            sent[0].sent_at + timedelta(milliseconds=300),
            touch_id=sent[0].id,
            url="https://x.example",
        )

        [activity] = [
            a for a in read_activity(snapshot(events=(click,), touches=sent), CONFIG) if a.signal == "click"
        ]

        assert activity.machine == "clicked the moment it was delivered"

    def test_a_person_clicking_two_links_a_minute_apart_is_a_person(self) -> None:
        sent = sent_sequence(0)
        at = day(0, hours=2)
        clicks = (
            event(
                EventType.CLICK, at, touch_id=sent[0].id, url="https://x.example/a", user_agent=HUMAN_AGENT
            ),
            event(
                EventType.CLICK,
                at + timedelta(minutes=1),
                touch_id=sent[0].id,
                url="https://x.example/b",
                user_agent=HUMAN_AGENT,
            ),
        )

        activity = read_activity(snapshot(events=clicks, touches=sent), CONFIG)

        assert all(a.human for a in activity)

    def test_a_reply_or_an_inquiry_is_always_a_person(self) -> None:
        given = snapshot(events=(event(EventType.REPLY, day(1), message="hi", user_agent="bot"),))

        assert all(a.human for a in read_activity(given, CONFIG))


class TestSignals:
    @pytest.mark.parametrize(
        ("url", "signal"),
        [
            ("https://northstar.example/pricing", "pricing_visit"),
            ("https://northstar.example/plans?annual=1", "pricing_visit"),
            ("https://northstar.example/case-studies/glow-spa", "case_study_view"),
            ("https://northstar.example/customers/luna", "case_study_view"),
            ("https://northstar.example/blog/no-shows", "page_visit"),
        ],
    )
    def test_a_page_visit_is_told_apart_by_its_page(self, url: str, signal: str) -> None:
        assert signal_of(visit(day(1), url=url)) == signal

    def test_a_page_type_in_the_payload_wins_over_the_url(self) -> None:
        assert signal_of(visit(day(1), url="https://x.example/p/123", page_type="pricing")) == "pricing_visit"

    def test_events_that_are_not_engagement_have_no_signal(self) -> None:
        assert signal_of(event(EventType.BOUNCE, day(1))) is None
        assert signal_of(inquiry()) == "inquiry"
