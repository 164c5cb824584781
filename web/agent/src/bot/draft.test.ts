import { describe, expect, it } from "vitest";
import { DEFAULT_DRAFT, bodyOf, draftOf } from "./draft";

describe("bot draft", () => {
  it("reads a saved config into text and back", () => {
    const draft = draftOf({ scope: "webchat", enabled: true, name: "Hovorka", threshold: 0.6, flows: [] });
    expect(draft).toEqual({ enabled: true, name: "Hovorka", threshold: "0.6", flows: "[]" });
    expect(bodyOf(draft)).toEqual({ body: { enabled: true, name: "Hovorka", threshold: 0.6, flows: [] } });
  });
  it("names the field it cannot read", () => {
    expect(bodyOf({ ...DEFAULT_DRAFT, threshold: "a lot" })).toEqual({ field: "threshold", msg: "a number from 0 to 1" });
    expect(bodyOf({ ...DEFAULT_DRAFT, flows: "{" })).toMatchObject({ field: "flows" });
    expect(bodyOf({ ...DEFAULT_DRAFT, flows: "{}" })).toEqual({ field: "flows", msg: "a JSON list of flows: [ … ]" });
  });
});
