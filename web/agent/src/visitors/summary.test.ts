import { describe, expect, it } from "vitest";
import { statsView } from "./summary";

describe("statsView", () => {
  it("shows the fallback offers next to the paced matches, and the blocked reasons by count", () => {
    const view = statsView({ events: 40, matched: 9, offered: 2, paced: 3, fallback: 2, "blocked:quota": 1, "blocked:an offer is open": 4 });
    expect(view.headline).toContainEqual({ label: "Paced", value: 3 });
    expect(view.headline).toContainEqual({ label: "Fallback", value: 2 });
    expect(view.blocked).toEqual([
      { reason: "an offer is open", value: 4 },
      { reason: "quota", value: 1 },
    ]);
    expect(statsView({}).headline.find((h) => h.label === "Fallback")?.value).toBe(0);
  });
});
