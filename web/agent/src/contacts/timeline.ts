/**
 * The contact timeline as the desktop shows it: kinds grouped for the filter
 * chips, entries of the open conversation left out, days as headings.
 */
import type { Schemas } from "../api/client";
import { locale } from "../i18n/i18n";

export type TimelineEntry = Schemas["TimelineEntryOut"];
export type TimelinePage = Schemas["TimelinePage"];

export interface TimelineFilter {
  /** data-kind of the chip, the first part of the kinds it stands for. */
  id: string;
  label: string;
  kinds: readonly string[];
}

/** The kinds written by the back-end (docs/contacts.md, "Timeline"). */
export const TIMELINE_FILTERS: readonly TimelineFilter[] = [
  { id: "conversation", label: "Chats", kinds: ["conversation.started", "conversation.closed"] },
  { id: "ticket", label: "Tickets", kinds: ["ticket.opened", "ticket.solved", "ticket.closed"] },
  { id: "order", label: "Orders", kinds: ["order.placed"] },
  { id: "web", label: "Web visits", kinds: ["web.session"] },
  { id: "offer", label: "Offers", kinds: ["offer.accepted"] },
  { id: "cobrowse", label: "Co-browsing", kinds: ["cobrowse.started", "cobrowse.ended"] },
  { id: "contact", label: "Sign-ins", kinds: ["contact.identified"] },
];

/** The chip an entry's kind belongs to ("order.placed" → "order"); unknown kinds keep their first part. */
export function kindGroup(kind: string): string {
  return kind.split(".")[0] ?? kind;
}

/** The `kinds` query parameter for the chosen chips; undefined (everything) when none is chosen. */
export function kindsParam(selected: ReadonlySet<string>): string | undefined {
  if (selected.size === 0) return undefined;
  const kinds = TIMELINE_FILTERS.filter((f) => selected.has(f.id)).flatMap((f) => f.kinds);
  return kinds.length > 0 ? [...kinds].sort().join(",") : undefined;
}

/** Turns one chip on or off (a new set, for React state). */
export function toggleFilter(selected: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(selected);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

/** The conversation an entry is about, if any (conversation.* entries and accepted offers carry it). */
export function entryConversationId(entry: TimelineEntry): string | null {
  const id = entry.data.conversation_id;
  return typeof id === "string" && id ? id : null;
}

/**
 * The loaded pages as one list, newest first, without duplicates (a page
 * boundary that moved under a new entry) and, beside a conversation, without
 * the entries of that same conversation (the agent is looking at it).
 */
export function timelineEntries(
  pages: readonly TimelinePage[] | undefined,
  options: { selected?: ReadonlySet<string>; exceptConversationId?: string | null } = {},
): TimelineEntry[] {
  const seen = new Set<string>();
  const out: TimelineEntry[] = [];
  for (const page of pages ?? []) {
    for (const entry of page.items) {
      if (seen.has(entry.id)) continue;
      seen.add(entry.id);
      if (options.selected && options.selected.size > 0 && !options.selected.has(kindGroup(entry.kind))) continue;
      if (options.exceptConversationId && entryConversationId(entry) === options.exceptConversationId && entry.kind.startsWith("conversation.")) continue;
      out.push(entry);
    }
  }
  out.sort((a, b) => (a.occurred_at < b.occurred_at ? 1 : a.occurred_at > b.occurred_at ? -1 : b.id.localeCompare(a.id)));
  return out;
}

export interface TimelineDay {
  /** Local date, YYYY-MM-DD. */
  key: string;
  label: string;
  entries: TimelineEntry[];
}

function localDayKey(date: Date): string {
  const m = String(date.getMonth() + 1).padStart(2, "0");
  const d = String(date.getDate()).padStart(2, "0");
  return `${date.getFullYear()}-${m}-${d}`;
}

/** "Today", "Yesterday", else "12 Mar 2026": the heading of a day's entries. */
export function dayLabel(date: Date, now: Date): string {
  const key = localDayKey(date);
  if (key === localDayKey(now)) return "Today";
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (key === localDayKey(yesterday)) return "Yesterday";
  return date.toLocaleDateString(locale(), { day: "numeric", month: "short", year: "numeric" });
}

/** Entries (already newest first) under one heading per local day. */
export function groupByDay(entries: readonly TimelineEntry[], now: Date = new Date()): TimelineDay[] {
  const days: TimelineDay[] = [];
  for (const entry of entries) {
    const date = new Date(entry.occurred_at);
    const key = Number.isNaN(date.getTime()) ? "unknown" : localDayKey(date);
    let day = days[days.length - 1];
    if (!day || day.key !== key) {
      day = { key, label: key === "unknown" ? "Undated" : dayLabel(date, now), entries: [] };
      days.push(day);
    }
    day.entries.push(entry);
  }
  return days;
}

/** A short second line for entries whose data says more than the summary. */
export function entryDetail(entry: TimelineEntry): string | null {
  const data = entry.data;
  if (entry.kind === "web.session") {
    const parts: string[] = [];
    if (typeof data.landing_url === "string" && data.landing_url) parts.push(`landed on ${urlPath(data.landing_url)}`);
    if (typeof data.referrer === "string" && data.referrer) parts.push(`from ${urlHost(data.referrer)}`);
    if (typeof data.cart_value === "number" && data.cart_value > 0) parts.push(`cart ${data.cart_value.toFixed(2)}`);
    return parts.length > 0 ? parts.join(" · ") : null;
  }
  // A conversation that began as an e-mail carries the start of its text (the subject is in the summary).
  if (entry.kind === "conversation.started" && typeof data.preview === "string" && data.preview) {
    return data.preview;
  }
  return null;
}

/** "/shop/kettle.html?x=1" of a URL (the whole text if it is not one). */
export function urlPath(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

function urlHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
