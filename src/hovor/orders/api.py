"""Endpoints of the orders context: the shop's back-end reports orders; agents read them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status

from hovor.auth.deps import ActorDep
from hovor.auth.service import require_role
from hovor.contacts.customers import check_customer
from hovor.contacts.merge import LinkedRows
from hovor.contacts.service import access_contact
from hovor.core.errors import InvalidInput
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.orders import service
from hovor.orders.currencies import CODES
from hovor.orders.schemas import OrderIn, OrderOut
from hovor.runtime import RuntimeDep, TxDep

router = APIRouter(prefix="/v1", tags=["orders"], responses=PROBLEM_RESPONSES)


def check_order(body: OrderIn) -> service.OrderData:
    """The order as stored: customer identities normalised, currency known; all field errors
    at once."""
    errors: list[dict[str, Any]] = []
    customer = None
    try:
        customer = check_customer(
            ["body", "contact"],
            external_id=body.contact.external_id,
            email=body.contact.email,
            phone=body.contact.phone,
            name=body.contact.name,
        )
    except InvalidInput as exc:
        errors.extend(exc.errors or [])
    currency = body.currency.upper()
    if currency not in CODES:
        errors.append({"loc": ["body", "currency"], "msg": "not an ISO 4217 currency code"})
    if errors or customer is None:
        raise InvalidInput("invalid order", errors=errors)
    return service.OrderData(
        external_id=body.external_id.strip(),
        customer=customer,
        total=body.total,
        currency=currency,
        items=[i.model_dump(mode="json", exclude_none=True) for i in body.items],
        placed_at=body.placed_at,
    )


@router.post(
    "/orders",
    response_model=OrderOut,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"model": OrderOut, "description": "already recorded (a resend)"}},
)
async def record_order(
    body: OrderIn, request: Request, response: Response, actor: ActorDep, tx: TxDep
) -> OrderOut:
    """From the shop's back-end (API token of an admin). Idempotent by ``external_id``: a
    resend answers 200 with the stored order; other content under the same id is a 409."""
    require_role(actor.user, "admin")
    links: LinkedRows = request.app.state.contact_links
    order, created = await service.do_record_order(
        tx, actor.workspace_id, check_order(body), links=links
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    return OrderOut.model_validate(order)


@router.get("/contacts/{contact_id}/orders", response_model=list[OrderOut])
async def contact_orders(contact_id: str, actor: ActorDep, runtime: RuntimeDep) -> list[OrderOut]:
    async with runtime.db.read() as session:
        contact = await access_contact(session, actor.workspace_id, contact_id)
        rows = await service.list_orders(session, actor.workspace_id, contact.id)
    return [OrderOut.model_validate(r) for r in rows]
