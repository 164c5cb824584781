"""A local stand-in of Twilio Programmable Voice, in both directions.

Its REST side (``tests.support.stand_in``) answers ``POST /2010-04-01/Accounts/{sid}/Calls.json``
as Twilio does (201, the call resource with a new ``CA`` SID, ``status: queued``) only with
the account's basic auth, and records the form (``To``, ``From``, ``Url``, ``StatusCallback``,
``StatusCallbackEvent``…). Its network side plays the phones: it POSTs what Twilio POSTs
(form-encoded, ``X-Twilio-Signature`` over the URL and every parameter) to the URLs Hovor gave
it, in the REST call and in its TwiML, and reads the TwiML answers as Twilio would.
"""

from __future__ import annotations

import base64
import secrets
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from hovor.channels.sms.webhook import sign
from tests.support.stand_in import StandIn, stand_in

ACCOUNT_SID = "AC7c2d9e8f1a3b4c5d6e7f8091a2b3c4d5"
AUTH_TOKEN = "5e4d3c2b1a0f9e8d7c6b5a4938271605"
NUMBER = "+420228880100"  # the company's Twilio number


def call_sid() -> str:
    return f"CA{secrets.token_hex(16)}"


def config(api_base: str, **extra: str) -> dict[str, str]:
    return {
        "account_sid": ACCOUNT_SID,
        "auth_token": AUTH_TOKEN,
        "phone_number": NUMBER,
        "api_base": api_base,
        **extra,
    }


def twiml(response: httpx.Response) -> ET.Element:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    return ET.fromstring(response.text)


@dataclass
class TwilioVoice:
    server: StandIn | None = None
    created: list[dict[str, Any]] = field(default_factory=list)  # Calls.json forms + sid

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.origin

    def answer(self, call: dict[str, Any]) -> tuple[int, Any]:
        expected = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        if call["headers"].get("authorization") != f"Basic {expected}":
            return 401, {"code": 20003, "message": "Authenticate", "status": 401}
        path = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json"
        if call["method"] != "POST" or call["path"] != path:
            return 404, {"code": 20404, "message": "The requested resource was not found"}
        form = call["form"]
        if not str(form.get("To", "")).startswith("+"):
            return 400, {"code": 21211, "message": "Invalid 'To' Phone Number", "status": 400}
        sid = call_sid()
        self.created.append({**form, "sid": sid})
        return 201, {
            "sid": sid,
            "account_sid": ACCOUNT_SID,
            "to": form["To"],
            "from": form["From"],
            "status": "queued",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls/{sid}.json",
        }

    async def post(self, url: str, params: dict[str, str]) -> httpx.Response:
        """What Twilio sends to ``url``: the parameters as a form, signed."""
        base = {"AccountSid": ACCOUNT_SID, "ApiVersion": "2010-04-01"}
        form = {**base, **params}
        headers = {"X-Twilio-Signature": sign(AUTH_TOKEN, url, form)}
        async with httpx.AsyncClient(timeout=10) as http:
            return await http.post(url, data=form, headers=headers)

    # A click to call: the agent's leg (the REST call), then the customer's (the <Dial>).

    async def agent_leg(self, created: dict[str, Any], status: str) -> httpx.Response:
        return await self.post(
            created["StatusCallback"],
            {
                "CallSid": created["sid"],
                "CallStatus": status,
                "Direction": "outbound-api",
                "From": created["From"],
                "To": created["To"],
                "CallbackSource": "call-progress-events",
            },
        )

    async def agent_picks_up(self, created: dict[str, Any]) -> ET.Element:
        """Twilio fetches the call's TwiML from ``Url`` once the agent answers."""
        await self.agent_leg(created, "in-progress")
        response = await self.post(
            created["Url"],
            {
                "CallSid": created["sid"],
                "CallStatus": "in-progress",
                "Direction": "outbound-api",
                "From": created["From"],
                "To": created["To"],
            },
        )
        return twiml(response)

    async def dialled_leg(
        self, dial: ET.Element, parent: str, child: str, status: str, **extra: str
    ) -> httpx.Response:
        """A status callback of the number ``<Dial><Number statusCallback=…>`` dialled."""
        number = dial.find("Number")
        assert number is not None and number.text
        return await self.post(
            number.attrib["statusCallback"],
            {
                "CallSid": child,
                "ParentCallSid": parent,
                "CallStatus": status,
                "Direction": "outbound-dial",
                "From": dial.attrib.get("callerId", NUMBER),
                "To": number.text,
                "CallbackSource": "call-progress-events",
                **extra,
            },
        )

    # An inbound call to the company number.

    async def incoming(self, webhook: str, caller: str, sid: str, to: str = NUMBER) -> ET.Element:
        response = await self.post(
            webhook,
            {
                "CallSid": sid,
                "CallStatus": "ringing",
                "Direction": "inbound",
                "From": caller,
                "To": to,
                "Caller": caller,
                "Called": to,
            },
        )
        return twiml(response)

    async def follow(self, redirect: ET.Element, caller: str, sid: str) -> ET.Element:
        """Twilio POSTs to a ``<Redirect>``'s URL and runs the TwiML it answers."""
        assert redirect.text
        response = await self.post(
            redirect.text,
            {
                "CallSid": sid,
                "CallStatus": "in-progress",
                "Direction": "inbound",
                "From": caller,
                "To": NUMBER,
            },
        )
        return twiml(response)

    async def caller_hangs_up(
        self, webhook: str, caller: str, sid: str, duration: int
    ) -> httpx.Response:
        return await self.post(
            webhook,
            {
                "CallSid": sid,
                "CallStatus": "completed",
                "CallDuration": str(duration),
                "Direction": "inbound",
                "From": caller,
                "To": NUMBER,
                "CallbackSource": "call-progress-events",
            },
        )


@contextmanager
def twilio_voice() -> Iterator[TwilioVoice]:
    api = TwilioVoice()
    with stand_in(api.answer) as server:
        api.server = server
        yield api
