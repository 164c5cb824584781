import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AgentSocket, agentSocketUrl, backoffDelay, MAX_DELAY_MS, MIN_DELAY_MS, type ConnectionStatus } from "./socket";

class FakeSocket {
  static instances: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  drop() {
    this.readyState = 3;
    this.onclose?.();
  }
}

describe("backoffDelay", () => {
  it("starts at 0.5 s and doubles up to 15 s", () => {
    const noJitter = () => 0.5;
    expect(backoffDelay(0, noJitter)).toBe(MIN_DELAY_MS);
    expect(backoffDelay(1, noJitter)).toBe(1000);
    expect(backoffDelay(3, noJitter)).toBe(4000);
    expect(backoffDelay(10, noJitter)).toBe(MAX_DELAY_MS);
  });
  it("stays within bounds with jitter", () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      for (const r of [0, 0.999]) {
        const d = backoffDelay(attempt, () => r);
        expect(d).toBeGreaterThanOrEqual(MIN_DELAY_MS);
        expect(d).toBeLessThanOrEqual(MAX_DELAY_MS);
      }
    }
  });
});

describe("agentSocketUrl", () => {
  it("follows the page's scheme", () => {
    expect(agentSocketUrl({ protocol: "https:", host: "desk.example" })).toBe("wss://desk.example/v1/agent/ws");
    expect(agentSocketUrl({ protocol: "http:", host: "127.0.0.1:8000" })).toBe("ws://127.0.0.1:8000/v1/agent/ws");
  });
});

describe("AgentSocket", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.instances = [];
    vi.stubGlobal("WebSocket", { OPEN: 1 });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  function start() {
    const statuses: ConnectionStatus[] = [];
    const frames: unknown[] = [];
    const handlers = {
      onFrame: (f: unknown) => frames.push(f),
      onStatus: (s: ConnectionStatus) => statuses.push(s),
      onReconnected: vi.fn(),
      onRepeatedFailure: vi.fn(),
    };
    const socket = new AgentSocket("ws://x/v1/agent/ws", handlers, (url) => new FakeSocket(url) as unknown as WebSocket);
    socket.start();
    return { socket, statuses, frames, handlers };
  }

  it("reconnects after a drop and reports it so queries can be refreshed", () => {
    const { statuses, handlers } = start();
    FakeSocket.instances[0]!.open();
    expect(handlers.onReconnected).not.toHaveBeenCalled();
    FakeSocket.instances[0]!.drop();
    expect(statuses.at(-1)).toBe("reconnecting");
    vi.advanceTimersByTime(MAX_DELAY_MS);
    expect(FakeSocket.instances).toHaveLength(2);
    FakeSocket.instances[1]!.open();
    expect(statuses.at(-1)).toBe("open");
    expect(handlers.onReconnected).toHaveBeenCalledTimes(1);
  });

  it("backs off between failed attempts and flags repeated failure", () => {
    const { handlers } = start();
    for (let i = 0; i < 3; i++) {
      FakeSocket.instances.at(-1)!.drop();
      vi.advanceTimersByTime(MAX_DELAY_MS);
    }
    expect(FakeSocket.instances).toHaveLength(4);
    expect(handlers.onRepeatedFailure).toHaveBeenCalledTimes(1);
  });

  it("delivers parsed frames and sends typing while open", () => {
    const { socket, frames } = start();
    const ws = FakeSocket.instances[0]!;
    expect(socket.send({ type: "typing", conversation_id: "c", state: true })).toBe(false);
    ws.open();
    ws.onmessage?.({ data: '{"type":"pong"}' });
    ws.onmessage?.({ data: "garbage" });
    expect(frames).toEqual([{ type: "pong" }]);
    expect(socket.send({ type: "typing", conversation_id: "c", state: true })).toBe(true);
    expect(JSON.parse(ws.sent[0]!)).toEqual({ type: "typing", conversation_id: "c", state: true });
  });

  it("stops for good on stop()", () => {
    const { socket, statuses } = start();
    FakeSocket.instances[0]!.open();
    socket.stop();
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.instances).toHaveLength(1);
    expect(statuses.at(-1)).toBe("stopped");
  });
});
