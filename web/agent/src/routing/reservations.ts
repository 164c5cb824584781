/** An agent's pending reservations: tasks the router offers them to accept or reject. */
import { localTime } from "./liveStore";
import type { TaskOut } from "./stats";

export function isReservedFor(task: TaskOut, meId: string): boolean {
  return task.status === "reserved" && task.agent_id === meId;
}

/**
 * The pending reservations after a `task.changed` frame: the task leaves the
 * list whatever happened to it (accepted, rejected, timed out, reserved for
 * someone else) and comes back only if it is reserved for me now. Soonest
 * to expire first.
 */
export function reservationsAfter(list: readonly TaskOut[], task: TaskOut, meId: string): TaskOut[] {
  const rest = list.filter((t) => t.id !== task.id);
  if (!isReservedFor(task, meId)) return rest.length === list.length ? (list as TaskOut[]) : rest;
  return [...rest, task].sort((a, b) => expiry(a) - expiry(b));
}

function expiry(task: TaskOut): number {
  const t = task.reservation_expires_at ? Date.parse(task.reservation_expires_at) : Number.NaN;
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}

/** Whole seconds left to accept (never below 0), or null if the task has no deadline. */
export function secondsLeft(expiresIso: string | null, now: number, clockOffsetMs = 0): number | null {
  if (!expiresIso) return null;
  const at = localTime(expiresIso, clockOffsetMs);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** "0:27" for the countdown. */
export function countdownLabel(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
