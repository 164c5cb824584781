import { describe, expect, it } from "vitest";
import { firingsPerDay } from "./backtestBuckets";

const at = (y: number, m: number, d: number, h = 12) => ({ at: new Date(y, m - 1, d, h).toISOString() });

describe("firingsPerDay", () => {
  const now = new Date(2026, 2, 10, 15, 0); // 10 March, local time

  it("has one bucket per local day of the period, oldest first, ending today", () => {
    const buckets = firingsPerDay([], 7, now);
    expect(buckets).toHaveLength(8);
    expect(buckets[0]).toEqual({ day: "2026-03-03", count: 0 });
    expect(buckets[7]).toEqual({ day: "2026-03-10", count: 0 });
  });

  it("counts firings by local day and ignores those outside the period or unreadable", () => {
    const firings = [at(2026, 3, 10, 9), at(2026, 3, 10, 14), at(2026, 3, 9, 0), at(2026, 3, 3, 23), at(2026, 3, 1), { at: "nonsense" }];
    const buckets = firingsPerDay(firings, 7, now);
    expect(Object.fromEntries(buckets.map((b) => [b.day, b.count]))).toMatchObject({
      "2026-03-03": 1,
      "2026-03-09": 1,
      "2026-03-10": 2,
    });
    expect(buckets.reduce((n, b) => n + b.count, 0)).toBe(4);
  });

  it("crosses month ends", () => {
    const buckets = firingsPerDay([at(2026, 2, 28)], 1, new Date(2026, 2, 1, 8));
    expect(buckets).toEqual([
      { day: "2026-02-28", count: 1 },
      { day: "2026-03-01", count: 0 },
    ]);
  });
});
