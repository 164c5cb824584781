"""The running service's shared parts, built once by ``create_app`` and reached through Depends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, WebSocket

from hovor.bus import Bus
from hovor.config import Settings
from hovor.core.channels import ChannelCatalogue
from hovor.core.dispatch import Dispatcher
from hovor.core.ratelimit import RateLimiter
from hovor.core.visitor_tokens import VisitorTokens
from hovor.db.transaction import Database, Tx


@dataclass
class Runtime:
    settings: Settings
    db: Database
    bus: Bus
    dispatcher: Dispatcher
    limiter: RateLimiter
    visitor_tokens: VisitorTokens
    channels: ChannelCatalogue  # the registered channels' traits (kinds, SLA, identity kinds)


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_ws_runtime(websocket: WebSocket) -> Runtime:
    runtime: Runtime = websocket.app.state.runtime
    return runtime


async def get_tx(request: Request) -> AsyncIterator[Tx]:
    """A transaction for the request; committed when the endpoint returns without error."""
    async with get_runtime(request).db.transaction() as tx:
        yield tx


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
TxDep = Annotated[Tx, Depends(get_tx, scope="function")]
