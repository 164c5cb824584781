import { describe, expect, it } from "vitest";
import { appendPoint, HISTORY_WINDOW_MS, trendShape, type WaitingPoint } from "./waitingHistory";

const MIN = 60_000;

describe("appendPoint", () => {
  it("adds points in time order and ignores late ones", () => {
    let h: WaitingPoint[] = [];
    h = appendPoint(h, { t: 1_000, waiting: 0 });
    h = appendPoint(h, { t: 3_000, waiting: 1 });
    h = appendPoint(h, { t: 2_000, waiting: 5 });
    expect(h).toEqual([
      { t: 1_000, waiting: 0 },
      { t: 3_000, waiting: 1 },
    ]);
  });

  it("replaces a point at the same time", () => {
    const h = appendPoint([{ t: 1_000, waiting: 0 }], { t: 1_000, waiting: 2 });
    expect(h).toEqual([{ t: 1_000, waiting: 2 }]);
  });

  it("keeps ten minutes and the last point before them", () => {
    let h: WaitingPoint[] = [];
    for (let minute = 0; minute <= 15; minute++) h = appendPoint(h, { t: minute * MIN, waiting: minute });
    expect(h[0]).toEqual({ t: 5 * MIN, waiting: 5 });
    expect(h[h.length - 1]).toEqual({ t: 15 * MIN, waiting: 15 });
    expect(h).toHaveLength(11);
    expect(HISTORY_WINDOW_MS).toBe(10 * MIN);
    // Half a minute later the point at 5 min is the one kept from before the window.
    h = appendPoint(h, { t: 15.5 * MIN, waiting: 0 });
    expect(h[0]).toEqual({ t: 5 * MIN, waiting: 5 });
    expect(h[1]).toEqual({ t: 6 * MIN, waiting: 6 });
  });

  it("does not change the list it was given", () => {
    const before: WaitingPoint[] = [{ t: 0, waiting: 1 }];
    appendPoint(before, { t: 1, waiting: 2 });
    expect(before).toEqual([{ t: 0, waiting: 1 }]);
  });
});

describe("trendShape", () => {
  it("draws steps from the left edge (ten minutes ago) to now at the right", () => {
    const now = 20 * MIN;
    const h = [
      { t: now - 10 * MIN, waiting: 0 },
      { t: now - 5 * MIN, waiting: 2 },
      { t: now - 1 * MIN, waiting: 1 },
    ];
    const shape = trendShape(h, now, 100, 40)!;
    expect(shape.max).toBe(2);
    // x: 0, 50, 90; y: 40 (none), 2 (the peak, under the stroke room), 21 (half of 38 above the base)
    expect(shape.line).toBe("M 0 40 H 50 V 2 H 90 V 21 H 100");
    expect(shape.area).toBe("M 0 40 H 50 V 2 H 90 V 21 H 100 V 40 H 0 Z");
  });

  it("clamps points older than the window to the left edge; nothing to draw without points", () => {
    const shape = trendShape([{ t: 0, waiting: 0 }], 30 * MIN, 100, 40)!;
    expect(shape.line).toBe("M 0 40 H 100");
    expect(shape.max).toBe(1);
    expect(trendShape([], 0, 100, 40)).toBeNull();
  });
});
