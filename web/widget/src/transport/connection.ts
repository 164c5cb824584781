// The visitor's live connection, owned by loader.js and shared with widget.js
// through `window.__hovor.link`: one WebSocket to /v1/visitor, reconnected
// with back-off (0.5 s → 15 s, jitter), kept alive with pings every 25 s,
// a new token after a 4401 close, given up after a 4403 close.
//
// It knows nothing about chat messages or events: it hands every frame to its
// subscribers (tracker, widget) and remembers the latest `hello` and what came
// after it, so that widget.js, loaded seconds later, can replay them.

import type { ConnectionState, RawFrame, VisitorLink } from "../boot";
import { CLOSE_BAD_TOKEN, CLOSE_FORBIDDEN } from "../protocol";
import { backoffDelay } from "./backoff";

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
  getToken(): string;
  /** Obtain a new visitor token after the server refused ours (close 4401). */
  renewToken(): Promise<unknown>;
  createSocket?: (url: string) => SocketLike;
  random?: () => number;
  pingIntervalMs?: number;
}

const OPEN = 1;
/** Frames kept for a late subscriber: the latest hello and at most this many after it. */
export const REPLAY_LIMIT = 100;

/** `https://h` → `wss://h/v1/visitor?site=..&token=..` */
export function visitorSocketUrl(origin: string, siteKey: string, token: string): string {
  const url = new URL("/v1/visitor", origin);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("site", siteKey);
  url.searchParams.set("token", token);
  return url.toString();
}

/** One text frame → a JSON object with a string `type`, or null. */
export function parseRawFrame(data: unknown): RawFrame | null {
  if (typeof data !== "string") return null;
  try {
    const value: unknown = JSON.parse(data);
    return value && typeof value === "object" && typeof (value as RawFrame).type === "string" ? (value as RawFrame) : null;
  } catch {
    return null;
  }
}

export class Connection implements VisitorLink {
  state: ConnectionState = "connecting";
  ready = false; // hello received on the current socket
  private socket: SocketLike | null = null;
  private stopped = true;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private awaitingTraffic = false;
  private readonly listeners = new Set<(frame: RawFrame) => void>();
  private readonly watchers = new Set<(state: ConnectionState) => void>();
  private backlog: RawFrame[] = [];
  private readonly onOnline = (): void => this.reconnectNow();

  constructor(private readonly opts: ConnectionOptions) {}

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

  subscribe(listener: (frame: RawFrame) => void, replay = false): () => void {
    if (replay) for (const frame of this.backlog) listener(frame);
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  watch(listener: (state: ConnectionState) => void): () => void {
    this.watchers.add(listener);
    listener(this.state);
    return () => void this.watchers.delete(listener);
  }

  send(frame: object): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) return false;
    try {
      socket.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  reconnectNow(): void {
    if (this.stopped || this.socket) return;
    clearTimeout(this.reconnectTimer);
    this.attempt = 0;
    this.open();
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    for (const watcher of Array.from(this.watchers)) watcher(state);
  }

  private open(): void {
    this.setState("connecting");
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
    const frame = parseRawFrame(data);
    if (!frame || frame.type === "pong") return;
    if (frame.type === "hello") {
      this.ready = true;
      this.attempt = 0;
      this.backlog = [frame];
      this.startPing();
      this.setState("online");
    } else if (this.backlog.length) {
      this.backlog.push(frame);
      if (this.backlog.length > REPLAY_LIMIT + 1) this.backlog.splice(1, 1);
    }
    for (const listener of Array.from(this.listeners)) {
      try {
        listener(frame);
      } catch (err) {
        console.error("[hovor]", err);
      }
    }
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
      this.setState("refused");
      return;
    }
    this.setState("offline");
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
