"""A contact with every kind of data, marked with distinctive strings, and a scan for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from hovor.auth.models import User
from hovor.channels.voice.service import do_request_callback
from hovor.contacts import attributes, merge, service, timeline
from hovor.contacts.customers import CustomerRef
from hovor.contacts.models import IDENTITY_KINDS
from hovor.conversations.models import Conversation, Message
from hovor.conversations.service import do_send_message
from hovor.core import clock
from hovor.core.ids import new_id
from hovor.db.transaction import Database
from hovor.engagement.models import Offer
from hovor.models import metadata
from hovor.orders.service import OrderData, do_record_order
from hovor.tickets.notes import do_add_note
from hovor.tickets.service import do_create_ticket
from hovor.tracking.models import TrackedEvent, WebSession
from tests.contacts.helpers import LINKS
from tests.support.factories import visitor_writes

NAME = "Quentin Zarkowski"
EMAIL = "quentin.zarkowski@example.org"
PHONE = "+442079460958"
EXTERNAL_ID = "cust-zq-4411"
MESSENGER = "tg:zq-998877"
VISITOR = "v_zqprivacy01"
OTHER_VISITOR = "v_zqprivacy02"
MESSAGE = "My flat is 221B Zyxwvut Street"
LANDING = "https://shop.example.org/zq-landing"
REFERRER = "https://search.example.org/?q=zq-referrer"
USER_AGENT = "ZQAgent/9.9"
PAGE = "https://shop.example.org/zq-product-page"
PRODUCT = "Zorblax Toaster 3000"
ATTRIBUTE = "Zarko-secret-nick"
# Every one of these must be gone after anonymising (orders.items excepted: see docs).
NEEDLES = (
    "Zarkowski",
    "quentin.zarkowski",
    "2079460958",
    "cust-zq",
    "tg:zq",
    "Zyxwvut",
    "zq-landing",
    "zq-referrer",
    "ZQAgent",
    "zq-product-page",
    "zq-campaign",
    "Zorblax",
    "Zarko-secret",
)


@dataclass
class Built:
    workspace_id: str
    contact_id: str
    source_id: str  # a contact merged into it
    conversation_ids: list[str]


async def build_contact(db: Database, workspace_id: str, agent: User) -> Built:
    """A contact with identities, attributes, claims, a merged-in contact, chats with notes,
    an outbox row and e-mail thread ids, a callback, an order, offers, web sessions and
    tracked events."""
    now = clock.now()
    first = await visitor_writes(db, workspace_id, VISITOR, MESSAGE)
    second = await visitor_writes(db, workspace_id, OTHER_VISITOR, f"It is {NAME} again")
    async with db.transaction() as tx:
        await attributes.do_declare_attribute(
            tx, workspace_id, name="nickname", label="Nickname", type_="string", options=[]
        )
    async with db.transaction() as tx:
        conversation = await tx.session.get(Conversation, first.conversation_id)
        assert conversation is not None
        contact = await service.access_contact(tx.session, workspace_id, conversation.contact_id)
        await service.do_update_contact(tx, contact, name=NAME, attributes={"nickname": ATTRIBUTE})
        contact.claims = {"name": NAME, "email": EMAIL}
        visitor_message = await tx.session.get(Message, first.message.id)
        assert visitor_message is not None
        visitor_message.author_name = NAME  # as a channel that knows the sender's name sets it
        for kind, value in (
            ("email", EMAIL),
            ("phone", PHONE),
            ("external_id", EXTERNAL_ID),
            ("messenger", MESSENGER),
        ):
            # "messenger" stands for a kind a registered channel declares (e.g. Telegram's).
            await service.do_add_identity(
                tx, contact, kind, value, verified=True, kinds=(*IDENTITY_KINDS, "messenger")
            )
        reply, _ = await do_send_message(
            tx,
            conversation,
            author_type="agent",
            author_id=agent.id,
            author_name=agent.name,
            body=f"Hello {NAME}, we will write to {EMAIL}",
        )
        # The reply's outbox row and its e-mail thread ids, written as the channels do
        # (through the tables, so the test does not depend on where their models live).
        await tx.session.execute(
            metadata.tables["deliveries"]
            .insert()
            .values(
                id=new_id(),
                workspace_id=workspace_id,
                message_id=reply.id,
                conversation_id=conversation.id,
                channel="email",
                recipient=EMAIL,
                status="failed",
                attempts=1,
                next_attempt_at=now,
                last_error=f"550 mailbox {EMAIL} is full",
                updated_at=now,
                created_at=now,
            )
        )
        await tx.session.execute(
            metadata.tables["email_message_ids"]
            .insert()
            .values(
                id=new_id(),
                workspace_id=workspace_id,
                header_id=f"{new_id()}@mail.example.org",
                conversation_id=conversation.id,
                message_id=reply.id,
                direction="out",
                subject=f"Re: Refund for {NAME}",
                created_at=now,
            )
        )
        await do_send_message(
            tx,
            conversation,
            author_type="agent",
            author_id=agent.id,
            author_name=agent.name,
            body=f"Note: customer lives at 221B Zyxwvut Street, likes {PRODUCT}",
            private=True,
        )
        await timeline.do_record(
            tx,
            workspace_id,
            contact.id,
            timeline.WEB_SESSION,
            now,
            "web_session",
            f"ws-{new_id()}",
            f"Visited {PAGE}",
            {"pages": [LANDING, PAGE], "cart": {"p1": PRODUCT}},
        )
        contact_id = contact.id
    async with db.transaction() as tx:
        conversation = await tx.session.get(Conversation, first.conversation_id)
        assert conversation is not None
        ticket = await do_create_ticket(
            tx, conversation, user_id=agent.id, subject=f"Refund for {NAME}"
        )
        await do_add_note(tx, ticket, f"Send the refund to {EMAIL}", user_id=agent.id)
    second_conversation = second.conversation_id
    async with db.transaction() as tx:
        other = await tx.session.get(Conversation, second_conversation)
        assert other is not None
        source = await service.access_contact(tx.session, workspace_id, other.contact_id)
        source.name = f"{NAME} (phone)"
        source.claims = {"email": EMAIL}
        source_id = source.id
        await merge.do_merge_contacts(
            tx, workspace_id, source_id, contact_id, "system:test", links=LINKS
        )
    async with db.transaction() as tx:
        callback, _ = await do_request_callback(
            tx,
            workspace_id,
            visitor_id=VISITOR,
            phone=PHONE,
            preferred_at=None,
            reason=f"Offer accepted; cart: {PRODUCT}",
            context={"page": {"url": PAGE}, "cart": {"p1": {"name": PRODUCT, "quantity": 1}}},
        )
        callback_id = callback.id
    async with db.transaction() as tx:
        await do_record_order(
            tx,
            workspace_id,
            OrderData(
                external_id="order-1001",
                customer=CustomerRef(external_id=EXTERNAL_ID, email=EMAIL, name=NAME),
                total=Decimal("129.00"),
                currency="EUR",
                items=[{"sku": "tst-1", "name": PRODUCT, "quantity": 1, "price": "129.00"}],
                placed_at=now,
            ),
            links=LINKS,
        )
    async with db.transaction() as tx:
        session_id = new_id()
        tx.session.add(
            WebSession(
                id=session_id,
                workspace_id=workspace_id,
                visitor_id=VISITOR,
                started_at=now - timedelta(minutes=5),
                last_seen_at=now,
                landing_url=LANDING,
                referrer=REFERRER,
                utm={"utm_campaign": "zq-campaign"},
                user_agent=USER_AGENT,
                device="desktop",
                events=2,
            )
        )
        for i, (kind, props) in enumerate(
            (("page.view", {}), ("cart.add", {"product_id": "p1", "name": PRODUCT}))
        ):
            tx.session.add(
                TrackedEvent(
                    workspace_id=workspace_id,
                    visitor_id=VISITOR,
                    session_id=session_id,
                    event_id=f"e{i}",
                    type=kind,
                    ts=now - timedelta(minutes=4 - i),
                    received_at=now,
                    props=props,
                    page={"url": PAGE, "title": f"{PRODUCT} | Shop"},
                )
            )
        tx.session.add(
            Offer(
                workspace_id=workspace_id,
                visitor_id=VISITOR,
                session_id=session_id,
                rule_key="cart-help",
                rule_version=1,
                kind="chat",
                text=f"Questions about {PRODUCT}?",
                status="accepted",
                expires_at=now + timedelta(minutes=2),
                context={"page": {"url": PAGE}, "cart": {"p1": {"name": PRODUCT}}},
            )
        )
    return Built(
        workspace_id,
        contact_id,
        source_id,
        [first.conversation_id, second_conversation, callback_id],
    )


async def scan(db: Database, needles: tuple[str, ...] = NEEDLES) -> set[tuple[str, str, str]]:
    """Every (table, column, needle) where a needle still appears, in any table's values."""
    found: set[tuple[str, str, str]] = set()
    async with db.read() as session:
        for table in metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                for column, value in row._mapping.items():
                    text = str(value)
                    for needle in needles:
                        if needle.lower() in text.lower():
                            found.add((table.name, str(column), needle))
    return found


async def count_rows(db: Database, workspace_id: str) -> dict[str, int]:
    """Rows per table of one workspace (tables with a workspace_id column)."""
    counts: dict[str, int] = {}
    async with db.read() as session:
        for table in metadata.sorted_tables:
            if "workspace_id" in table.c:
                rows = (
                    await session.execute(select(table).where(table.c.workspace_id == workspace_id))
                ).all()
                counts[table.name] = len(rows)
    return counts
