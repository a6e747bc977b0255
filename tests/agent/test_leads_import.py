"""CRM import: each row created, updated or rejected with its reason; a missing column changes nothing."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import available_timezones

import pytest

from agent.container import Services
from agent.db.models import Lead
from agent.db.repositories.leads import LeadRepository
from agent.leads_import import ImportFileError, ImportReport, import_leads, read_rows

HEADER = "email,phone,first_name,company,industry,deal_value,timezone,consent_email\n"


def _run(services: Services, path: Path) -> ImportReport:
    with services.session_factory.begin() as session:
        return import_leads(
            session, read_rows(path), now=services.clock(), valid_timezones=available_timezones()
        )


def _lead(services: Services, email: str) -> Lead:
    with services.session_factory() as session:
        lead = LeadRepository(session).find_by_contact(email=email, phone=None)
        assert lead is not None
        return lead


class TestImport:
    def test_rows_are_created_updated_or_rejected_with_a_reason(
        self, services: Services, tmp_path: Path
    ) -> None:
        csv = tmp_path / "crm.csv"
        csv.write_text(
            HEADER
            + "ana@fit.example,,Ana,Core Studio,fitness,1200,Europe/Berlin,true\n"
            + "ANA@fit.example,,Ana,Core Studio GmbH,fitness,,,\n"
            + "not-an-email,,Bo,,,,,\n"
            + ",,Cy,,,,,\n"
            + "dee@vet.example,,Dee,,veterinary,-5,,\n"
            + "eve@law.example,,Eve,,,,Mars/Base,\n",
            encoding="utf-8",
        )

        report = _run(services, csv)

        outcomes = [(row.line, row.outcome) for row in report.rows]
        assert outcomes == [
            (2, "created"),
            (3, "updated"),
            (4, "rejected"),
            (5, "rejected"),
            (6, "rejected"),
            (7, "rejected"),
        ]
        details = {row.line: row.detail for row in report.rows}
        assert details[3] == "company"
        assert details[4].startswith("email:")
        assert "email or a phone" in details[5]
        assert details[6].startswith("deal_value:")
        assert "Mars/Base" in details[7]
        assert _lead(services, "ana@fit.example").company == "Core Studio GmbH"

    def test_a_missing_consent_column_never_turns_a_no_into_a_yes(
        self, services: Services, tmp_path: Path
    ) -> None:
        first = tmp_path / "first.csv"
        first.write_text(HEADER + "ana@fit.example,,Ana,,,,UTC,false\n", encoding="utf-8")
        second = tmp_path / "second.csv"
        second.write_text("email,company\nana@fit.example,Core Studio\n", encoding="utf-8")

        _run(services, first)
        _run(services, second)

        assert _lead(services, "ana@fit.example").consent_email is False

    def test_imported_leads_are_due_for_the_loop(self, services: Services, tmp_path: Path) -> None:
        csv = tmp_path / "crm.csv"
        csv.write_text(HEADER + "ana@fit.example,,Ana,,,,UTC,true\n", encoding="utf-8")

        _run(services, csv)

        assert _lead(services, "ana@fit.example").next_action_at == services.clock()


class TestFileErrors:
    def test_a_header_without_contact_columns_is_refused(self, tmp_path: Path) -> None:
        csv = tmp_path / "crm.csv"
        csv.write_text("name,company\nAna,Core\n", encoding="utf-8")

        with pytest.raises(ImportFileError, match="needs an `email` or a `phone` column"):
            list(read_rows(csv))

    def test_a_missing_file_says_so(self, tmp_path: Path) -> None:
        with pytest.raises(ImportFileError, match="cannot open"):
            list(read_rows(tmp_path / "nope.csv"))

    def test_a_file_that_is_not_utf8_is_refused_clearly(self, tmp_path: Path) -> None:
        csv = tmp_path / "crm.csv"
        csv.write_bytes(b"email,company\nana@fit.example,Caf\xe9 Fit\n")

        with pytest.raises(ImportFileError, match="not a readable UTF-8 CSV"):
            list(read_rows(csv))


class TestColumns:
    def test_common_phone_formats_are_read_in_the_default_region(
        self, services: Services, tmp_path: Path
    ) -> None:
        csv = tmp_path / "crm.csv"
        csv.write_text(
            "email,phone\n"
            "a@x.example,+1 (559) 555-0117\n"
            "b@x.example,559.555.0118\n"
            "c@x.example,(559) 555 0119\n"
            "d@x.example,555-01\n",
            encoding="utf-8",
        )

        report = _run(services, csv)

        assert [row.outcome for row in report.rows] == ["created", "created", "created", "rejected"]
        assert report.rows[3].detail.startswith("phone:")
        assert _lead(services, "a@x.example").phone == "+15595550117"
        assert _lead(services, "b@x.example").phone == "+15595550118"
        assert _lead(services, "c@x.example").phone == "+15595550119"

    def test_a_number_from_a_range_reserved_for_fiction_is_imported_as_written(
        self, services: Services, tmp_path: Path
    ) -> None:
        """The demo's UK lead has an Ofcom drama number (+44 7700 900xxx): possible, never allocated."""
        csv = tmp_path / "crm.csv"
        csv.write_text("email,phone\na@x.example,+44 7700 900461\n", encoding="utf-8")

        report = _run(services, csv)

        assert [row.outcome for row in report.rows] == ["created"]
        assert _lead(services, "a@x.example").phone == "+447700900461"

    def test_a_number_without_country_code_is_read_in_the_configured_region(
        self, services: Services, tmp_path: Path
    ) -> None:
        csv = tmp_path / "crm.csv"
        csv.write_text("email,phone\na@x.example,030 1234567\n", encoding="utf-8")

        with services.session_factory.begin() as session:
            import_leads(session, read_rows(csv), now=services.clock(), valid_timezones={"UTC"}, region="DE")

        assert _lead(services, "a@x.example").phone == "+49301234567"

    def test_status_sequence_preferred_channel_and_language_columns_are_imported(
        self, services: Services, tmp_path: Path
    ) -> None:
        csv = tmp_path / "crm.csv"
        csv.write_text(
            "email,status,sequence,preferred_channel,language\n"
            "a@x.example,paused,nurture,sms,ES\n"
            "b@x.example,,,,\n"
            "c@x.example,asleep,new_lead,fax,spanish\n",
            encoding="utf-8",
        )

        with services.session_factory.begin() as session:
            report = import_leads(
                session,
                read_rows(csv),
                now=services.clock(),
                valid_timezones={"UTC"},
                sequences={"new_lead", "nurture"},
            )

        assert [row.outcome for row in report.rows] == ["created", "created", "rejected"]
        for name in ("status", "preferred_channel", "language"):
            assert name in report.rows[2].detail
        a, b = _lead(services, "a@x.example"), _lead(services, "b@x.example")
        assert (a.status, a.sequence, a.preferred_channel, a.language) == ("paused", "nurture", "sms", "es")
        assert (b.status, b.sequence, b.preferred_channel, b.language) == ("new", "new_lead", None, None)

    def test_an_unknown_sequence_is_rejected_with_the_known_ones(
        self, services: Services, tmp_path: Path
    ) -> None:
        csv = tmp_path / "crm.csv"
        csv.write_text("email,sequence\na@x.example,nurtur\n", encoding="utf-8")

        with services.session_factory.begin() as session:
            report = import_leads(
                session, read_rows(csv), now=services.clock(), valid_timezones={"UTC"}, sequences={"nurture"}
            )

        assert report.rows[0].outcome == "rejected"
        assert "no sequence 'nurtur' (known: nurture)" in report.rows[0].detail
