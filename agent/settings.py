"""The one settings object: environment variables with the ``TOUCHPOINT_`` prefix, ``.env`` supported.

Built once at start-up (``Settings.load``) and handed to whatever needs it; nothing reads the
environment anywhere else. Invalid values fail here, with the variable's name and how to fix it,
instead of surfacing as a confusing error on the first inquiry at 2 a.m.
"""

from __future__ import annotations

import ipaddress
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, Self
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AnyHttpUrl, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from agent.scoring import DEFAULT_WEIGHTS
from agent.timing import TCPA_HOURS, Hours
from knowledge import DEMO_CONTENT
from prompts.loader import PROMPTS_DIR

ENV_PREFIX = "TOUCHPOINT_"


class EmbeddingProvider(StrEnum):
    LOCAL = "local"
    OPENAI = "openai"


class EmailChannelKind(StrEnum):
    FILE = "file"
    SMTP = "smtp"


class SmsChannelKind(StrEnum):
    FILE = "file"
    TWILIO = "twilio"


class SmtpSecurity(StrEnum):
    STARTTLS = "starttls"
    TLS = "tls"
    NONE = "none"


SMTP_DEFAULT_PORTS = {SmtpSecurity.STARTTLS: 587, SmtpSecurity.TLS: 465, SmtpSecurity.NONE: 25}

# The signing secret a fresh checkout runs with. It is public (it is in this file), so links signed
# with it can be forged by anyone: accepted only while every link points at this machine (loopback).
DEVELOPMENT_SIGNING_SECRET = "dev-only-change-me-dev-only-change-me"  # noqa: S105 (public on purpose)
MIN_SIGNING_SECRET_LENGTH = 32


class SettingsError(Exception):
    """Raised with a message a person can act on: which variable, what is wrong, what to set."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Storage
    database_url: str = Field(
        default="sqlite:///./var/touchpoint.db",  # unset, it follows var_dir (see _database_in_var_dir)
        description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user@host/db",
    )
    var_dir: Path = Field(
        default=Path("var"), description="Where all local state lives (the SQLite database, outbox, Chroma)."
    )

    # LLM (any OpenAI-compatible endpoint); unset base URL and key = the deterministic composer drafts.
    llm_base_url: AnyHttpUrl | None = Field(default=None, description="e.g. https://api.openai.com/v1")
    llm_api_key: SecretStr | None = None
    llm_model: str = "gpt-4o-mini"
    llm_timeout_seconds: float = Field(default=20.0, gt=0, le=600)
    llm_structured_output: Literal["json_schema", "function_calling", "json_mode"] = Field(
        default="json_schema",
        description="How the model is held to the draft schema: json_schema (OpenAI), function_calling "
        "(llama.cpp server, vLLM), json_mode (any server with JSON mode)",
    )
    llm_max_concurrency: int = Field(default=4, ge=1, le=256, description="Model calls in flight at once")
    llm_max_output_tokens: int = Field(
        default=800, ge=64, le=16384, description="Longest answer a model may give"
    )
    llm_max_attempts: int = Field(default=4, ge=1, le=10, description="Tries per call on 429, 5xx, timeouts")
    llm_input_price_per_mtok: float | None = Field(
        default=None, ge=0, description="USD per million input tokens, for cost accounting (unset: unknown)"
    )
    llm_output_price_per_mtok: float | None = Field(
        default=None, ge=0, description="USD per million output tokens"
    )
    prompt_version: str = Field(
        default="v1",
        pattern=r"^[A-Za-z0-9_.-]+$",
        description="prompts/drafter-<version>.yaml drafts with the LLM",
    )
    draft_repairs: int = Field(default=2, ge=0, le=5, description="Redrafts with the violations as feedback")
    ack_deadline_seconds: float = Field(
        default=5.0,
        gt=0,
        le=60,
        description="The instant acknowledgment goes out within this, LLM or not; a model call for it still "
        "running then is closed (agent/deadline.py)",
    )

    # Knowledge base and embeddings
    knowledge_dir: Path = Field(
        default=DEMO_CONTENT, description="The knowledge folder; default: the demo's, shipped in the package"
    )
    chroma_path: Path | None = Field(default=None, description="Default: <var_dir>/chroma")
    chroma_url: AnyHttpUrl | None = Field(default=None, description="A Chroma server; overrides chroma_path")
    embedding_provider: EmbeddingProvider = EmbeddingProvider.LOCAL
    embedding_model: str = Field(
        default="all-MiniLM-L6-v2", description="With the openai provider, e.g. text-embedding-3-small"
    )
    urgency_by_meaning: bool = Field(
        default=False,
        description="Also judge urgency by similarity to a bank of pressure sentences on the local model "
        "(off: on the blind dev set it found nothing the patterns missed, and it costs ~30 ms a new draft)",
    )

    # Auth
    bootstrap_api_key: SecretStr | None = Field(
        default=None, description="If set, an admin API key accepted from start-up (for automation)."
    )

    # The business's own playbook: sequences/, triggers.yaml, policy.yaml (agent/playbook.py); the shipped
    # defaults apply where the folder is silent. Checked by `touchpoint config check`.
    config_dir: Path | None = Field(
        default=None, description="The business's configuration folder (sequences, triggers, policy)"
    )

    # Company identity: every email carries it (sender identity, postal address, unsubscribe). A profile
    # file (agent/company.py) gives all of it, with product names and brand voice, and then wins.
    company_profile: Path | None = Field(
        default=None, description="A company profile YAML file; replaces the company_* and sender_* settings"
    )
    company_name: str = "Northstar Bookings"
    sender_name: str = "Maya Ortiz"
    sender_title: str | None = None
    sender_email: str = "maya@northstar-bookings.example"
    reply_to: str | None = None
    postal_address: str = "Northstar Bookings Ltd, 418 Harbor Street, Suite 200, Portland, OR 97204, USA"
    public_base_url: AnyHttpUrl = Field(
        default=AnyHttpUrl("http://127.0.0.1:8000"), description="Used in unsubscribe and tracking links"
    )
    signing_secret: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_SIGNING_SECRET),
        description="Signs unsubscribe and tracking links, CSRF tokens; the development value is refused "
        "unless the public base URL is on loopback (`touchpoint secrets generate` prints a strong one).",
    )

    # Channels: the defaults write files and send nothing to anyone
    email_channel: EmailChannelKind = EmailChannelKind.FILE
    sms_channel: SmsChannelKind = SmsChannelKind.FILE
    outbox_dir: Path | None = Field(default=None, description="Default: <var_dir>/outbox")
    outbox_claim_timeout_seconds: float = Field(
        default=600, ge=60, le=86400, description="A claim older than this is taken for a crashed sender"
    )
    email_tracking: bool = Field(default=True, description="Open pixel and signed click redirects in email")

    # SMTP (email_channel=smtp)
    smtp_host: str | None = None
    smtp_port: int | None = Field(default=None, ge=1, le=65535, description="Default: 587, 465 or 25")
    smtp_security: SmtpSecurity = SmtpSecurity.STARTTLS
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_ca_file: Path | None = Field(default=None, description="Extra CA bundle to trust (a private relay)")
    smtp_envelope_from: str | None = Field(default=None, description="MAIL FROM (bounces); default sender")
    smtp_timeout_seconds: float = Field(default=30.0, gt=0, le=300)

    # SMS through a Twilio-compatible API (sms_channel=twilio)
    twilio_base_url: AnyHttpUrl = AnyHttpUrl("https://api.twilio.com")
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_from_number: str | None = None
    twilio_messaging_service_sid: str | None = None
    sms_timeout_seconds: float = Field(default=15.0, gt=0, le=120)

    # Inbound webhooks: each is refused (503) until its secret is set
    webhook_secret: SecretStr | None = Field(
        default=None, description="HMAC-SHA256 key of the generic JSON webhooks (X-Touchpoint-Signature)"
    )
    mailgun_signing_key: SecretStr | None = None
    webhook_tolerance_seconds: int = Field(default=300, ge=30, le=3600)

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
    inquiry_origins: str = Field(
        default="",
        description="Comma-separated origins (https://www.example.com) whose pages may post the inquiry "
        "form from the visitor's browser (CORS on POST /v1/inquiries only)",
    )
    max_inbound_email_bytes: int = Field(
        default=10 * 1024 * 1024,
        ge=1024,
        description="Body limit of the inbound email webhooks (replies come with HTML and attachments)",
    )

    # The agent loop (agent/policy.py, agent/scoring.py, agent/worker.py); times are the lead's own
    auto_send_max_risk: Literal["none", "low", "medium", "high"] = Field(
        default="low",
        description="The riskiest sequence step that may go out without a rep's approval "
        "(low: acknowledgments and value-adds; high: offers and breakups too; none: everything is reviewed)",
    )
    cap_per_day: int = Field(default=1, ge=1, le=20, description="Messages per lead in any 24 hours")
    cap_per_week: int = Field(default=3, ge=1, le=50, description="Messages per lead in any 7 days")
    cap_per_month: int = Field(default=8, ge=1, le=200, description="Messages per lead in any 30 days")
    email_hours: str = Field(default="08:00-20:00", description="When follow-up email may go out")
    sms_hours: str = Field(default="09:00-20:00", description="SMS and calls; within 08:00-21:00 (TCPA)")
    b2b_weekdays_only: bool = Field(default=True, description="Leads with a company: Monday-Friday only")
    score_half_life_days: float = Field(default=14.0, gt=0, le=365, description="Engagement's half-life")
    score_weights: dict[str, float] = Field(
        default_factory=dict, description='JSON overriding signal weights, e.g. {"click": 8, "open": 2}'
    )
    hot_score_threshold: float = Field(default=50.0, gt=0, le=100, description="Score that hands off")
    high_value_threshold: Decimal | None = Field(
        default=Decimal(25000), ge=0, description="Deal value from which a person handles the lead"
    )
    absence_days: int = Field(default=30, ge=1, le=365, description="Silence that counts as quiet")
    unopened_streak: int = Field(default=5, ge=2, le=20, description="Unopened emails before slowing down")
    slow_down_days: int = Field(default=14, ge=1, le=90, description="Minimum gap between touches once cold")
    machine_open_seconds: float = Field(
        default=10.0, ge=0, le=600, description="Opens this soon after delivery are a scanner, not a person"
    )
    machine_click_seconds: float = Field(
        default=1.0, ge=0, le=60, description="Clicks this close together (or to delivery) are a link scanner"
    )
    handoff_response_minutes: int = Field(
        default=60, ge=1, le=10080, description="How soon a rep should answer a handed-off lead (team hours)"
    )
    team_timezone: str = Field(default="UTC", description="The reps' time zone, for response-time targets")
    team_hours: str = Field(default="09:00-17:00", description="The reps' working hours, Monday-Friday")
    out_of_office_max_days: int = Field(
        default=120, ge=1, le=365, description="Longest wait for an away notice's return date"
    )
    phone_region: str = Field(
        default="US",
        pattern=r"^[A-Z]{2}$",
        description="Where a phone number written without its country code is from (ISO 3166 code), "
        "when leads are imported",
    )
    reply_classifier: Literal["auto", "learned", "rules", "llm"] = Field(
        default="auto",
        description="auto: the LLM when one is configured (the learned reader as its fallback), else the "
        "learned reader; rules: the old phrase rules",
    )
    worker_lease_seconds: float = Field(
        default=300.0, ge=1, le=3600, description="A worker's claim on a lead expires after this if it dies"
    )
    worker_batch: int = Field(default=500, ge=1, le=10000, description="Due leads one worker claims per tick")

    # The review page, its sign-in and handoff notifications (api/web/, agent/users.py, agent/notify.py)
    session_hours: float = Field(
        default=12.0, gt=0, le=24 * 30, description="How long a rep stays signed in to the review page"
    )
    review_target_minutes: int = Field(
        default=240, ge=1, le=10080, description="How soon a draft should be reviewed (the queue's timer)"
    )
    notify_webhook_url: SecretStr | None = Field(
        default=None,
        description="A Slack-compatible incoming webhook told of new handoffs and breached targets "
        "(secret: the URL is the credential)",
    )
    notify_email: bool = Field(
        default=True, description="Also email the lead's owner, through the email channel"
    )
    notify_email_fallback: str | None = Field(
        default=None, description="Who is emailed about a handoff of a lead nobody owns (unset: nobody)"
    )
    notify_timeout_seconds: float = Field(default=10.0, gt=0, le=120, description="Per webhook call")

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite://", "postgresql://", "postgresql+psycopg://")):
            raise ValueError("use sqlite:///path/to/file.db or postgresql+psycopg://user@host:5432/dbname")
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value

    @field_validator("default_timezone", "team_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("use an IANA time zone name such as Europe/Berlin or America/New_York") from exc
        return value

    @field_validator("email_hours", "team_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        return str(Hours.parse(value))

    @field_validator("sms_hours")
    @classmethod
    def _tcpa_hours(cls, value: str) -> str:
        hours = Hours.parse(value)
        if not hours.within(TCPA_HOURS):
            raise ValueError(f"{value} reaches outside 08:00-21:00, when the TCPA forbids texts and calls")
        return str(hours)

    @model_validator(mode="before")
    @classmethod
    def _database_in_var_dir(cls, data: Any) -> Any:
        # The default SQLite file follows TOUCHPOINT_VAR_DIR, like the outbox and Chroma: one folder
        # holds all local state. An explicit TOUCHPOINT_DATABASE_URL wins.
        if not isinstance(data, dict) or "database_url" in data:
            return data
        path = Path(data.get("var_dir") or "var") / "touchpoint.db"
        return {**data, "database_url": f"sqlite:///{path if path.is_absolute() else f'./{path.as_posix()}'}"}

    @model_validator(mode="after")
    def _classifier_has_a_model(self) -> Self:
        if self.reply_classifier == "llm" and self.llm_base_url is None and self.llm_api_key is None:
            raise ValueError(
                f"{ENV_PREFIX}REPLY_CLASSIFIER=llm needs a model: set {ENV_PREFIX}LLM_BASE_URL "
                f"or {ENV_PREFIX}LLM_API_KEY (or use auto / rules)"
            )
        return self

    @field_validator("inquiry_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        for origin in _split_origins(value):
            parts = urlsplit(origin)
            if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query:
                raise ValueError(
                    f"{origin!r} is not an origin: write the scheme and host of the website (and its "
                    "port if it has one), e.g. https://www.example.com, separated by commas"
                )
        return value

    @property
    def inquiry_origin_list(self) -> tuple[str, ...]:
        """The origins of ``inquiry_origins``, as browsers send them (no trailing slash)."""
        return tuple(_split_origins(self.inquiry_origins))

    @field_validator("score_weights")
    @classmethod
    def _known_signals(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(DEFAULT_WEIGHTS))
        if unknown:
            raise ValueError(f"unknown signal(s) {', '.join(unknown)}; known: {', '.join(DEFAULT_WEIGHTS)}")
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
        self._check_channels()
        self._check_prompts()
        self._check_signing_secret()
        return self

    def _check_signing_secret(self) -> None:
        """With the development secret anyone can mint click redirects and unsubscribe any lead whose id
        they know: refused as soon as the links point anywhere but this machine."""
        if is_loopback_url(str(self.public_base_url)):
            return
        secret = self.signing_secret.get_secret_value()
        if secret == DEVELOPMENT_SIGNING_SECRET or len(secret) < MIN_SIGNING_SECRET_LENGTH:
            problem = (
                "is the development value, which anyone can read"
                if secret == DEVELOPMENT_SIGNING_SECRET
                else f"is shorter than {MIN_SIGNING_SECRET_LENGTH} characters"
            )
            raise ValueError(
                f"{ENV_PREFIX}SIGNING_SECRET {problem}, and {ENV_PREFIX}PUBLIC_BASE_URL "
                f"({self.public_base_url}) is not on loopback: anyone could forge its unsubscribe and "
                f"click links. Run `touchpoint secrets generate` and set {ENV_PREFIX}SIGNING_SECRET "
                "to what it prints"
            )

    def _check_prompts(self) -> None:
        available = sorted(p.stem.removeprefix("drafter-") for p in PROMPTS_DIR.glob("drafter-*.yaml"))
        if self.prompt_version not in available:
            raise ValueError(
                f"{ENV_PREFIX}PROMPT_VERSION={self.prompt_version}: there is no prompts/drafter-"
                f"{self.prompt_version}.yaml; use one of: {', '.join(available)}"
            )

    def _check_channels(self) -> None:
        if self.email_channel is EmailChannelKind.SMTP and not self.smtp_host:
            raise ValueError(
                f"{ENV_PREFIX}EMAIL_CHANNEL=smtp needs {ENV_PREFIX}SMTP_HOST (your relay's name)"
            )
        if self.smtp_security is SmtpSecurity.NONE and self.smtp_username:
            raise ValueError(
                f"{ENV_PREFIX}SMTP_SECURITY=none would send the SMTP password in clear: "
                "use starttls or tls, or unset the username"
            )
        if self.sms_channel is SmsChannelKind.TWILIO:
            missing = [
                name
                for name, value in (
                    ("TWILIO_ACCOUNT_SID", self.twilio_account_sid),
                    ("TWILIO_AUTH_TOKEN", self.twilio_auth_token),
                    (
                        f"TWILIO_FROM_NUMBER (or {ENV_PREFIX}TWILIO_MESSAGING_SERVICE_SID)",
                        self.twilio_from_number or self.twilio_messaging_service_sid,
                    ),
                )
                if not value
            ]
            if missing:
                raise ValueError(
                    f"{ENV_PREFIX}SMS_CHANNEL=twilio needs " + ", ".join(ENV_PREFIX + m for m in missing)
                )
        slowest = max(self.smtp_timeout_seconds, self.sms_timeout_seconds)
        if self.outbox_claim_timeout_seconds < 2 * slowest:
            raise ValueError(
                f"{ENV_PREFIX}OUTBOX_CLAIM_TIMEOUT_SECONDS must be at least twice the slowest channel "
                f"timeout ({slowest:g}s), or a slow send would be taken for a crashed one"
            )

    @property
    def llm_configured(self) -> bool:
        return self.llm_base_url is not None

    @property
    def resolved_chroma_path(self) -> Path:
        return self.chroma_path or self.var_dir / "chroma"

    @property
    def resolved_outbox_dir(self) -> Path:
        return self.outbox_dir or self.var_dir / "outbox"

    @property
    def resolved_smtp_port(self) -> int:
        return self.smtp_port or SMTP_DEFAULT_PORTS[self.smtp_security]

    @classmethod
    def load(cls, **overrides: object) -> Settings:
        """Read the environment (and ``.env``), turning validation errors into one readable message."""
        try:
            return cls(**overrides)  # type: ignore[arg-type]
        except ValidationError as exc:
            raise SettingsError(describe_validation_error(exc)) from None


def _split_origins(value: str) -> list[str]:
    return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]


def is_loopback_url(url: str) -> bool:
    """Whether ``url`` points at this machine only (127.0.0.0/8, ::1, localhost)."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def describe_validation_error(exc: ValidationError) -> str:
    lines = ["Invalid settings:"]
    for error in exc.errors():
        field_name = ".".join(str(part) for part in error["loc"])
        variable = f"{ENV_PREFIX}{field_name.upper()}" if field_name else "(settings)"
        message = str(error["msg"]).removeprefix("Value error, ")
        lines.append(f"  {variable}: {message}")
    return "\n".join(lines)
