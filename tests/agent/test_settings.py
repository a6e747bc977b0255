"""Tests for the one settings object: laptop defaults, TOUCHPOINT_ variables, .env, and readable errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agent.settings import EmbeddingProvider, Settings, SettingsError

OPENAI_BASE_URL = "https://api.openai.com/v1"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No TOUCHPOINT_ variable from the developer's shell and no .env from the repository leaks in."""
    for name in list(os.environ):
        if name.upper().startswith("TOUCHPOINT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def load(**overrides: object) -> Settings:
    """Settings with no .env file, as a test wants them unless it is testing .env itself."""
    return Settings.load(_env_file=None, **overrides)


def load_error(**overrides: object) -> str:
    with pytest.raises(SettingsError) as caught:
        load(**overrides)
    return str(caught.value)


def write_env_file(directory: Path, *lines: str) -> Path:
    path = directory / ".env"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class TestDefaults:
    def test_storage_is_sqlite_under_var(self) -> None:
        settings = load()

        assert settings.database_url == "sqlite:///./var/touchpoint.db"
        assert settings.var_dir == Path("var")
        assert settings.resolved_chroma_path == Path("var") / "chroma"
        assert settings.resolved_outbox_dir == Path("var") / "outbox"

    def test_llm_is_not_configured(self) -> None:
        settings = load()

        assert settings.llm_configured is False
        assert settings.llm_base_url is None
        assert settings.llm_api_key is None

    def test_embeddings_are_local_and_timezone_is_utc(self) -> None:
        settings = load()

        assert settings.embedding_provider is EmbeddingProvider.LOCAL
        assert settings.default_timezone == "UTC"

    def test_explicit_paths_win_over_the_var_dir(self, tmp_path: Path) -> None:
        settings = load(var_dir=tmp_path / "state", chroma_path=tmp_path / "vectors")

        assert settings.resolved_chroma_path == tmp_path / "vectors"
        assert settings.resolved_outbox_dir == tmp_path / "state" / "outbox"


class TestValidation:
    @pytest.mark.parametrize("timezone", ["Mars/Olympus_Mons", "EST+5", "../etc/passwd"])
    def test_bad_timezone_names_the_variable(self, timezone: str) -> None:
        message = load_error(default_timezone=timezone)

        assert "TOUCHPOINT_DEFAULT_TIMEZONE" in message
        assert "IANA" in message

    @pytest.mark.parametrize("timezone", ["Europe/Berlin", "America/New_York", "Asia/Kolkata"])
    def test_iana_timezone_is_accepted(self, timezone: str) -> None:
        assert load(default_timezone=timezone).default_timezone == timezone

    @pytest.mark.parametrize("url", ["mysql://root@localhost/touchpoint", "touchpoint.db", ""])
    def test_bad_database_url_names_the_variable(self, url: str) -> None:
        message = load_error(database_url=url)

        assert "TOUCHPOINT_DATABASE_URL" in message
        assert "postgresql+psycopg://" in message

    def test_postgresql_url_is_normalised_to_psycopg(self) -> None:
        settings = load(database_url="postgresql://touchpoint:secret@db.internal:5432/touchpoint")

        assert settings.database_url == "postgresql+psycopg://touchpoint:secret@db.internal:5432/touchpoint"

    def test_psycopg_url_is_kept_as_is(self) -> None:
        url = "postgresql+psycopg://touchpoint@db.internal/touchpoint"

        assert load(database_url=url).database_url == url

    def test_openai_embeddings_without_a_key_name_both_variables(self) -> None:
        message = load_error(embedding_provider="openai")

        assert "TOUCHPOINT_EMBEDDING_PROVIDER=openai" in message
        assert "TOUCHPOINT_LLM_API_KEY" in message

    def test_openai_embeddings_with_a_key_are_accepted(self) -> None:
        settings = load(embedding_provider="openai", llm_api_key="sk-test")

        assert settings.embedding_provider is EmbeddingProvider.OPENAI

    def test_several_problems_are_reported_together(self) -> None:
        message = load_error(database_url="mysql://x/y", default_timezone="Nowhere/Land")

        assert message.startswith("Invalid settings:")
        assert "TOUCHPOINT_DATABASE_URL" in message
        assert "TOUCHPOINT_DEFAULT_TIMEZONE" in message


class TestLlm:
    def test_api_key_without_base_url_defaults_to_openai(self) -> None:
        settings = load(llm_api_key="sk-test")

        assert str(settings.llm_base_url).rstrip("/") == OPENAI_BASE_URL
        assert settings.llm_configured is True

    def test_base_url_without_key_configures_a_local_endpoint(self) -> None:
        settings = load(llm_base_url="http://127.0.0.1:11434/v1")

        assert str(settings.llm_base_url).rstrip("/") == "http://127.0.0.1:11434/v1"
        assert settings.llm_api_key is None
        assert settings.llm_configured is True

    def test_explicit_base_url_is_kept_when_a_key_is_set(self) -> None:
        settings = load(llm_api_key="sk-test", llm_base_url="https://llm.internal.example/v1")

        assert str(settings.llm_base_url).rstrip("/") == "https://llm.internal.example/v1"

    def test_api_key_is_not_shown_in_the_settings_repr(self) -> None:
        settings = load(llm_api_key="sk-very-secret")

        assert "sk-very-secret" not in repr(settings)
        assert settings.llm_api_key is not None
        assert settings.llm_api_key.get_secret_value() == "sk-very-secret"


class TestSources:
    def test_environment_variables_with_the_prefix_are_read(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("TOUCHPOINT_COMPANY_NAME", "Acme Bookings")
        monkeypatch.setenv("TOUCHPOINT_DATABASE_URL", "postgresql://acme@db/acme")
        monkeypatch.setenv("TOUCHPOINT_LLM_TIMEOUT_SECONDS", "7.5")

        settings = load()

        assert settings.company_name == "Acme Bookings"
        assert settings.database_url == "postgresql+psycopg://acme@db/acme"
        assert settings.llm_timeout_seconds == 7.5

    def test_variables_without_the_prefix_are_ignored(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("COMPANY_NAME", "Not Us")
        monkeypatch.setenv("DATABASE_URL", "mysql://not/us")

        settings = load()

        assert settings.company_name == "Northstar Bookings"
        assert settings.database_url == "sqlite:///./var/touchpoint.db"

    def test_bad_environment_variable_is_named_in_the_error(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("TOUCHPOINT_DEFAULT_TIMEZONE", "Atlantis/Capital")

        assert "TOUCHPOINT_DEFAULT_TIMEZONE" in load_error()

    def test_dotenv_file_in_the_working_directory_is_read(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        write_env_file(
            tmp_path,
            "# local overrides",
            "TOUCHPOINT_SENDER_NAME=Sam Lee",
            "TOUCHPOINT_DEFAULT_TIMEZONE=Europe/Berlin",
            "UNRELATED_TOOL_SETTING=1",
        )
        monkeypatch.chdir(tmp_path)

        settings = Settings.load()

        assert settings.sender_name == "Sam Lee"
        assert settings.default_timezone == "Europe/Berlin"

    def test_environment_wins_over_dotenv(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        write_env_file(tmp_path, "TOUCHPOINT_SENDER_NAME=From Dotenv")
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("TOUCHPOINT_SENDER_NAME", "From Environment")

        assert Settings.load().sender_name == "From Environment"

    def test_explicit_overrides_win_over_the_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("TOUCHPOINT_SENDER_NAME", "From Environment")

        assert load(sender_name="From Code").sender_name == "From Code"

    def test_env_file_none_ignores_a_dotenv_file(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        write_env_file(tmp_path, "TOUCHPOINT_SENDER_NAME=From Dotenv")
        monkeypatch.chdir(tmp_path)

        assert load().sender_name == "Maya Ortiz"


class TestChannelSettings:
    def test_by_default_nothing_reaches_a_real_person(self) -> None:
        settings = load()

        assert settings.email_channel == "file"
        assert settings.sms_channel == "file"
        assert settings.webhook_secret is None

    def test_smtp_needs_a_host(self) -> None:
        assert "TOUCHPOINT_EMAIL_CHANNEL=smtp needs TOUCHPOINT_SMTP_HOST" in load_error(email_channel="smtp")

    def test_smtp_port_follows_the_security(self) -> None:
        assert load(smtp_security="starttls").resolved_smtp_port == 587
        assert load(smtp_security="tls").resolved_smtp_port == 465
        assert load(smtp_security="tls", smtp_port=2465).resolved_smtp_port == 2465

    def test_a_password_is_never_sent_in_clear(self) -> None:
        message = load_error(
            email_channel="smtp", smtp_host="relay.example", smtp_security="none", smtp_username="u"
        )

        assert "TOUCHPOINT_SMTP_SECURITY=none would send the SMTP password in clear" in message

    def test_twilio_names_every_missing_credential(self) -> None:
        message = load_error(sms_channel="twilio", twilio_account_sid="AC1")

        assert "TOUCHPOINT_TWILIO_AUTH_TOKEN" in message
        assert "TOUCHPOINT_TWILIO_FROM_NUMBER" in message
        assert "TOUCHPOINT_TWILIO_ACCOUNT_SID" not in message

    def test_a_claim_timeout_shorter_than_a_send_is_refused(self) -> None:
        message = load_error(outbox_claim_timeout_seconds=60, smtp_timeout_seconds=45)

        assert "TOUCHPOINT_OUTBOX_CLAIM_TIMEOUT_SECONDS" in message

    def test_channel_secrets_are_hidden(self) -> None:
        settings = load(smtp_password="pw-123", twilio_auth_token="tok-456", webhook_secret="whs-789")

        shown = repr(settings) + str(settings.model_dump())
        assert "pw-123" not in shown and "tok-456" not in shown and "whs-789" not in shown
