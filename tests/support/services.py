"""Where the test databases and Redis are, and whether a missing one may be skipped.

SQLite always runs. PostgreSQL and Redis come from HOVOR_TEST_POSTGRES_URL and
HOVOR_TEST_REDIS_URL (defaults: this machine's services). Outside CI an unreachable one
skips its tests with the reason; under CI=true it fails them: they never silently skip.
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

import pytest

POSTGRES_URL = os.environ.get(
    "HOVOR_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("HOVOR_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def reachable(url: str) -> bool:
    parts = urlsplit(url.replace("+asyncpg", ""))
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 0), 2):
            return True
    except OSError:
        return False


def require(url: str, what: str) -> None:
    if reachable(url):
        return
    message = f"{what} is not reachable at {url}"
    if IN_CI:
        pytest.fail(f"{message}; under CI=true these tests must run (.ci/run starts it)")
    pytest.skip(message)
