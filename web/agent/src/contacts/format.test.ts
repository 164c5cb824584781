import { describe, expect, it } from "vitest";
import { describeActor, formatMoney, movedLabel } from "./format";

describe("format", () => {
  it("names what a merge moved", () => {
    expect(movedLabel("identities", 1)).toBe("1 identity");
    expect(movedLabel("timeline", 3)).toBe("3 timeline entries");
    expect(movedLabel("new_things", 2)).toBe("2 new things");
    expect(movedLabel("verified", 1)).toBe("1 identity verified");
  });

  it("names who merged", () => {
    expect(describeActor("user:u1", (id) => (id === "u1" ? "Ada" : undefined))).toBe("Ada");
    expect(describeActor("user:u2", () => undefined)).toBe("an agent");
    expect(describeActor("system:identify", () => undefined)).toBe("automatic (identify)");
  });

  it("formats money, falling back for unknown codes", () => {
    expect(formatMoney("129.00", "EUR")).toMatch(/129/);
    expect(formatMoney("5", "???")).toBe("5.00 ???");
  });
});
