import { describe, expect, it } from "vitest";
import { DEFAULT_DRAFT, bodyOf, draftOf } from "./draft";

describe("bot draft", () => {
  it("reads a saved config into the form and back", () => {
    const flows = [{ name: "order", keywords: ["objednávk", "order"], steps: [{ id: "ask", say: "Číslo?", collect: "email" as const, handoff: false }] }];
    const draft = draftOf({ scope: "webchat", enabled: true, name: "Hovorka", threshold: 0.6, flows });
    expect(draft).toMatchObject({ enabled: true, name: "Hovorka", threshold: "0.6" });
    expect(draft.flows[0]?.keywords).toBe("objednávk, order");
    expect(bodyOf(draft)).toEqual({ body: { enabled: true, name: "Hovorka", threshold: 0.6, flows } });
  });
  it("names the field it cannot read", () => {
    expect(bodyOf({ ...DEFAULT_DRAFT, threshold: "a lot" })).toEqual({ field: "threshold", msg: "a number from 0 to 1" });
    expect(bodyOf({ ...DEFAULT_DRAFT, threshold: " " })).toMatchObject({ field: "threshold" });
  });
});
