/**
 * Agent WebSocket frames (docs/api.md, "Agent WebSocket"). Their types are
 * generated from the server's frame models (frames.gen.ts, `make openapi`);
 * this parses what arrives into them.
 */
import type { Presence } from "../api/client";
import { parseRoutingStats, parseTask } from "../routing/stats";
import type {
  CobrowseBatchFrame,
  CobrowseUpdatedFrame,
  ConversationCreatedFrame,
  ConversationUpdatedFrame,
  DeliveryUpdatedFrame,
  MessageCreatedFrame,
  RoutingAlertFrame,
  ServerFrame,
} from "./frames.gen";

export type { ClientFrame, ServerFrame } from "./frames.gen";
export type RoutingAlertKind = RoutingAlertFrame["alert"];
export const ROUTING_ALERTS = ["sla_warning", "sla_breached", "unroutable"] as const satisfies readonly RoutingAlertKind[];

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
        ? (raw as unknown as ConversationCreatedFrame | ConversationUpdatedFrame)
        : null;
    case "message.created":
      return isRecord(raw.message) && typeof raw.message.conversation_id === "string"
        ? (raw as unknown as MessageCreatedFrame)
        : null;
    case "delivery.updated":
      return isRecord(raw.delivery) && typeof raw.delivery.id === "string" && typeof raw.delivery.conversation_id === "string"
        ? (raw as unknown as DeliveryUpdatedFrame)
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
    case "wallboard.updated": {
      const stats = parseRoutingStats(raw.stats);
      return stats ? { type: "wallboard.updated", stats } : null;
    }
    case "task.changed": {
      const task = parseTask(raw.task);
      return task ? { type: "task.changed", task } : null;
    }
    case "alert.raised": {
      const task = parseTask(raw.task);
      const alert = (ROUTING_ALERTS as readonly unknown[]).includes(raw.alert) ? (raw.alert as RoutingAlertKind) : null;
      return task && alert ? { type: "alert.raised", alert, task } : null;
    }
    case "ticket.changed":
      return typeof raw.ticket_id === "string"
        ? { type: "ticket.changed", ticket_id: raw.ticket_id, contact_id: typeof raw.contact_id === "string" ? raw.contact_id : null }
        : null;
    case "contact.changed":
      return Array.isArray(raw.contact_ids)
        ? { type: "contact.changed", contact_ids: raw.contact_ids.filter((id): id is string => typeof id === "string") }
        : null;
    case "cobrowse.updated":
      return isRecord(raw.session) && typeof raw.session.id === "string" && typeof raw.session.conversation_id === "string"
        ? (raw as unknown as CobrowseUpdatedFrame)
        : null;
    case "cobrowse.batch":
      return typeof raw.session_id === "string" && typeof raw.seq === "number" && Array.isArray(raw.events)
        ? (raw as unknown as CobrowseBatchFrame)
        : null;
    case "call.updated":
      return isRecord(raw.call) && typeof raw.call.id === "string" && typeof raw.call.conversation_id === "string"
        ? (raw as unknown as Extract<ServerFrame, { type: "call.updated" }>)
        : null;
    case "error":
      return { type: "error", code: String(raw.code ?? ""), detail: String(raw.detail ?? "") };
    case "pong":
      return { type: "pong" };
    default:
      return null;
  }
}
