// The visitor's live connection: one WebSocket, reconnected with back-off,
// kept alive with pings, and the outbox that makes sending survive all of it.
//
// Sending: a message goes into the outbox first, then over the socket if the
// server has greeted us. After every `hello` the whole outbox is sent again;
// the server dedupes by client_id. An entry leaves the outbox on its
// `message.ack` (or when the message shows up stored, e.g. from another tab).

import {
  CLOSE_BAD_TOKEN,
  CLOSE_FORBIDDEN,
  MAX_BODY_LENGTH,
  parseServerFrame,
  type ClientFrame,
  type ServerFrame,
} from "../protocol";
import { backoffDelay } from "./backoff";
import { newClientId, type Outbox, type OutboxEntry } from "./outbox";

export type ConnectionState = "connecting" | "online" | "offline" | "refused";

/** The subset of WebSocket the connection uses, so tests can pass a fake. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: Event) => unknown) | null;
  onmessage: ((ev: MessageEvent) => unknown) | null;
  onclose: ((ev: CloseEvent) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface ConnectionOptions {
  origin: string;
  siteKey: string;
  outbox: Outbox;
  getToken(): string;
  /** Obtain a new visitor token after the server refused ours (close 4401). */
  renewToken(): Promise<void>;
  onFrame(frame: ServerFrame): void;
  onState(state: ConnectionState): void;
  /** The outbox changed (entry added or acknowledged). */
  onOutboxChange(): void;
  createSocket?: (url: string) => SocketLike;
  random?: () => number;
  pingIntervalMs?: number;
}

const OPEN = 1;

/** `https://h` → `wss://h/v1/visitor?site=..&token=..` */
export function visitorSocketUrl(origin: string, siteKey: string, token: string): string {
  const url = new URL("/v1/visitor", origin);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("site", siteKey);
  url.searchParams.set("token", token);
  return url.toString();
}

export class Connection {
  private socket: SocketLike | null = null;
  private ready = false; // hello received on the current socket
  private stopped = true;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private awaitingTraffic = false;
  private readonly onOnline = (): void => this.reconnectNow();

  constructor(private readonly opts: ConnectionOptions) {}

  get isReady(): boolean {
    return this.ready;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    if (typeof window !== "undefined") window.addEventListener("online", this.onOnline);
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (typeof window !== "undefined") window.removeEventListener("online", this.onOnline);
    clearTimeout(this.reconnectTimer);
    this.dropSocket();
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
    if (this.ready) this.send({ type: "message.send", client_id: entry.client_id, body: entry.body });
    return entry;
  }

  sendTyping(state: boolean): void {
    if (this.ready) this.send({ type: "typing", state });
  }

  /** Skip the remaining back-off (browser came back online, panel opened, ...). */
  reconnectNow(): void {
    if (this.stopped || this.socket) return;
    clearTimeout(this.reconnectTimer);
    this.attempt = 0;
    this.open();
  }

  private send(frame: ClientFrame): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) return false;
    try {
      socket.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  private open(): void {
    this.opts.onState("connecting");
    const url = visitorSocketUrl(this.opts.origin, this.opts.siteKey, this.opts.getToken());
    let socket: SocketLike;
    try {
      socket = this.opts.createSocket ? this.opts.createSocket(url) : new WebSocket(url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    this.ready = false;
    socket.onmessage = (ev) => {
      if (this.socket === socket) this.receive(ev.data);
    };
    socket.onclose = (ev) => {
      if (this.socket === socket) this.closed(ev.code);
    };
    socket.onerror = () => {
      /* a close event follows; handled there */
    };
  }

  private receive(data: unknown): void {
    this.awaitingTraffic = false;
    const frame = parseServerFrame(data);
    if (!frame) return;
    switch (frame.type) {
      case "hello":
        this.greeted(frame.messages.map((m) => m.client_id));
        break;
      case "message.ack":
        if (this.opts.outbox.remove(frame.client_id)) this.opts.onOutboxChange();
        break;
      case "message":
        if (frame.message.client_id && this.opts.outbox.remove(frame.message.client_id)) {
          this.opts.onOutboxChange();
        }
        break;
      case "error":
        // A refused message would be refused again: the caller decides what to show.
        if (frame.client_id && this.opts.outbox.remove(frame.client_id)) this.opts.onOutboxChange();
        break;
      default:
        break;
    }
    this.opts.onFrame(frame);
  }

  private greeted(storedClientIds: readonly (string | null)[]): void {
    this.ready = true;
    this.attempt = 0;
    this.opts.onState("online");
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
    this.startPing();
  }

  private startPing(): void {
    clearInterval(this.pingTimer);
    this.awaitingTraffic = false;
    this.pingTimer = setInterval(() => {
      if (this.awaitingTraffic) {
        // Nothing came back since the last ping: the connection is dead
        // even if the browser has not noticed yet.
        const socket = this.socket;
        this.dropSocket();
        if (socket) this.closed(1006);
        return;
      }
      this.awaitingTraffic = true;
      this.send({ type: "ping" });
    }, this.opts.pingIntervalMs ?? 25_000);
  }

  private dropSocket(): void {
    clearInterval(this.pingTimer);
    const socket = this.socket;
    this.socket = null;
    this.ready = false;
    if (socket) {
      socket.onmessage = socket.onclose = socket.onerror = socket.onopen = null;
      try {
        socket.close();
      } catch {
        /* already closed */
      }
    }
  }

  private closed(code: number): void {
    clearInterval(this.pingTimer);
    this.socket = null;
    this.ready = false;
    if (this.stopped) return;
    if (code === CLOSE_FORBIDDEN) {
      this.opts.onState("refused");
      return;
    }
    this.opts.onState("offline");
    if (code === CLOSE_BAD_TOKEN) {
      // Still back off: a server that keeps refusing fresh tokens must not be hammered.
      const retry = (): void => this.scheduleReconnect();
      this.opts.renewToken().then(retry, retry);
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(delay = backoffDelay(this.attempt++, this.opts.random)): void {
    if (this.stopped) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      if (!this.stopped && !this.socket) this.open();
    }, delay);
  }
}
