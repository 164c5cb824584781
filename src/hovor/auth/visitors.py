"""Visitors of a site: who they are (a signed visitor token) and whether their site may ask.

Used by every visitor-facing edge: the widget session, the visitor socket, the beacon.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hovor.auth.models import SiteKey
from hovor.auth.service import check_origin_allowed, check_site_access, get_site_key
from hovor.core.errors import Unauthorized
from hovor.core.ids import new_id
from hovor.core.languages import choose_text
from hovor.core.visitor_tokens import VisitorClaims, VisitorTokens


@dataclass(frozen=True)
class VisitorSession:
    visitor_id: str
    token: str
    settings: dict[str, Any]


async def start_visitor_session(
    session: AsyncSession,
    tokens: VisitorTokens,
    *,
    site_key: str,
    origin: str | None,
    previous_token: str | None,
    lang: str | None = None,
) -> VisitorSession:
    """A token for the visitor: the same visitor id when the previous token is still good,
    and the site's widget settings with its texts in the visitor's ``lang``."""
    site = await check_site_access(session, site_key, origin)
    claims = tokens.check(previous_token) if previous_token else None
    if claims is None or not _claims_fit(claims, site):
        claims = VisitorClaims(site.workspace_id, site.id, "v_" + new_id())
    return VisitorSession(
        claims.visitor_id, tokens.issue(claims), widget_settings_in(site.widget_settings, lang)
    )


def widget_settings_in(settings: dict[str, Any], lang: str | None) -> dict[str, Any]:
    """The settings as the widget reads them: a title or greeting written per language
    becomes the one for ``lang`` (the page's language)."""
    out = dict(settings)
    for name in ("title", "greeting"):
        value = out.get(name)
        if isinstance(value, dict) and value:
            out[name] = choose_text(value, lang)
    return out


async def authenticate_visitor(
    session: AsyncSession, tokens: VisitorTokens, *, site_key: str, token: str, origin: str | None
) -> VisitorClaims:
    site = await check_site_access(session, site_key, origin)
    claims = tokens.check(token)
    if claims is None or not _claims_fit(claims, site):
        raise Unauthorized("invalid visitor token")
    return claims


async def authenticate_visitor_token(
    session: AsyncSession, tokens: VisitorTokens, *, token: str, origin: str | None
) -> VisitorClaims:
    """For HTTP reads that carry the token: a missing Origin (same-origin GET) is accepted,
    a foreign one is not."""
    claims = tokens.check(token)
    site = await get_site_key(session, claims.site_key_id) if claims else None
    if claims is None or site is None or not _claims_fit(claims, site):
        raise Unauthorized("invalid visitor token")
    if origin is not None:
        check_origin_allowed(site, origin)
    return claims


def visitor_bearer(authorization: str) -> str:
    """The visitor token of an ``Authorization: Bearer …`` header; 401 without one."""
    if not authorization.lower().startswith("bearer "):
        raise Unauthorized("send the visitor token as Authorization: Bearer …")
    return authorization[7:].strip()


def _claims_fit(claims: VisitorClaims, site: SiteKey) -> bool:
    """A token holds for the site it was issued on, in that site's workspace: a token signed
    with the right secret but naming another workspace never reaches that workspace's data."""
    return claims.site_key_id == site.id and claims.workspace_id == site.workspace_id
