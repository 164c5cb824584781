"""The generic telephony connector: any PBX (Asterisk, FreeSWITCH, 3CX…) that can send and
receive signed JSON. The contract is in docs/telephony.md; in short:

- The PBX POSTs events to the inbox's webhook URL: ``{"event": "call.ringing" | "call.waiting"
  | "call.answered" | "call.ended" | "call.recorded", "call_id", "direction", "from", "to",
  "hovor_call_id"?, "leg"?, "status"?, "duration"?, "answered_by"?, "recording_url"?,
  "waited"?}``, signed (``signing.py``). Hovor answers ``{"action": "ok" | "hold" | "connect" |
  "hangup" | "reject", "number", "hovor_call_id", "waited", "say"}``: for a held caller,
  ``connect`` names the agent's phone to bridge to.
- For a click to call Hovor POSTs ``{"hovor_call_id", "agent", "customer", "caller_id",
  "callback_url"}`` to the inbox's ``originate_url``, signed the same way; the PBX rings the
  agent, then the customer, answers ``{"call_id": "<its id>"}`` and reports the customer's
  leg with events naming ``hovor_call_id``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal, get_args

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hovor.channels.base import (
    ConfigField,
    DeliveryFailed,
    Inbound,
    InboxRef,
    Outbound,
    RawInbound,
    Receipt,
    Sent,
)
from hovor.channels.voice.telephony import calls, progress, signing
from hovor.channels.voice.telephony.connector import (
    CallEvent,
    CallReply,
    DialRequest,
    EndedAs,
    EventStatus,
    Leg,
)
from hovor.contacts.identities import normalize_phone
from hovor.core.channels import ChannelInfo
from hovor.core.errors import InvalidInput, field_error
from hovor.db.transaction import Database

INFO = ChannelInfo(
    kind="pbx",
    display_name="Phone (PBX webhook)",
    identity_kinds=("phone",),
    realtime=True,
    default_sla_seconds=30.0,
    default_capacity=1,
    outbound=False,
)

EVENTS: dict[str, EventStatus] = {
    "call.ringing": "ringing",
    "call.waiting": "waiting",
    "call.answered": "answered",
    "call.ended": "ended",
    "call.recorded": "recorded",
}


class PbxEvent(BaseModel):
    """An event as the PBX sends it (docs/telephony.md)."""

    model_config = ConfigDict(extra="ignore")

    event: Literal["call.ringing", "call.waiting", "call.answered", "call.ended", "call.recorded"]
    call_id: str = Field(min_length=1, max_length=64)
    direction: Literal["inbound", "outbound"]
    from_: str | None = Field(default=None, alias="from", max_length=32)
    to: str | None = Field(default=None, max_length=32)
    hovor_call_id: str | None = Field(default=None, max_length=26)
    leg: Literal["agent", "customer", "caller"] | None = None
    status: Literal[get_args(EndedAs)] | None = None  # type: ignore[valid-type]
    duration: int | None = Field(default=None, ge=0, le=86_400)
    answered_by: Literal["human", "machine"] | None = None
    recording_url: str | None = Field(default=None, max_length=500, pattern=r"^https?://")
    waited: int = Field(default=0, ge=0, le=1000)


class PbxAdapter:
    kind = INFO.kind
    info = INFO
    config_fields = (
        ConfigField(
            "phone_number",
            "Company phone number",
            help="the number customers call, in the international form (+420…)",
        ),
        ConfigField(
            "originate_url",
            "Originate URL",
            help="where Hovor asks the PBX to place a click-to-call call (signed JSON)",
        ),
        ConfigField(
            "mask_numbers",
            "Mask numbers for agents",
            required=False,
            help="yes: agents see callers' numbers masked; supervisors and admins in full",
        ),
    )

    def __init__(self, db: Database, *, timeout: float = 10.0) -> None:
        self._db = db
        self._timeout = timeout

    def check_config(self, config: Mapping[str, Any]) -> dict[str, Any]:
        checked: dict[str, Any] = {}
        for name in ("phone_number", "originate_url"):
            value = config.get(name)
            if not isinstance(value, str) or not value.strip():
                raise field_error(["body", "config", name], "required")
            checked[name] = value.strip()
        checked["phone_number"] = normalize_phone(
            checked["phone_number"], ["body", "config", "phone_number"]
        )
        if not checked["originate_url"].startswith(("https://", "http://")):
            raise field_error(["body", "config", "originate_url"], "an http(s) URL")
        checked["mask_numbers"] = calls.check_yes_no(
            config.get("mask_numbers"), ["body", "config", "mask_numbers"]
        )
        return checked

    def handshake(self, raw: RawInbound) -> str | None:
        return None

    def verify(self, raw: RawInbound) -> None:
        assert raw.inbox is not None
        signing.check(raw.inbox.webhook_secret, raw.headers, raw.body)

    def parse(self, raw: RawInbound) -> list[Inbound]:
        return []

    def receipts(self, raw: RawInbound) -> list[Receipt]:
        return []

    async def send(self, outbound: Outbound) -> Sent:
        raise DeliveryFailed("a call is answered by phone; nothing is sent", permanent=True)

    async def check_connection(self, inbox: InboxRef) -> str:
        answer = await self._post(inbox, {"ping": True})
        return f"the PBX answered: {json.dumps(answer)[:200]}"

    async def answer_webhook(self, raw: RawInbound) -> tuple[bytes, str]:
        return await progress.do_receive_call_webhook(self._db, self, raw)

    # The telephony connector ----------------------------------------------------------------

    def company_number(self, inbox: InboxRef) -> str:
        return str(inbox.config["phone_number"])

    def call_event(self, raw: RawInbound) -> CallEvent:
        try:
            event = PbxEvent.model_validate_json(raw.body)
        except ValidationError as exc:
            raise InvalidInput(
                "not a call event",
                errors=[
                    {"loc": ["body", *e["loc"]], "msg": e["msg"]}
                    for e in exc.errors(include_url=False)
                ],
            ) from exc
        status = EVENTS[event.event]
        if status == "ended" and event.status is None:
            raise field_error(["body", "status"], "required for call.ended")
        leg: Leg = event.leg or ("caller" if event.direction == "inbound" else "customer")
        if status == "waiting":
            leg = "wait"
        return CallEvent(
            provider_call_id=event.call_id,
            status=status,
            leg=leg,
            direction=event.direction,
            from_number=normalize_phone(event.from_, ["body", "from"]) if event.from_ else None,
            to_number=normalize_phone(event.to, ["body", "to"]) if event.to else None,
            hovor_call_id=event.hovor_call_id,
            ended_as=event.status,
            duration_seconds=event.duration,
            machine=event.answered_by == "machine",
            recording_url=event.recording_url,
            waited=event.waited,
        )

    def reply(self, inbox: InboxRef, raw: RawInbound, reply: CallReply) -> tuple[bytes, str]:
        body = {
            "action": reply.action,
            "number": reply.number,
            "hovor_call_id": reply.hovor_call_id,
            "waited": reply.waited,
            "say": reply.say,
        }
        return json.dumps(body).encode(), "application/json"

    async def start_call(self, inbox: InboxRef, request: DialRequest) -> str:
        answer = await self._post(
            inbox,
            {
                "hovor_call_id": request.hovor_call_id,
                "agent": request.agent_number,
                "customer": request.customer_number,
                "caller_id": self.company_number(inbox),
                "callback_url": request.callback_url,
            },
        )
        call_id = answer.get("call_id")
        if not isinstance(call_id, str) or not call_id or len(call_id) > 64:
            raise DeliveryFailed("the PBX answered without a call_id", permanent=True)
        return call_id

    async def _post(self, inbox: InboxRef, payload: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(payload).encode()
        headers = signing.signed_headers(inbox.webhook_secret, body)
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.post(
                    str(inbox.config["originate_url"]), content=body, headers=headers
                )
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"the PBX could not be reached ({type(exc).__name__})") from exc
        if response.status_code >= 400:
            permanent = response.status_code < 500 and response.status_code != 429
            raise DeliveryFailed(
                f"the PBX refused ({response.status_code}): {response.text[:200]}",
                permanent=permanent,
            )
        try:
            answer = response.json()
        except ValueError as exc:
            raise DeliveryFailed("the PBX answered without JSON") from exc
        return answer if isinstance(answer, dict) else {}
