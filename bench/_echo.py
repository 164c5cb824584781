"""The yardstick of ``site_traffic``: a bare WebSocket server on Hovor's own stack.

The same uvicorn (same WebSocket implementation and limits) serving one Starlette route
that does the least a tracker endpoint must do: parse each frame's JSON and acknowledge its
events' ids. Run by the benchmark as ``python -m bench._echo PORT``.
"""

from __future__ import annotations

import sys

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect


async def echo(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text('{"type":"hello"}')
    try:
        while True:
            frame = orjson.loads(await websocket.receive_text())
            ids = [e.get("id") for e in frame.get("events", ())]
            await websocket.send_text(
                orjson.dumps({"type": "events.ack", "accepted": ids, "rejected": []}).decode()
            )
    except WebSocketDisconnect:
        pass


app = Starlette(routes=[WebSocketRoute("/v1/visitor", echo)])


def main() -> None:
    from hovor.realtime.connection import WS_MAX_MESSAGE_BYTES

    uvicorn.run(
        app,
        host="127.0.0.1",
        port=int(sys.argv[1]),
        log_level="warning",
        ws_max_size=WS_MAX_MESSAGE_BYTES,
        ws_per_message_deflate=False,
    )


if __name__ == "__main__":
    main()
