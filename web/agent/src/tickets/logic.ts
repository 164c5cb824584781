/**
 * Pure rules of the tickets desktop: the allowed status transitions (docs/tickets.md),
 * "overdue", the list filter as query parameters, and history entries as text.
 */
import type { Schemas } from "../api/client";

export type TicketOut = Schemas["TicketOut"];
export type TicketDetail = Schemas["TicketDetail"];
export type HistoryOut = Schemas["HistoryOut"];
export type NoteOut = Schemas["NoteOut"];
export type TicketStatus = TicketOut["status"];
export type TicketPriority = TicketOut["priority"];

export const STATUSES: readonly TicketStatus[] = ["new", "open", "pending", "solved", "closed"];
export const PRIORITIES: readonly TicketPriority[] = ["low", "normal", "high", "urgent"];

/** Where each status may go (nothing goes back to `new`; `closed` is final). */
export const TRANSITIONS: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  new: ["open", "pending", "solved", "closed"],
  open: ["pending", "solved", "closed"],
  pending: ["open", "solved", "closed"],
  solved: ["open", "closed"],
  closed: [],
};

/** True if the status select may offer `to` for a ticket in `from` (its own status included). */
export function canMoveTo(from: TicketStatus, to: TicketStatus): boolean {
  return from === to || TRANSITIONS[from].includes(to);
}

/** Solved and closed tickets are done; the rest ("open tickets") still need work. */
export function isUnsolved(status: TicketStatus): boolean {
  return status === "new" || status === "open" || status === "pending";
}

/** Past its due date and not yet solved or closed. */
export function isOverdue(ticket: Pick<TicketOut, "due_at" | "status">, now: number): boolean {
  if (!ticket.due_at || !isUnsolved(ticket.status)) return false;
  const due = new Date(ticket.due_at).getTime();
  return !Number.isNaN(due) && due < now;
}

export type StatusFilter = "unsolved" | TicketStatus | "all";
export type AssigneeFilter = "me" | "unassigned" | "anyone";

export const STATUS_FILTERS: readonly StatusFilter[] = ["unsolved", "new", "open", "pending", "solved", "closed", "all"];
export const ASSIGNEE_FILTERS: readonly AssigneeFilter[] = ["me", "unassigned", "anyone"];

export interface TicketFilter {
  status: StatusFilter;
  assignee: AssigneeFilter;
  q: string;
}

export const DEFAULT_FILTER: TicketFilter = { status: "unsolved", assignee: "anyone", q: "" };

export interface TicketListQuery {
  status?: string;
  assignee?: string;
  q?: string;
  limit: number;
  cursor?: string;
}

/** The filter as `GET /v1/tickets` parameters; "all" and "anyone" send nothing. */
export function ticketListQuery(filter: TicketFilter, limit: number, cursor: string | null = null): TicketListQuery {
  const query: TicketListQuery = { limit };
  if (filter.status !== "all") query.status = filter.status;
  if (filter.assignee === "me") query.assignee = "me";
  else if (filter.assignee === "unassigned") query.assignee = "none";
  const q = filter.q.trim();
  if (q) query.q = q;
  if (cursor) query.cursor = cursor;
  return query;
}

/** Reads a stored filter back, falling back field by field to the default. */
export function parseFilter(raw: unknown): TicketFilter {
  const value = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  const status = STATUS_FILTERS.find((s) => s === value.status) ?? DEFAULT_FILTER.status;
  const assignee = ASSIGNEE_FILTERS.find((a) => a === value.assignee) ?? DEFAULT_FILTER.assignee;
  const q = typeof value.q === "string" ? value.q.slice(0, 200) : "";
  return { status, assignee, q };
}

/** An ISO timestamp as a `datetime-local` value, in the browser's time zone. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value (browser time) as an ISO timestamp with a zone, or null if empty/invalid. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export interface Named {
  id: string;
  name: string;
}

/** "user:<id>" as the user's name; "system:merge" as "System (merge)". */
export function actorName(actor: string, users: readonly Named[]): string {
  const [kind, rest] = actor.includes(":") ? [actor.slice(0, actor.indexOf(":")), actor.slice(actor.indexOf(":") + 1)] : [actor, ""];
  if (kind === "user") return users.find((u) => u.id === rest)?.name ?? "Unknown user";
  if (kind === "system") return rest ? `System (${rest})` : "System";
  return actor;
}

const FIELD_LABEL: Record<string, string> = {
  status: "Status",
  priority: "Priority",
  subject: "Subject",
  assignee: "Assignee",
  due_at: "Due date",
  contact: "Contact",
};

export interface HistoryText {
  what: string;
  from: string | null;
  to: string | null;
}

/** One history entry as "what", "from" and "to" (user ids named, timestamps formatted). */
export function describeHistory(entry: HistoryOut, users: readonly Named[], formatDate: (iso: string) => string): HistoryText {
  const user = (id: string | null) => (id === null ? "Unassigned" : (users.find((u) => u.id === id)?.name ?? "Unknown user"));
  switch (entry.field) {
    case "created":
      return { what: "Created", from: null, to: entry.new_value };
    case "conversation_linked":
      return { what: "Conversation linked", from: null, to: null };
    case "conversation_unlinked":
      return { what: "Conversation unlinked", from: null, to: null };
    case "assignee":
      return { what: "Assignee", from: user(entry.old_value), to: user(entry.new_value) };
    case "due_at":
      return {
        what: "Due date",
        from: entry.old_value ? formatDate(entry.old_value) : "none",
        to: entry.new_value ? formatDate(entry.new_value) : "none",
      };
    default:
      return { what: FIELD_LABEL[entry.field] ?? entry.field, from: entry.old_value ?? "none", to: entry.new_value ?? "none" };
  }
}

/** The subject a new ticket starts with: the first visitor message, on one line, cut to fit. */
export function suggestedSubject(text: string | null | undefined, max = 200): string {
  const line = (text ?? "").replace(/\s+/g, " ").trim();
  if (line.length <= max) return line;
  return `${line.slice(0, max - 1).trimEnd()}…`;
}
