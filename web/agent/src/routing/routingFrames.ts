/**
 * Where the router's live frames go: figures into the wallboard's cache and
 * the trend, tasks into my pending reservations, alerts into the recent list.
 */
import type { QueryClient } from "@tanstack/react-query";
import { keys } from "../api/keys";
import type { ServerFrame } from "../realtime/frames";
import { recordAlert, recordStats } from "./liveStore";
import type { WallboardView } from "./queries";
import { isReservedFor, reservationsAfter } from "./reservations";
import { newerStats, type TaskOut } from "./stats";

export type RoutingFrame = Extract<ServerFrame, { type: "wallboard.updated" | "task.changed" | "alert.raised" }>;

export function isRoutingFrame(frame: ServerFrame): frame is RoutingFrame {
  return frame.type === "wallboard.updated" || frame.type === "task.changed" || frame.type === "alert.raised";
}

export interface RoutingFrameEffects {
  /** A task the router just reserved for me (worth the agent's attention). */
  reservedForMe: TaskOut | null;
}

export function applyRoutingFrame(
  client: QueryClient,
  frame: RoutingFrame,
  meId: string,
  receivedAt: number = Date.now(),
): RoutingFrameEffects {
  switch (frame.type) {
    case "wallboard.updated":
      recordStats(frame.stats, receivedAt);
      client.setQueryData<WallboardView>(keys.wallboard, (board) =>
        board ? { ...board, live: newerStats(board.live, frame.stats) } : board,
      );
      return { reservedForMe: null };
    case "task.changed": {
      const { task } = frame;
      client.setQueryData<TaskOut[]>(keys.myReservations, (list) =>
        list ? reservationsAfter(list, task, meId) : isReservedFor(task, meId) ? [task] : list,
      );
      // An answer changes today's service level; the live part comes by itself.
      if (task.status === "assigned") void client.invalidateQueries({ queryKey: keys.wallboard });
      return { reservedForMe: isReservedFor(task, meId) ? task : null };
    }
    case "alert.raised":
      recordAlert(frame.alert, frame.task, receivedAt);
      return { reservedForMe: null };
  }
}
