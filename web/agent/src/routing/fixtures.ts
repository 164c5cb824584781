/** Builders for routing test data (shapes of the API and the frames). */
import type { RoutingStats, TaskOut } from "./stats";

export function task(over: Partial<TaskOut> & { id: string }): TaskOut {
  return {
    conversation_id: `c-${over.id}`,
    contact_id: null,
    channel: "webchat",
    queue_id: "q1",
    queue_name: "Web",
    priority: 0,
    status: "waiting",
    step: 0,
    agent_id: null,
    created_at: "2026-01-01T10:00:00Z",
    ready_at: "2026-01-01T10:00:00Z",
    deadline: "2026-01-01T10:00:30Z",
    reservation_expires_at: null,
    assigned_at: null,
    ended_at: null,
    end_reason: null,
    sla_warned: false,
    sla_breached: false,
    unroutable: false,
    ...over,
  };
}

export function stats(at: string, waiting: Record<string, number> = {}): RoutingStats {
  return {
    at,
    queues: Object.entries(waiting).map(([name, n]) => ({
      id: `q-${name}`,
      name,
      waiting: n,
      scheduled: 0,
      reserved: 0,
      assigned: 0,
      unroutable: 0,
      longest_wait_seconds: n > 0 ? 5 : 0,
      estimated_wait_seconds: { webchat: null },
      sla_seconds: { webchat: 30 },
    })),
    agents: { available: 1, working: 0, full: 0, busy: 0, away: 0, offline: 2 },
  };
}
