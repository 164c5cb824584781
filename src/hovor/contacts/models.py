"""Contacts, their identities (an address on a channel), declared attributes, merges, timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hovor.core import clock
from hovor.core.channels import CORE_IDENTITY_KINDS
from hovor.core.personal_data import (
    ERASED_NAME,
    ERASED_TEXT,
    Blank,
    ByContact,
    ColumnIsNot,
    Delete,
    Export,
    InWorkspace,
    Keep,
    PersonalData,
    declared,
)
from hovor.db.base import Base, IdMixin, TimestampMixin, UTCDateTime

# Channels add kinds of their own (their adapters declare them: ChannelCatalogue.identity_kinds).
IDENTITY_KINDS = CORE_IDENTITY_KINDS
ATTRIBUTE_TYPES = ("string", "number", "boolean", "date", "enum")


class Contact(IdMixin, TimestampMixin, Base):
    __tablename__ = "contacts"
    # The contact heads the export (``contact``); the contacts merged into it are listed.
    __table_args__ = (
        declared(
            PersonalData(
                reach=(ByContact("id"),),
                export=Export("merged_contacts"),
                anonymise=Blank(
                    {
                        "name": ERASED_NAME,
                        "email": None,
                        "phone": None,
                        "attributes": {},
                        "claims": {},
                    }
                ),
                delete=Delete(
                    tombstone={
                        "name": ERASED_NAME,
                        "email": None,
                        "phone": None,
                        "attributes": {},
                        "claims": {},
                        "merged_into_id": None,
                    }
                ),
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # The primary e-mail and phone, kept in step with the contact's identities.
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    # What a visitor said about themselves without proof (an unsigned identify): shown, never
    # used to find or join a profile.
    claims: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    # Set while this contact is merged into another one (kept so that a merge can be undone).
    merged_into_id: Mapped[str | None] = mapped_column(String(26), nullable=True, index=True)


class ContactIdentity(IdMixin, TimestampMixin, Base):
    __tablename__ = "contact_identities"
    __table_args__ = (
        UniqueConstraint("workspace_id", "kind", "value"),
        # Visitor ids are random; kept on anonymise so analytics stay joined.
        declared(
            PersonalData(
                reach=(ByContact("contact_id"),),
                export=Export("identities"),
                anonymise=Delete(only=ColumnIsNot("kind", "visitor")),
                delete=Delete(),
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    contact_id: Mapped[str] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))  # one of IDENTITY_KINDS
    value: Mapped[str] = mapped_column(String(254))
    verified: Mapped[bool] = mapped_column(Boolean, default=False)


class ContactAttribute(IdMixin, TimestampMixin, Base):
    """A custom attribute the workspace declares: its name, type and (for enums) options."""

    __tablename__ = "contact_attributes"
    __table_args__ = (
        UniqueConstraint("workspace_id", "name"),
        declared(
            PersonalData(
                reach=(InWorkspace(),),
                export=Export("attribute_declarations"),
                anonymise=Keep("the workspace's declarations, needed to read the attributes"),
                delete=Keep("the workspace's declarations, needed to read the attributes"),
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    name: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(120))
    type: Mapped[str] = mapped_column(String(16))  # one of ATTRIBUTE_TYPES
    options: Mapped[list[str]] = mapped_column(JSON, default=list)


class ContactMerge(IdMixin, TimestampMixin, Base):
    """The audit row of a merge: who, when, and exactly what moved, so it can be undone."""

    __tablename__ = "contact_merges"
    __table_args__ = (
        Index("ix_contact_merges_target", "workspace_id", "target_id"),
        declared(
            PersonalData(
                reach=(ByContact("source_id"), ByContact("target_id")),
                export=Export("merges"),
                anonymise=Keep("ids and times only"),
                delete=Delete(),
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    source_id: Mapped[str] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    target_id: Mapped[str] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    actor: Mapped[str] = mapped_column(String(64))  # "user:<id>" or "system:<why>"
    reason: Mapped[str] = mapped_column(String(32))  # "manual", "identify", "order"
    moved: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    undone_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class TimelineEntry(IdMixin, Base):
    """One item of a contact's history. Written only by ``contacts.timeline.do_record``."""

    __tablename__ = "timeline_entries"
    __table_args__ = (
        UniqueConstraint("workspace_id", "ref_type", "ref_id"),
        Index("ix_timeline_entries_contact", "workspace_id", "contact_id", "occurred_at", "id"),
        declared(
            PersonalData(
                reach=(ByContact("contact_id"),),
                export=Export("timeline"),
                anonymise=Blank({"summary": ERASED_TEXT, "data": {}}),
                delete=Delete(),
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ref_type: Mapped[str] = mapped_column(String(32))
    ref_id: Mapped[str] = mapped_column(String(128))
    summary: Mapped[str] = mapped_column(String(500))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class IdentitySecret(TimestampMixin, Base):
    """The HMAC secret with which a site's back-end signs its customers' ids (one per site key).

    Its own table rather than a column on ``site_keys``: the contacts context owns identity
    verification, and the auth context's table stays as it is.
    """

    __tablename__ = "identity_secrets"

    site_key_id: Mapped[str] = mapped_column(
        ForeignKey("site_keys.id", ondelete="CASCADE"), primary_key=True
    )
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    secret: Mapped[str] = mapped_column(String(128))
    rotated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    # The secret before the last rotation, still accepted until ``previous_until`` so the
    # shop's back-ends can switch over without refusing customers who sign in meanwhile.
    previous_secret: Mapped[str | None] = mapped_column(String(128), default=None)
    previous_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class IdentityTokenUse(Base):
    """An identity token's ``jti`` seen once: the same token is refused until it expires.

    In the database, which every node shares and which outlives restarts, and written in the
    identify's own transaction (a replay changes nothing; a failed identify spends nothing).
    Only a digest of the jti is kept; rows past ``expires_at`` are deleted as new ones come.
    """

    __tablename__ = "identity_token_uses"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    jti_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
