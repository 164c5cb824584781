"""Schemathesis hooks of the API fuzz test (tests/integration/test_api_fuzz.py), loaded by its
``schemathesis.toml``: how to send the media types schemathesis has no serializer for."""

from __future__ import annotations

import schemathesis

# The forwarded e-mail of POST /v1/channels/email/inbound is raw bytes, like a file.
schemathesis.serializer.alias("message/rfc822", "application/octet-stream")
