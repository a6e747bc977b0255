"""The business's configuration folder: its sequences, triggers and numbers over the shipped defaults,
and every mistake named by file and line (``touchpoint config check``)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from agent.domain import (
    Channel,
    EventRecord,
    EventType,
    LeadContext,
    LeadSnapshot,
    LeadStatus,
    TouchPurpose,
    TouchRecord,
    TouchState,
)
from agent.playbook import ConfigError, PlaybookReloader, check_folder, load_playbook
from agent.policy import DEFAULT_CONFIG, DraftTouch, PolicyConfig, Wait, next_action
from agent.scoring import signal_of
from agent.sequences import Sequence, load_sequences
from tests.evals.commands import run_cli

T0 = datetime(2027, 1, 4, 15, 0, tzinfo=UTC)  # a Monday, 09:00 in Chicago


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def lead(**changes: object) -> LeadContext:
    fields: dict[str, object] = dict(
        id="lead-1",
        first_name="Dana",
        last_name=None,
        email="dana@example.com",
        phone=None,
        company=None,
        role=None,
        industry=None,
        source=None,
        need=None,
        deal_value=None,
        timezone="America/Chicago",
        consent_email=True,
        consent_sms=False,
        status=LeadStatus.ACTIVE,
    )
    fields.update(changes)
    return LeadContext(**fields)  # type: ignore[arg-type]


def sent(purpose: TouchPurpose, at: datetime, step: int, sequence: str = "new_lead") -> TouchRecord:
    return TouchRecord(
        purpose, Channel.EMAIL, TouchState.SENT, step, at, at, "", id=f"t{step}", sequence=sequence
    )


def inquiry(at: datetime = T0) -> EventRecord:
    return EventRecord(EventType.INQUIRY, None, at, {"message": "Hello"})


class TestShippedDefaults:
    def test_no_folder_is_the_shipped_playbook(self) -> None:
        playbook = load_playbook(None)

        assert playbook.sequences == load_sequences()
        assert playbook.policy == DEFAULT_CONFIG

    def test_an_empty_folder_changes_nothing(self, tmp_path: Path) -> None:
        playbook = load_playbook(tmp_path)

        assert playbook.sequences == load_sequences()
        assert playbook.policy.caps == DEFAULT_CONFIG.caps
        assert check_folder(tmp_path) == []

    def test_a_missing_folder_is_named(self, tmp_path: Path) -> None:
        with pytest.raises(ConfigError, match="no such configuration folder"):
            load_playbook(tmp_path / "nowhere")


class TestSequences:
    def test_a_file_with_a_shipped_name_replaces_that_sequence(self, tmp_path: Path) -> None:
        write(
            tmp_path,
            "sequences/new_lead.yaml",
            "name: new_lead\nstarts_on: [inquiry]\nthen: nurture\nsteps:\n"
            "  - {day: 0, purpose: acknowledgment}\n  - {day: 2, purpose: value_add, at: '10:00'}\n",
        )

        new_lead = load_playbook(tmp_path).sequences["new_lead"]

        assert [(s.day, s.at) for s in new_lead.steps] == [(0, None), (2, time(10, 0))]

    def test_a_changed_step_day_moves_the_step(self, tmp_path: Path) -> None:
        write(
            tmp_path,
            "sequences/new_lead.yaml",
            "name: new_lead\nstarts_on: [inquiry]\nthen: nurture\nsteps:\n"
            "  - {day: 0, purpose: acknowledgment}\n  - {day: 2, purpose: value_add, at: '10:00'}\n",
        )
        playbook = load_playbook(tmp_path)
        snapshot = LeadSnapshot(
            lead(), (inquiry(),), (sent(TouchPurpose.ACKNOWLEDGMENT, T0 + timedelta(seconds=20), 0),)
        )

        action = next_action(snapshot, playbook.sequences, T0 + timedelta(days=1), playbook.policy)

        assert isinstance(action, Wait)
        assert action.until == datetime(2027, 1, 6, 16, 0, tzinfo=UTC)  # day 2, 10:00 in Chicago

    def test_a_sequence_started_by_the_business_own_event_type(self, tmp_path: Path) -> None:
        write(
            tmp_path,
            "sequences/project_completed.yaml",
            "name: project_completed\nstarts_on: [project_completed]\nthen: nurture\nsteps:\n"
            "  - {day: 2, purpose: check_in}\n",
        )
        playbook = load_playbook(tmp_path)
        done = T0 + timedelta(days=40)
        events = (
            inquiry(),
            EventRecord(EventType.BUSINESS, None, done, {"name": "project_completed"}),
        )
        touches = (sent(TouchPurpose.ACKNOWLEDGMENT, T0, 0),)

        action = next_action(
            LeadSnapshot(lead(), events, touches),
            playbook.sequences,
            done + timedelta(days=2),
            playbook.policy,
        )

        assert isinstance(action, DraftTouch)
        assert (action.sequence, action.purpose) == ("project_completed", TouchPurpose.CHECK_IN)

    def test_a_sequence_error_names_the_file_and_line(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            "sequences/renewal.yaml",
            "name: renewal\nstarts_on: [renewal_due]\nsteps:\n  - {day: 2, purpose: check_in}\n"
            "  - {day: 5, purpose: chat}\n",
        )

        with pytest.raises(ConfigError) as caught:
            load_playbook(tmp_path)

        assert f"{path}:5: steps.1.purpose" in str(caught.value)


class TestTriggers:
    def test_the_business_url_patterns_decide_what_a_pricing_page_is(self, tmp_path: Path) -> None:
        write(tmp_path, "triggers.yaml", 'pricing: {urls: ["/financing", "/cost"]}\n')
        pages = load_playbook(tmp_path).policy.scoring.pages
        visit = EventRecord(EventType.PAGE_VISIT, None, T0, {"url": "https://x.example/financing/calc"})

        assert signal_of(visit, pages) == "pricing_visit"
        assert signal_of(EventRecord(EventType.PAGE_VISIT, None, T0, {"url": "/pricing"}), pages) == (
            "page_visit"  # the business's list replaced the shipped one
        )

    def test_a_knowledge_document_can_mark_a_case_study(self, tmp_path: Path) -> None:
        write(tmp_path, "triggers.yaml", "case_study: {documents: [case-studies/nguyen-family]}\n")
        pages = load_playbook(tmp_path).policy.scoring.pages
        visit = EventRecord(EventType.PAGE_VISIT, None, T0, {"url": "/p/1", "document": "nguyen-family"})

        assert signal_of(visit, pages) == "case_study_view"

    def test_a_page_under_downloads_is_a_download(self) -> None:
        visit = EventRecord(EventType.PAGE_VISIT, None, T0, {"url": "https://x.example/downloads/guide.pdf"})

        assert signal_of(visit) == "download"

    def test_an_unknown_trigger_kind_names_the_line(self, tmp_path: Path) -> None:
        path = write(tmp_path, "triggers.yaml", "pricing: {urls: [/cost]}\nwebinar: {urls: [/live]}\n")

        with pytest.raises(ConfigError, match=f"{path}:2: webinar"):
            load_playbook(tmp_path)


class TestPolicyNumbers:
    def test_caps_and_hours_from_the_folder_the_rest_from_settings(self, tmp_path: Path) -> None:
        write(tmp_path, "policy.yaml", 'caps: {week: 2}\nemail_hours: "09:00-18:00"\n')

        policy = load_playbook(tmp_path).policy

        assert [(c.name, c.limit) for c in policy.caps] == [("cap.day", 1), ("cap.week", 2), ("cap.month", 8)]
        assert str(policy.email_hours) == "09:00-18:00"
        assert policy.sms_hours == DEFAULT_CONFIG.sms_hours

    def test_sms_hours_set_the_call_hours_unless_given(self, tmp_path: Path) -> None:
        write(tmp_path, "policy.yaml", 'sms_hours: "09:00-19:00"\n')

        policy = load_playbook(tmp_path).policy

        assert str(policy.phone_hours) == "09:00-19:00"

    def test_a_bad_number_names_the_file_and_line(self, tmp_path: Path) -> None:
        path = write(tmp_path, "policy.yaml", "# the business's numbers\ncaps:\n  week: 0\n")

        with pytest.raises(ConfigError, match=f"{path}:3: caps.week"):
            load_playbook(tmp_path)

    def test_a_bad_window_names_the_file_and_line(self, tmp_path: Path) -> None:
        path = write(tmp_path, "policy.yaml", 'caps: {day: 1}\nemail_hours: "20:00-08:00"\n')

        with pytest.raises(ConfigError, match=f"{path}:2: email_hours"):
            load_playbook(tmp_path)

    def test_invalid_yaml_names_the_line(self, tmp_path: Path) -> None:
        path = write(tmp_path, "policy.yaml", "caps: {day: 1\nemail_hours: x\n")

        with pytest.raises(ConfigError, match=f"{path}:\\d+: not valid YAML"):
            load_playbook(tmp_path)


class TestConfigCheck:
    def test_a_stray_file_is_reported(self, tmp_path: Path) -> None:
        write(tmp_path, "sequence.yaml", "name: x\n")

        assert any("not a file Touchpoint reads" in p for p in check_folder(tmp_path))

    def test_a_broken_company_profile_in_the_folder_is_reported(self, tmp_path: Path) -> None:
        write(tmp_path, "company.yaml", "name: Casa Verde\n")

        problems = check_folder(tmp_path)

        assert problems and "company.yaml" in problems[0]

    def test_the_company_profile_in_the_folder_sends_the_messages(self, tmp_path: Path) -> None:
        from agent.container import company_identity
        from agent.settings import Settings

        source = Path(__file__).parents[2] / "evals/companies/casa-verde/company.yaml"
        write(tmp_path, "company.yaml", source.read_text(encoding="utf-8"))

        identity = company_identity(Settings(config_dir=tmp_path))

        assert "Casa Verde" in identity.name

    def test_the_command_accepts_the_blind_businesses_folders(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        folder = Path(__file__).parents[2] / "evals/decisions/blind/casa-verde/config"

        assert run_cli("config", "check", str(folder)) == 0
        assert "valid" in capsys.readouterr().out

    def test_the_command_fails_with_the_file_and_line(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        write(tmp_path, "policy.yaml", "caps: {day: 0}\n")

        assert run_cli("config", "check", str(tmp_path)) == 1
        assert "policy.yaml:1: caps.day" in capsys.readouterr().err.replace("\n", "")

    def test_a_fresh_default_setup_checks_clean_and_only_warns_of_what_a_business_will_change(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Found using the product: `touchpoint config check` on a fresh checkout failed (no folder set),
        though the shipped defaults it runs with are valid."""
        fresh(monkeypatch, tmp_path)

        assert run_cli("config", "check") == 0
        out, err = capsys.readouterr()
        err = " ".join(err.split())
        assert "the shipped defaults: valid" in " ".join(out.split())
        assert "warning: TOUCHPOINT_CONFIG_DIR is not set" in err
        assert "signed as the example company Northstar Bookings" in err
        assert "SIGNING_SECRET is the development value" in err
        assert "error" not in err

    def test_a_business_with_its_own_folder_and_profile_is_not_warned_of_them(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        fresh(monkeypatch, tmp_path)
        source = Path(__file__).parents[2] / "evals/companies/saguaro-solar/company.yaml"
        write(tmp_path / "config", "company.yaml", source.read_text(encoding="utf-8"))
        monkeypatch.setenv("TOUCHPOINT_CONFIG_DIR", str(tmp_path / "config"))

        assert run_cli("config", "check") == 0
        err = " ".join(capsys.readouterr().err.split())
        assert "CONFIG_DIR" not in err and "example company" not in err

    def test_the_settings_folder_with_a_mistake_still_fails(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        fresh(monkeypatch, tmp_path)
        write(tmp_path / "config", "policy.yaml", "caps: {day: 0}\n")
        monkeypatch.setenv("TOUCHPOINT_CONFIG_DIR", str(tmp_path / "config"))

        assert run_cli("config", "check") == 1
        assert "policy.yaml:1: caps.day" in capsys.readouterr().err.replace("\n", "")

    def test_a_company_profile_setting_that_does_not_load_is_an_error_not_a_valid_setup(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        fresh(monkeypatch, tmp_path)
        monkeypatch.setenv("TOUCHPOINT_COMPANY_PROFILE", str(tmp_path / "missing.yaml"))

        assert run_cli("config", "check") == 1
        assert "error: TOUCHPOINT_COMPANY_PROFILE" in " ".join(capsys.readouterr().err.split())


def fresh(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Settings as a fresh checkout has them: no TOUCHPOINT_ variable, no .env file."""
    for name in [n for n in os.environ if n.startswith("TOUCHPOINT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("TOUCHPOINT_VAR_DIR", str(folder / "var"))
    monkeypatch.chdir(folder)


class Recorder:
    """Stands in for the loop: records which playbook it was told to use."""

    def __init__(self) -> None:
        self.used: list[dict[str, object]] = []

    def use_playbook(self, sequences: Mapping[str, Sequence], config: PolicyConfig) -> None:
        self.used.append(dict(sequences))


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


NEW_LEAD = (
    "name: new_lead\nstarts_on: [inquiry]\nthen: nurture\nsteps:\n  - {day: 0, purpose: acknowledgment}\n"
)


class TestReloadingWithoutARestart:
    def reloader(self, folder: Path) -> tuple[PlaybookReloader, Recorder, FakeMonotonic]:
        loop, clock = Recorder(), FakeMonotonic()
        return PlaybookReloader(loop, folder, DEFAULT_CONFIG, every=2.0, monotonic=clock), loop, clock

    def test_an_edited_sequence_is_used_from_the_next_check_on(self, tmp_path: Path) -> None:
        write(tmp_path, "sequences/new_lead.yaml", NEW_LEAD)
        reloader, loop, clock = self.reloader(tmp_path)
        write(tmp_path, "sequences/new_lead.yaml", NEW_LEAD + "  - {day: 3, purpose: value_add}\n")
        clock.now = 2.5

        assert reloader.refresh() is True
        [sequences] = loop.used
        assert [s.day for s in sequences["new_lead"].steps] == [0, 3]  # type: ignore[attr-defined]

    def test_a_broken_edit_is_refused_with_its_reason_and_the_old_version_kept(self, tmp_path: Path) -> None:
        write(tmp_path, "sequences/new_lead.yaml", NEW_LEAD)
        reloader, loop, clock = self.reloader(tmp_path)
        write(tmp_path, "sequences/new_lead.yaml", NEW_LEAD + "  - {day: three, purpose: value_add}\n")
        clock.now = 2.5

        assert reloader.refresh() is False
        assert loop.used == [] and reloader.refused is not None and "new_lead.yaml" in reloader.refused

    def test_the_folder_is_not_read_again_between_checks_or_when_unchanged(self, tmp_path: Path) -> None:
        write(tmp_path, "sequences/new_lead.yaml", NEW_LEAD)
        reloader, loop, clock = self.reloader(tmp_path)
        write(tmp_path, "sequences/new_lead.yaml", NEW_LEAD + "  - {day: 3, purpose: value_add}\n")

        assert reloader.refresh() is False  # too soon: no stat at all
        clock.now = 2.5
        assert reloader.refresh() is True
        clock.now = 5.0
        assert reloader.refresh() is False and len(loop.used) == 1
