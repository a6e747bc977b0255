"""A new user follows the README alone: their own playbook folder, a CRM export with its history imported,
then asks what Touchpoint would do. The folder's files are the README's own code blocks, read from it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import copy_sqlite

ROOT = Path(__file__).resolve().parents[2]
TOUCHPOINT = str(Path(sys.executable).with_name("touchpoint"))
EXAMPLE = ROOT / "docs" / "import-example"

# Two leads of the new user's own CRM, added to the README's example files.
ANA_CSV = "ana@example.com,,Ana,Diaz,,America/Chicago,true,false,,,,en\n"
ANA_HISTORY = [
    {"email": "ana@example.com", "kind": "inquiry", "at": "2026-11-23T08:30:00-06:00", "channel": "web_form",
     "text": "Do you do kitchen remodels?"},
    {"email": "ana@example.com", "kind": "touch", "at": "2026-11-23T08:31:00-06:00",
     "purpose": "acknowledgment", "channel": "email", "sequence": "new_lead", "step": 0, "body": "Hi Ana..."},
]  # fmt: skip
BEN_CSV = "ben@example.com,,Ben,Cole,,America/Chicago,true,false,active,nurture,,en\n"
BEN_HISTORY = [
    {"email": "ben@example.com", "kind": "event", "at": "2026-11-20T15:00:00-06:00",
     "type": "project_completed"},
]  # fmt: skip


def readme_block(first_line: str) -> str:
    """The README's YAML block that starts with ``first_line`` (a comment naming its file)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for block in re.findall(r"```yaml\n(.*?)```", readme, flags=re.S):
        if block.startswith(first_line):
            return str(block)
    raise AssertionError(f"the README no longer shows {first_line!r}")


@pytest.fixture
def env(tmp_path: Path, chroma_path: Path, migrated_sqlite: Path) -> dict[str, str]:
    config = tmp_path / "playbook"
    (config / "sequences").mkdir(parents=True)
    for name in ("new_lead", "project_completed"):
        block = readme_block(f"# sequences/{name}.yaml")
        (config / "sequences" / f"{name}.yaml").write_text(block, encoding="utf-8")
    shutil.copytree(chroma_path, tmp_path / "chroma")
    copy_sqlite(migrated_sqlite, tmp_path / "var" / "touchpoint.db")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TOUCHPOINT_")}
    return {
        **clean,
        "TOUCHPOINT_VAR_DIR": str(tmp_path / "var"),
        "TOUCHPOINT_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'touchpoint.db'}",
        "TOUCHPOINT_CHROMA_PATH": str(tmp_path / "chroma"),
        "TOUCHPOINT_KNOWLEDGE_DIR": str(ROOT / "knowledge" / "content"),
        "TOUCHPOINT_CONFIG_DIR": str(config),
    }


def touchpoint(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [TOUCHPOINT, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def decide(email: str, at: str, *, env: dict[str, str], cwd: Path) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(
        touchpoint("decide", email, "--at", at, "--json", env=env, cwd=cwd).stdout
    )
    return result


def test_a_new_user_s_playbook_and_crm_history_drive_the_next_action(
    env: dict[str, str], tmp_path: Path
) -> None:
    leads = tmp_path / "leads.csv"
    leads.write_text(
        (EXAMPLE / "leads.csv").read_text(encoding="utf-8") + ANA_CSV + BEN_CSV, encoding="utf-8"
    )
    history = tmp_path / "history.jsonl"
    extra = "".join(json.dumps(record) + "\n" for record in ANA_HISTORY + BEN_HISTORY)
    history.write_text((EXAMPLE / "history.jsonl").read_text(encoding="utf-8") + extra, encoding="utf-8")

    touchpoint("config", "check", env["TOUCHPOINT_CONFIG_DIR"], env=env, cwd=tmp_path)
    touchpoint("leads", "import", str(leads), "--history", str(history), env=env, cwd=tmp_path)

    # The README's new_lead moves value_add from day 1 to day 2 at 10:00: nothing on day 1...
    day_one = decide("ana@example.com", "2026-11-24T12:00:00-06:00", env=env, cwd=tmp_path)
    assert day_one["action"] == "wait" and day_one["purpose"] == "value_add"
    assert datetime.fromisoformat(day_one["when"]) == datetime.fromisoformat("2026-11-25T10:00:00-06:00")
    # ...and the value_add on day 2, at 10:00 on the lead's clock.
    day_two = decide("ana@example.com", "2026-11-25T10:05:00-06:00", env=env, cwd=tmp_path)
    assert (day_two["action"], day_two["purpose"]) == ("draft_touch", "value_add")
    # The business's own event starts its own sequence: a check-in two days after the project ended.
    ben = decide("ben@example.com", "2026-11-22T15:30:00-06:00", env=env, cwd=tmp_path)
    assert (ben["action"], ben["purpose"]) == ("draft_touch", "check_in")
    # The imported history is respected: steps 0-2 were sent to Maya, so the FAQ of day 7 is next.
    maya = decide("maya@brightsmile.example", "2026-11-09T10:30:00-08:00", env=env, cwd=tmp_path)
    assert maya["purpose"] == "faq"
