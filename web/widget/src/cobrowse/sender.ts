// The page's way out: rrweb events are batched every FLUSH_MS, sent as JSON
// text in parts that each fit the socket's 16 KB frame limit
// (`cobrowse.events`), and acknowledged by the server (`cobrowse.ack`).
// Backpressure: at most MAX_IN_FLIGHT batches wait for their ack; meanwhile
// events gather here, and past MAX_BUFFER_BYTES they are dropped and the
// recorder is asked for a fresh full snapshot (`resync`) once the way is free,
// so the agent's replayer never applies a half-delivered page.

import type { ClientFrame } from "../protocol";

export const FLUSH_MS = 60;
export const MAX_IN_FLIGHT = 4;
export const MAX_BATCH_BYTES = 2 * 1024 * 1024; // the server's limit (cobrowse.relay)
export const MAX_BUFFER_BYTES = 4 * 1024 * 1024;
export const FRAME_BYTES = 15_000; // under the server's 16 KB with room to spare
export const PART_CHARS = 8_000;

export type CobrowseEventsFrame = Extract<ClientFrame, { type: "cobrowse.events" }>;

export interface SenderDeps {
  send(frame: CobrowseEventsFrame): boolean;
  /** Take a full snapshot again (events were dropped: the agent's copy is stale). */
  resync(): void;
  /** One batch is over MAX_BATCH_BYTES: the page cannot be shared. */
  tooLarge(bytes: number): void;
  schedule?(fn: () => void, ms: number): unknown;
}

const encoder = new TextEncoder();
const bytes = (text: string): number => encoder.encode(text).length;

/** Split `text` into slices whose frames stay under FRAME_BYTES; never inside a surrogate pair. */
export function slices(text: string, frameOf: (data: string) => string, max = PART_CHARS): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < text.length) {
    let size = Math.min(max, text.length - start);
    for (;;) {
      let end = start + size;
      const last = text.charCodeAt(end - 1);
      if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
      if (bytes(frameOf(text.slice(start, end))) <= FRAME_BYTES || size <= 256) {
        out.push(text.slice(start, end));
        start = end;
        break;
      }
      size = Math.floor(size / 2);
    }
  }
  return out.length ? out : [""];
}

export class BatchSender {
  private pending: unknown[] = [];
  private pendingBytes = 0;
  private inFlight = new Set<number>();
  private seq = 0;
  private timer: unknown = null;
  private needSnapshot = false; // events were dropped: wait for a full snapshot
  private resyncAsked = false;
  private paused = false;
  /** Bytes of JSON text sent, for the benchmark and the tests. */
  sentBytes = 0;

  constructor(
    private readonly sessionId: string,
    private readonly deps: SenderDeps,
  ) {}

  push(event: unknown): void {
    if (isFullSnapshotStart(event)) {
      this.needSnapshot = false;
      this.resyncAsked = false;
    } else if (this.needSnapshot) {
      return; // a mutation of a page the agent does not have: useless until the snapshot
    }
    this.pending.push(event);
    this.pendingBytes += bytes(JSON.stringify(event));
    if (this.pendingBytes > MAX_BUFFER_BYTES) this.drop();
    else this.later();
  }

  acked(seq: number): void {
    if (!this.inFlight.delete(seq)) return;
    this.maybeResync();
    this.later();
  }

  /** The socket was replaced, or the server refused a batch: what is in flight is lost.
   * With `pauseMs` (rate limited) nothing is sent for that long. */
  lost(pauseMs = 0): void {
    this.inFlight.clear();
    this.resyncAsked = false;
    if (pauseMs > 0) {
      this.paused = true;
      (this.deps.schedule ?? setTimeout)(() => {
        this.paused = false;
        this.maybeResync();
      }, pauseMs);
    }
    this.drop();
  }

  private drop(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.needSnapshot = true;
    this.maybeResync();
  }

  private maybeResync(): void {
    if (!this.needSnapshot || this.resyncAsked || this.paused || this.inFlight.size) return;
    this.resyncAsked = true;
    this.deps.resync(); // rrweb emits the new snapshot at once, into push()
  }

  private later(): void {
    if (this.timer !== null) return;
    this.timer = (this.deps.schedule ?? setTimeout)(() => {
      this.timer = null;
      this.flush();
    }, FLUSH_MS);
  }

  /** Send what is pending as one batch, if the window has room. */
  flush(): void {
    if (this.paused || !this.pending.length || this.inFlight.size >= MAX_IN_FLIGHT) return;
    const events = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    const text = JSON.stringify(events);
    const size = bytes(text);
    if (size > MAX_BATCH_BYTES) {
      this.deps.tooLarge(size);
      return;
    }
    const seq = this.seq++;
    const base = { type: "cobrowse.events" as const, session_id: this.sessionId, seq, part: 0, parts: 1, size, data: "", client_id: `cb-${seq}` };
    const parts = slices(text, (data) => JSON.stringify({ ...base, data }));
    for (let part = 0; part < parts.length; part++) {
      const frame = { ...base, part, parts: parts.length, data: parts[part] as string };
      if (!this.deps.send(frame)) {
        // No socket: drop, and wait for the next one (lost() on its hello) to resync.
        this.pending = [];
        this.pendingBytes = 0;
        this.needSnapshot = this.resyncAsked = true;
        return;
      }
      this.sentBytes += frame.data.length;
    }
    this.inFlight.add(seq);
  }
}

/** rrweb's Meta event (type 4) starts every full snapshot. */
function isFullSnapshotStart(event: unknown): boolean {
  return typeof event === "object" && event !== null && (event as { type?: unknown }).type === 4;
}
