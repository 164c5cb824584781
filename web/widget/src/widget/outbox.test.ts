import { describe, expect, it } from "vitest";
import type { KeyValueStore } from "../storage";
import { newClientId, Outbox, OUTBOX_LIMIT } from "./outbox";

function memoryStore(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

const entry = (id: string) => ({ client_id: id, body: `body ${id}`, created_at: "2026-11-25T12:00:00Z" });

describe("Outbox", () => {
  it("adds, lists in order, and removes entries", () => {
    const outbox = new Outbox(memoryStore(), "hovor:pk:outbox");
    outbox.add(entry("a"));
    outbox.add(entry("b"));
    expect(outbox.entries().map((e) => e.client_id)).toEqual(["a", "b"]);
    expect(outbox.has("a")).toBe(true);
    expect(outbox.remove("a")).toBe(true);
    expect(outbox.remove("a")).toBe(false);
    expect(outbox.entries()).toEqual([entry("b")]);
  });

  it("persists under its key and is shared by instances (tabs)", () => {
    const store = memoryStore();
    new Outbox(store, "hovor:pk:outbox").add(entry("a"));
    expect(JSON.parse(store.data.get("hovor:pk:outbox") ?? "[]")).toEqual([entry("a")]);
    const other = new Outbox(store, "hovor:pk:outbox");
    expect(other.entries()).toEqual([entry("a")]);
    other.remove("a");
    expect(store.data.has("hovor:pk:outbox")).toBe(false);
  });

  it("ignores a duplicate client id", () => {
    const outbox = new Outbox(memoryStore(), "k");
    outbox.add(entry("a"));
    outbox.add({ ...entry("a"), body: "changed" });
    expect(outbox.entries()).toEqual([entry("a")]);
  });

  it("reads corrupt or foreign data as empty, skipping bad entries", () => {
    const store = memoryStore();
    const outbox = new Outbox(store, "k");
    store.setItem("k", "{not json");
    expect(outbox.entries()).toEqual([]);
    store.setItem("k", JSON.stringify({ a: 1 }));
    expect(outbox.entries()).toEqual([]);
    store.setItem("k", JSON.stringify([entry("a"), { client_id: "", body: "x", created_at: "t" }, 7]));
    expect(outbox.entries()).toEqual([entry("a")]);
  });

  it("keeps at most OUTBOX_LIMIT newest entries", () => {
    const outbox = new Outbox(memoryStore(), "k");
    for (let i = 0; i < OUTBOX_LIMIT + 5; i++) outbox.add(entry(String(i)));
    const ids = outbox.entries().map((e) => e.client_id);
    expect(ids).toHaveLength(OUTBOX_LIMIT);
    expect(ids[0]).toBe("5");
  });
});

describe("newClientId", () => {
  it("is unique and within the protocol's 64 chars", () => {
    const ids = new Set(Array.from({ length: 200 }, newClientId));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(64);
  });
});
