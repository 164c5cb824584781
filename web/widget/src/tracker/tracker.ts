// Batching, acknowledgement and resending of tracker events.
//
// track() → the localStorage buffer first, then (every 250 ms, or at once
// when 20 are waiting) over the socket as `{"type": "events", "events": [...]}`
// in frames of at most 50. `events.ack` removes accepted and rejected ids
// from the buffer; every `hello` (a new socket) resends the whole buffer; on
// page hide the buffer goes out with navigator.sendBeacon. Nothing is built,
// sent or stored while tracking is disabled (no consent).

import type { RawFrame, VisitorLink } from "../boot";
import { BUFFER_LIMIT, type EventBuffer } from "./buffer";
import { buildEvent, type PageInfo, type TrackedEvent } from "./event";

export const FLUSH_MS = 250;
export const FLUSH_COUNT = 20;
export const FRAME_LIMIT = 50;

export interface TrackerOptions {
  link: Pick<VisitorLink, "ready" | "send" | "subscribe">;
  buffer: EventBuffer;
  /** POST one batch with navigator.sendBeacon; false when the browser refused it. */
  beacon(events: TrackedEvent[]): boolean;
}

interface Rejected {
  id?: unknown;
  code?: unknown;
  detail?: unknown;
}

export class Tracker {
  enabled = false;
  /** This page's events not yet sent on the current socket. */
  private unsent: TrackedEvent[] = [];
  /** This page's events not acknowledged yet, in case the buffer could not store them (quota). */
  private readonly pending = new Map<string, TrackedEvent>();
  private readonly beaconed = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly opts: TrackerOptions) {
    opts.link.subscribe((frame) => {
      if (frame.type === "hello") this.resendAll();
      else if (frame.type === "events.ack") this.acked(frame);
    });
  }

  /** Turn tracking on or off; off also forgets every event not yet acknowledged. */
  setEnabled(on: boolean): void {
    this.enabled = on;
    if (on) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.unsent = [];
    this.pending.clear();
    this.opts.buffer.clear();
  }

  /** Record one event (dropped while disabled); throws on an invalid type or props. */
  track(type: unknown, props?: unknown, page?: PageInfo): TrackedEvent | null {
    if (!this.enabled) return null;
    const event = buildEvent(type, props, page);
    this.opts.buffer.add(event);
    this.pending.set(event.id, event);
    if (this.pending.size > BUFFER_LIMIT) this.pending.delete(this.pending.keys().next().value as string);
    this.unsent.push(event);
    if (this.unsent.length >= FLUSH_COUNT) this.flush();
    else if (this.timer === undefined) this.timer = setTimeout(() => this.flush(), FLUSH_MS);
    return event;
  }

  /** Send what is waiting, if the server has greeted the socket; otherwise the next hello will. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.enabled || !this.opts.link.ready) return;
    while (this.unsent.length) {
      if (!this.opts.link.send({ type: "events", events: this.unsent.slice(0, FRAME_LIMIT) })) return;
      this.unsent = this.unsent.slice(FRAME_LIMIT);
    }
  }

  /** Everything unacknowledged: the buffer (this and earlier pages, other tabs) and this page's own. */
  waiting(): TrackedEvent[] {
    const all = new Map<string, TrackedEvent>();
    for (const e of this.opts.buffer.entries()) all.set(e.id, e);
    for (const [id, e] of this.pending) all.set(id, e);
    return Array.from(all.values());
  }

  /** Page is going away: hand what is waiting to the browser (each event once per page). */
  beaconFlush(): void {
    if (!this.enabled) return;
    const events = this.waiting().filter((e) => !this.beaconed.has(e.id));
    for (let i = 0; i < events.length; i += FRAME_LIMIT) {
      const batch = events.slice(i, i + FRAME_LIMIT);
      if (!this.opts.beacon(batch)) return;
      for (const e of batch) this.beaconed.add(e.id);
    }
  }

  private resendAll(): void {
    if (!this.enabled) return;
    this.unsent = this.waiting();
    this.flush();
  }

  private acked(frame: RawFrame): void {
    const accepted = Array.isArray(frame.accepted) ? frame.accepted.filter((id) => typeof id === "string") : [];
    const rejected = (Array.isArray(frame.rejected) ? frame.rejected : []) as Rejected[];
    const ids: string[] = accepted;
    for (const r of rejected) {
      if (typeof r?.id !== "string") continue;
      ids.push(r.id);
      if (r.code !== "rate_limited") console.warn(`[hovor] event rejected: ${String(r.detail ?? r.code)}`);
    }
    for (const id of ids) this.pending.delete(id);
    this.opts.buffer.remove(ids);
  }
}
