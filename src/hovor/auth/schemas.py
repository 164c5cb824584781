"""API shapes of the auth context."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from hovor.core.languages import texts_validator

Role = Literal["admin", "supervisor", "agent"]
Presence = Literal["online", "busy", "away", "offline"]
# The schema says what ``service.check_origins`` surely refuses (empty, not http(s)://...);
# a path or a bad port is refused there, with a message that quotes the origin.
Origin = Annotated[
    str, StringConstraints(min_length=8, max_length=300, pattern=r"^\s*[Hh][Tt][Tt][Pp][Ss]?://\S")
]


class LoginIn(BaseModel):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=256)


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    email: str
    name: str
    role: Role
    presence: Presence
    presence_reason: str | None = None
    chat_capacity: int


class WorkspaceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str


class MeOut(BaseModel):
    user: UserOut
    workspace: WorkspaceOut
    csrf_token: str | None = Field(
        description="send as X-CSRF-Token on changes; null when authenticated by API token"
    )


class UserIn(BaseModel):
    email: EmailStr
    name: str = Field(min_length=1, max_length=120)
    password: str = Field(min_length=8, max_length=256)
    role: Role = "agent"
    chat_capacity: int = Field(default=3, ge=0, le=50)


class PresenceIn(BaseModel):
    status: Presence
    reason: str | None = Field(default=None, max_length=64)


class ApiTokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=120)


class ApiTokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    user_id: str = Field(description="the user the token acts as (who created it)")
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class ApiTokenCreated(ApiTokenOut):
    token: str = Field(description="the secret; shown only once")


class WidgetSettings(BaseModel):
    # One text, or one per language ({"cs": "…", "en": "…"}): each visitor reads the one of
    # their page's language (core.languages.choose; the first when none fits).
    title: Annotated[str | dict[str, str], texts_validator(80)] = Field(default="Chat with us")
    greeting: Annotated[str | dict[str, str], texts_validator(500)] = Field(
        default="Hi! How can we help?"
    )
    color: str = Field(default="#4f46e5", pattern=r"^#[0-9a-fA-F]{6}$")
    require_consent: bool = Field(
        default=False, description="track nothing until the site calls hovor('consent', true)"
    )


class SiteKeyIn(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    allowed_origins: list[Origin] = Field(min_length=1, max_length=50)
    widget_settings: WidgetSettings = Field(default_factory=WidgetSettings)


class SiteKeyChange(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    allowed_origins: list[Origin] | None = Field(default=None, min_length=1, max_length=50)
    widget_settings: WidgetSettings | None = None


class SiteKeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    key: str
    name: str
    allowed_origins: list[str]
    widget_settings: dict[str, Any]
    created_at: datetime
