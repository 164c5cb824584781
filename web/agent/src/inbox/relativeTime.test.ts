import { describe, expect, it } from "vitest";
import { relativeTime } from "./relativeTime";

describe("relativeTime", () => {
  const now = Date.parse("2025-03-10T12:00:00Z");
  it("is compact for recent activity", () => {
    expect(relativeTime("2025-03-10T11:59:50Z", now)).toBe("now");
    expect(relativeTime("2025-03-10T11:55:00Z", now)).toBe("5m");
    expect(relativeTime("2025-03-10T09:00:00Z", now)).toBe("3h");
  });
  it("is empty for junk", () => {
    expect(relativeTime("nope", now)).toBe("");
  });
});
