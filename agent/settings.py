"""The one settings object: environment variables with the ``TOUCHPOINT_`` prefix, ``.env`` supported.

Built once at start-up (``Settings.load``) and handed to whatever needs it; nothing reads the
environment anywhere else. Invalid values fail here, with the variable's name and how to fix it,
instead of surfacing as a confusing error on the first inquiry at 2 a.m.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AnyHttpUrl, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "TOUCHPOINT_"


class EmbeddingProvider(StrEnum):
    LOCAL = "local"
    OPENAI = "openai"


class EmailChannelKind(StrEnum):
    FILE = "file"


class SettingsError(Exception):
    """Raised with a message a person can act on: which variable, what is wrong, what to set."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Storage
    database_url: str = Field(
        default="sqlite:///./var/touchpoint.db",
        description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user@host/db",
    )
    var_dir: Path = Field(default=Path("var"), description="Where local state lives (outbox, Chroma).")

    # LLM (any OpenAI-compatible endpoint); unset base URL and key = the deterministic composer drafts.
    llm_base_url: AnyHttpUrl | None = Field(default=None, description="e.g. https://api.openai.com/v1")
    llm_api_key: SecretStr | None = None
    llm_model: str = "gpt-4o-mini"
    llm_timeout_seconds: float = Field(default=20.0, gt=0, le=600)

    # Knowledge base and embeddings
    knowledge_dir: Path = Field(default=Path("knowledge/content"))
    chroma_path: Path | None = Field(default=None, description="Default: <var_dir>/chroma")
    chroma_url: AnyHttpUrl | None = Field(default=None, description="A Chroma server; overrides chroma_path")
    embedding_provider: EmbeddingProvider = EmbeddingProvider.LOCAL
    embedding_model: str = Field(
        default="all-MiniLM-L6-v2", description="With the openai provider, e.g. text-embedding-3-small"
    )

    # Auth
    bootstrap_api_key: SecretStr | None = Field(
        default=None, description="If set, an admin API key accepted from start-up (for automation)."
    )

    # Company identity: every email carries it (sender identity, postal address, unsubscribe)
    company_name: str = "Northstar Bookings"
    sender_name: str = "Maya Ortiz"
    sender_email: str = "maya@northstar-bookings.example"
    reply_to: str | None = None
    postal_address: str = "Northstar Bookings Ltd, 418 Harbor Street, Suite 200, Portland, OR 97204, USA"
    public_base_url: AnyHttpUrl = Field(
        default=AnyHttpUrl("http://127.0.0.1:8000"), description="Used in unsubscribe and tracking links"
    )
    signing_secret: SecretStr = Field(
        default=SecretStr("dev-only-change-me-dev-only-change-me"),
        description="Signs unsubscribe and tracking links; set a long random value in production.",
    )

    # Channels
    email_channel: EmailChannelKind = EmailChannelKind.FILE
    outbox_dir: Path | None = Field(default=None, description="Default: <var_dir>/outbox")

    # Processes
    api_runs_worker: bool = Field(
        default=True, description="Run the worker inside `touchpoint serve` (off for scaled deployments)"
    )
    worker_interval_seconds: float = Field(default=5.0, gt=0, le=3600)
    api_processes: int = Field(default=1, ge=1, le=64, description="uvicorn worker processes")

    # Behaviour
    default_timezone: str = "UTC"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "WARNING"
    max_request_bytes: int = Field(default=64 * 1024, ge=1024)

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite://", "postgresql://", "postgresql+psycopg://")):
            raise ValueError("use sqlite:///path/to/file.db or postgresql+psycopg://user@host:5432/dbname")
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("use an IANA time zone name such as Europe/Berlin or America/New_York") from exc
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.llm_api_key is not None and self.llm_base_url is None:
            self.llm_base_url = AnyHttpUrl("https://api.openai.com/v1")
        if self.embedding_provider is EmbeddingProvider.OPENAI and self.llm_api_key is None:
            raise ValueError(
                f"{ENV_PREFIX}EMBEDDING_PROVIDER=openai needs {ENV_PREFIX}LLM_API_KEY "
                "(or use the default local model: unset the provider)"
            )
        return self

    @property
    def llm_configured(self) -> bool:
        return self.llm_base_url is not None

    @property
    def resolved_chroma_path(self) -> Path:
        return self.chroma_path or self.var_dir / "chroma"

    @property
    def resolved_outbox_dir(self) -> Path:
        return self.outbox_dir or self.var_dir / "outbox"

    @classmethod
    def load(cls, **overrides: object) -> Settings:
        """Read the environment (and ``.env``), turning validation errors into one readable message."""
        try:
            return cls(**overrides)  # type: ignore[arg-type]
        except ValidationError as exc:
            raise SettingsError(describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> str:
    lines = ["Invalid settings:"]
    for error in exc.errors():
        field_name = ".".join(str(part) for part in error["loc"])
        variable = f"{ENV_PREFIX}{field_name.upper()}" if field_name else "(settings)"
        message = str(error["msg"]).removeprefix("Value error, ")
        lines.append(f"  {variable}: {message}")
    return "\n".join(lines)
