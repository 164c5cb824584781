import { describe, expect, it } from "vitest";
import type { Message } from "../protocol";
import { MessageLog } from "./messages";

const msg = (id: string, at: string, extra: Partial<Message> = {}): Message => ({
  id,
  conversation_id: "c",
  author_type: "agent",
  author_id: null,
  author_name: "Alice",
  body: `text ${id}`,
  client_id: null,
  private: false,
  created_at: `2026-11-25T12:00:${at}.000000Z`,
  ...extra,
});

describe("MessageLog", () => {
  it("deduplicates by message id", () => {
    const log = new MessageLog();
    expect(log.add(msg("1", "01"))).toBe(true);
    expect(log.add(msg("1", "01"))).toBe(false);
    expect(log.addAll([msg("1", "01"), msg("2", "02")]).map((m) => m.id)).toEqual(["2"]);
    expect(log.size).toBe(2);
  });

  it("orders by creation time, then id, whatever the arrival order", () => {
    const log = new MessageLog();
    log.addAll([msg("3", "03"), msg("1", "01"), msg("2b", "02"), msg("2a", "02")]);
    expect(log.view([]).map((d) => d.key)).toEqual(["1", "2a", "2b", "3"]);
    expect(log.oldestId()).toBe("1");
  });

  it("shows outbox entries as sending until the stored message with their client id arrives", () => {
    const log = new MessageLog();
    log.add(msg("1", "01"));
    const pending = [{ client_id: "k1", body: "hi", created_at: "2026-11-25T12:00:05Z" }];
    expect(log.view(pending).map((d) => [d.key, d.author, d.status])).toEqual([
      ["1", "agent", "sent"],
      ["c:k1", "visitor", "sending"],
    ]);
    log.add(msg("2", "05", { author_type: "visitor", author_name: null, body: "hi", client_id: "k1" }));
    expect(log.view(pending).map((d) => [d.key, d.status])).toEqual([
      ["1", "sent"],
      ["2", "sent"],
    ]);
    expect(log.hasClientId("k1")).toBe(true);
  });

  it("shows refused messages as failed, with the reason", () => {
    const log = new MessageLog();
    const failed = [{ client_id: "k", body: "x", created_at: "t", error: "too long" }];
    expect(log.view([], failed)).toEqual([
      { key: "c:k", author: "visitor", authorName: null, body: "x", createdAt: "t", status: "failed", error: "too long" },
    ]);
  });
});
