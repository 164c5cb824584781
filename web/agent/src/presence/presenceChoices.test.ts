import { describe, expect, it } from "vitest";
import { choiceValue, parseChoice, presenceLabel, presenceMenu } from "./presenceChoices";

describe("presence choices", () => {
  it("plain statuses keep their own value (what tests and scripts select)", () => {
    expect(choiceValue({ status: "away", reason: null })).toBe("away");
    expect(parseChoice("online")).toEqual({ status: "online", reason: null });
  });

  it("busy and away carry a reason; online and offline never do", () => {
    expect(choiceValue({ status: "busy", reason: "Lunch" })).toBe("busy:Lunch");
    expect(parseChoice("away:Team meeting")).toEqual({ status: "away", reason: "Team meeting" });
    expect(choiceValue({ status: "online", reason: "Lunch" })).toBe("online");
    expect(parseChoice("offline:x")).toEqual({ status: "offline", reason: null });
  });

  it("the menu lists the presets and a reason set elsewhere", () => {
    const menu = presenceMenu({ status: "away", reason: "Dentist" });
    expect(menu.map((g) => g.label)).toEqual(["Online", "Busy", "Away", "Offline"]);
    expect(menu[1]!.options.map((o) => o.value)).toEqual(["busy", "busy:Lunch", "busy:Meeting", "busy:Training"]);
    expect(menu[2]!.options.map((o) => o.label)).toContain("Away · Dentist");
    expect(menu[1]!.options.map((o) => o.label)).not.toContain("Busy · Dentist");
  });

  it("labels", () => {
    expect(presenceLabel("busy", "Training")).toBe("Busy · Training");
    expect(presenceLabel("online", null)).toBe("Online");
  });
});
