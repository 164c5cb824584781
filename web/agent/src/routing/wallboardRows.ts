/** The wallboard's queue rows: the router's live figures joined with today's service level. */
import { localTime } from "./liveStore";
import type { QueueLive, QueueToday, RoutingStats } from "./stats";

/** The service level the SLA chart measures against (the API has time targets, not this goal). */
export const SLA_GOAL_PERCENT = 80;

export interface WallboardRow {
  id: string;
  name: string;
  live: QueueLive | null;
  today: QueueToday | null;
}

/**
 * One row per queue the router knows (its order: by name), then queues that
 * only have figures for today (deleted from the router since, or a node that
 * has not counted yet), named from `names` if known.
 */
export function wallboardRows(
  live: RoutingStats | null,
  today: readonly QueueToday[],
  names: ReadonlyMap<string, string> = new Map(),
): WallboardRow[] {
  const byQueue = new Map(today.map((t) => [t.queue_id, t]));
  const rows: WallboardRow[] = (live?.queues ?? []).map((q) => ({ id: q.id, name: q.name, live: q, today: byQueue.get(q.id) ?? null }));
  const seen = new Set(rows.map((r) => r.id));
  const rest = today
    .filter((t) => !seen.has(t.queue_id))
    .map((t) => ({ id: t.queue_id, name: names.get(t.queue_id) ?? t.queue_id, live: null, today: t }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return [...rows, ...rest];
}

/**
 * The longest wait as it is now: the router's figure plus the time since it
 * counted (on this browser's clock), so it ticks between frames. 0 when
 * nothing waits.
 */
export function longestWaitNow(queue: QueueLive, at: string, clockOffsetMs: number, now: number): number {
  if (queue.waiting === 0) return 0;
  const since = Math.max(0, now - localTime(at, clockOffsetMs)) / 1000;
  return queue.longest_wait_seconds + since;
}

/** "92 %", or "—" before anything was offered today. */
export function percentLabel(percent: number | null | undefined): string {
  return percent === null || percent === undefined ? "—" : `${Math.round(percent)} %`;
}
