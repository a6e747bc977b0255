"""A real `touchpoint serve` on loopback and Debian's Chromium driven by Playwright, for the reps' pages.

One server per module (the knowledge base takes seconds to load), with its own SQLite database and
outbox; each test seeds the leads and drafts it needs straight into that database and checks the
database and the outbox afterwards, not only the page. The model the server drafts with is a loopback
stand-in for an OpenAI-compatible API that records what it was asked. Screenshots go to a pytest
temporary folder; their paths are printed (`pytest -s` shows them).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from sqlalchemy.orm import Session

from agent.db.engine import build_engine, build_session_factory
from agent.db.models import Event, Lead, ReviewAction, Touch
from agent.db.repositories.audit import AuditRepository
from knowledge.retrieval import KnowledgeBase
from tests.http_recorder import Recorder, Request, recording_server
from tests.loopback import TOUCHPOINT, free_port, launch_chromium, touchpoint_serving

PASSWORD = "correct horse battery staple"
REPS = ("ana@northstar.example", "ben@northstar.example")
SHORTER = (
    "Hi {name},\n\nShort version: a deposit taken at booking is what stops most Saturday no-shows, and "
    "you choose the amount for each service.\n\nShall I send you the deposit policy template?\n\nMaya"
)


def _model_answer(request: Request) -> tuple[int, dict[str, Any]]:
    """An OpenAI chat completion whose content is the draft schema's JSON, addressed to the lead."""
    prompt = json.dumps(request.json().get("messages", []))
    name = "Dana" if "Dana" in prompt else "there"
    draft = {
        "subject": "Deposits, in short",
        "body": SHORTER.format(name=name),
        "call_to_action": "",
        "source_ids": [],
    }
    draft["call_to_action"] = "Shall I send you the deposit policy template?"
    return 200, {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1,
        "model": "fake-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": json.dumps(draft)},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 900, "completion_tokens": 80, "total_tokens": 980},
    }


@dataclass
class Site:
    """The server under test, its database, outbox and users, and the loopback services it calls."""

    url: str
    env: dict[str, str]
    cwd: Path
    outbox: Path
    webhook: Recorder
    model: Recorder
    admin_key: str
    users: dict[str, uuid.UUID]
    shots: Path

    def session(self) -> Session:
        return build_session_factory(build_engine(self.env["TOUCHPOINT_DATABASE_URL"]))()

    def touch(self, touch_id: uuid.UUID) -> Touch:
        with self.session() as session:
            touch = session.get(Touch, touch_id)
            assert touch is not None
            return touch

    def lead(self, lead_id: uuid.UUID) -> Lead:
        with self.session() as session:
            lead = session.get(Lead, lead_id)
            assert lead is not None
            return lead

    def audit(self, lead_id: uuid.UUID) -> list[ReviewAction]:
        with self.session() as session:
            return AuditRepository(session).for_lead(lead_id)

    def touches(self, lead_id: uuid.UUID) -> list[Touch]:
        with self.session() as session:
            return list(session.query(Touch).filter(Touch.lead_id == lead_id).order_by(Touch.created_at))

    def sent_file(self, touch_id: uuid.UUID) -> Path:
        return self.outbox / f"{touch_id}.eml"

    def post_event(self, lead_id: uuid.UUID, payload: dict[str, Any]) -> None:
        response = httpx.post(
            f"{self.url}/v1/leads/{lead_id}/events",
            json=payload,
            headers={"Authorization": f"Bearer {self.admin_key}"},
            timeout=30,
        )
        assert response.status_code == 201, response.text

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [TOUCHPOINT, *args],
            env=self.env,
            cwd=self.cwd,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def shot(self, page: Page, name: str, *, full_page: bool = True) -> Path:
        path = self.shots / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        print(f"screenshot: {path}")
        return path

    def seed_draft(
        self,
        *,
        first_name: str = "Dana",
        company: str | None = "Luna Hair Studio",
        owner: str | None = None,
        purpose: str = "value_add",
        body: str | None = None,
        guardrails: list[dict[str, Any]] | None = None,
        score: float = 0.0,
        minutes_ago: float = 30,
        rules: tuple[str, ...] = (),
    ) -> tuple[uuid.UUID, uuid.UUID]:
        """A lead who asked something, and a draft waiting for review, as the loop leaves them."""
        now = datetime.now(UTC)
        drafted = now - timedelta(minutes=minutes_ago)
        body = body or (
            f"Hi {first_name},\n\nHere is our deposit policy template: it shows how salons ask for a deposit "
            "at booking without putting regulars off, with the wording clients see. Most owners adapt it "
            "in ten minutes.\n\nWould it help to see how a salon your size set it up?\n\nBest,\nMaya"
        )
        sources = [
            {
                "id": "resources/deposit-policy-template",
                "type": "resource",
                "title": "Deposit policy template",
                "url": "https://northstar-bookings.example/deposit-template",
                "text": "A one-page deposit policy salons adapt in ten minutes, with the wording "
                "clients see.",
                "score": 0.81,
                "customer": None,
                "figures": [],
            }
        ]
        with self.session() as session, session.begin():
            lead = Lead(
                email=f"{first_name.lower()}.{uuid.uuid4().hex[:8]}@example.com",
                first_name=first_name,
                last_name="Lopez",
                company=company,
                industry="beauty",
                need="cut Saturday no-shows",
                timezone="UTC",
                status="active",
                owner_id=self.users[owner] if owner else None,
                engagement_score=score,
                score_breakdown={
                    "value": score,
                    "explanation": f"{score:g}/100",
                    "counted": [{"signal": "inquiry", "count": 1, "points": 10.0}],
                    "ignored": [{"signal": "open", "count": 1, "reason": "Apple Mail Privacy Protection"}],
                },
                created_at=drafted - timedelta(minutes=5),
                updated_at=drafted,
            )
            session.add(lead)
            session.flush()
            session.add(
                Event(
                    lead_id=lead.id,
                    type="inquiry",
                    channel="email",
                    payload={"message": "We lose so many Saturday bookings to no-shows. Can you help?"},
                    occurred_at=lead.created_at,
                    recorded_at=lead.created_at,
                )
            )
            touch = Touch(
                lead_id=lead.id,
                sequence="new_lead",
                step=1,
                purpose=purpose,
                channel="email",
                subject="A deposit template for your salon",
                body=body,
                call_to_action="Would it help to see how a salon your size set it up?",
                drafter="composer",
                drafter_label="Drafted by the deterministic composer (no LLM)",
                prompt_version="composer-v1",
                sources=sources,
                guardrails=guardrails or [],
                decision_rules=["sequence.new_lead.step_1.due", "autonomy.review.low", *rules],
                state="pending_review",
                created_at=drafted,
                updated_at=drafted,
            )
            session.add(touch)
            session.flush()
            return lead.id, touch.id


@pytest.fixture(scope="module")
def site(
    tmp_path_factory: pytest.TempPathFactory, chroma_path: Path, knowledge_base: KnowledgeBase
) -> Iterator[Site]:
    """The server, on a copy of the session's embedded knowledge base (``knowledge_base`` fills it)."""
    root = tmp_path_factory.mktemp("site")
    shots = tmp_path_factory.mktemp("screenshots")
    shutil.copytree(chroma_path, root / "chroma")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with recording_server() as webhook, recording_server(_model_answer) as model:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TOUCHPOINT_")}
        env.update(
            TOUCHPOINT_VAR_DIR=str(root / "var"),
            TOUCHPOINT_DATABASE_URL=f"sqlite:///{root / 'var' / 'touchpoint.db'}",
            TOUCHPOINT_CHROMA_PATH=str(root / "chroma"),
            TOUCHPOINT_KNOWLEDGE_DIR=str(Path(__file__).resolve().parents[2] / "knowledge" / "content"),
            TOUCHPOINT_PUBLIC_BASE_URL=base_url,
            # Whenever the suite runs, an approved email may go out at once (no quiet hours, weekends, caps).
            TOUCHPOINT_EMAIL_HOURS="00:00-23:59",
            TOUCHPOINT_B2B_WEEKDAYS_ONLY="false",
            TOUCHPOINT_CAP_PER_DAY="20",
            TOUCHPOINT_CAP_PER_WEEK="50",
            TOUCHPOINT_LLM_BASE_URL=f"{model.url}/v1",
            TOUCHPOINT_LLM_API_KEY="sk-test",
            TOUCHPOINT_LLM_MODEL="fake-model",
            TOUCHPOINT_LLM_MAX_ATTEMPTS="1",
            TOUCHPOINT_DRAFT_REPAIRS="0",
            TOUCHPOINT_REPLY_CLASSIFIER="rules",
            TOUCHPOINT_NOTIFY_WEBHOOK_URL=f"{webhook.url}/slack",
        )
        subprocess.run([TOUCHPOINT, "db", "upgrade"], env=env, cwd=root, check=True, capture_output=True)
        users: dict[str, uuid.UUID] = {}
        for email in REPS:
            created = subprocess.run(
                [TOUCHPOINT, "users", "create", email, "--password-stdin"],
                env=env,
                cwd=root,
                input=PASSWORD + "\n",
                capture_output=True,
                text=True,
                check=True,
            )
            assert "can sign in" in created.stdout, created.stdout + created.stderr
        key = (
            subprocess.run(
                [TOUCHPOINT, "users", "create-key", "admin@northstar.example", "--admin"],
                env=env,
                cwd=root,
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        engine = build_engine(env["TOUCHPOINT_DATABASE_URL"])
        with build_session_factory(engine)() as session:
            from agent.db.repositories.users import UserRepository

            for email in REPS:
                user = UserRepository(session).by_email(email)
                assert user is not None
                users[email] = user.id
        engine.dispose()
        with touchpoint_serving(env, root, port):
            yield Site(
                url=base_url,
                env=env,
                cwd=root,
                outbox=root / "var" / "outbox",
                webhook=webhook,
                model=model,
                admin_key=key,
                users=users,
                shots=shots,
            )


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = launch_chromium(playwright)
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    created = browser.new_context(viewport={"width": 1366, "height": 900})
    yield created
    created.close()


def sign_in(site: Site, context: BrowserContext, email: str = REPS[0], *, path: str = "/") -> Page:
    """Open ``path`` as a signed-out browser does (the login page first), then sign in as ``email``."""
    page = context.new_page()
    page.goto(f"{site.url}{path}")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("header.top nav")
    return page
