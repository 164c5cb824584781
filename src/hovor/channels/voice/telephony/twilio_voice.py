"""Twilio Programmable Voice as a telephony connector: a Twilio number as an inbox.

Click to call: ``POST {api_base}/2010-04-01/Accounts/{sid}/Calls.json`` (through the
``twilio`` library) rings the agent's phone; when they pick up, Twilio fetches TwiML from
the inbox's webhook (``leg=bridge``) and we answer ``<Dial><Number>customer</Number></Dial>``
with machine detection, so ringing, answer, voicemail and the end of the customer's leg come
back as status callbacks (``leg=customer``). Inbound: the number's "A call comes in" and
"Call status changes" URLs are the inbox's webhook; the caller is held (``<Pause>`` then
``<Redirect>`` to ``leg=wait``) until routing gives the call to an agent, then the agent's
phone is dialled. Every call is signed with ``X-Twilio-Signature`` over the URL (with its
query) and every parameter, checked with Twilio's ``RequestValidator`` (``sms.webhook``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from twilio.base.exceptions import TwilioRestException  # type: ignore[import-untyped]
from twilio.http.async_http_client import AsyncTwilioHttpClient  # type: ignore[import-untyped]
from twilio.rest import Client  # type: ignore[import-untyped]
from twilio.twiml.voice_response import Dial, VoiceResponse  # type: ignore[import-untyped]

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
from hovor.channels.sms import rest_api
from hovor.channels.sms.webhook import FormParams, check_signature, form
from hovor.channels.voice.telephony import calls, progress
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
from hovor.core.errors import field_error
from hovor.db.transaction import Database

INFO = ChannelInfo(
    kind="twilio_voice",
    display_name="Phone (Twilio Voice)",
    identity_kinds=("phone",),
    realtime=True,
    default_sla_seconds=30.0,  # a caller on hold
    default_capacity=1,  # one call at a time
    outbound=False,  # an agent's messages on a call are their notes
)

# Twilio's CallStatus → ours. queued and initiated say nothing the desktop shows.
STATUSES: dict[str, tuple[EventStatus, EndedAs | None]] = {
    "queued": ("ringing", None),
    "initiated": ("ringing", None),
    "ringing": ("ringing", None),
    "in-progress": ("answered", None),
    "completed": ("ended", "completed"),
    "busy": ("ended", "busy"),
    "no-answer": ("ended", "no_answer"),
    "failed": ("ended", "failed"),
    "canceled": ("ended", "canceled"),
}
LEGS: frozenset[str] = frozenset({"agent", "customer", "wait", "bridge", "recording"})
PROGRESS = "initiated ringing answered completed"  # statusCallbackEvent of every leg
HOLD_SECONDS = 5  # between a held caller's polls
VOICE = {"language": "cs-CZ"}


class TwilioVoiceAdapter:
    kind = INFO.kind
    info = INFO
    config_fields = (
        ConfigField(
            "account_sid", "Account SID", help="Twilio Console → Account info: starts with AC"
        ),
        ConfigField(
            "auth_token",
            "Auth token",
            secret=True,
            help="Twilio Console → Account info: signs Twilio's webhooks and authorises calls",
        ),
        ConfigField(
            "phone_number",
            "Twilio phone number",
            help="the number customers call and the caller id of click to call (+420…)",
        ),
        ConfigField(
            "record",
            "Record calls",
            required=False,
            help="yes: record click-to-call calls (the recording link lands on the call)",
        ),
        ConfigField(
            "mask_numbers",
            "Mask numbers for agents",
            required=False,
            help="yes: agents see callers' numbers masked (+420 *** *** 789); "
            "supervisors and admins see them in full",
        ),
        ConfigField(
            "api_base",
            "API base URL",
            required=False,
            help=f"default {rest_api.DEFAULT_API_BASE}",
        ),
    )

    def __init__(self, db: Database, origin: str, *, timeout: float = 10.0) -> None:
        self._db = db
        self._origin = origin.rstrip("/")
        self._timeout = timeout

    # Settings ------------------------------------------------------------------------------

    def check_config(self, config: Mapping[str, Any]) -> dict[str, Any]:
        checked = rest_api.check_account(config)
        for flag in ("record", "mask_numbers"):
            checked[flag] = calls.check_yes_no(config.get(flag), ["body", "config", flag])
        return checked

    # The channel adapter: calls are not messages -------------------------------------------

    def handshake(self, raw: RawInbound) -> str | None:
        return None

    def verify(self, raw: RawInbound) -> None:
        assert raw.inbox is not None
        token = str(raw.inbox.config.get("auth_token", ""))
        check_signature(token, raw.url, form(raw.body, raw.headers), raw.headers)

    def parse(self, raw: RawInbound) -> list[Inbound]:
        return []

    def receipts(self, raw: RawInbound) -> list[Receipt]:
        return []

    async def send(self, outbound: Outbound) -> Sent:
        raise DeliveryFailed("a call is answered by phone; nothing is sent", permanent=True)

    async def check_connection(self, inbox: InboxRef) -> str:
        answer = await rest_api.call(
            "GET",
            rest_api.account_url(self._api_base(inbox), str(inbox.config["account_sid"])),
            (str(inbox.config["account_sid"]), str(inbox.config["auth_token"])),
            seconds=self._timeout,
        )
        return f"{answer.get('friendly_name')} ({answer.get('status')})"

    async def answer_webhook(self, raw: RawInbound) -> tuple[bytes, str]:
        return await progress.do_receive_call_webhook(self._db, self, raw)

    # The telephony connector ----------------------------------------------------------------

    def company_number(self, inbox: InboxRef) -> str:
        return str(inbox.config["phone_number"])

    def webhook_url(self, inbox: InboxRef, **query: str | int) -> str:
        base = f"{self._origin}/v1/channels/{self.kind}/{inbox.id}/webhook"
        return f"{base}?{urlencode(query)}" if query else base

    def call_event(self, raw: RawInbound) -> CallEvent:
        params = form(raw.body, raw.headers)
        leg_given = raw.query.get("leg")
        if leg_given is not None and leg_given not in LEGS:
            raise field_error(["query", "leg"], "unknown leg")
        sid = _required(params, "CallSid")
        if len(sid) > 64 or not sid.isalnum():
            raise field_error(["body", "CallSid"], "a Twilio call SID")
        parent = params.one("ParentCallSid") or sid
        twilio_status = _required(params, "CallStatus")
        if twilio_status not in STATUSES:
            raise field_error(["body", "CallStatus"], "a Twilio call status")
        status, ended_as = STATUSES[twilio_status]
        leg: Leg = leg_given if leg_given is not None else "caller"  # type: ignore[assignment]
        if leg == "wait":
            status = "waiting"
        if leg == "recording":
            status = "recorded"
        direction = "inbound" if (params.one("Direction") or "") == "inbound" else "outbound"
        if leg in ("wait", "caller"):
            direction = "inbound"
        duration = params.one("CallDuration") or params.one("DialCallDuration")
        if duration is not None and not duration.isdigit():
            raise field_error(["body", "CallDuration"], "whole seconds")
        waited = raw.query.get("n", "0")
        if not waited.isdigit():
            raise field_error(["query", "n"], "a count")
        return CallEvent(
            provider_call_id=parent if leg != "caller" else sid,
            status=status,
            leg=leg,
            direction=direction,  # type: ignore[arg-type]
            from_number=_phone(params, "From"),
            to_number=_phone(params, "To"),
            hovor_call_id=raw.query.get("call"),
            ended_as=ended_as,
            duration_seconds=int(duration) if duration is not None else None,
            machine=(params.one("AnsweredBy") or "").startswith(("machine", "fax")),
            recording_url=params.one("RecordingUrl") or None,
            waited=int(waited),
        )

    def reply(self, inbox: InboxRef, raw: RawInbound, reply: CallReply) -> tuple[bytes, str]:
        twiml = VoiceResponse()
        if reply.action == "reject":
            twiml.reject()
        elif reply.action == "hold":
            if reply.say:
                twiml.say(reply.say, **VOICE)
            twiml.pause(length=HOLD_SECONDS)
            twiml.redirect(
                self.webhook_url(inbox, leg="wait", n=reply.waited, call=reply.hovor_call_id or ""),
                method="POST",
            )
        elif reply.action == "connect":
            assert reply.number is not None and reply.hovor_call_id is not None
            twiml.append(self._dial(inbox, reply))
            if reply.dial_leg == "agent":  # the agent did not take it: hold again
                twiml.redirect(
                    self.webhook_url(inbox, leg="wait", n=reply.waited, call=reply.hovor_call_id),
                    method="POST",
                )
        elif reply.action == "hangup":
            if reply.say:
                twiml.say(reply.say, **VOICE)
            twiml.hangup()
        return str(twiml).encode(), "application/xml"

    def _dial(self, inbox: InboxRef, reply: CallReply) -> Dial:
        assert reply.number is not None and reply.hovor_call_id is not None
        customer = reply.dial_leg == "customer"
        options: dict[str, Any] = {
            "caller_id": self.company_number(inbox),
            "answer_on_bridge": True,
            "timeout": 30 if customer else 20,
        }
        if customer and inbox.config.get("record") == "yes":
            options["record"] = "record-from-answer-dual"
            options["recording_status_callback"] = self.webhook_url(
                inbox, leg="recording", call=reply.hovor_call_id
            )
        dial = Dial(**options)
        number: dict[str, Any] = {
            "status_callback": self.webhook_url(
                inbox, leg=reply.dial_leg, call=reply.hovor_call_id
            ),
            "status_callback_event": PROGRESS,
            "status_callback_method": "POST",
        }
        if customer:
            number["machine_detection"] = "Enable"  # voicemail: AnsweredBy=machine_*
        dial.number(reply.number, **number)
        return dial

    async def start_call(self, inbox: InboxRef, request: DialRequest) -> str:
        http = AsyncTwilioHttpClient(timeout=self._timeout)
        client = Client(
            str(inbox.config["account_sid"]), str(inbox.config["auth_token"]), http_client=http
        )
        client.api.base_url = self._api_base(inbox)
        try:
            call = await client.api.v2010.accounts(client.account_sid).calls.create_async(
                to=request.agent_number,
                from_=self.company_number(inbox),
                url=self.webhook_url(inbox, leg="bridge", call=request.hovor_call_id),
                method="POST",
                status_callback=self.webhook_url(inbox, leg="agent", call=request.hovor_call_id),
                status_callback_event=PROGRESS.split(),
                status_callback_method="POST",
                timeout=20,
            )
        except TwilioRestException as exc:
            permanent = 400 <= exc.status < 500 and exc.status != 429
            raise DeliveryFailed(
                f"Twilio refused the call ({exc.status}, error {exc.code}): {exc.msg}"[:300],
                permanent=permanent,
            ) from exc
        except Exception as exc:  # network, timeout: aiohttp's own errors
            raise DeliveryFailed(f"Twilio could not be reached ({type(exc).__name__})") from exc
        finally:
            await http.close()
        return str(call.sid)

    def _api_base(self, inbox: InboxRef) -> str:
        return str(inbox.config.get("api_base") or rest_api.DEFAULT_API_BASE)


def _required(params: FormParams, name: str) -> str:
    value = params.one(name)
    if value is None or not value.strip():
        raise field_error(["body", name], "required")
    return value.strip()


def _phone(params: FormParams, name: str) -> str | None:
    """An E.164 number, or None for what is not one (a SIP or client address)."""
    value = (params.one(name) or "").strip()
    if not value.startswith("+"):
        return None
    return normalize_phone(value, ["body", name])
