"""Enrichment of a visit: device, browser and OS from the user agent; UTM from the landing URL."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from ua_parser import parse

UTM_KEYS = ("source", "medium", "campaign", "term", "content")
MOBILE_OS = {"iOS", "Android", "Windows Phone", "BlackBerry OS", "KaiOS"}
TABLET_HINTS = ("iPad", "Tablet", "Kindle", "Nexus 7", "Nexus 9", "SM-T")


@dataclass(frozen=True)
class Device:
    kind: str  # "desktop", "mobile", "tablet", "bot", "unknown"
    browser: str | None
    os: str | None


@lru_cache(maxsize=4096)
def device_from_user_agent(user_agent: str | None) -> Device:
    if not user_agent:
        return Device("unknown", None, None)
    result = parse(user_agent)
    browser = result.user_agent.family if result.user_agent else None
    os = result.os.family if result.os else None
    device = result.device.family if result.device else ""
    if device == "Spider":
        kind = "bot"
    elif any(h in user_agent for h in TABLET_HINTS):
        kind = "tablet"
    elif os in MOBILE_OS or "Mobile" in user_agent:
        kind = "mobile"
    elif os:
        kind = "desktop"
    else:
        kind = "unknown"
    return Device(kind, browser, os)


def utm_from_url(url: str | None) -> dict[str, str]:
    if not url:
        return {}
    query = parse_qs(urlsplit(url).query)
    return {k: query[f"utm_{k}"][0][:200] for k in UTM_KEYS if query.get(f"utm_{k}")}
