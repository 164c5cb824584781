import { describe, expect, it } from "vitest";
import { task } from "./fixtures";
import { countdownLabel, reservationsAfter, secondsLeft } from "./reservations";

const ME = "u-me";

describe("reservationsAfter", () => {
  it("adds a task reserved for me, soonest to expire first", () => {
    const late = task({ id: "a", status: "reserved", agent_id: ME, reservation_expires_at: "2026-01-01T10:01:00Z" });
    const soon = task({ id: "b", status: "reserved", agent_id: ME, reservation_expires_at: "2026-01-01T10:00:30Z" });
    expect(reservationsAfter(reservationsAfter([], late, ME), soon, ME).map((t) => t.id)).toEqual(["b", "a"]);
  });

  it("drops it once it is accepted, requeued or reserved for someone else", () => {
    const mine = task({ id: "a", status: "reserved", agent_id: ME, reservation_expires_at: "2026-01-01T10:00:30Z" });
    expect(reservationsAfter([mine], { ...mine, status: "assigned" }, ME)).toEqual([]);
    expect(reservationsAfter([mine], { ...mine, status: "waiting", agent_id: null }, ME)).toEqual([]);
    expect(reservationsAfter([mine], { ...mine, agent_id: "u-other" }, ME)).toEqual([]);
  });

  it("ignores tasks that are not mine and were never listed", () => {
    const list = [task({ id: "a", status: "reserved", agent_id: ME })];
    expect(reservationsAfter(list, task({ id: "z", status: "reserved", agent_id: "u-other" }), ME)).toBe(list);
  });
});

describe("secondsLeft", () => {
  const expires = "2026-01-01T10:00:30Z";
  const now = Date.parse("2026-01-01T10:00:00Z");
  it("counts whole seconds down to zero, never below", () => {
    expect(secondsLeft(expires, now)).toBe(30);
    expect(secondsLeft(expires, now + 29_500)).toBe(1);
    expect(secondsLeft(expires, now + 31_000)).toBe(0);
    expect(secondsLeft(null, now)).toBeNull();
  });
  it("runs on the server's clock when this browser's is off", () => {
    // This browser is 10 s ahead of the server: the deadline is 10 s later on its clock.
    expect(secondsLeft(expires, now + 10_000, 10_000)).toBe(30);
  });
  it("formats as m:ss", () => {
    expect(countdownLabel(27)).toBe("0:27");
    expect(countdownLabel(75)).toBe("1:15");
  });
});
