"""History import: a lead's past recorded as facts, the loop acting on none of it, the policy deciding
next from all of it; idempotent; one bad line and nothing of the file is written."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from agent.container import Services
from agent.db.models import Decision, Event, Handoff, Lead, Suppression, Touch
from agent.db.repositories.leads import LeadRepository
from agent.db.repositories.snapshots import load_snapshot
from agent.domain import Channel, LeadStatus, TouchPurpose
from agent.history_import import HistoryFileError, HistoryReport, import_history, read_history
from agent.leads_import import import_leads, read_rows
from agent.playbook import load_playbook
from agent.policy import Action, DraftTouch, Stop, Wait, next_action
from agent.replies.reader import shipped_reader


def _at(services: Services, days_ago: float) -> str:
    return (services.clock() - timedelta(days=days_ago)).isoformat()


def _write(tmp_path: Path, csv: str, records: list[dict[str, Any]]) -> tuple[Path, Path]:
    leads = tmp_path / "leads.csv"
    leads.write_text(csv, encoding="utf-8")
    history = tmp_path / "history.jsonl"
    history.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return leads, history


def _import(services: Services, leads: Path, history: Path) -> HistoryReport:
    lines, errors = read_history(history)
    if errors:
        raise HistoryFileError(history, errors)
    with services.session_factory.begin() as session:
        now = services.clock()
        import_leads(session, read_rows(leads), now=now, valid_timezones={"UTC"})
        return import_history(
            session, lines, reader=shipped_reader(), now=now, sequences=load_playbook().sequences
        )


def _decide(services: Services, email: str) -> Action:
    with services.session_factory() as session:
        lead = LeadRepository(session).find_by_contact(email=email, phone=None)
        assert lead is not None
        return next_action(load_snapshot(session, lead), load_playbook().sequences, services.clock())


def _count(services: Services, model: type[Any]) -> int:
    with services.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _three_steps_sent(services: Services, email: str = "ana@fit.example") -> list[dict[str, Any]]:
    return [
        {
            "email": email,
            "kind": "inquiry",
            "at": _at(services, 8),
            "channel": "web_form",
            "text": "Pricing?",
        },
        *(
            {
                "email": email,
                "kind": "touch",
                "at": _at(services, 8 - day),
                "purpose": purpose,
                "channel": "email",
                "sequence": "new_lead",
                "step": step,
                "subject": f"Step {step}",
                "body": "Hello",
            }
            for step, (day, purpose) in enumerate(
                [(0.01, "acknowledgment"), (1, "value_add"), (3, "social_proof")]
            )
        ),
        {"email": email, "kind": "event", "at": _at(services, 4.5), "type": "open", "touch": 2},
    ]


CSV = "email,phone,first_name,consent_email\nana@fit.example,,Ana,true\n"


class TestHistoryIsFacts:
    def test_a_lead_whose_steps_0_to_2_were_sent_gets_step_3_next_not_an_acknowledgment(
        self, services: Services, tmp_path: Path
    ) -> None:
        leads, history = _write(tmp_path, CSV, _three_steps_sent(services))

        report = _import(services, leads, history)

        assert report.recorded == {"inquiry": 1, "touch": 3, "event": 1}
        action = _decide(services, "ana@fit.example")
        assert isinstance(action, DraftTouch), action
        assert (action.sequence, action.step, action.purpose) == ("new_lead", 3, TouchPurpose.FAQ)

    def test_importing_steps_no_loop_no_draft_no_acknowledgment_only_makes_the_lead_due(
        self, services: Services, tmp_path: Path
    ) -> None:
        leads, history = _write(tmp_path, CSV, _three_steps_sent(services))

        _import(services, leads, history)

        with services.session_factory() as session:
            touches = list(session.scalars(select(Touch)))
            assert {t.state for t in touches} == {"sent"}
            assert all(t.sent_at == t.created_at for t in touches)
            assert session.scalar(select(func.count()).select_from(Decision)) == 0
            lead = session.scalar(select(Lead))
            assert lead is not None
            assert lead.next_action_at == services.clock()

    def test_an_imported_unsubscribe_means_stop_even_with_a_phone_that_may_be_texted(
        self, services: Services, tmp_path: Path
    ) -> None:
        csv = "email,phone,consent_sms\nana@fit.example,559.555.0117,true\n"
        records = [
            *_three_steps_sent(services),
            {
                "email": "ana@fit.example",
                "kind": "unsubscribe",
                "at": _at(services, 2),
                "channel": "email",
                "via": "link",
            },
        ]
        leads, history = _write(tmp_path, csv, records)

        _import(services, leads, history)

        assert isinstance(_decide(services, "ana@fit.example"), Stop)
        with services.session_factory() as session:
            suppressed = session.scalar(select(Suppression))
            assert suppressed is not None
            assert (suppressed.channel, suppressed.address) == ("email", "ana@fit.example")

    def test_a_reply_is_read_by_the_shipped_reader_and_a_request_to_stop_suppresses_every_channel(
        self, services: Services, tmp_path: Path
    ) -> None:
        csv = "email,phone,consent_sms\nana@fit.example,559.555.0117,true\n"
        records = [
            *_three_steps_sent(services),
            {
                "phone": "+1 (559) 555-0117",
                "kind": "reply",
                "at": _at(services, 2),
                "channel": "sms",
                "text": "Please stop contacting me. Remove me from your list.",
            },
        ]
        leads, history = _write(tmp_path, csv, records)

        _import(services, leads, history)

        with services.session_factory() as session:
            reply = session.scalar(select(Event).where(Event.type == "reply"))
            assert reply is not None and reply.reading is not None
            assert reply.reading["intent"] == "unsubscribe"
            assert {s.channel for s in session.scalars(select(Suppression))} == {"all"}
        assert isinstance(_decide(services, "ana@fit.example"), Stop)

    def test_a_status_and_a_preference_are_set_and_a_handoff_a_rep_answered_is_closed(
        self, services: Services, tmp_path: Path
    ) -> None:
        until = services.clock() + timedelta(days=5)
        records = [
            *_three_steps_sent(services),
            {"email": "ana@fit.example", "kind": "status", "at": _at(services, 3), "status": "handed_off"},
            {"email": "ana@fit.example", "kind": "preference", "at": _at(services, 2), "channel": "sms"},
            {
                "email": "ana@fit.example",
                "kind": "status",
                "at": _at(services, 1),
                "status": "paused",
                "until": until.isoformat(),
            },
        ]
        leads, history = _write(tmp_path, CSV, records)

        _import(services, leads, history)

        with services.session_factory() as session:
            lead = session.scalar(select(Lead))
            assert lead is not None
            assert (lead.status, lead.preferred_channel, lead.paused_until) == (
                LeadStatus.PAUSED,
                Channel.SMS,
                until,
            )
            assert [h.status for h in session.scalars(select(Handoff))] == ["closed"]

    def test_a_lead_whose_touches_are_in_nurture_continues_nurture_a_month_after_the_last_one(
        self, services: Services, tmp_path: Path
    ) -> None:
        records = [
            {
                "email": "ana@fit.example",
                "kind": "touch",
                "at": _at(services, days_ago),
                "purpose": "nurture",
                "channel": "email",
                "sequence": "nurture",
                "step": step,
                "body": "News",
            }
            for step, days_ago in enumerate([50, 20])
        ]
        leads, history = _write(tmp_path, CSV, records)

        _import(services, leads, history)

        with services.session_factory() as session:
            lead = session.scalar(select(Lead))
            assert lead is not None
            assert lead.sequence == "nurture"
            assert lead.sequence_started_at == services.clock() - timedelta(days=80)
        action = _decide(services, "ana@fit.example")
        assert isinstance(action, Wait), action
        assert action.until is not None
        assert action.until.date() == (services.clock() + timedelta(days=10)).date()
        assert action.purpose is TouchPurpose.NURTURE


class TestReimport:
    def test_importing_the_same_history_again_adds_nothing(self, services: Services, tmp_path: Path) -> None:
        leads, history = _write(tmp_path, CSV, _three_steps_sent(services))
        _import(services, leads, history)
        counts = (_count(services, Event), _count(services, Touch))

        again = _import(services, leads, history)

        assert (_count(services, Event), _count(services, Touch)) == counts
        assert again.total == 0
        assert again.already == 5


class TestBadLines:
    def test_every_bad_line_is_named_with_its_field_and_nothing_is_written(
        self, services: Services, tmp_path: Path
    ) -> None:
        records = _three_steps_sent(services)
        records[1] = {**records[1], "purpose": "hello"}
        leads, history = _write(tmp_path, CSV, records)
        with history.open("a", encoding="utf-8") as handle:
            handle.write("{not json\n")
            handle.write(json.dumps({"kind": "reply", "at": _at(services, 1), "text": "hi"}) + "\n")

        with pytest.raises(HistoryFileError) as raised:
            _import(services, leads, history)

        where = [(e.line, e.field) for e in raised.value.errors]
        assert where == [(2, "purpose"), (6, "line"), (7, "lead")]
        assert _count(services, Event) == 0

    def test_a_line_about_an_unknown_lead_rolls_back_the_whole_file(
        self, services: Services, tmp_path: Path
    ) -> None:
        records = [*_three_steps_sent(services), *_three_steps_sent(services, email="nobody@x.example")[:1]]
        leads, history = _write(tmp_path, CSV, records)
        lines, errors = read_history(history)
        assert errors == []

        with pytest.raises(HistoryFileError) as raised, services.session_factory.begin() as session:
            import_leads(session, read_rows(leads), now=services.clock(), valid_timezones={"UTC"})
            import_history(session, lines, reader=shipped_reader(), now=services.clock())

        assert [(e.line, e.field) for e in raised.value.errors] == [(6, "email")]
        assert "no lead nobody@x.example" in raised.value.errors[0].message
        assert (_count(services, Lead), _count(services, Event), _count(services, Touch)) == (0, 0, 0)

    def test_a_draft_is_not_history(self, services: Services, tmp_path: Path) -> None:
        records = _three_steps_sent(services)
        records[2] = {**records[2], "state": "queued"}
        leads, history = _write(tmp_path, CSV, records)

        with pytest.raises(HistoryFileError) as raised:
            _import(services, leads, history)

        assert [(e.line, e.field) for e in raised.value.errors] == [(3, "state")]


def test_times_are_kept_as_given(services: Services, tmp_path: Path) -> None:
    leads, history = _write(tmp_path, CSV, _three_steps_sent(services))

    _import(services, leads, history)

    with services.session_factory() as session:
        inquiry = session.scalar(select(Event).where(Event.type == "inquiry"))
        assert inquiry is not None
        assert inquiry.occurred_at == datetime.fromisoformat(_at(services, 8))
