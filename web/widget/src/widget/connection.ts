// The chat's use of the visitor connection. The WebSocket itself belongs to
// loader.js (src/transport/connection.ts, shared as `window.__hovor.link`);
// this adds the outbox that makes sending survive reloads and lost sockets.
//
// Sending: a message goes into the outbox first, then over the socket if the
// server has greeted us. After every `hello` the whole outbox is sent again;
// the server dedupes by client_id. An entry leaves the outbox on its
// `message.ack` (or when the message shows up stored, e.g. from another tab).

import type { ConnectionState, VisitorLink } from "../boot";
import { MAX_BODY_LENGTH, toServerFrame, type ClientFrame, type ServerFrame } from "../protocol";
import { newClientId, type Outbox, type OutboxEntry } from "./outbox";

export type { ConnectionState };

export interface ChatConnectionOptions {
  link: VisitorLink;
  outbox: Outbox;
  onFrame(frame: ServerFrame): void;
  onState(state: ConnectionState): void;
  /** The outbox changed (entry added or acknowledged). */
  onOutboxChange(): void;
}

export class ChatConnection {
  private unsubscribe: (() => void)[] = [];

  constructor(private readonly opts: ChatConnectionOptions) {}

  /** Start listening; frames of the current socket received before now are replayed first. */
  start(): void {
    if (this.unsubscribe.length) return;
    const { link } = this.opts;
    this.unsubscribe = [
      link.watch((state) => this.opts.onState(state)),
      link.subscribe((raw) => {
        const frame = toServerFrame(raw);
        if (frame) this.receive(frame);
      }, true),
    ];
  }

  stop(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
  }

  /** Queue a message and send it if connected. Returns its outbox entry, or null if the body is empty. */
  sendMessage(body: string): OutboxEntry | null {
    const text = body.trim();
    if (!text) return null;
    const entry: OutboxEntry = {
      client_id: newClientId(),
      body: text.slice(0, MAX_BODY_LENGTH),
      created_at: new Date().toISOString(),
    };
    this.opts.outbox.add(entry);
    this.opts.onOutboxChange();
    if (this.opts.link.ready) this.send({ type: "message.send", client_id: entry.client_id, body: entry.body });
    return entry;
  }

  sendTyping(state: boolean): void {
    if (this.opts.link.ready) this.send({ type: "typing", state });
  }

  send(frame: ClientFrame): boolean {
    return this.opts.link.send(frame);
  }

  reconnectNow(): void {
    this.opts.link.reconnectNow();
  }

  private receive(frame: ServerFrame): void {
    const { outbox } = this.opts;
    switch (frame.type) {
      case "hello":
        this.greeted(frame.messages.map((m) => m.client_id));
        break;
      case "message.ack":
        if (outbox.remove(frame.client_id)) this.opts.onOutboxChange();
        break;
      case "message":
        if (frame.message.client_id && outbox.remove(frame.message.client_id)) this.opts.onOutboxChange();
        break;
      case "error":
        // A refused message would be refused again: the caller decides what to show.
        if (frame.client_id && outbox.remove(frame.client_id)) this.opts.onOutboxChange();
        break;
      default:
        break;
    }
    this.opts.onFrame(frame);
  }

  private greeted(storedClientIds: readonly (string | null)[]): void {
    const stored = new Set(storedClientIds);
    let changed = false;
    for (const entry of this.opts.outbox.entries()) {
      if (stored.has(entry.client_id)) {
        changed = this.opts.outbox.remove(entry.client_id) || changed;
      } else {
        this.send({ type: "message.send", client_id: entry.client_id, body: entry.body });
      }
    }
    if (changed) this.opts.onOutboxChange();
  }
}
