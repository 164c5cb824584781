/**
 * One reconnecting WebSocket to /v1/agent/ws. Back-off 0.5 s doubling to
 * 15 s (with a little jitter so many desktops do not return in lock-step),
 * a ping every 25 s, and a forced reconnect if nothing arrived for 60 s.
 */
import { parseFrame, type ClientFrame, type ServerFrame } from "./frames";

export type ConnectionStatus = "connecting" | "open" | "reconnecting" | "stopped";

export const MIN_DELAY_MS = 500;
export const MAX_DELAY_MS = 15_000;
const PING_EVERY_MS = 25_000;
const SILENCE_LIMIT_MS = 60_000;

/** Delay before reconnect attempt n (0-based), jitter in [-10 %, +10 %]. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** Math.max(0, attempt));
  const jitter = 1 + (random() * 0.2 - 0.1);
  return Math.round(Math.min(MAX_DELAY_MS, Math.max(MIN_DELAY_MS, base * jitter)));
}

export function agentSocketUrl(location: Pick<Location, "protocol" | "host">): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/v1/agent/ws`;
}

export interface SocketHandlers {
  onFrame(frame: ServerFrame): void;
  onStatus(status: ConnectionStatus, nextRetryAt: number | null): void;
  /** Opened again after a drop: anything may have been missed. */
  onReconnected(): void;
  /** Several attempts in a row failed (maybe the session ended). */
  onRepeatedFailure(): void;
}

export class AgentSocket {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private everOpened = false;
  private stopped = true;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private lastSeen = 0;

  constructor(
    private readonly url: string,
    private readonly handlers: SocketHandlers,
    private readonly createSocket: (url: string) => WebSocket = (u) => new WebSocket(u),
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onclose = ws.onerror = ws.onmessage = null;
      ws.close(1000, "bye");
    }
    this.handlers.onStatus("stopped", null);
  }

  /** Skips the remaining back-off wait. */
  retryNow(): void {
    if (this.stopped || this.ws) return;
    this.clearTimers();
    this.connect();
  }

  /** Sends if connected; frames while disconnected are dropped (typing is ephemeral). */
  send(frame: ClientFrame): boolean {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  private connect(): void {
    this.handlers.onStatus(this.everOpened || this.attempt > 0 ? "reconnecting" : "connecting", null);
    let ws: WebSocket;
    try {
      ws = this.createSocket(this.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      const wasReconnect = this.everOpened || this.attempt > 0;
      this.attempt = 0;
      this.everOpened = true;
      this.lastSeen = Date.now();
      this.handlers.onStatus("open", null);
      this.pingTimer = setInterval(() => this.heartbeat(), PING_EVERY_MS);
      if (wasReconnect) this.handlers.onReconnected();
    };
    ws.onmessage = (event: MessageEvent) => {
      this.lastSeen = Date.now();
      if (typeof event.data !== "string") return;
      const frame = parseFrame(event.data);
      if (frame) this.handlers.onFrame(frame);
    };
    ws.onerror = () => {
      /* onclose follows and schedules the retry */
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.clearTimers();
      if (!this.stopped) this.scheduleRetry();
    };
  }

  private heartbeat(): void {
    if (Date.now() - this.lastSeen > SILENCE_LIMIT_MS) {
      this.ws?.close(4000, "silent");
      return;
    }
    this.send({ type: "ping" });
  }

  private scheduleRetry(): void {
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    if (this.attempt === 3) this.handlers.onRepeatedFailure();
    this.handlers.onStatus("reconnecting", Date.now() + delay);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.retryTimer = null;
    this.pingTimer = null;
  }
}
