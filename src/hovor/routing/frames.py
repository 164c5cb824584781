"""The router's frames on the agents' socket (docs/api.md, "Agent WebSocket")."""

from __future__ import annotations

from typing import Literal

from hovor.core.frames import ServerFrame
from hovor.routing.schemas import TaskOut, WallboardLive

RoutingAlert = Literal["sla_warning", "sla_breached", "unroutable"]


class RoutingStatsFrame(ServerFrame):
    """The wallboard's live figures, every few seconds."""

    type: Literal["wallboard.updated"] = "wallboard.updated"
    stats: WallboardLive


class RoutingTaskFrame(ServerFrame):
    """A task was reserved, assigned, requeued or moved a step."""

    type: Literal["task.changed"] = "task.changed"
    task: TaskOut


class RoutingAlertFrame(ServerFrame):
    type: Literal["alert.raised"] = "alert.raised"
    alert: RoutingAlert
    task: TaskOut
