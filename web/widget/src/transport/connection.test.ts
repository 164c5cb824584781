import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ConnectionState, RawFrame } from "../boot";
import { parseRawFrame, REPLAY_LIMIT, visitorSocketUrl } from "./connection";
import { fakeConnection, hello } from "./testing";

function setup() {
  const fake = fakeConnection();
  const frames: RawFrame[] = [];
  const states: ConnectionState[] = [];
  fake.connection.subscribe((f) => frames.push(f));
  fake.connection.watch((s) => states.push(s));
  return { ...fake, frames, states };
}

describe("visitorSocketUrl", () => {
  it("derives ws/wss from the origin and escapes parameters", () => {
    expect(visitorSocketUrl("https://h.example", "pk_1", "a+b/c")).toBe("wss://h.example/v1/visitor?site=pk_1&token=a%2Bb%2Fc");
    expect(visitorSocketUrl("http://localhost:8000", "pk", "t")).toBe("ws://localhost:8000/v1/visitor?site=pk&token=t");
  });
});

describe("parseRawFrame", () => {
  it("accepts JSON objects with a string type only", () => {
    expect(parseRawFrame('{"type":"x","a":1}')).toEqual({ type: "x", a: 1 });
    expect(parseRawFrame('{"a":1}')).toBeNull();
    expect(parseRawFrame("[1]")).toBeNull();
    expect(parseRawFrame("{oops")).toBeNull();
    expect(parseRawFrame(new ArrayBuffer(2))).toBeNull();
  });
});

describe("Connection", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("is ready after hello, hands frames to subscribers and reports its state", () => {
    const { connection, frames, states, last } = setup();
    connection.start();
    expect(states).toEqual(["connecting", "connecting"]);
    expect(connection.ready).toBe(false);
    expect(connection.send({ type: "typing", state: true })).toBe(true); // open socket, even before hello
    last().receive(hello());
    expect(connection.ready).toBe(true);
    expect(states[states.length - 1]).toBe("online");
    last().receive({ type: "message", message: {} });
    expect(frames.map((f) => f.type)).toEqual(["hello", "message"]);
  });

  it("replays the latest hello and what followed it to a late subscriber", () => {
    const { connection, last } = setup();
    connection.start();
    last().receive({ type: "offer", offer: { id: "of_0" } }); // before hello: not kept
    last().receive(hello());
    last().receive({ type: "offer", offer: { id: "of_1" } });
    last().receive({ type: "pong" });
    const late: string[] = [];
    connection.subscribe((f) => late.push(f.type), true);
    expect(late).toEqual(["hello", "offer"]);
    last().receive({ type: "typing", state: true });
    expect(late).toEqual(["hello", "offer", "typing"]);

    // A new hello starts the backlog over; it stays bounded.
    last().receive(hello());
    for (let i = 0; i < REPLAY_LIMIT + 10; i++) last().receive({ type: "message", n: i });
    const replayed: RawFrame[] = [];
    connection.subscribe((f) => replayed.push(f), true);
    expect(replayed).toHaveLength(REPLAY_LIMIT + 1);
    expect(replayed[0]?.type).toBe("hello");
    expect(replayed[replayed.length - 1]).toEqual({ type: "message", n: REPLAY_LIMIT + 9 });
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

  it("reconnects at once when asked, and not at all once stopped", () => {
    const { connection, sockets, last } = setup();
    connection.start();
    last().serverClose(1006);
    connection.reconnectNow();
    expect(sockets).toHaveLength(2);
    connection.stop();
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(2);
    expect(connection.send({ type: "ping" })).toBe(false);
  });
});
