"""API shapes of conversations and messages (also the payloads of their events and frames)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_BODY = 4000
AuthorType = Literal["visitor", "agent", "system"]


class MessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    conversation_id: str
    author_type: AuthorType
    author_id: str | None
    author_name: str | None
    body: str
    client_id: str | None
    private: bool = Field(
        default=False, description="a note for the team; never sent to the customer"
    )
    created_at: datetime


class ContactRef(BaseModel):
    id: str
    name: str
    email: str | None


class UserRef(BaseModel):
    id: str
    name: str


class ConversationOut(BaseModel):
    id: str
    status: Literal["open", "closed"]
    channel: str
    contact: ContactRef
    assignee: UserRef | None
    last_message: MessageOut | None
    unread_count: int
    created_at: datetime
    last_activity_at: datetime


class ConversationPage(BaseModel):
    items: list[ConversationOut]
    next_cursor: str | None


class MessagePage(BaseModel):
    items: list[MessageOut]
    has_more: bool


class MessageIn(BaseModel):
    body: str = Field(min_length=1, max_length=MAX_BODY)
    client_id: str = Field(min_length=1, max_length=64)
    private: bool = Field(default=False, description="a private note for the team")


class AssignIn(BaseModel):
    user_id: str | None
