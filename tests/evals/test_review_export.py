"""Reps' reviews exported as quality-suite scenarios: loadable by the suite's own loader, and run by it."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import yaml

from agent.container import Services
from agent.domain import UserRole
from agent.services import review
from agent.users import Principal
from evals.quality.environment import Environment
from evals.quality.runner import run_suite
from evals.quality.scenarios import load_suite
from evals.review_export import export_reviews
from tests.agent.services.support import reply
from tests.conftest import FakeClock, make_caller
from tests.evals.commands import TOUCHPOINT
from tests.factories import add_touch, submit

SUITE = """
name: from-reviews
start: 2026-11-23T14:30:00+00:00
knowledge: knowledge/content
identity:
  name: Northstar Bookings
  sender_name: Maya Ortiz
  sender_email: maya@northstar-bookings.example
  postal_address: Northstar Bookings Ltd, 418 Harbor Street, Suite 200, Portland, OR 97204, USA
scenarios: ["reviews.yaml"]
judge: {human_labels: null}
"""


def _reviewed(services: Services, clock: FakeClock) -> dict[str, uuid.UUID]:
    """Four drafts of four leads, each decided differently by a rep."""
    caller = make_caller(services, email="ana@example.com")
    ana = Principal(user_id=str(caller.user_id), email="ana@example.com", role=UserRole.REP)
    drafts = {}
    for n, outcome in enumerate(("approve", "edit", "reject", "regenerate")):
        lead_id = submit(services, email=f"owner{n}@salon.example", phone=f"+1503555010{n}").lead_id
        services.outbox.drain()
        clock.advance(minutes=1)
        drafts[outcome] = add_touch(services, lead_id=lead_id)
    clock.advance(hours=2)
    reply(services, submit(services, email="replied@example.com").lead_id, "Thanks!")  # history with a reply
    with services.session_factory.begin() as session:
        review.approve(session, services.loop, drafts["approve"], version=1, now=clock.now, actor=ana)
        review.edit_and_approve(
            session,
            services.loop,
            drafts["edit"],
            version=1,
            body="Hi Dana,\n\nThe no-show calculator, as promised.\n\nShall I walk you through it?\n\nMaya",
            subject=None,
            now=clock.now,
            actor=ana,
        )
        review.reject(session, drafts["reject"], version=1, reason="wrong resource", now=clock.now, actor=ana)
        review.regenerate(
            session,
            services.loop,
            drafts["regenerate"],
            version=1,
            instruction="shorter",
            now=clock.now,
            actor=ana,
        )
    return drafts


class TestExport:
    def test_each_reviewed_draft_becomes_a_scenario_the_suite_loads(
        self, services: Services, clock: FakeClock, tmp_path: Path
    ) -> None:
        drafts = _reviewed(services, clock)

        with services.session_factory() as session:
            exported = export_reviews(session)
        (tmp_path / "reviews.yaml").write_text(exported.text, encoding="utf-8")
        (tmp_path / "suite.yaml").write_text(SUITE, encoding="utf-8")
        suite = load_suite(str(tmp_path / "suite.yaml"))

        assert exported.scenarios == 4 and exported.skipped == []
        tags = {s.id: set(s.model.tags) for s in suite.scenarios}
        for outcome, touch_id in drafts.items():
            name = {
                "approve": "approved",
                "edit": "edited",
                "reject": "rejected",
                "regenerate": "regenerated",
            }[outcome]
            assert tags[f"review-{name}-{touch_id.hex[:12]}"] == {"from-review", f"review-{name}"}
        approved = next(s for s in suite.scenarios if "review-approved" in s.model.tags)
        assert approved.model.touch is not None and approved.model.touch.purpose == "value_add"
        assert [h.sent for h in approved.model.history] == ["acknowledgment"]  # what the lead had had
        assert approved.lead_model.inquiry_text and approved.lead_model.email
        assert approved.lead_model.email.endswith("@example.com")  # not the lead's own address

    def test_the_reps_reason_and_final_text_are_kept_in_comments_and_contacts_replaced(
        self, services: Services, clock: FakeClock
    ) -> None:
        _reviewed(services, clock)

        with services.session_factory() as session:
            text = export_reviews(session).text

        assert "# reason: wrong resource" in text
        assert "# instruction: shorter" in text
        assert "#   The no-show calculator, as promised." in text
        assert "+15035550100" not in text and "owner0@salon.example" not in text
        assert yaml.safe_load(text)["scenarios"]

    def test_the_exported_scenarios_run_through_the_suite(
        self, services: Services, clock: FakeClock, tmp_path: Path, composer_environment: Environment
    ) -> None:
        _reviewed(services, clock)
        with services.session_factory() as session:
            (tmp_path / "reviews.yaml").write_text(export_reviews(session).text, encoding="utf-8")
        (tmp_path / "suite.yaml").write_text(SUITE, encoding="utf-8")

        result = run_suite(load_suite(str(tmp_path / "suite.yaml")), composer_environment)

        assert len(result["cases"]) == 4
        assert all(case["drafts"] for case in result["cases"])

    def test_the_command_writes_the_file(self, services: Services, clock: FakeClock, tmp_path: Path) -> None:
        _reviewed(services, clock)
        env = {k: v for k, v in os.environ.items() if not k.startswith("TOUCHPOINT_")}
        env["TOUCHPOINT_DATABASE_URL"] = services.settings.database_url
        out = tmp_path / "out.yaml"

        done = subprocess.run(
            [TOUCHPOINT, "evals", "export-reviews", "--out", str(out), "--days", "3650"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
        )

        assert done.returncode == 0, done.stderr
        assert "4 scenario(s) written" in done.stdout
        assert len(yaml.safe_load(out.read_text())["scenarios"]) == 4
