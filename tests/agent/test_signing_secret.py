"""Finding 5 of issue 17: the development signing secret is refused unless every link points at this
machine, and `touchpoint secrets generate` prints one that is accepted."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.settings import DEVELOPMENT_SIGNING_SECRET, Settings, SettingsError
from tests.evals.commands import run_cli

PUBLIC = "https://leads.example.com"


def _load(**overrides: object) -> Settings:
    return Settings.load(_env_file=None, **overrides)


def test_the_development_signing_secret_is_refused_when_links_leave_loopback() -> None:
    with pytest.raises(SettingsError) as refused:
        _load(public_base_url=PUBLIC)

    message = str(refused.value)
    assert "TOUCHPOINT_SIGNING_SECRET" in message
    assert "TOUCHPOINT_PUBLIC_BASE_URL" in message
    assert "touchpoint secrets generate" in message


def test_a_short_signing_secret_is_refused_when_links_leave_loopback() -> None:
    with pytest.raises(SettingsError, match="shorter than 32 characters"):
        _load(public_base_url=PUBLIC, signing_secret="hunter2")


@pytest.mark.parametrize(
    "base_url",
    ["http://127.0.0.1:8000", "http://127.0.0.2:8001/", "http://localhost:8000", "http://[::1]:8000"],
)
def test_the_development_signing_secret_is_accepted_on_loopback(base_url: str) -> None:
    settings = _load(public_base_url=base_url)

    assert settings.signing_secret.get_secret_value() == DEVELOPMENT_SIGNING_SECRET


@pytest.mark.parametrize("base_url", ["http://127.0.0.1.example.com", "http://localhost.example.com"])
def test_a_host_that_only_looks_like_loopback_is_not_loopback(base_url: str) -> None:
    with pytest.raises(SettingsError, match="TOUCHPOINT_SIGNING_SECRET"):
        _load(public_base_url=base_url)


def test_secrets_generate_prints_a_strong_secret_that_is_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    first = run_cli("secrets", "generate")
    printed = capsys.readouterr().out.strip()
    run_cli("secrets", "generate")
    second = capsys.readouterr().out.strip()

    assert first == 0
    assert len(printed) >= 43 and printed != second  # 32 random bytes, URL-safe base64
    assert _load(public_base_url=PUBLIC, signing_secret=printed).signing_secret.get_secret_value() == printed


def test_serve_refuses_to_start_with_the_development_secret_on_a_public_url(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    monkeypatch.setenv("TOUCHPOINT_PUBLIC_BASE_URL", PUBLIC)
    monkeypatch.delenv("TOUCHPOINT_SIGNING_SECRET", raising=False)

    status = run_cli("serve", "--no-worker")

    errors = " ".join(capsys.readouterr().err.split())  # as one line, however the terminal wrapped it
    assert status == 2
    assert "TOUCHPOINT_SIGNING_SECRET" in errors and "touchpoint secrets generate" in errors
    assert "Traceback" not in errors
