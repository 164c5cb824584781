/**
 * The router's live figures (the wallboard's `live` and the `wallboard.updated`
 * frames) and the task shape of `task.changed` / `alert.raised` frames.
 * Their types are generated from the server's models (realtime/frames.gen.ts);
 * what arrives is still read here, field by field, instead of being trusted.
 */
import type { Schemas } from "../api/client";
import type { AgentsNow, QueueNow, WallboardLive } from "../realtime/frames.gen";

export type TaskOut = Schemas["TaskOut"];
export type QueueToday = Schemas["QueueToday"];
export type QueueLive = QueueNow;
export type AgentState = keyof AgentsNow;
export type AgentStates = AgentsNow;
export type RoutingStats = WallboardLive;

export const AGENT_STATES = [
  "available",
  "working",
  "full",
  "busy",
  "away",
  "offline",
] as const satisfies readonly AgentState[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}

function secondsByChannel(value: unknown): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  if (!isRecord(value)) return out;
  for (const [channel, seconds] of Object.entries(value)) {
    out[channel] = typeof seconds === "number" && Number.isFinite(seconds) ? seconds : null;
  }
  return out;
}

function parseQueue(raw: unknown): QueueLive | null {
  if (!isRecord(raw) || typeof raw.id !== "string") return null;
  const sla: Record<string, number> = {};
  for (const [channel, seconds] of Object.entries(secondsByChannel(raw.sla_seconds))) {
    if (seconds !== null) sla[channel] = seconds;
  }
  return {
    id: raw.id,
    name: typeof raw.name === "string" ? raw.name : raw.id,
    waiting: count(raw.waiting),
    scheduled: count(raw.scheduled),
    reserved: count(raw.reserved),
    assigned: count(raw.assigned),
    unroutable: count(raw.unroutable),
    longest_wait_seconds: count(raw.longest_wait_seconds),
    estimated_wait_seconds: secondsByChannel(raw.estimated_wait_seconds),
    sla_seconds: sla,
  };
}

/** The live figures, or null if `raw` is not shaped like them. */
export function parseRoutingStats(raw: unknown): RoutingStats | null {
  if (!isRecord(raw) || typeof raw.at !== "string" || Number.isNaN(Date.parse(raw.at))) return null;
  if (!Array.isArray(raw.queues)) return null;
  const got = isRecord(raw.agents) ? raw.agents : {};
  const agents: AgentStates = {
    available: count(got.available),
    working: count(got.working),
    full: count(got.full),
    busy: count(got.busy),
    away: count(got.away),
    offline: count(got.offline),
  };
  const queues = raw.queues.map(parseQueue).filter((q): q is QueueLive => q !== null);
  return { at: raw.at, queues, agents };
}

/** A task from a frame, if it has what the desktop reads (ids, status, agent). */
export function parseTask(raw: unknown): TaskOut | null {
  if (!isRecord(raw)) return null;
  if (typeof raw.id !== "string" || typeof raw.conversation_id !== "string" || typeof raw.status !== "string") return null;
  if (raw.agent_id !== null && raw.agent_id !== undefined && typeof raw.agent_id !== "string") return null;
  return { ...(raw as unknown as TaskOut), agent_id: (raw.agent_id as string | null | undefined) ?? null };
}

/** The later of two snapshots (a fetch may answer after a newer frame arrived). */
export function newerStats(a: RoutingStats | null, b: RoutingStats | null): RoutingStats | null {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(b.at) >= Date.parse(a.at) ? b : a;
}

export function totalWaiting(stats: RoutingStats): number {
  return stats.queues.reduce((sum, q) => sum + q.waiting, 0);
}
