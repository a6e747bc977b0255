"""All checks together: a good draft passes all of them; each violation serialises with its span."""

from __future__ import annotations

from agent.guardrails import DEFAULT_CHECKS, check_placeholders, run_checks
from tests.agent.guardrails.drafts import codes, context, email, sms


class TestRunChecks:
    def test_good_email_passes_every_check(self) -> None:
        assert run_checks(email(), context()) == []

    def test_good_sms_passes_every_check(self) -> None:
        assert run_checks(sms(), context()) == []

    def test_collects_violations_from_every_check(self) -> None:
        draft = sms(
            body="Hi [Name], just checking in!! Fade & Co. Barbers saw 90% fewer no-shows. " + "x" * 300
        )

        found = set(codes(run_checks(draft, context())))

        assert {
            "banned_phrase",
            "cta.missing",
            "grounded.number",
            "length.sms",
            "placeholder",
            "sms.opt_out",
            "spam.exclamation",
        } <= found

    def test_runs_only_the_checks_it_is_given(self) -> None:
        draft = sms(body="Hi [Name], just checking in!")

        assert codes(run_checks(draft, context(), checks=[check_placeholders])) == ["placeholder"]

    def test_every_check_is_listed_once(self) -> None:
        assert len(DEFAULT_CHECKS) == len(set(DEFAULT_CHECKS))

    def test_violation_serialises_with_its_span(self) -> None:
        violation = check_placeholders(email(body="Hi [Name]"))[0]

        assert violation.as_dict() == {
            "code": "placeholder",
            "message": 'unfilled placeholder "[Name]"',
            "start": 3,
            "end": 9,
        }
