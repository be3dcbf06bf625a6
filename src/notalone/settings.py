"""Settings from the environment (``NOTALONE_`` prefix) or a ``.env`` file; read by web/ and cli/.

Never read at import time: call ``get_settings()`` where they are needed, so tests and
embedders can pass their own ``Settings``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.orm import Session, sessionmaker

from notalone.alerts.delivery import Dispatcher, EmailSender, Sender, WebhookSender
from notalone.detection.engine import DEFAULT_MAX_BYTES, Engine
from notalone.errors import ConfigError


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NOTALONE_", env_file=".env", extra="ignore")

    max_message_bytes: int = Field(DEFAULT_MAX_BYTES, ge=1, le=16 * 1024 * 1024)
    default_locale: str = "intl"
    helplines_file: Path | None = None
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    log_level: str = "info"
    access_log: bool = Field(
        False,
        description="uvicorn's per-request log lines; off because request paths carry report "
        "follow-up codes and case ids, and query strings anything at all",
    )
    max_batch: int = Field(100, ge=1, le=10_000, description="inputs per moderation request")
    max_conversation_messages: int = Field(
        10_000, ge=1, le=1_000_000, description="messages per conversation request"
    )
    database_url: str = Field(
        "sqlite:///./var/notalone.db", description="SQLite file, or postgresql+psycopg://..."
    )
    migrate_on_start: bool = Field(True, description="apply the shipped migrations at start")
    evidence_dir: Path = Field(Path("var/evidence"), description="where evidence files are kept")
    max_attachment_bytes: int = Field(10 * 1024 * 1024, ge=1, le=100 * 1024 * 1024)
    organisation: str = Field(
        "111", min_length=1, max_length=64, description="whose queue anonymous reports join"
    )
    retention_days: int | None = Field(
        30, ge=0, description="delete streamed message text after this many days (0: never)"
    )
    alerts_worker: bool = Field(True, description="deliver guardian alerts from the service")
    alert_poll_seconds: float = Field(5.0, gt=0, le=3600, description="between delivery passes")
    alert_backoff_seconds: float = Field(
        30.0, gt=0, description="wait before the first retry; doubled for each of 5 retries"
    )
    webhook_timeout_seconds: float = Field(10.0, gt=0, le=120)
    webhook_allow_private: bool = Field(
        False, description="deliver webhooks to loopback and private addresses (development)"
    )
    smtp_host: str | None = Field(None, description="SMTP server for email alerts (unset: none)")
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_sender: str = Field("NotAlone <alerts@localhost>", description="From: of alert emails")
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None

    @property
    def retention(self) -> timedelta | None:
        """How long message text is kept (None: for ever)."""
        return timedelta(days=self.retention_days) if self.retention_days else None


def get_settings() -> Settings:
    """The settings, or a ``ConfigError`` naming each bad variable (not a validation dump)."""
    try:
        return Settings()
    except ValidationError as exc:
        bad = "; ".join(
            f"NOTALONE_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"invalid setting: {bad}") from None


def build_senders(settings: Settings) -> dict[str, Sender]:
    """The alert channels these settings enable (email only with an SMTP host)."""
    senders: dict[str, Sender] = {
        "webhook": WebhookSender(
            timeout=settings.webhook_timeout_seconds,
            allow_private=settings.webhook_allow_private,
        )
    }
    if settings.smtp_host:
        senders["email"] = EmailSender(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_sender,
            starttls=settings.smtp_starttls,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            timeout=settings.webhook_timeout_seconds,
        )
    return senders


def build_dispatcher(settings: Settings, sessions: sessionmaker[Session]) -> Dispatcher:
    """The guardian-alert deliverer these settings describe (channels, back-off)."""
    return Dispatcher(
        sessions,
        build_senders(settings),
        backoff=timedelta(seconds=settings.alert_backoff_seconds),
    )


def build_engine(settings: Settings) -> Engine:
    """The detection engine these settings describe (compiles the packs: build it once)."""
    return Engine(
        max_bytes=settings.max_message_bytes,
        default_locale=settings.default_locale,
        helplines_path=settings.helplines_file,
        plugins=True,
    )
