"""Settings from the environment (``HOVOR_*``), with embedded defaults that run on one machine."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_VAR_DIR = Path("var")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOVOR_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite+aiosqlite:///{DEFAULT_VAR_DIR / 'hovor.db'}",
        description="SQLAlchemy URL: sqlite+aiosqlite:///path or postgresql+asyncpg://user@host/db",
    )
    redis_url: str | None = Field(
        default=None, description="redis://host:port/0 to run several nodes; unset: in-process bus"
    )
    secret_key: str = Field(
        default="dev-insecure-change-me",
        description="signs visitor tokens; set a long random value in production",
    )
    secret_key_previous: str = Field(
        default="",
        description="comma-separated earlier secret keys whose visitor tokens are still "
        "accepted (key rotation, docs/security.md); empty: none",
    )
    host: str = Field(default="127.0.0.1", description="address the server binds to")
    port: int = Field(default=8000, ge=1, le=65535, description="port the server binds to")
    public_url: str | None = Field(
        default=None, description="URL visitors reach Hovor at; default http://HOST:PORT"
    )
    cookie_secure: bool = Field(default=False, description="mark the session cookie Secure")
    session_hours: int = Field(default=12, ge=1, description="desktop session lifetime")
    trusted_proxies: str = Field(
        default="127.0.0.1",
        description="comma-separated addresses or networks (CIDR) of the reverse proxies whose "
        "X-Forwarded-For and X-Forwarded-Proto are believed; empty: none (no proxy in front)",
    )
    metrics_token: str | None = Field(
        default=None,
        description="bearer token that /metrics asks for; unset: /metrics answers only loopback "
        "and the trusted proxies",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="debug, info, warning, error"
    )
    demo_password: str = Field(default="hovor-demo", description="password of the demo users")
    demo_history_days: int = Field(
        default=30,
        ge=0,
        description="days of simulated history `run --demo` writes once; 0: none",
    )
    demo_history_visitors: int = Field(
        default=1500, ge=1, description="simulated visits in that history"
    )
    widget_sessions_per_minute: int = Field(
        default=300, ge=1, description="new visitor sessions one address may start per minute"
    )
    tracker_events_per_minute: int = Field(
        default=600, ge=1, description="flood limit: tracker events one visitor may send per minute"
    )
    event_retention_days: int = Field(
        default=90, ge=0, description="delete raw tracked events older than this; 0 keeps them"
    )
    audit_retention_days: int = Field(
        default=365, ge=0, description="delete audit log entries older than this; 0 keeps them"
    )
    workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description="server processes sharing the port (`hovor run --workers N`); "
        "above 1 needs PostgreSQL and Redis",
    )
    shutdown_timeout_seconds: int = Field(
        default=10,
        ge=0,
        le=600,
        description="on SIGTERM, how long open requests may take to finish before they are cut",
    )
    ws_compression: bool = Field(
        default=False,
        description="accept per-message deflate on WebSockets (about 48 KiB of zlib state per socket)",
    )
    smtp_url: str | None = Field(
        default=None,
        description="e-mail replies: smtp://user:pass@host:587?starttls=true (smtps:// for TLS); "
        "unset: replies are stored, not sent",
    )
    weekly_report: bool = Field(
        default=True,
        description="send supervisors and admins last week's figures each Monday (needs "
        "HOVOR_SMTP_URL; docs/analytics.md)",
    )
    weekly_report_tz: str = Field(
        default="Europe/Prague",  # the analytics API's default zone: the same weeks
        description="the weekly report's time zone: its weeks and Monday hour",
    )
    weekly_report_hour: int = Field(
        default=7, ge=0, le=23, description="from this hour on Monday the report is sent"
    )
    weekly_report_from: str = Field(
        default="Hovor <reports@hovor.invalid>", description="the weekly report's From"
    )
    smtp_receiver_port: int | None = Field(
        default=None,
        ge=0,
        le=65535,
        description="the built-in SMTP receiver for forwarded mail listens here; unset: off "
        "(docs/email.md)",
    )
    smtp_receiver_host: str = Field(
        default="127.0.0.1", description="the SMTP receiver's interface (0.0.0.0: all)"
    )
    smtp_receiver_max_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1024, description="larger messages are refused with 552"
    )
    email_attachment_max_bytes: int = Field(
        default=10 * 1024 * 1024,
        ge=0,
        description="largest e-mail attachment stored; a larger one is listed on its message "
        "as not stored (docs/email.md)",
    )
    email_attachments_max_total_bytes: int = Field(
        default=25 * 1024 * 1024,
        ge=0,
        description="most bytes of attachments stored per e-mail; the files past it are listed "
        "as not stored (docs/email.md)",
    )
    imap_poll_seconds: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="how often an e-mail inbox's IMAP folder is read when the server has no IDLE",
    )

    outbox_claim_seconds: int = Field(
        default=60,
        ge=5,
        le=3600,
        description="a claimed delivery not recorded sent or failed by then is sent again "
        "(its node died); keep it longer than the slowest provider call",
    )
    channel_adapters: str = Field(
        default="",
        description="comma-separated module:factory of extra channel adapters to register "
        "(plugins; docs/channels.md); empty: the built-in channels only",
    )
    data_dir: Path = Field(
        default=DEFAULT_VAR_DIR / "data",
        description="where Hovor keeps files: visitors' attachments under attachments/",
    )
    attachment_max_bytes: int = Field(
        default=10 * 1024 * 1024,
        ge=1024,
        le=100 * 1024 * 1024,
        description="largest attachment a visitor may upload (docs/mobile-api.md)",
    )
    # The bot's optional LLM phrasing (docs/self-service.md): an OpenAI-compatible endpoint.
    bot_llm_url: str | None = Field(
        default=None, description="base URL of an OpenAI-compatible API (…/v1); unset: off"
    )
    bot_llm_model: str = Field(default="gpt-4o-mini", description="the model to ask")
    bot_llm_api_key: str | None = Field(default=None, description="sent as a Bearer token")
    # Push notifications to a visitor's devices (docs/mobile-api.md); unset: not sent.
    fcm_credentials: str | None = Field(
        default=None, description="path of the Firebase service-account JSON (FCM HTTP v1)"
    )
    fcm_url: str = Field(
        default="https://fcm.googleapis.com", description="base URL of FCM's HTTP v1 API"
    )
    apns_key_file: str | None = Field(
        default=None, description="path of the APNs auth key (.p8, ES256) for token auth"
    )
    apns_key_id: str | None = Field(default=None, description="the APNs auth key's id")
    apns_team_id: str | None = Field(default=None, description="the Apple developer team id")
    apns_topic: str | None = Field(default=None, description="the app's bundle id (apns-topic)")
    apns_url: str = Field(
        default="https://api.push.apple.com",
        description="APNs over HTTP/2 (https://api.sandbox.push.apple.com for development)",
    )
    vapid_private_key: str | None = Field(
        default=None, description="Web Push: path of the VAPID private key (PEM)"
    )
    vapid_subject: str = Field(
        default="mailto:push@hovor.invalid", description="Web Push: the VAPID contact (sub)"
    )
    webpush_endpoints: str = Field(
        default="https://fcm.googleapis.com/,https://updates.push.services.mozilla.com/,"
        "https://web.push.apple.com/",
        description="comma-separated prefixes a Web Push subscription's endpoint must start "
        "with (the browsers' push services)",
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("weekly_report_tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                "HOVOR_WEEKLY_REPORT_TZ must be an IANA time zone (UTC, Europe/Prague)"
            ) from None
        return value

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "HOVOR_DATABASE_URL must start with sqlite+aiosqlite:// or postgresql+asyncpg://"
            )
        return value

    @property
    def origin(self) -> str:
        """The public origin of this server (scheme://host:port, no trailing slash)."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{host}:{self.port}"

    @property
    def previous_secret_keys(self) -> list[str]:
        return [k.strip() for k in self.secret_key_previous.split(",") if k.strip()]

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
