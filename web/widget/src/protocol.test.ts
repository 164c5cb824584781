import { describe, expect, it } from "vitest";
import { parseServerFrame, parseSessionResponse, toServerFrame } from "./protocol";

const message = {
  id: "01JA",
  conversation_id: "01JC",
  author_type: "agent",
  author_id: "u_1",
  author_name: "Alice",
  body: "Hello",
  client_id: null,
  private: false,
  created_at: "2026-11-25T12:00:00.123456Z",
};

describe("parseServerFrame", () => {
  it("parses hello with history", () => {
    const frame = parseServerFrame(
      JSON.stringify({ type: "hello", v: 1, visitor_id: "v_1", conversation: { id: "c", status: "open" }, messages: [message] }),
    );
    expect(frame).toEqual({
      type: "hello",
      v: 1,
      visitor_id: "v_1",
      conversation: { id: "c", status: "open" },
      messages: [message],
    });
  });

  it("parses hello without a conversation", () => {
    const frame = parseServerFrame(JSON.stringify({ type: "hello", v: 1, visitor_id: "v_1", conversation: null, messages: [] }));
    expect(frame).toMatchObject({ type: "hello", conversation: null, messages: [] });
  });

  it("drops malformed messages inside hello instead of failing", () => {
    const frame = parseServerFrame(
      JSON.stringify({ type: "hello", v: 1, visitor_id: "v", conversation: null, messages: [message, { id: 3 }, null] }),
    );
    expect(frame?.type === "hello" && frame.messages).toEqual([message]);
  });

  it("parses ack, message, typing, conversation, error and pong", () => {
    expect(parseServerFrame(JSON.stringify({ type: "message.ack", client_id: "k", message }))).toEqual({
      type: "message.ack",
      client_id: "k",
      message,
    });
    expect(parseServerFrame(JSON.stringify({ type: "message", message }))).toEqual({ type: "message", message });
    expect(
      parseServerFrame(JSON.stringify({ type: "typing", author_type: "agent", author_name: "Alice", state: true })),
    ).toEqual({ type: "typing", author_type: "agent", author_name: "Alice", state: true });
    expect(parseServerFrame(JSON.stringify({ type: "conversation", conversation: { id: "c", status: "closed" } }))).toEqual(
      { type: "conversation", conversation: { id: "c", status: "closed" } },
    );
    expect(parseServerFrame(JSON.stringify({ type: "error", code: "invalid", detail: "body too long", client_id: "k" }))).toEqual(
      { type: "error", code: "invalid", detail: "body too long", client_id: "k" },
    );
    expect(parseServerFrame(JSON.stringify({ type: "pong" }))).toEqual({ type: "pong" });
  });

  it("returns null for garbage, unknown types and missing fields", () => {
    expect(parseServerFrame("not json")).toBeNull();
    expect(parseServerFrame("[1,2]")).toBeNull();
    expect(parseServerFrame("null")).toBeNull();
    expect(parseServerFrame(new ArrayBuffer(2))).toBeNull();
    expect(parseServerFrame(JSON.stringify({ type: "offer" }))).toBeNull();
    expect(parseServerFrame(JSON.stringify({ type: "message" }))).toBeNull();
    expect(parseServerFrame(JSON.stringify({ type: "message", message: { ...message, author_type: "bot" } }))).toBeNull();
    expect(parseServerFrame(JSON.stringify({ type: "message.ack", message }))).toBeNull();
    expect(parseServerFrame(JSON.stringify({ type: "typing", state: "yes" }))).toBeNull();
  });
});

describe("parseSessionResponse", () => {
  it("accepts the documented shape", () => {
    const body = {
      visitor_id: "v_1",
      token: "t",
      settings: { title: "Demo Shop", greeting: "Hi!", color: "#4f46e5", require_consent: true },
    };
    expect(parseSessionResponse(body)).toEqual(body);
  });

  it("falls back to safe settings and refuses a CSS-injecting color", () => {
    expect(parseSessionResponse({ visitor_id: "v", token: "t", settings: { color: "red; display:none" } })).toEqual({
      visitor_id: "v",
      token: "t",
      settings: { title: "Chat", greeting: "", color: "#4f46e5", require_consent: false },
    });
    expect(parseSessionResponse({ token: "t" })).toBeNull();
  });
});

describe("offer frames", () => {
  it("parses an offer and refuses unknown kinds", () => {
    const offer = { id: "of_1", kind: "callback", text: "Call you?", expires_at: "2026-11-25T12:02:00Z" };
    expect(parseServerFrame(JSON.stringify({ type: "offer", offer }))).toEqual({ type: "offer", offer });
    // The server always says until when an offer stands (OfferCard in frames.gen.ts).
    expect(toServerFrame({ type: "offer", offer: { ...offer, expires_at: undefined } })).toBeNull();
    expect(toServerFrame({ type: "offer", offer: { ...offer, kind: "popup" } })).toBeNull();
    expect(toServerFrame({ type: "offer" })).toBeNull();
  });
});
