"""The `touchpoint` command as a person runs it: --help everywhere, clear errors, no tracebacks."""

from __future__ import annotations

import inspect
import json
import os
import re
import shutil
import subprocess
import sys
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.main import get_command
from typer.testing import CliRunner

from agent.cli import _run, app
from agent.db.engine import build_engine, build_session_factory
from agent.db.models import Lead, Touch
from agent.demo import DEMO_LEADS
from agent.leads_import import read_rows
from agent.users import check_password
from tests.conftest import copy_sqlite
from tests.loopback import free_port

TOUCHPOINT = str(Path(sys.executable).with_name("touchpoint"))


def _all_command_paths() -> list[list[str]]:
    root = get_command(app)
    paths: list[list[str]] = [[]]
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        paths.append([name])
        for sub in getattr(command, "commands", {}):
            paths.append([name, sub])
    return paths


@pytest.fixture
def env(tmp_path: Path, chroma_path: Path) -> dict[str, str]:
    """A private var dir and database; the session's already-embedded knowledge base, copied."""
    chroma = tmp_path / "chroma"
    shutil.copytree(chroma_path, chroma)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TOUCHPOINT_")}
    return {
        **clean,
        "TOUCHPOINT_VAR_DIR": str(tmp_path / "var"),
        "TOUCHPOINT_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'touchpoint.db'}",
        "TOUCHPOINT_CHROMA_PATH": str(chroma),
        "TOUCHPOINT_KNOWLEDGE_DIR": str(Path(__file__).resolve().parents[2] / "knowledge" / "content"),
    }


def _touchpoint(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TOUCHPOINT, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


class TestHelp:
    @pytest.mark.parametrize("path", _all_command_paths(), ids=lambda p: " ".join(p) or "touchpoint")
    def test_every_command_has_help(self, path: list[str]) -> None:
        result = CliRunner().invoke(app, [*path, "--help"])

        assert result.exit_code == 0, result.output
        assert "Usage" in result.output

    @pytest.mark.parametrize("path", _all_command_paths()[1:], ids=" ".join)
    def test_a_commands_summary_in_the_list_is_one_sentence_on_one_line(self, path: list[str]) -> None:
        """Found using the product: `touchpoint --help` broke a summary mid-sentence ("the draft" /
        "it would write"), as the list shows a docstring's first paragraph with its line breaks."""
        command = get_command(app)
        for name in path:
            command = command.commands[name]  # type: ignore[attr-defined]

        summary = inspect.cleandoc(command.help or "").split("\n\n")[0]

        assert "\n" not in summary


class TestErrors:
    def test_an_invalid_setting_names_the_variable_without_a_traceback(
        self, env: dict[str, str], tmp_path: Path
    ) -> None:
        result = _touchpoint(
            "db", "upgrade", env={**env, "TOUCHPOINT_DATABASE_URL": "mysql://db/x"}, cwd=tmp_path
        )

        assert result.returncode == 2
        assert "TOUCHPOINT_DATABASE_URL" in result.stderr
        assert "Traceback" not in result.stderr + result.stdout

    def test_serving_an_unmigrated_database_says_which_command_to_run(
        self, env: dict[str, str], tmp_path: Path
    ) -> None:
        result = _touchpoint("serve", env=env, cwd=tmp_path)

        assert result.returncode == 2
        assert "touchpoint db upgrade" in result.stderr
        assert "Traceback" not in result.stderr

    @pytest.mark.parametrize(
        ("variable", "named"),
        [
            ("TOUCHPOINT_COMPANY_PROFILE", "company profile"),
            ("TOUCHPOINT_CONFIG_DIR", "configuration folder"),
        ],
    )
    def test_serving_with_a_company_file_that_does_not_load_fails_before_saying_it_serves(
        self, env: dict[str, str], tmp_path: Path, variable: str, named: str
    ) -> None:
        missing = str(tmp_path / "missing")
        port = str(free_port())

        result = _touchpoint("serve", "--port", port, env={**env, variable: missing}, cwd=tmp_path)

        assert result.returncode == 2
        assert named in result.stderr and "Traceback" not in result.stderr
        assert "is serving" not in result.stdout

    def test_a_path_that_is_not_there_is_the_users_error_not_a_bug(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Found using the product: `knowledge evaluate --json /no/such/dir/x.json` ended in "unexpected
        FileNotFoundError ... This is a bug in Touchpoint"."""

        def write_report() -> None:
            raise FileNotFoundError(2, "No such file or directory", "/no/such/dir/x.json")

        with pytest.raises(SystemExit) as exited:
            _run(write_report)

        err = " ".join(capsys.readouterr().err.split())
        assert exited.value.code == 2
        assert "error: /no/such/dir/x.json: No such file or directory" in err
        assert "bug" not in err

    def test_importing_a_missing_file_says_so(
        self, env: dict[str, str], tmp_path: Path, migrated_sqlite: Path
    ) -> None:
        copy_sqlite(migrated_sqlite, tmp_path / "var" / "touchpoint.db")  # as `db upgrade` leaves it

        result = _touchpoint("leads", "import", str(tmp_path / "missing.csv"), env=env, cwd=tmp_path)

        assert result.returncode == 2
        assert "cannot open" in result.stderr
        assert "Traceback" not in result.stderr


class TestLeadsImport:
    def test_import_prints_a_report_per_row(
        self, env: dict[str, str], tmp_path: Path, migrated_sqlite: Path
    ) -> None:
        csv = tmp_path / "crm.csv"
        csv.write_text("email,first_name\nana@fit.example,Ana\nbroken,Bo\n", encoding="utf-8")
        copy_sqlite(migrated_sqlite, tmp_path / "var" / "touchpoint.db")

        result = _touchpoint("leads", "import", str(csv), env=env, cwd=tmp_path)

        assert result.returncode == 0, result.stderr
        assert "1 created, 0 updated, 1 rejected" in result.stdout

    def test_dry_run_writes_nothing(self, env: dict[str, str], tmp_path: Path, migrated_sqlite: Path) -> None:
        csv = tmp_path / "crm.csv"
        csv.write_text("email\nana@fit.example\n", encoding="utf-8")
        copy_sqlite(migrated_sqlite, tmp_path / "var" / "touchpoint.db")

        _touchpoint("leads", "import", str(csv), "--dry-run", env=env, cwd=tmp_path)
        again = _touchpoint("leads", "import", str(csv), env=env, cwd=tmp_path)

        assert "1 created" in again.stdout

    def test_the_readme_example_imports_leads_with_their_history_once(
        self, env: dict[str, str], tmp_path: Path, migrated_sqlite: Path
    ) -> None:
        example = Path(__file__).resolve().parents[2] / "docs" / "import-example"
        copy_sqlite(migrated_sqlite, tmp_path / "var" / "touchpoint.db")
        command = ("leads", "import", str(example / "leads.csv"), "--history", str(example / "history.jsonl"))

        first = _touchpoint(*command, env=env, cwd=tmp_path)
        again = _touchpoint(*command, env=env, cwd=tmp_path)

        assert first.returncode == 0, first.stderr
        assert "3 created, 0 updated, 0 rejected" in first.stdout
        assert "12 records of 3 leads recorded" in first.stdout
        assert again.returncode == 0, again.stderr
        assert "0 records of 3 leads recorded (nothing new); 12 already imported" in again.stdout

    def test_after_the_readme_example_the_worker_continues_each_lead_where_its_history_left_it(
        self, env: dict[str, str], tmp_path: Path, migrated_sqlite: Path
    ) -> None:
        example = Path(__file__).resolve().parents[2] / "docs" / "import-example"
        copy_sqlite(migrated_sqlite, tmp_path / "var" / "touchpoint.db")
        _touchpoint(
            "leads", "import", str(example / "leads.csv"), "--history", str(example / "history.jsonl"),
            env=env, cwd=tmp_path,
        )  # fmt: skip

        worker = _touchpoint("worker", "--once", env=env, cwd=tmp_path)

        assert worker.returncode == 0, worker.stderr
        engine = build_engine(env["TOUCHPOINT_DATABASE_URL"])
        try:
            with engine.connect() as connection:
                rules: dict[str, str] = dict(
                    connection.exec_driver_sql(
                        "SELECT leads.email, decisions.rules FROM decisions "
                        "JOIN leads ON leads.id = decisions.lead_id"
                    ).all()
                )
        finally:
            engine.dispose()
        assert "sequence.new_lead.step_3" in rules["maya@brightsmile.example"]  # steps 0-2 were sent
        assert "suppression" in rules["tom@harborfit.example"]  # unsubscribed: stop
        assert "step_0" not in rules["lucia@casaverde.example"]  # acknowledged already

    def test_a_bad_history_line_is_named_and_nothing_is_imported(
        self, env: dict[str, str], tmp_path: Path, migrated_sqlite: Path
    ) -> None:
        csv = tmp_path / "crm.csv"
        csv.write_text("email\nana@fit.example\n", encoding="utf-8")
        history = tmp_path / "history.jsonl"
        history.write_text(
            '{"email": "ana@fit.example", "kind": "touch", "at": "2026-11-02T09:00:00Z", '
            '"purpose": "acknowledgment", "channel": "pigeon"}\n'
            '{"email": "bo@fit.example", "kind": "open", "at": "2026-11-02T09:00:00Z"}\n',
            encoding="utf-8",
        )
        copy_sqlite(migrated_sqlite, tmp_path / "var" / "touchpoint.db")

        failed = _touchpoint("leads", "import", str(csv), "--history", str(history), env=env, cwd=tmp_path)
        plain = _touchpoint("leads", "import", str(csv), env=env, cwd=tmp_path)

        assert failed.returncode == 2
        assert "line 1: channel:" in failed.stderr
        assert "line 2: kind:" in failed.stderr
        assert "Traceback" not in failed.stderr
        assert "1 created" in plain.stdout  # the failed run wrote nothing


class TestDemo:
    def test_demo_answers_every_demo_lead_and_writes_the_outbox(
        self, env: dict[str, str], tmp_path: Path
    ) -> None:
        result = _touchpoint("demo", env=env, cwd=tmp_path)

        assert result.returncode == 0, result.stderr
        assert "24 inquiries handled" in result.stdout
        assert "Demo admin API key (shown once): tp_" in result.stdout
        assert len(list((tmp_path / "var" / "outbox").glob("*.eml"))) >= 20
        printed = " ".join(result.stdout.split())  # rich wraps long lines at the terminal's width
        shown = re.search(r"Review queue sign-in \(shown once\): (\S+) / (\S+)", printed)
        assert shown is not None, result.stdout
        engine = build_engine(env["TOUCHPOINT_DATABASE_URL"])
        try:
            with build_session_factory(engine)() as session:
                assert check_password(session, shown[1], shown[2]) is not None  # it signs in
        finally:
            engine.dispose()

    def test_the_demo_run_for_another_company_warns_that_its_bundled_leads_are_the_example_companys(
        self, env: dict[str, str], tmp_path: Path
    ) -> None:
        """Found using the product: configured for Saguaro Solar, the demo answered 24 salon and clinic
        owners asking about booking software with solar warranties, and said nothing."""
        profile = Path(__file__).resolve().parents[2] / "evals/companies/saguaro-solar/company.yaml"

        result = _touchpoint("demo", env={**env, "TOUCHPOINT_COMPANY_PROFILE": str(profile)}, cwd=tmp_path)

        assert result.returncode == 0, result.stderr
        warning = " ".join(result.stderr.split())
        assert "warning: the bundled demo leads are prospects of the example company Northstar" in warning
        assert "not of Saguaro Solar" in warning and "--leads" in warning

    def test_the_demo_messages_links_point_at_the_port_it_will_be_served_on(
        self, env: dict[str, str], tmp_path: Path
    ) -> None:
        """Found using the product: `make run PORT=8001` served on 8001, but the demo's messages, made
        before, unsubscribed and tracked through port 8000."""
        leads = tmp_path / "leads.csv"
        leads.write_text(
            "email,first_name,message\nsam@glowspa.example,Sam,Do you send reminders?\n", encoding="utf-8"
        )

        result = _touchpoint("demo", "--leads", str(leads), "--port", "8001", env=env, cwd=tmp_path)

        assert result.returncode == 0, result.stderr
        (sent,) = (tmp_path / "var" / "outbox").glob("*.eml")
        parsed = message_from_bytes(sent.read_bytes(), policy=policy.default)
        assert str(parsed["List-Unsubscribe"]).startswith("<http://127.0.0.1:8001/u/")
        assert "touchpoint serve --port 8001" in " ".join(result.stdout.split())

    REFUSALS = (
        "email,phone,first_name,company,industry,source,need,timezone,consent_email,consent_sms,message\n"
        "ana@refuses-email.example,+15035550101,Ana,Ana Spa,beauty,web_form,no-shows,America/New_York,"
        "false,true,How do reminders work?\n"
        "bo@refuses-all.example,,Bo,Bo Dental,dental,web_form,recall,America/Chicago,false,false,Price?\n"
        "cy@refuses-sms.example,+15035550103,Cy,Cy Fitness,fitness,email,billing,America/Denver,"
        "true,false,Text me the price please\n"
    )

    @pytest.mark.parametrize("leads", ["bundled", "refusals"])
    def test_after_the_demo_no_message_exists_on_a_channel_the_lead_did_not_consent_to(
        self, env: dict[str, str], tmp_path: Path, leads: str
    ) -> None:
        """The demo CSV says who agreed to what; the outbox and the touches must agree with it (the
        bundled leads, and web-form leads who refused email, which no default covers)."""
        leads_file = DEMO_LEADS
        if leads == "refusals":
            leads_file = tmp_path / "refusals.csv"
            leads_file.write_text(self.REFUSALS)
        rows = [row for _line, row in read_rows(leads_file)]
        consents = {
            (row["email"] or row["phone"]): (row["consent_email"] == "true", row["consent_sms"] == "true")
            for row in rows
        }
        by_phone = {row["phone"]: row["email"] or row["phone"] for row in rows}
        assert any(not email for email, _sms in consents.values())  # the CSV has leads who said no
        assert any(not sms for _email, sms in consents.values())

        result = _touchpoint("demo", "--leads", str(leads_file), env=env, cwd=tmp_path)

        assert result.returncode == 0, result.stderr
        outbox = tmp_path / "var" / "outbox"
        emailed = {
            message_from_bytes(path.read_bytes(), policy=policy.default)["To"].addresses[0].addr_spec
            for path in outbox.glob("*.eml")
        }
        texted = {by_phone[json.loads(path.read_text())["to"]] for path in outbox.glob("*.sms.json")}
        assert emailed  # (a text may wait for the lead's morning: the demo runs at any hour)
        assert sorted(key for key in emailed if not consents[key][0]) == []
        assert sorted(key for key in texted if not consents[key][1]) == []
        engine = build_engine(env["TOUCHPOINT_DATABASE_URL"])
        try:
            with build_session_factory(engine)() as session:
                touches = session.execute(select(Touch.channel, Lead.email, Lead.phone).join(Lead))
                contacts = [(channel, str(email or phone)) for channel, email, phone in touches]
                unconsented = [
                    (channel, contact)
                    for channel, contact in contacts
                    if (channel == "email" and not consents[contact][0])
                    or (channel == "sms" and not consents[contact][1])
                ]
        finally:
            engine.dispose()
        assert unconsented == []

    def test_running_the_demo_twice_adds_nothing(self, env: dict[str, str], tmp_path: Path) -> None:
        _touchpoint("demo", env=env, cwd=tmp_path)
        before = sorted((tmp_path / "var" / "outbox").glob("*.eml"))

        second = _touchpoint("demo", env=env, cwd=tmp_path)

        assert second.returncode == 0, second.stderr
        assert "24 of them already handled by an earlier run" in " ".join(second.stdout.split())
        assert "API key" not in second.stdout
        assert "sign-in" not in second.stdout  # the password shown the first time still works
        assert sorted((tmp_path / "var" / "outbox").glob("*.eml")) == before
