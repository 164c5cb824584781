"""Operations of the privacy context: export and erase a contact, list the audit.

Both requests are audited in ``privacy_requests`` in the transaction that serves them, and
announced after its commit (``contact.exported``, ``contact.erased``). Which tables they
touch, and how, is declared by each table (``core.personal_data``), read through the
registry of ``Base.metadata``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.core.errors import InvalidInput
from hovor.core.events import DomainEvent
from hovor.db.base import Base
from hovor.db.transaction import Tx
from hovor.privacy import events
from hovor.privacy.erase import Mode, erase_scope
from hovor.privacy.models import PrivacyRequest
from hovor.privacy.registry import Registry
from hovor.privacy.scope import ContactScope, contact_scope

MAX_REASON = 500


def registry() -> Registry:
    """The personal-data tables of every model imported so far (all of them, in the app)."""
    return Registry.of(Base.metadata)


def check_erase(mode: str, reason: str) -> str:
    """The trimmed reason, or ``InvalidInput`` naming what is wrong."""
    errors = []
    if mode not in ("anonymise", "delete"):
        errors.append({"loc": ["mode"], "msg": "anonymise or delete"})
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        errors.append({"loc": ["reason"], "msg": f"1 to {MAX_REASON} characters"})
    if errors:
        raise InvalidInput("invalid erase request", errors=errors)
    return reason


async def _audit(
    tx: Tx, scope: ContactScope, *, actor: str, mode: str, reason: str, counts: dict[str, Any]
) -> PrivacyRequest:
    request = PrivacyRequest(
        workspace_id=scope.workspace_id,
        contact_id=scope.contact.id,
        actor=actor,
        mode=mode,
        reason=reason,
        counts=counts,
    )
    tx.session.add(request)
    await tx.session.flush()
    return request


async def do_erase_contact(
    tx: Tx, workspace_id: str, contact_id: str, *, mode: Mode, reason: str, actor: str
) -> PrivacyRequest:
    """Erase the contact (and the contacts merged into it) everywhere, in ``tx``; audit it
    and publish ``contact.erased`` on commit."""
    reason = check_erase(mode, reason)
    scope = await contact_scope(tx.session, workspace_id, contact_id)
    counts = await erase_scope(tx, registry(), scope, mode)
    request = await _audit(tx, scope, actor=actor, mode=mode, reason=reason, counts=counts)
    tx.publish_on_commit(
        DomainEvent(
            events.CONTACT_ERASED,
            workspace_id,
            {
                "contact_id": scope.contact.id,
                "request_id": request.id,
                "mode": mode,
                "actor": actor,
                "counts": counts,
            },
        )
    )
    return request


async def do_export_contact(
    tx: Tx, workspace_id: str, contact_id: str, *, actor: str
) -> ContactScope:
    """Record the export of the contact (404 outside the workspace, 409 for a merged-in
    contact) and publish ``contact.exported`` on commit; the scope to stream it from
    (``privacy.export.export_document``)."""
    scope = await contact_scope(tx.session, workspace_id, contact_id)
    request = await _audit(tx, scope, actor=actor, mode="export", reason="", counts={})
    tx.publish_on_commit(
        DomainEvent(
            events.CONTACT_EXPORTED,
            workspace_id,
            {"contact_id": scope.contact.id, "request_id": request.id, "actor": actor},
        )
    )
    return scope


async def list_requests(
    session: AsyncSession, workspace_id: str, *, contact_id: str | None, limit: int, offset: int
) -> tuple[list[PrivacyRequest], int]:
    """The workspace's privacy requests (of one contact), newest first, and their total."""
    query = select(PrivacyRequest).where(PrivacyRequest.workspace_id == workspace_id)
    if contact_id:
        query = query.where(PrivacyRequest.contact_id == contact_id)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = await session.scalars(
        query.order_by(PrivacyRequest.created_at.desc(), PrivacyRequest.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total
