"""Issue 17, finding 9 and its "Done when": the OpenAPI document tells the truth about the real server.

Schemathesis generates requests from ``/openapi.json`` (bounded: a few examples per operation, a fixed
seed, so a run is repeatable and each database takes well under a minute) and sends them, with an
admin's API key, to `touchpoint serve` on loopback, on SQLite and on PostgreSQL. Every answer must be no
server error, have a status code the document lists for that operation, and a body that matches the
schema documented for it. On failure the assertion shows schemathesis's report: each failure with a
``curl`` that reproduces it.

The server gets its own copy of the knowledge folder: the admin key may upload and delete documents.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

import httpx
import pytest

from tests.conftest import scratch_postgres
from tests.loopback import TOUCHPOINT, free_port, touchpoint_serving

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
ADMIN_KEY = "tp_contract_admin_0123456789abcdefghijklmnop"
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"
MAX_EXAMPLES = 10
SEED = 17
ROOT = Path(__file__).resolve().parents[1]


def _environment(tmp_path: Path, chroma_path: Path, database_url: str, base_url: str) -> dict[str, str]:
    shutil.copytree(chroma_path, tmp_path / "chroma")
    shutil.copytree(ROOT / "knowledge" / "content", tmp_path / "knowledge")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOUCHPOINT_")}
    env.update(
        TOUCHPOINT_VAR_DIR=str(tmp_path / "var"),
        TOUCHPOINT_DATABASE_URL=database_url,
        TOUCHPOINT_CHROMA_PATH=str(tmp_path / "chroma"),
        TOUCHPOINT_KNOWLEDGE_DIR=str(tmp_path / "knowledge"),
        TOUCHPOINT_PUBLIC_BASE_URL=base_url,
        TOUCHPOINT_BOOTSTRAP_API_KEY=ADMIN_KEY,
        # A deployed server has its webhooks configured; unconfigured, each answers 503 by design.
        TOUCHPOINT_WEBHOOK_SECRET="contract-webhook-secret-0123456789",
        TOUCHPOINT_MAILGUN_SIGNING_KEY="contract-mailgun-key-0123456789",
        TOUCHPOINT_TWILIO_AUTH_TOKEN="contract-twilio-token-0123456789",
    )
    return env


@pytest.fixture(params=["sqlite", "postgres"])
def served(request: pytest.FixtureRequest, tmp_path: Path, chroma_path: Path) -> Iterator[str]:
    """`touchpoint serve` on loopback over a fresh database of the given kind; yields its URL."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    database = (
        scratch_postgres("touchpoint_contract")
        if request.param == "postgres"
        else nullcontext(f"sqlite:///{tmp_path / 'var' / 'touchpoint.db'}")
    )
    with database as database_url:
        env = _environment(tmp_path, chroma_path, database_url, base_url)
        subprocess.run([TOUCHPOINT, "db", "upgrade"], env=env, cwd=tmp_path, check=True, capture_output=True)
        with touchpoint_serving(env, tmp_path, port):
            yield base_url


def test_the_api_answers_as_its_openapi_document_says(served: str, tmp_path: Path) -> None:
    # A lead, its acknowledgment and its events exist, so the operations on them are not all 404s.
    accepted = httpx.post(
        f"{served}/v1/inquiries",
        json={"email": "dana@lunahair.example", "first_name": "Dana", "message": "Deposits?"},
        timeout=30,
    )
    assert accepted.status_code == 201, accepted.text

    run = subprocess.run(
        [
            SCHEMATHESIS,
            "run",
            f"{served}/openapi.json",
            "--checks",
            CHECKS,
            "--header",
            f"Authorization: Bearer {ADMIN_KEY}",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            str(SEED),
            "--workers",
            "1",
            # A document id is a path ("faqs/parking"): most generated strings cannot be one path
            # segment, and schemathesis filtering them out is expected, not a health problem.
            "--suppress-health-check",
            "filter_too_much",
            "--request-timeout",
            "30",
            "--no-color",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert run.returncode == 0, run.stdout[-20_000:] + run.stderr[-2_000:]
