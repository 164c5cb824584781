import { describe, expect, it } from "vitest";
import { BACKOFF_MAX_MS, BACKOFF_MIN_MS, backoffDelay } from "./backoff";

describe("backoffDelay", () => {
  it("doubles from 0.5 s and caps at 15 s (no jitter)", () => {
    const middle = (): number => 0.5;
    const schedule = Array.from({ length: 8 }, (_, attempt) => backoffDelay(attempt, middle));
    expect(schedule).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
  });

  it("keeps jitter within ±20 % and inside the 0.5 s..15 s bounds", () => {
    for (const r of [0, 0.25, 0.75, 0.999999]) {
      for (let attempt = 0; attempt < 12; attempt++) {
        const delay = backoffDelay(attempt, () => r);
        const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt);
        expect(delay).toBeGreaterThanOrEqual(Math.max(BACKOFF_MIN_MS, base * 0.8 - 1));
        expect(delay).toBeLessThanOrEqual(Math.min(BACKOFF_MAX_MS, base * 1.2 + 1));
      }
    }
  });

  it("survives absurd attempt numbers", () => {
    expect(backoffDelay(10_000, () => 0.5)).toBe(BACKOFF_MAX_MS);
    expect(backoffDelay(-3, () => 0.5)).toBe(BACKOFF_MIN_MS);
  });
});
