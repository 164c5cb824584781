import { describe, expect, it } from "vitest";
import { formatDuration } from "./duration";

describe("formatDuration", () => {
  it("shows seconds, then minutes and seconds, then hours and minutes", () => {
    expect(formatDuration(0)).toBe("0s");
    expect(formatDuration(42.9)).toBe("42s");
    expect(formatDuration(245)).toBe("4m 05s");
    expect(formatDuration(3600 + 12 * 60 + 30)).toBe("1h 12m");
  });
  it("never shows a negative or an unreadable duration", () => {
    expect(formatDuration(-5)).toBe("0s");
    expect(formatDuration(Number.NaN)).toBe("—");
  });
});
