/** Agent WebSocket frames (docs/api.md, "Agent WebSocket"). */
import type { ConversationOut, MessageOut, Presence } from "../api/client";
import { parseRoutingStats, parseTask, type RoutingStats, type TaskOut } from "../routing/stats";

export const ROUTING_ALERTS = ["sla_warning", "sla_breached", "unroutable"] as const;
export type RoutingAlertKind = (typeof ROUTING_ALERTS)[number];

export type ServerFrame =
  | { type: "conversation.created"; conversation: ConversationOut }
  | { type: "conversation.updated"; conversation: ConversationOut }
  | { type: "message.created"; message: MessageOut }
  | { type: "typing"; conversation_id: string; author_type: "visitor"; state: boolean }
  | { type: "presence.changed"; user_id: string; status: Presence; reason: string | null }
  | { type: "ticket.changed"; ticket_id: string; contact_id: string | null }
  | { type: "contact.changed"; contact_ids: string[] }
  | { type: "routing.stats"; stats: RoutingStats }
  | { type: "routing.task"; task: TaskOut }
  | { type: "routing.alert"; alert: RoutingAlertKind; task: TaskOut }
  | { type: "error"; code: string; detail: string }
  | { type: "pong" };

export type ClientFrame =
  | { type: "typing"; conversation_id: string; state: boolean }
  | { type: "ping" };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses one text frame; unknown or malformed frames give null. */
export function parseFrame(text: string): ServerFrame | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(raw) || typeof raw.type !== "string") return null;
  switch (raw.type) {
    case "conversation.created":
    case "conversation.updated":
      return isRecord(raw.conversation) && typeof raw.conversation.id === "string"
        ? (raw as ServerFrame)
        : null;
    case "message.created":
      return isRecord(raw.message) && typeof raw.message.conversation_id === "string"
        ? (raw as ServerFrame)
        : null;
    case "typing":
      return typeof raw.conversation_id === "string"
        ? { type: "typing", conversation_id: raw.conversation_id, author_type: "visitor", state: Boolean(raw.state) }
        : null;
    case "presence.changed":
      return typeof raw.user_id === "string" && typeof raw.status === "string"
        ? {
            type: "presence.changed",
            user_id: raw.user_id,
            status: raw.status as Presence,
            reason: typeof raw.reason === "string" && raw.reason ? raw.reason : null,
          }
        : null;
    case "routing.stats": {
      const stats = parseRoutingStats(raw.stats);
      return stats ? { type: "routing.stats", stats } : null;
    }
    case "routing.task": {
      const task = parseTask(raw.task);
      return task ? { type: "routing.task", task } : null;
    }
    case "routing.alert": {
      const task = parseTask(raw.task);
      const alert = (ROUTING_ALERTS as readonly unknown[]).includes(raw.alert) ? (raw.alert as RoutingAlertKind) : null;
      return task && alert ? { type: "routing.alert", alert, task } : null;
    }
    case "ticket.changed":
      return typeof raw.ticket_id === "string"
        ? { type: "ticket.changed", ticket_id: raw.ticket_id, contact_id: typeof raw.contact_id === "string" ? raw.contact_id : null }
        : null;
    case "contact.changed":
      return Array.isArray(raw.contact_ids)
        ? { type: "contact.changed", contact_ids: raw.contact_ids.filter((id): id is string => typeof id === "string") }
        : null;
    case "error":
      return { type: "error", code: String(raw.code ?? ""), detail: String(raw.detail ?? "") };
    case "pong":
      return { type: "pong" };
    default:
      return null;
  }
}
