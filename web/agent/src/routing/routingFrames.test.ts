import { QueryClient } from "@tanstack/react-query";
import { afterEach, describe, expect, it } from "vitest";
import { keys } from "../api/keys";
import { stats, task } from "./fixtures";
import { resetRoutingLive, routingLive } from "./liveStore";
import type { WallboardView } from "./queries";
import { applyRoutingFrame } from "./routingFrames";
import type { TaskOut } from "./stats";

const ME = "u-me";

afterEach(() => resetRoutingLive());

describe("applyRoutingFrame", () => {
  it("live figures update the wallboard and the trend, never going back in time", () => {
    const client = new QueryClient();
    client.setQueryData<WallboardView>(keys.wallboard, { live: stats("2026-01-01T10:00:02Z", { Web: 0 }), today: [] });
    applyRoutingFrame(client, { type: "wallboard.updated", stats: stats("2026-01-01T10:00:04Z", { Web: 2, Mail: 1 }) }, ME, 5_000);
    expect(client.getQueryData<WallboardView>(keys.wallboard)?.live?.queues.map((q) => q.waiting)).toEqual([2, 1]);
    applyRoutingFrame(client, { type: "wallboard.updated", stats: stats("2026-01-01T10:00:01Z", { Web: 9 }) }, ME, 6_000);
    expect(client.getQueryData<WallboardView>(keys.wallboard)?.live?.at).toBe("2026-01-01T10:00:04Z");
    expect(routingLive().history.map((p) => p.waiting)).toEqual([3, 9]);
  });

  it("the trend is kept even before the wallboard was opened", () => {
    const client = new QueryClient();
    applyRoutingFrame(client, { type: "wallboard.updated", stats: stats("2026-01-01T10:00:00Z", { Web: 1 }) }, ME, 1_000);
    expect(client.getQueryData(keys.wallboard)).toBeUndefined();
    expect(routingLive().history).toEqual([{ t: 1_000, waiting: 1 }]);
    expect(routingLive().clockOffsetMs).toBe(1_000 - Date.parse("2026-01-01T10:00:00Z"));
  });

  it("a reservation for me shows up, and leaves once it is answered", () => {
    const client = new QueryClient();
    client.setQueryData<TaskOut[]>(keys.myReservations, []);
    const reserved = task({ id: "t1", status: "reserved", agent_id: ME, reservation_expires_at: "2026-01-01T10:00:30Z" });
    expect(applyRoutingFrame(client, { type: "task.changed", task: reserved }, ME).reservedForMe).toBe(reserved);
    expect(client.getQueryData<TaskOut[]>(keys.myReservations)).toEqual([reserved]);
    const effects = applyRoutingFrame(client, { type: "task.changed", task: { ...reserved, status: "assigned" } }, ME);
    expect(effects.reservedForMe).toBeNull();
    expect(client.getQueryData<TaskOut[]>(keys.myReservations)).toEqual([]);
  });

  it("someone else's reservation is not mine", () => {
    const client = new QueryClient();
    client.setQueryData<TaskOut[]>(keys.myReservations, []);
    const effects = applyRoutingFrame(client, { type: "task.changed", task: task({ id: "t1", status: "reserved", agent_id: "u-2" }) }, ME);
    expect(effects.reservedForMe).toBeNull();
    expect(client.getQueryData<TaskOut[]>(keys.myReservations)).toEqual([]);
  });

  it("an assignment makes today's figures stale", () => {
    const client = new QueryClient();
    client.setQueryData<WallboardView>(keys.wallboard, { live: null, today: [] });
    applyRoutingFrame(client, { type: "task.changed", task: task({ id: "t1", status: "assigned", agent_id: "u-2" }) }, ME);
    expect(client.getQueryState(keys.wallboard)?.isInvalidated).toBe(true);
  });

  it("alerts go to the recent list", () => {
    const client = new QueryClient();
    applyRoutingFrame(client, { type: "alert.raised", alert: "unroutable", task: task({ id: "t9" }) }, ME, 42);
    expect(routingLive().alerts).toMatchObject([{ kind: "unroutable", task: { id: "t9" }, at: 42 }]);
  });
});
