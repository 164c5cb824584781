"""The generic connector's signature check refuses what it cannot have signed."""

from __future__ import annotations

import pytest

from hovor.channels.voice.telephony import signing
from hovor.core.errors import Forbidden


def test_a_signature_header_with_non_ascii_characters_is_forbidden() -> None:
    # Headers arrive decoded as Latin-1; hmac.compare_digest raised TypeError on such a str
    # (an HTTP 500 found by the API fuzz test) instead of refusing it.
    headers = {k.lower(): v for k, v in signing.signed_headers("s3cret", b"{}").items()}
    headers[signing.SIGNATURE_HEADER] = "sha256=" + "é" * 64
    with pytest.raises(Forbidden, match="bad X-Hovor-Signature"):
        signing.check("s3cret", headers, b"{}")
