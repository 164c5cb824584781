import { describe, expect, it } from "vitest";
import { stats } from "./fixtures";
import type { QueueToday } from "./stats";
import { longestWaitNow, percentLabel, wallboardRows } from "./wallboardRows";

const today = (queue_id: string, over: Partial<QueueToday> = {}): QueueToday => ({
  queue_id,
  offered: 4,
  answered: 3,
  answered_in_sla: 3,
  abandoned: 1,
  sla_percent: 75,
  average_answer_seconds: 12.5,
  ...over,
});

describe("wallboardRows", () => {
  it("joins live figures and today's by queue, live queues first", () => {
    const live = stats("2026-01-01T10:00:00Z", { Mail: 0, Web: 2 });
    const rows = wallboardRows(live, [today("q-Web"), today("q-old")], new Map([["q-old", "Old queue"]]));
    expect(rows.map((r) => [r.name, r.live?.waiting ?? null, r.today?.sla_percent ?? null])).toEqual([
      ["Mail", 0, null],
      ["Web", 2, 75],
      ["Old queue", null, 75],
    ]);
  });

  it("without live figures (no router yet) the day's queues still show", () => {
    expect(wallboardRows(null, [today("q1")]).map((r) => r.name)).toEqual(["q1"]);
  });
});

describe("longestWaitNow", () => {
  const live = stats("2026-01-01T10:00:00Z", { Web: 1, Mail: 0 });
  const web = live.queues.find((q) => q.name === "Web")!;
  const mail = live.queues.find((q) => q.name === "Mail")!;
  const counted = Date.parse(live.at);

  it("ticks on from the router's figure", () => {
    expect(longestWaitNow(web, live.at, 0, counted)).toBe(5);
    expect(longestWaitNow(web, live.at, 0, counted + 3_000)).toBe(8);
  });
  it("uses the server's clock and never goes back", () => {
    expect(longestWaitNow(web, live.at, 60_000, counted + 60_000 + 2_000)).toBe(7);
    expect(longestWaitNow(web, live.at, 0, counted - 5_000)).toBe(5);
  });
  it("is zero when nothing waits", () => {
    expect(longestWaitNow(mail, live.at, 0, counted + 9_000)).toBe(0);
  });
  it("labels percentages", () => {
    expect(percentLabel(91.66)).toBe("92 %");
    expect(percentLabel(null)).toBe("—");
  });
});
