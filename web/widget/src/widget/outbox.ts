// Messages the visitor sent that the server has not acknowledged yet.
// Kept in localStorage (`hovor:<site key>:outbox`) so they survive a reload or
// a lost connection, and re-read on every access so that tabs share one outbox.

import { uuid } from "../ids";
import type { KeyValueStore } from "../storage";

export interface OutboxEntry {
  client_id: string;
  body: string;
  created_at: string;
}

/** A runaway outbox (server refusing for hours) must not fill the storage quota. */
export const OUTBOX_LIMIT = 100;

function isEntry(value: unknown): value is OutboxEntry {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.client_id === "string" &&
    v.client_id.length > 0 &&
    typeof v.body === "string" &&
    typeof v.created_at === "string"
  );
}

export class Outbox {
  constructor(
    private readonly store: KeyValueStore,
    private readonly key: string,
  ) {}

  /** Unacknowledged entries, oldest first. A corrupt value reads as empty. */
  entries(): OutboxEntry[] {
    const raw = this.store.getItem(this.key);
    if (!raw) return [];
    try {
      const parsed: unknown = JSON.parse(raw);
      return Array.isArray(parsed) ? parsed.filter(isEntry) : [];
    } catch {
      return [];
    }
  }

  has(clientId: string): boolean {
    return this.entries().some((e) => e.client_id === clientId);
  }

  add(entry: OutboxEntry): void {
    const entries = this.entries();
    if (entries.some((e) => e.client_id === entry.client_id)) return;
    entries.push(entry);
    this.write(entries.slice(-OUTBOX_LIMIT));
  }

  /** Returns true when an entry was removed. */
  remove(clientId: string): boolean {
    const entries = this.entries();
    const kept = entries.filter((e) => e.client_id !== clientId);
    if (kept.length === entries.length) return false;
    this.write(kept);
    return true;
  }

  private write(entries: OutboxEntry[]): void {
    if (entries.length === 0) this.store.removeItem(this.key);
    else this.store.setItem(this.key, JSON.stringify(entries));
  }
}

/** A client id unique per message (the server dedupes resends by it). */
export const newClientId = uuid;
