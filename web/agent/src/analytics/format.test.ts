import { describe, expect, it } from "vitest";
import { formatRate, formatSeconds, formatUplift, guardReasons, heatShares, isoDay, upliftVerdict } from "./format";

describe("formatUplift", () => {
  it("writes the uplift with its interval as the issue shows it", () => {
    expect(formatUplift({ uplift: 0.18, ci_low: 0.06, ci_high: 0.31, significant: true, too_small: false })).toBe(
      "+18 % (95 % CI 6–31 %)",
    );
    expect(formatUplift({ uplift: -0.05, ci_low: -0.2, ci_high: 0.1, significant: false, too_small: false })).toBe(
      "−5 % (95 % CI −20–10 %)",
    );
    expect(formatUplift({ uplift: null, ci_low: null, ci_high: null, significant: false, too_small: true })).toBe("no data");
  });

  it("says when the sample is too small to tell", () => {
    expect(upliftVerdict({ uplift: 0.5, ci_low: -0.2, ci_high: 2, significant: false, too_small: true })).toBe("too_small");
    expect(upliftVerdict({ uplift: 0.2, ci_low: 0.1, ci_high: 0.3, significant: true, too_small: false })).toBe("significant");
    expect(upliftVerdict({ uplift: 0.01, ci_low: -0.1, ci_high: 0.1, significant: false, too_small: false })).toBe(
      "no_difference",
    );
  });
});

describe("figures", () => {
  it("formats rates, durations, days and heat shares", () => {
    expect(formatRate(0.8123)).toBe("81.2 %");
    expect(formatRate(null)).toBe("–");
    expect(formatSeconds(42)).toBe("42 s");
    expect(formatSeconds(600)).toBe("10 min");
    expect(formatSeconds(7200)).toBe("2.0 h");
    expect(isoDay(new Date(2026, 2, 1), 1)).toBe("2026-02-28");
    expect(heatShares([[0, 2], [4, 1]])).toEqual([[0, 0.5], [1, 0.25]]);
    expect(heatShares([[0]])).toEqual([[0]]);
  });
});

describe("guardReasons", () => {
  it("lists the reasons that stopped something, most first, with their labels", () => {
    expect(guardReasons({ pacing: 2, offer_open: 7, quiet_period: 0, new_code: 2 })).toEqual([
      ["an offer was open", 7],
      ["new_code", 2],
      ["no agent free (pacing)", 2],
    ]);
    expect(guardReasons(undefined)).toEqual([]);
  });
});
