// Events not acknowledged yet, in localStorage (`hovor:<site key>:events`),
// so they survive a lost socket and a page change; shared by the tabs of a
// site. Bounded: the oldest are dropped first.

import type { KeyValueStore } from "../storage";
import type { TrackedEvent } from "./event";

export const BUFFER_LIMIT = 500;

export class EventBuffer {
  constructor(
    private readonly store: KeyValueStore,
    private readonly key: string,
    private readonly limit = BUFFER_LIMIT,
  ) {}

  /** Unacknowledged events, oldest first. A corrupt value reads as empty. */
  entries(): TrackedEvent[] {
    try {
      const parsed: unknown = JSON.parse(this.store.getItem(this.key) || "[]");
      return Array.isArray(parsed) ? parsed.filter((e: TrackedEvent) => e && typeof e.id === "string") : [];
    } catch {
      return [];
    }
  }

  add(event: TrackedEvent): void {
    this.write([...this.entries(), event].slice(-this.limit));
  }

  /** Drop the events with these ids (acknowledged or rejected). */
  remove(ids: readonly string[]): void {
    const gone = new Set(ids);
    const entries = this.entries();
    const kept = entries.filter((e) => !gone.has(e.id));
    if (kept.length !== entries.length) this.write(kept);
  }

  clear(): void {
    this.store.removeItem(this.key);
  }

  private write(entries: TrackedEvent[]): void {
    if (entries.length) this.store.setItem(this.key, JSON.stringify(entries));
    else this.store.removeItem(this.key);
  }
}
