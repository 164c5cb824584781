import { describe, expect, it } from "vitest";
import { BatchSender, FRAME_BYTES, MAX_IN_FLIGHT, slices, type CobrowseEventsFrame } from "./sender";

function harness() {
  const sent: CobrowseEventsFrame[] = [];
  const timers: (() => void)[] = [];
  let resyncs = 0;
  let tooLarge = 0;
  let online = true;
  const sender = new BatchSender("cb1", {
    send: (f) => (online ? (sent.push(f), true) : false),
    resync: () => {
      resyncs++;
      sender.push({ type: 4, timestamp: 1, data: { href: "x" } });
      sender.push({ type: 2, timestamp: 1, data: {} });
    },
    tooLarge: () => void tooLarge++,
    schedule: (fn) => timers.push(fn),
  });
  const tick = () => timers.splice(0).forEach((fn) => fn());
  return { sender, sent, tick, get resyncs() { return resyncs; }, get tooLarge() { return tooLarge; }, setOnline: (v: boolean) => (online = v) };
}

const mutation = (n: number) => ({ type: 3, timestamp: n, data: { source: 0, texts: [], attributes: [], removes: [], adds: [] } });
const joined = (frames: CobrowseEventsFrame[], seq: number) =>
  JSON.parse(frames.filter((f) => f.seq === seq).map((f) => f.data).join(""));

describe("BatchSender", () => {
  it("batches events and sends each batch in parts that fit a frame", () => {
    const h = harness();
    const big = { type: 3, timestamp: 1, data: { text: "\"ž\"".repeat(20_000) } };
    h.sender.push(mutation(1));
    h.sender.push(big);
    h.tick();
    expect(h.sent.length).toBeGreaterThan(1);
    for (const f of h.sent) expect(new TextEncoder().encode(JSON.stringify(f)).length).toBeLessThanOrEqual(FRAME_BYTES);
    expect(h.sent.every((f) => f.parts === h.sent.length && f.seq === 0)).toBe(true);
    expect(joined(h.sent, 0)).toEqual([mutation(1), big]);
    expect(h.sent[0]?.size).toBe(new TextEncoder().encode(JSON.stringify([mutation(1), big])).length);
  });

  it("keeps at most MAX_IN_FLIGHT batches unacknowledged and merges the rest", () => {
    const h = harness();
    for (let i = 0; i < MAX_IN_FLIGHT + 3; i++) {
      h.sender.push(mutation(i));
      h.tick();
    }
    expect(new Set(h.sent.map((f) => f.seq)).size).toBe(MAX_IN_FLIGHT);
    h.sender.acked(0);
    h.tick();
    const last = Math.max(...h.sent.map((f) => f.seq));
    expect(joined(h.sent, last)).toEqual([mutation(4), mutation(5), mutation(6)]);
  });

  it("drops and asks for a full snapshot when the socket is lost, and sends nothing without one", () => {
    const h = harness();
    h.setOnline(false);
    h.sender.push(mutation(1));
    h.tick();
    expect(h.sent).toEqual([]);
    h.sender.push(mutation(2)); // of a page the agent does not have: dropped
    h.setOnline(true);
    h.sender.lost(); // the new socket's hello
    expect(h.resyncs).toBe(1);
    h.tick();
    expect(joined(h.sent, h.sent[0]!.seq).map((e: { type: number }) => e.type)).toEqual([4, 2]);
  });

  it("pauses after a rate limit, then resyncs", () => {
    const h = harness();
    h.sender.lost(5000);
    expect(h.resyncs).toBe(0);
    h.tick(); // the pause ends
    expect(h.resyncs).toBe(1);
  });

  it("refuses a batch over the server's limit", () => {
    const h = harness();
    h.sender.push({ type: 2, timestamp: 1, data: { html: "x".repeat(2_200_000) } });
    h.tick();
    expect(h.tooLarge).toBe(1);
    expect(h.sent).toEqual([]);
  });
});

describe("slices", () => {
  it("never splits a surrogate pair", () => {
    const text = "a" + "😀".repeat(600);
    const parts = slices(text, (d) => d, 101);
    expect(parts.join("")).toBe(text);
    for (const p of parts) expect(p.charCodeAt(p.length - 1) >= 0xd800 && p.charCodeAt(p.length - 1) <= 0xdbff).toBe(false);
  });
});
