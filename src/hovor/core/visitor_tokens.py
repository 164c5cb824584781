"""Signed visitor tokens: which visitor this is, on which workspace's site. Stateless."""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

VISITOR_TOKEN_MAX_AGE = 400 * 24 * 3600  # a visitor is remembered for about a year


@dataclass(frozen=True)
class VisitorClaims:
    workspace_id: str
    site_key_id: str
    visitor_id: str


class VisitorTokens:
    """Signs and checks visitor tokens: who the visitor is, on which site."""

    def __init__(self, secret_key: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="hovor.visitor")

    def issue(self, claims: VisitorClaims) -> str:
        return self._serializer.dumps([claims.workspace_id, claims.site_key_id, claims.visitor_id])

    def check(self, token: str) -> VisitorClaims | None:
        try:
            data = self._serializer.loads(token, max_age=VISITOR_TOKEN_MAX_AGE)
        except BadSignature:
            return None
        if not (
            isinstance(data, list) and len(data) == 3 and all(isinstance(x, str) for x in data)
        ):
            return None
        return VisitorClaims(*data)
