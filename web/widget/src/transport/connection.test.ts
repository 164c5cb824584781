import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ServerFrame } from "../protocol";
import type { KeyValueStore } from "../storage";
import { Connection, visitorSocketUrl, type ConnectionState, type SocketLike } from "./connection";
import { Outbox } from "./outbox";

class FakeSocket implements SocketLike {
  readyState = 1;
  sent: Record<string, unknown>[] = [];
  onopen: ((ev: Event) => unknown) | null = null;
  onmessage: ((ev: MessageEvent) => unknown) | null = null;
  onclose: ((ev: CloseEvent) => unknown) | null = null;
  onerror: ((ev: Event) => unknown) | null = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(): void {
    this.readyState = 3;
  }
  receive(frame: object): void {
    this.onmessage?.({ data: JSON.stringify(frame) } as MessageEvent);
  }
  serverClose(code: number): void {
    this.readyState = 3;
    this.onclose?.({ code } as CloseEvent);
  }
  sentOfType(type: string): Record<string, unknown>[] {
    return this.sent.filter((f) => f.type === type);
  }
}

function memoryStore(): KeyValueStore {
  const data = new Map<string, string>();
  return { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

const hello = (messages: object[] = []) => ({ type: "hello", v: 1, visitor_id: "v_1", conversation: null, messages });
const stored = (id: string, clientId: string | null) => ({
  id,
  conversation_id: "c",
  author_type: "visitor",
  author_id: null,
  author_name: null,
  body: "hi",
  client_id: clientId,
  created_at: "2026-11-25T12:00:00Z",
});

function setup(token = "tok") {
  const sockets: FakeSocket[] = [];
  const frames: ServerFrame[] = [];
  const states: ConnectionState[] = [];
  const outbox = new Outbox(memoryStore(), "hovor:pk:outbox");
  let currentToken = token;
  const renewToken = vi.fn(async () => {
    currentToken = "renewed";
  });
  const connection = new Connection({
    origin: "https://chat.example.com",
    siteKey: "pk_1",
    outbox,
    getToken: () => currentToken,
    renewToken,
    onFrame: (f) => frames.push(f),
    onState: (s) => states.push(s),
    onOutboxChange: () => undefined,
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    random: () => 0.5,
  });
  const last = (): FakeSocket => {
    const socket = sockets[sockets.length - 1];
    if (!socket) throw new Error("no socket");
    return socket;
  };
  return { connection, sockets, frames, states, outbox, renewToken, last };
}

describe("visitorSocketUrl", () => {
  it("derives ws/wss from the origin and escapes parameters", () => {
    expect(visitorSocketUrl("https://h.example", "pk_1", "a+b/c")).toBe("wss://h.example/v1/visitor?site=pk_1&token=a%2Bb%2Fc");
    expect(visitorSocketUrl("http://localhost:8000", "pk", "t")).toBe("ws://localhost:8000/v1/visitor?site=pk&token=t");
  });
});

describe("Connection", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("queues messages until hello, then sends them", () => {
    const { connection, outbox, last } = setup();
    connection.start();
    const entry = connection.sendMessage("  hello  ");
    expect(entry?.body).toBe("hello");
    expect(last().sentOfType("message.send")).toEqual([]);
    expect(outbox.entries()).toHaveLength(1);
    last().receive(hello());
    expect(last().sentOfType("message.send")).toEqual([{ type: "message.send", client_id: entry?.client_id, body: "hello" }]);
  });

  it("ignores blank messages", () => {
    const { connection, outbox } = setup();
    expect(connection.sendMessage(" \n ")).toBeNull();
    expect(outbox.entries()).toEqual([]);
  });

  it("removes an entry on ack and resends the rest after every reconnect", () => {
    const { connection, outbox, sockets, last } = setup();
    connection.start();
    last().receive(hello());
    const a = connection.sendMessage("a");
    const b = connection.sendMessage("b");
    last().receive({ type: "message.ack", client_id: a?.client_id, message: stored("m1", a?.client_id ?? null) });
    expect(outbox.entries().map((e) => e.client_id)).toEqual([b?.client_id]);

    last().serverClose(1006);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(499);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    last().receive(hello());
    expect(last().sentOfType("message.send").map((f) => f.client_id)).toEqual([b?.client_id]);
  });

  it("drops outbox entries that hello shows as already stored", () => {
    const { connection, outbox, last } = setup();
    connection.start();
    const a = connection.sendMessage("a");
    last().receive(hello([stored("m1", a?.client_id ?? null)]));
    expect(outbox.entries()).toEqual([]);
    expect(last().sentOfType("message.send")).toEqual([]);
  });

  it("backs off exponentially while the server is unreachable, then resets after hello", () => {
    const { connection, sockets, last } = setup();
    connection.start();
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      last().serverClose(1006);
      const before = sockets.length;
      let waited = 0;
      while (sockets.length === before) {
        vi.advanceTimersByTime(100);
        waited += 100;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000]);
    last().receive(hello());
    last().serverClose(1006);
    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(9);
  });

  it("stops on 4403 and renews the token on 4401", async () => {
    const a = setup();
    a.connection.start();
    a.last().serverClose(4403);
    vi.advanceTimersByTime(60_000);
    expect(a.sockets).toHaveLength(1);
    expect(a.states[a.states.length - 1]).toBe("refused");

    const b = setup();
    b.connection.start();
    b.last().serverClose(4401);
    expect(b.renewToken).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(500);
    expect(b.sockets).toHaveLength(2);
    expect(b.last().url).toContain("token=renewed");
  });

  it("pings, and reconnects when nothing comes back", () => {
    const { connection, sockets, last } = setup();
    connection.start();
    last().receive(hello());
    vi.advanceTimersByTime(25_000);
    expect(last().sentOfType("ping")).toHaveLength(1);
    last().receive({ type: "pong" });
    vi.advanceTimersByTime(25_000);
    expect(last().sentOfType("ping")).toHaveLength(2);
    vi.advanceTimersByTime(25_000); // no pong this time
    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(2);
  });

  it("removes a refused message from the outbox and passes the error on", () => {
    const { connection, outbox, frames, last } = setup();
    connection.start();
    last().receive(hello());
    const a = connection.sendMessage("x");
    last().receive({ type: "error", code: "invalid", detail: "nope", client_id: a?.client_id });
    expect(outbox.entries()).toEqual([]);
    expect(frames[frames.length - 1]).toMatchObject({ type: "error", client_id: a?.client_id });
  });

  it("ignores garbage frames and events from replaced sockets", () => {
    const { connection, frames, sockets, last } = setup();
    connection.start();
    last().onmessage?.({ data: "{oops" } as MessageEvent);
    expect(frames).toEqual([]);
    const first = last();
    first.serverClose(1006);
    vi.advanceTimersByTime(500);
    first.receive(hello());
    expect(frames).toEqual([]);
    expect(sockets).toHaveLength(2);
  });
});
