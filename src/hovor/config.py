"""Settings from the environment (``HOVOR_*``), with embedded defaults that run on one machine."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

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
    host: str = Field(default="127.0.0.1", description="address the server binds to")
    port: int = Field(default=8000, ge=1, le=65535, description="port the server binds to")
    public_url: str | None = Field(
        default=None, description="URL visitors reach Hovor at; default http://HOST:PORT"
    )
    cookie_secure: bool = Field(default=False, description="mark the session cookie Secure")
    session_hours: int = Field(default=12, ge=1, description="desktop session lifetime")
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="debug, info, warning, error"
    )
    demo_password: str = Field(default="hovor-demo", description="password of the demo users")
    widget_sessions_per_minute: int = Field(
        default=300, ge=1, description="new visitor sessions one address may start per minute"
    )
    tracker_events_per_minute: int = Field(
        default=600, ge=1, description="flood limit: tracker events one visitor may send per minute"
    )
    event_retention_days: int = Field(
        default=90, ge=0, description="delete raw tracked events older than this; 0 keeps them"
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

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

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
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
