"""`touchpoint decide` and `touchpoint worker --once --now`: asking what the agent would do at a time, then
letting a tick happen at that time, as a person runs them (real processes on an SQLite file)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from agent.container import build_services
from agent.db.models import Decision, Touch
from agent.settings import Settings
from agent.worker import tick
from knowledge.retrieval import KnowledgeBase
from tests.conftest import START, FakeClock, copy_sqlite
from tests.factories import submit

TOUCHPOINT = str(Path(sys.executable).with_name("touchpoint"))
DAY_ONE = START + timedelta(days=1, hours=1)


@pytest.fixture
def env(tmp_path: Path, chroma_path: Path, migrated_sqlite: Path) -> dict[str, str]:
    """A private var dir and a migrated database; the session's embedded knowledge base, copied."""
    chroma = tmp_path / "chroma"
    shutil.copytree(chroma_path, chroma)
    copy_sqlite(migrated_sqlite, tmp_path / "var" / "touchpoint.db")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TOUCHPOINT_")}
    return {
        **clean,
        "TOUCHPOINT_VAR_DIR": str(tmp_path / "var"),
        "TOUCHPOINT_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'touchpoint.db'}",
        "TOUCHPOINT_CHROMA_PATH": str(chroma),
        "TOUCHPOINT_KNOWLEDGE_DIR": str(Path(__file__).resolve().parents[2] / "knowledge" / "content"),
    }


@pytest.fixture
def answered(
    env: dict[str, str], make_settings: Callable[..., Settings], knowledge_base: KnowledgeBase
) -> uuid.UUID:
    """A lead whose day-0 answer went out at START (the acknowledgment, then on the worker's next tick
    the personal reply the composer's acknowledgment promised): its value-add is due on day one."""
    services = build_services(
        make_settings(database_url=env["TOUCHPOINT_DATABASE_URL"]),
        clock=FakeClock(),
        knowledge=knowledge_base,
    )
    try:
        lead_id = submit(services).lead_id
        services.outbox.drain()
        tick(services)
    finally:
        services.close()
    return lead_id


def _touchpoint(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TOUCHPOINT, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def _rows(env: dict[str, str], model: Any) -> list[Any]:
    engine = create_engine(env["TOUCHPOINT_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return list(connection.execute(select(model.__table__)))
    finally:
        engine.dispose()


class TestDecide:
    def test_decide_shows_the_draft_the_worker_then_writes_at_that_time(
        self, env: dict[str, str], tmp_path: Path, answered: uuid.UUID
    ) -> None:
        touches_before = _rows(env, Touch)

        decided = _touchpoint(
            "decide", str(answered), "--at", DAY_ONE.isoformat(), "--json", env=env, cwd=tmp_path
        )

        assert decided.returncode == 0, decided.stderr
        foreseen = json.loads(decided.stdout)
        assert (foreseen["action"], foreseen["purpose"], foreseen["channel"]) == (
            "draft_touch",
            "value_add",
            "email",
        )
        assert foreseen["rules"] and foreseen["draft"]["body"]
        assert _rows(env, Touch) == touches_before  # nothing written

        ticked = _touchpoint("worker", "--once", "--now", DAY_ONE.isoformat(), env=env, cwd=tmp_path)

        assert ticked.returncode == 0, ticked.stderr
        assert "lead 1/1 drafted by the composer, sent" in ticked.stdout  # the tick's progress
        value_add = [t for t in _rows(env, Touch) if t.purpose == "value_add"]
        assert len(value_add) == 1
        assert value_add[0].created_at.replace(tzinfo=DAY_ONE.tzinfo) == DAY_ONE  # the tick's clock
        assert value_add[0].body == foreseen["draft"]["body"]
        assert list(value_add[0].decision_rules) == foreseen["rules"]
        assert foreseen["draft"]["route"] == "queued"  # it said it would go by itself: it went, dated then
        assert value_add[0].state == "sent"
        assert value_add[0].sent_at.replace(tzinfo=DAY_ONE.tzinfo) == DAY_ONE
        decided_at = {d.decided_at.replace(tzinfo=DAY_ONE.tzinfo) for d in _rows(env, Decision)}
        assert DAY_ONE in decided_at

    def test_decide_prints_the_decision_for_a_person_by_email(
        self, env: dict[str, str], tmp_path: Path, answered: uuid.UUID
    ) -> None:
        result = _touchpoint(
            "decide", "dana.lopez@lunahair.example", "--at", "2026-11-24T15:30:00Z", env=env, cwd=tmp_path
        )

        assert result.returncode == 0, result.stderr
        assert "draft value add by email" in result.stdout
        assert "rules:" in result.stdout
        assert "Dana" in result.stdout


class TestErrors:
    def test_an_unknown_lead_is_one_line_without_a_traceback(
        self, env: dict[str, str], tmp_path: Path, answered: uuid.UUID
    ) -> None:
        result = _touchpoint("decide", "nobody@example.com", env=env, cwd=tmp_path)

        assert result.returncode == 2
        assert "no lead with id or email nobody@example.com" in result.stderr
        assert "Traceback" not in result.stderr + result.stdout

    @pytest.mark.parametrize(
        ("args", "says"),
        [
            (["decide", "x@example.com", "--at", "2026-12-01T10:00:00"], "has no time zone"),
            (["decide", "x@example.com", "--at", "next tuesday"], "is not a time"),
            (["worker", "--once", "--now", "2026-12-01T10:00"], "has no time zone"),
            (["worker", "--now", "2026-12-01T10:00:00Z"], "--now needs --once"),
        ],
    )
    def test_a_time_it_cannot_use_is_refused_in_one_line(
        self, env: dict[str, str], tmp_path: Path, args: list[str], says: str
    ) -> None:
        result = _touchpoint(*args, env=env, cwd=tmp_path)

        assert result.returncode == 2
        assert says in result.stderr
        assert "Traceback" not in result.stderr + result.stdout
