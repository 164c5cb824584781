"""Fixtures of the tracking tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from hovor.db.transaction import Database
from hovor.tracking.service import Tracking
from tests.support.tracking import running_tracking


@pytest.fixture
async def tracking(db: Database) -> AsyncIterator[Tracking]:
    """Tracking on the test's database, its event log writer running."""
    async with running_tracking(db) as service:
        yield service
