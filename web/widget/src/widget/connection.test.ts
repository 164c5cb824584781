import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ConnectionState } from "../boot";
import type { ServerFrame } from "../protocol";
import { fakeConnection, hello, memoryStore } from "../transport/testing";
import { ChatConnection } from "./connection";
import { Outbox } from "./outbox";

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

function setup() {
  const fake = fakeConnection();
  const frames: ServerFrame[] = [];
  const states: ConnectionState[] = [];
  const outbox = new Outbox(memoryStore(), "hovor:pk:outbox");
  const chat = new ChatConnection({
    link: fake.connection,
    outbox,
    onFrame: (f) => frames.push(f),
    onState: (s) => states.push(s),
    onOutboxChange: () => undefined,
  });
  return { ...fake, chat, frames, states, outbox };
}

describe("ChatConnection", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("queues messages until hello, then sends them", () => {
    const { connection, chat, outbox, last } = setup();
    connection.start();
    chat.start();
    const entry = chat.sendMessage("  hello  ");
    expect(entry?.body).toBe("hello");
    expect(last().sentOfType("message.send")).toEqual([]);
    expect(outbox.entries()).toHaveLength(1);
    last().receive(hello());
    expect(last().sentOfType("message.send")).toEqual([{ type: "message.send", client_id: entry?.client_id, body: "hello" }]);
  });

  it("ignores blank messages", () => {
    const { chat, outbox } = setup();
    expect(chat.sendMessage(" \n ")).toBeNull();
    expect(outbox.entries()).toEqual([]);
  });

  it("removes an entry on ack and resends the rest after every reconnect", () => {
    const { connection, chat, outbox, sockets, last } = setup();
    connection.start();
    chat.start();
    last().receive(hello());
    const a = chat.sendMessage("a");
    const b = chat.sendMessage("b");
    last().receive({ type: "message.ack", client_id: a?.client_id, message: stored("m1", a?.client_id ?? null) });
    expect(outbox.entries().map((e) => e.client_id)).toEqual([b?.client_id]);

    last().serverClose(1006);
    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(2);
    last().receive(hello());
    expect(last().sentOfType("message.send").map((f) => f.client_id)).toEqual([b?.client_id]);
  });

  it("drops outbox entries that hello shows as already stored", () => {
    const { connection, chat, outbox, last } = setup();
    connection.start();
    chat.start();
    const a = chat.sendMessage("a");
    last().receive(hello([stored("m1", a?.client_id ?? null)]));
    expect(outbox.entries()).toEqual([]);
    expect(last().sentOfType("message.send")).toEqual([]);
  });

  it("starting late replays the hello the loader already got, and resends the outbox", () => {
    const { connection, chat, outbox, frames, states, last } = setup();
    outbox.add({ client_id: "c1", body: "from the last page", created_at: "2026-11-25T12:00:00Z" });
    connection.start();
    last().receive(hello([stored("m0", null)], { id: "c", status: "open" }));
    last().receive({ type: "message", message: { ...stored("m1", null), author_type: "agent" } });
    chat.start(); // widget.js arrives
    expect(frames.map((f) => f.type)).toEqual(["hello", "message"]);
    expect(states).toEqual(["online"]);
    expect(last().sentOfType("message.send")).toEqual([{ type: "message.send", client_id: "c1", body: "from the last page" }]);
  });

  it("removes a refused message from the outbox and passes the error on", () => {
    const { connection, chat, outbox, frames, last } = setup();
    connection.start();
    chat.start();
    last().receive(hello());
    const a = chat.sendMessage("x");
    last().receive({ type: "error", code: "invalid", detail: "nope", client_id: a?.client_id });
    expect(outbox.entries()).toEqual([]);
    expect(frames[frames.length - 1]).toMatchObject({ type: "error", client_id: a?.client_id });
  });

  it("passes offers on, validated", () => {
    const { connection, chat, frames, last } = setup();
    connection.start();
    chat.start();
    last().receive(hello());
    last().receive({ type: "offer", offer: { id: "of_1", kind: "chat", text: "Hi", expires_at: "2026-11-25T12:02:00Z" } });
    last().receive({ type: "offer", offer: { id: "of_2", kind: "nope", text: "Hi" } });
    expect(frames.filter((f) => f.type === "offer")).toHaveLength(1);
  });
});
