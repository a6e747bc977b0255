"""The review page in Debian's Chromium against a real `touchpoint serve`: each test acts as a rep would
and checks the database and the outbox, not only what the page says."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email import message_from_bytes, policy

import httpx
from playwright.sync_api import Browser, BrowserContext, expect

from agent.db.models import Event, Handoff, ReviewAction
from tests.browser.conftest import REPS, Site, sign_in
from tests.waiting import wait_for

ANA, BEN = REPS


def _sent_body(site: Site, touch_id: object) -> str:
    path = site.outbox / f"{touch_id}.eml"
    wait_for(path.exists, timeout=15, what=f"{path.name} in the outbox")
    email = message_from_bytes(path.read_bytes(), policy=policy.default)
    plain = email.get_body(("plain",))
    assert plain is not None
    return str(plain.get_content())


class TestSignIn:
    def test_a_rep_signs_in_and_sees_the_draft_beside_its_lead_sources_and_guardrails(
        self, site: Site, context: BrowserContext
    ) -> None:
        body = "Hi Signin,\n\nWe helped 500 salons last year. Would a call help?\n\nMaya"
        at = body.index("500")
        violation = {
            "code": "grounded.number",
            "message": "500 is not in the sources",
            "start": at,
            "end": at + 3,
        }
        _, touch_id = site.seed_draft(first_name="Signin", body=body, guardrails=[violation])

        page = sign_in(site, context, path=f"/?focus={touch_id}")

        assert page.url.endswith(f"/?focus={touch_id}")  # back where the login interrupted
        expect(page.locator("#draft")).to_have_attribute("data-touch", str(touch_id))
        expect(page.locator("#draft-body u.violation")).to_have_text("500")
        expect(page.locator(".guardrails")).to_contain_text("grounded.number")
        expect(page.locator(".sources blockquote")).to_contain_text("adapt in ten minutes")
        expect(page.locator(".timeline")).to_contain_text("inquiry")
        expect(page.locator(".score")).to_contain_text("Apple Mail Privacy Protection")
        site.shot(page, "queue-desktop")

    def test_a_wrong_password_is_refused_and_nothing_opens(self, site: Site, context: BrowserContext) -> None:
        page = context.new_page()
        page.goto(f"{site.url}/")
        page.fill("input[name=email]", ANA)
        page.fill("input[name=password]", "not the password at all")
        page.click("button[type=submit]")

        expect(page.locator(".notice.error")).to_contain_text("do not match")
        assert "tp_session" not in {c["name"] for c in context.cookies()}


class TestDecisions:
    def test_approve_with_the_keyboard_sends_the_draft(self, site: Site, context: BrowserContext) -> None:
        lead_id, touch_id = site.seed_draft(first_name="Approve")
        page = sign_in(site, context, path=f"/?focus={touch_id}")

        page.keyboard.press("a")

        expect(page.locator("#notice")).to_contain_text("Approved")
        assert "deposit policy template" in _sent_body(site, touch_id)
        wait_for(lambda: site.touch(touch_id).state == "sent", timeout=15, what="the touch to be sent")
        approvals = [a for a in site.audit(lead_id) if a.action == "approve"]
        assert [a.user_id for a in approvals] == [site.users[ANA]]
        site.shot(page, "approved")

    def test_j_and_k_move_between_drafts(self, site: Site, context: BrowserContext) -> None:
        _, first = site.seed_draft(first_name="Keys", minutes_ago=100000)
        page = sign_in(site, context, path=f"/?focus={first}")

        page.keyboard.press("j")
        expect(page.locator("#draft")).not_to_have_attribute("data-touch", str(first))
        page.keyboard.press("k")

        expect(page.locator("#draft")).to_have_attribute("data-touch", str(first))
        assert page.url.endswith(f"focus={first}")

    def test_edit_then_approve_sends_the_reps_words_and_keeps_the_original(
        self, site: Site, context: BrowserContext
    ) -> None:
        lead_id, touch_id = site.seed_draft(first_name="Edit")
        page = sign_in(site, context, path=f"/?focus={touch_id}")
        words = (
            "Hi Edit,\n\nI put our deposit policy template aside for you: salons adapt it in ten minutes.\n\n"
            "Shall I send it over?\n\nMaya"
        )

        page.keyboard.press("e")
        page.fill("#edit-form textarea[name=body]", words)
        page.click("#edit-form button[type=submit]")

        expect(page.locator("#notice")).to_contain_text("Edited and approved")
        assert "I put our deposit policy template aside for you" in _sent_body(site, touch_id)
        (edit,) = [a for a in site.audit(lead_id) if a.action == "edit_approve"]
        assert "Here is our deposit policy template" in edit.details["before"]["body"]
        assert edit.details["after"]["body"] == words

    def test_reject_with_a_reason_sends_nothing_and_keeps_the_reason(
        self, site: Site, context: BrowserContext
    ) -> None:
        lead_id, touch_id = site.seed_draft(first_name="Reject")
        page = sign_in(site, context, path=f"/?focus={touch_id}")

        page.keyboard.press("r")
        page.keyboard.type("wrong resource for a spa")
        page.click("#reject-form button[type=submit]")

        expect(page.locator("#notice")).to_contain_text("Rejected")
        assert site.touch(touch_id).state == "rejected"
        (rejection,) = [a for a in site.audit(lead_id) if a.action == "reject"]
        assert rejection.reason == "wrong resource for a spa"
        assert not site.sent_file(touch_id).exists()

    def test_regenerate_drafts_again_with_the_instruction_and_supersedes_the_old_draft(
        self, site: Site, context: BrowserContext
    ) -> None:
        lead_id, touch_id = site.seed_draft(first_name="Dana")
        page = sign_in(site, context, path=f"/?focus={touch_id}")

        page.fill("#instruction-input", "shorter")
        page.click("#regenerate-form button[type=submit]")

        expect(page.locator("#notice")).to_contain_text("Drafted again")
        expect(page.locator("#instruction")).to_contain_text("shorter")
        old, new = site.touches(lead_id)
        assert old.id == touch_id and old.state == "superseded" and "shorter" in (old.superseded_reason or "")
        assert new.state == "pending_review" and new.drafting["instruction"] == "shorter"
        assert new.drafting["attempts"][0]["drafter"] == "llm"
        expect(page.locator("#draft")).to_have_attribute("data-touch", str(new.id))
        asked = [r for r in site.model.requests if "rep_instruction" in r.body.decode()]
        assert asked and "shorter" in asked[-1].body.decode()
        site.shot(page, "regenerated")

        page.goto(f"{site.url}/?focus={touch_id}")
        expect(page.locator("#out-of-date")).to_contain_text("regenerated by a rep: shorter")
        expect(page.locator("#approve-form")).to_have_count(0)


class TestPauseAndResume:
    def test_a_paused_lead_can_be_resumed_from_the_notice_once_its_draft_left_the_queue(
        self, site: Site, context: BrowserContext
    ) -> None:
        lead_id, touch_id = site.seed_draft(first_name="Paused")
        page = sign_in(site, context, path=f"/?focus={touch_id}")

        page.get_by_role("button", name="Pause lead").click()

        expect(page.locator("#notice")).to_contain_text("Paused automation for Paused")
        expect(page.locator(f'#items .item[data-touch="{touch_id}"]')).to_have_count(0)
        assert site.lead(lead_id).status == "paused"
        page.locator("#notice").get_by_role("button", name="Resume automation now").click()

        expect(page.locator("#notice")).to_contain_text("Automation resumed for Paused")
        assert site.lead(lead_id).status == "active"
        site.shot(page, "resumed-from-the-notice")


class TestAVendorsPitch:
    def test_a_pitch_s_draft_says_why_it_was_held_is_never_bulk_approved_and_its_lead_can_be_closed(
        self, site: Site, context: BrowserContext
    ) -> None:
        """Live, the pitch's acknowledgment waited as "low risk, clean", tickable with the others, and the
        draft page had no way to close the lead."""
        lead_id, touch_id = site.seed_draft(
            first_name="Buy", purpose="acknowledgment", rules=("inquiry.pitch.review",)
        )
        page = sign_in(site, context, path=f"/?focus={touch_id}")

        expect(page.locator(".held")).to_contain_text("vendor's pitch")
        item = page.locator(f'#items .item[data-touch="{touch_id}"]')
        expect(item.locator(".badge.warn")).to_have_text("pitch?")
        expect(item.locator("input[type=checkbox]")).to_have_count(0)
        page.get_by_role("button", name="Close lead").click()

        expect(page.locator("#notice")).to_contain_text("Closed Buy")
        assert site.lead(lead_id).status == "closed"
        assert site.touch(touch_id).state == "superseded"
        closing = [a for a in site.audit(lead_id) if a.action == "lead.close"]
        assert [a.reason for a in closing] == ["a vendor’s pitch, not a lead"]
        site.shot(page, "pitch-closed")


class TestConcurrency:
    def test_two_reps_on_one_draft_one_wins_the_other_sees_why_and_the_fresh_state(
        self, site: Site, browser: Browser
    ) -> None:
        lead_id, touch_id = site.seed_draft(first_name="Race")
        first, second = (browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(2))
        try:
            ana = sign_in(site, first, ANA, path=f"/?focus={touch_id}")
            ben = sign_in(site, second, BEN, path=f"/?focus={touch_id}")

            ana.click("#approve-form button[type=submit]")
            expect(ana.locator("#notice")).to_contain_text("Approved")
            ben.fill("#reject-reason", "too pushy for her")
            ben.click("#reject-form button[type=submit]")

            expect(ben.locator("#notice")).to_contain_text("Someone else got there first")
            expect(ben.locator("#notice")).to_contain_text("already approved")
            expect(ben.locator("#approved")).to_be_visible()
            expect(ben.locator("#reject-form")).to_have_count(0)
            site.shot(ben, "race-loser")
            _sent_body(site, touch_id)
            actions = [(a.action, a.user_id) for a in site.audit(lead_id)]
            assert actions == [("approve", site.users[ANA])]
            assert [p.name for p in site.outbox.glob(f"{touch_id}*")] == [f"{touch_id}.eml"]
        finally:
            first.close()
            second.close()

    def test_an_out_of_date_draft_says_so_and_cannot_be_approved(
        self, site: Site, context: BrowserContext
    ) -> None:
        lead_id, touch_id = site.seed_draft(first_name="Stale")
        page = sign_in(site, context, path=f"/?focus={touch_id}")

        site.post_event(
            lead_id, {"type": "reply", "channel": "email", "payload": {"message": "Can we talk?"}}
        )
        wait_for(
            lambda: site.touch(touch_id).state == "superseded", timeout=15, what="the draft to go out of date"
        )
        with page.expect_response(lambda r: r.url.endswith("/approve")) as answered:
            page.click("#approve-form button[type=submit]")

        assert answered.value.status == 409
        expect(page.locator("#notice")).to_contain_text("out of date")
        expect(page.locator("#out-of-date")).to_contain_text("handed off to a person")
        assert site.touch(touch_id).state == "superseded"
        assert not site.sent_file(touch_id).exists()
        assert "approve" not in [a.action for a in site.audit(lead_id)]
        site.shot(page, "out-of-date")


class TestHandoffs:
    def test_a_rep_is_notified_then_claims_logs_a_reply_and_closes_the_lead(
        self, site: Site, context: BrowserContext
    ) -> None:
        lead_id, _ = site.seed_draft(first_name="Handoff", owner=ANA)
        site.post_event(
            lead_id,
            {
                "type": "reply",
                "channel": "email",
                "payload": {"message": "Can someone call me? Is Tuesday ok?"},
            },
        )
        with site.session() as session:
            handoff = session.query(Handoff).filter(Handoff.lead_id == lead_id).one()

        swept = site.run("worker", "--once")  # a worker tick: it also announces handoffs
        assert swept.returncode == 0, swept.stderr
        posted = [r.json() for r in site.webhook.wait_for(1)]
        assert any("New handoff: Handoff Lopez (Luna Hair Studio)" in p["text"] for p in posted)
        mails = [
            message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in site.outbox.glob("notify-*.eml")
        ]
        assert any(m["To"] == ANA and str(m["Subject"]).startswith("New handoff") for m in mails)

        page = sign_in(site, context, ANA, path=f"/handoffs?focus={handoff.id}")
        expect(page.locator("#why-now")).to_be_visible()
        expect(page.locator("#talking-points")).to_contain_text("call")
        expect(page.locator("#handoff-timer")).to_contain_text("due in")
        site.shot(page, "handoff")
        page.click("#claim-form button[type=submit]")
        expect(page.locator("#claimed")).to_contain_text(ANA)
        page.select_option("#reply-form select[name=channel]", "phone")
        page.fill("#reply-form textarea[name=message]", "Called her: demo booked for Tuesday 10:00")
        page.click("#reply-form button[type=submit]")
        expect(page.locator("#notice")).to_contain_text("Logged your phone reply")
        page.fill("#close-form input[name=reason]", "bought a competitor's system")
        page.click("#close-form button[type=submit]")

        expect(page.locator("#notice")).to_contain_text("Closed")
        with site.session() as session:
            done = session.get(Handoff, handoff.id)
            assert done is not None
            assert (done.claimed_by, done.status) == (site.users[ANA], "closed")
            assert done.responded_at is not None and done.responded_at <= done.due_by
            notes = session.query(Event).filter(Event.lead_id == lead_id, Event.type == "note").all()
            assert [n.payload["message"] for n in notes] == ["Called her: demo booked for Tuesday 10:00"]
        assert site.lead(lead_id).status == "closed"
        actions = [a.action for a in site.audit(lead_id)]
        assert {"handoff.claim", "handoff.reply_logged", "lead.close"} <= set(actions)

    def test_a_missed_response_target_is_announced_once(self, site: Site) -> None:
        lead_id, _ = site.seed_draft(first_name="Late")
        site.post_event(
            lead_id, {"type": "reply", "channel": "email", "payload": {"message": "Hello? Anyone?"}}
        )
        with site.session() as session, session.begin():
            handoff = session.query(Handoff).filter(Handoff.lead_id == lead_id).one()
            handoff.due_by = handoff.created_at.replace(year=handoff.created_at.year - 1)
        seen = len(site.webhook.requests)

        for _ in range(2):
            assert site.run("worker", "--once").returncode == 0

        texts = [r.json()["text"] for r in site.webhook.requests[seen:]]
        missed = [t for t in texts if t.startswith("Response-time target missed: Late Lopez")]
        assert len(missed) == 1


class TestPhoneWidth:
    def test_the_queue_is_readable_at_390_pixels(self, site: Site, browser: Browser) -> None:
        _, touch_id = site.seed_draft(first_name="Phone")
        reviewed_lead, reviewed = site.seed_draft(first_name="Reviewed")
        with site.session() as session, session.begin():  # a decision, so the acceptance table shows
            session.add(
                ReviewAction(
                    lead_id=reviewed_lead, touch_id=reviewed, action="approve", created_at=datetime.now(UTC)
                )
            )
        phone = browser.new_context(
            viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
        )
        try:
            page = sign_in(site, phone, path=f"/?focus={touch_id}")
            expect(page.locator("#draft-body")).to_be_visible()

            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= 390
            box = page.locator("#draft-body").bounding_box()
            assert box is not None and box["width"] > 300
            table = page.locator("section.acceptance")
            expect(table.locator("thead")).to_be_hidden()  # no header row: each figure carries its label
            label = table.locator("td").nth(1).evaluate("td => getComputedStyle(td, '::before').content")
            assert label == '"approved as drafted: "'
            # the table fits the phone: nothing to scroll sideways inside its box either
            assert table.evaluate("el => el.scrollWidth <= el.clientWidth")
            site.shot(page, "queue-phone-390")
            page.goto(f"{site.url}/metrics")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            site.shot(page, "metrics-phone-390")
        finally:
            phone.close()


class TestMetricsPage:
    def test_the_metrics_are_charts_for_a_chosen_period(self, site: Site, context: BrowserContext) -> None:
        _, touch_id = site.seed_draft(first_name="Metrics")
        approved = httpx.post(
            f"{site.url}/v1/queue/{touch_id}/approve",
            json={"version": 1},
            headers={"Authorization": f"Bearer {site.admin_key}"},
            timeout=30,
        )
        assert approved.status_code == 200, approved.text
        _sent_body(site, touch_id)

        page = sign_in(site, context, path="/metrics?period=7d")

        expect(page.locator("#score b")).to_have_text(re.compile(r"^\d+(\.\d)?$"))
        assert page.locator("svg.chart").count() >= 6  # score, first response, touches, steps, handoffs, reps
        expect(page.locator("svg.chart").first).to_be_visible()
        page.select_option("select[name=period]", "30d")
        page.click(".filters button[type=submit]")
        expect(page).to_have_url(re.compile(r"period=30d"))
        site.shot(page, "metrics-desktop")
