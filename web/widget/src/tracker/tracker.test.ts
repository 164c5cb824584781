import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TrackedEvent } from "./event";
import { EventBuffer } from "./buffer";
import { FLUSH_COUNT, FLUSH_MS, Tracker } from "./tracker";
import { fakeConnection, hello, memoryStore } from "../transport/testing";

function setup(enabled = true) {
  const fake = fakeConnection();
  const store = memoryStore();
  const buffer = new EventBuffer(store, "hovor:pk:events");
  const beacons: TrackedEvent[][] = [];
  let beaconOk = true;
  const tracker = new Tracker({
    link: fake.connection,
    buffer,
    beacon: (events) => {
      if (beaconOk) beacons.push(events);
      return beaconOk;
    },
  });
  tracker.setEnabled(enabled);
  const frames = () => fake.last().sentOfType("events") as { events: TrackedEvent[] }[];
  const refuseBeacons = () => (beaconOk = false);
  return { ...fake, store, buffer, tracker, beacons, frames, refuseBeacons };
}

describe("Tracker batching", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("flushes 250 ms after the first event, in one frame", () => {
    const { connection, tracker, last, frames } = setup();
    connection.start();
    last().receive(hello());
    tracker.track("page.view");
    vi.advanceTimersByTime(100);
    tracker.track("product.view", { id: "p1" });
    vi.advanceTimersByTime(FLUSH_MS - 101);
    expect(frames()).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(frames()).toHaveLength(1);
    expect(frames()[0]?.events.map((e) => e.type)).toEqual(["page.view", "product.view"]);
  });

  it("flushes at once when 20 events are waiting", () => {
    const { connection, tracker, last, frames } = setup();
    connection.start();
    last().receive(hello());
    for (let i = 0; i < FLUSH_COUNT - 1; i++) tracker.track("idle", { seconds: i });
    expect(frames()).toEqual([]);
    tracker.track("idle", { seconds: 99 });
    expect(frames()).toHaveLength(1);
    expect(frames()[0]?.events).toHaveLength(FLUSH_COUNT);
    vi.advanceTimersByTime(1000);
    expect(frames()).toHaveLength(1);
  });

  it("keeps events while offline and sends the whole buffer after every hello, 50 per frame", () => {
    const { connection, tracker, buffer, last, sockets, frames } = setup();
    connection.start();
    for (let i = 0; i < 60; i++) tracker.track("idle", { seconds: i });
    vi.advanceTimersByTime(FLUSH_MS);
    expect(frames()).toEqual([]);
    expect(buffer.entries()).toHaveLength(60);
    last().receive(hello());
    expect(frames().map((f) => f.events.length)).toEqual([50, 10]);

    // Not acknowledged, socket lost: the next socket gets them again.
    last().serverClose(1006);
    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(2);
    last().receive(hello());
    expect(frames().flatMap((f) => f.events)).toHaveLength(60);
  });
});

describe("Tracker acknowledgements", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("drops accepted and rejected ids from the buffer, keeps the rest", () => {
    const { connection, tracker, buffer, last } = setup();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    connection.start();
    last().receive(hello());
    const [a, b, c] = [tracker.track("page.view"), tracker.track("cart.add", { id: "x" }), tracker.track("idle", { seconds: 30 })];
    vi.advanceTimersByTime(FLUSH_MS);
    last().receive({
      type: "events.ack",
      accepted: [a?.id],
      rejected: [{ id: b?.id, code: "invalid_event", detail: "props.price: must be a number" }],
    });
    expect(buffer.entries().map((e) => e.id)).toEqual([c?.id]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("props.price"));
    // A resend after reconnecting carries only what is still unacknowledged.
    last().receive(hello());
    expect(last().sentOfType("events").slice(-1)[0]).toMatchObject({ events: [{ id: c?.id }] });
    warn.mockRestore();
  });

  it("keeps at most 500 events in storage, oldest dropped first", () => {
    const store = memoryStore();
    const buffer = new EventBuffer(store, "k", 500);
    for (let i = 0; i < 510; i++) buffer.add({ id: `e${i}`, ts: "t", type: "idle", props: {} });
    const ids = buffer.entries().map((e) => e.id);
    expect(ids).toHaveLength(500);
    expect(ids[0]).toBe("e10");
    expect(ids[ids.length - 1]).toBe("e509");
    buffer.remove(ids);
    expect(store.data.has("k")).toBe(false);
  });

  it("reads a corrupt buffer as empty", () => {
    const store = memoryStore();
    store.setItem("k", "{not json");
    expect(new EventBuffer(store, "k").entries()).toEqual([]);
    store.setItem("k", JSON.stringify([{ id: 1 }, null, { id: "ok", type: "idle" }]));
    expect(new EventBuffer(store, "k").entries()).toEqual([{ id: "ok", type: "idle" }]);
  });
});

describe("Tracker beacon", () => {
  it("sends what is unacknowledged in batches of 50, each event once per page", () => {
    const { tracker, beacons } = setup();
    for (let i = 0; i < 70; i++) tracker.track("idle", { seconds: i });
    tracker.beaconFlush();
    expect(beacons.map((b) => b.length)).toEqual([50, 20]);
    tracker.track("page.leave", { dwell_seconds: 12 });
    tracker.beaconFlush();
    expect(beacons.map((b) => b.length)).toEqual([50, 20, 1]);
  });

  it("stops when the browser refuses and tries again later", () => {
    const { tracker, beacons, refuseBeacons } = setup();
    tracker.track("idle", { seconds: 1 });
    refuseBeacons();
    tracker.beaconFlush();
    expect(beacons).toEqual([]);
  });
});

describe("Tracker consent gating", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("builds, stores and sends nothing while disabled", () => {
    const { connection, tracker, store, beacons, last } = setup(false);
    connection.start();
    last().receive(hello());
    expect(tracker.track("page.view")).toBeNull();
    vi.advanceTimersByTime(FLUSH_MS);
    tracker.beaconFlush();
    expect(last().sentOfType("events")).toEqual([]);
    expect(beacons).toEqual([]);
    expect(store.data.size).toBe(0);
  });

  it("disabling later stops tracking and clears the buffer", () => {
    const { tracker, store } = setup(true);
    tracker.track("page.view");
    expect(store.data.size).toBe(1);
    tracker.setEnabled(false);
    expect(store.data.size).toBe(0);
    expect(tracker.waiting()).toEqual([]);
  });
});
