/**
 * The router's live figures (the wallboard's `live` and the `routing.stats`
 * frames) and the task shape of `routing.task` / `routing.alert` frames.
 * The API declares `live` as a free-form object, so it is read here, field by
 * field, instead of being trusted.
 */
import type { Schemas } from "../api/client";

export type TaskOut = Schemas["TaskOut"];
export type QueueToday = Schemas["QueueToday"];

export interface QueueLive {
  id: string;
  name: string;
  /** Ready and waiting for an agent now. */
  waiting: number;
  /** Waiting for a later time (a callback at the preferred time). */
  scheduled: number;
  reserved: number;
  assigned: number;
  /** Waiting tasks no agent could ever take. */
  unroutable: number;
  longest_wait_seconds: number;
  /** Per channel; null when no available agent could take it. */
  estimated_wait_seconds: Record<string, number | null>;
  sla_seconds: Record<string, number>;
}

export const AGENT_STATES = ["available", "working", "full", "busy", "away", "offline"] as const;
export type AgentState = (typeof AGENT_STATES)[number];
export type AgentStates = Record<AgentState, number>;

export interface RoutingStats {
  /** The router's clock when it counted (ISO). */
  at: string;
  queues: QueueLive[];
  agents: AgentStates;
}

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
  const agents = Object.fromEntries(
    AGENT_STATES.map((state) => [state, count(isRecord(raw.agents) ? raw.agents[state] : 0)]),
  ) as AgentStates;
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
