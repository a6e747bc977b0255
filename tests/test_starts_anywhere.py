"""Finding 11 of issue 17: `touchpoint serve` starts from any folder, keeps its state in one folder, and
says which port is taken. The real command, run from a temporary folder outside the repository."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from email import message_from_bytes, policy
from pathlib import Path

import httpx

from agent.settings import Settings
from knowledge import DEMO_CONTENT
from tests.factories import inquiry_payload
from tests.loopback import TOUCHPOINT, free_port, touchpoint_serving
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[1]
KEY = "tp_test_starts_anywhere_admin_key_0123456789"


def _environment(state: Path, **extra: str) -> dict[str, str]:
    """No TOUCHPOINT_ setting but the var dir (and a key to search with): every other default applies."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOUCHPOINT_")}
    return env | {"TOUCHPOINT_VAR_DIR": str(state), "TOUCHPOINT_BOOTSTRAP_API_KEY": KEY, **extra}


def _touchpoint(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TOUCHPOINT, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def test_serve_starts_from_any_folder_with_all_its_state_in_the_var_dir(
    tmp_path: Path, chroma_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert not elsewhere.resolve().is_relative_to(ROOT)
    state = tmp_path / "state"
    shutil.copytree(chroma_path, state / "chroma")  # the demo already embedded: nothing to embed again
    env = _environment(state)

    upgraded = _touchpoint(env, elsewhere, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert (state / "touchpoint.db").is_file()  # the SQLite database lives in the var dir too

    port = free_port()
    with touchpoint_serving(env, elsewhere, port) as base_url:
        found = httpx.get(
            f"{base_url}/v1/knowledge/search",
            params={"q": "how much does it cost", "purpose": "faq"},
            headers={"Authorization": f"Bearer {KEY}"},
            timeout=30,
        )
        assert found.status_code == 200, found.text
        assert "faqs/pricing" in [s["id"] for s in found.json()["data"]]  # the demo, from the package

        accepted = httpx.post(f"{base_url}/v1/inquiries", json=inquiry_payload(), timeout=10)
        assert accepted.status_code == 201, accepted.text
        eml = state / "outbox" / f"{accepted.json()['touch_id']}.eml"
        wait_for(eml.exists, timeout=10, what="the acknowledgment in the var dir's outbox")
        email = message_from_bytes(eml.read_bytes(), policy=policy.default)
        assert str(email["List-Unsubscribe"]).strip("<>").startswith(f"{base_url}/u/")  # links follow --port

    assert list(elsewhere.iterdir()) == []  # nothing written where it was started


def test_the_knowledge_base_ships_in_the_package_and_var_dir_holds_all_local_state(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, var_dir=tmp_path / "state")

    assert settings.knowledge_dir == DEMO_CONTENT and (DEMO_CONTENT / "faqs" / "pricing.md").is_file()
    assert settings.database_url == f"sqlite:///{tmp_path / 'state' / 'touchpoint.db'}"
    assert settings.resolved_outbox_dir == tmp_path / "state" / "outbox"
    assert settings.resolved_chroma_path == tmp_path / "state" / "chroma"
    explicit = Settings(_env_file=None, var_dir=tmp_path / "state", database_url="sqlite:////srv/tp.db")
    assert explicit.database_url == "sqlite:////srv/tp.db"


def test_a_missing_knowledge_folder_is_named_by_its_setting(tmp_path: Path) -> None:
    env = _environment(tmp_path / "state", TOUCHPOINT_KNOWLEDGE_DIR=str(tmp_path / "nowhere"))

    result = _touchpoint(env, tmp_path, "serve", "--port", str(free_port()))

    message = result.stderr.replace("\n", "")  # the console wraps long lines, even inside a path
    assert result.returncode == 2
    assert f"TOUCHPOINT_KNOWLEDGE_DIR={tmp_path / 'nowhere'} is not a folder" in message
    assert "bug" not in message and "Traceback" not in message


def test_a_taken_port_is_named_with_how_to_pick_another(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = _touchpoint(_environment(tmp_path / "state"), tmp_path, "serve", "--port", str(port))

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: port {port} is taken; pick another: --port {port + 1} (make run PORT={port + 1})"
    ]
    assert result.stdout == ""  # stopped before announcing anything


def test_make_run_serves_on_the_port_it_is_given() -> None:
    planned = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", "PORT=8001"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )

    # Under `make test` this make is nested: --no-print-directory keeps "make[1]: Leaving directory"
    # (found in CI) off the plan, whose last command is the server's.
    assert planned.stdout.splitlines()[-1].endswith("touchpoint serve --port 8001"), planned.stdout
