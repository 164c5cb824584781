"""Signed visitor tokens: which visitor this is, on which workspace's site. Stateless.

Signed with the current secret key; checked against it and the previous keys still
accepted (``HOVOR_SECRET_KEY_PREVIOUS``), so a key can be rotated without dropping visitors:
a widget that starts a session with an old token gets one signed with the current key.
"""

from __future__ import annotations

from collections.abc import Sequence
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

    def __init__(self, secret_key: str, previous: Sequence[str] = ()) -> None:
        # itsdangerous signs with the last key of the list and accepts every one of them.
        keys = [*reversed([k for k in previous if k and k != secret_key]), secret_key]
        self._serializer = URLSafeTimedSerializer(keys, salt="hovor.visitor")

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
