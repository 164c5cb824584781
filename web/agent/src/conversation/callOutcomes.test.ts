import { describe, expect, it } from "vitest";
import { CALL_OUTCOMES, outcomeHint } from "./callOutcomes";

describe("call outcomes", () => {
  it("says which outcomes are tried again and which end the callback", () => {
    expect(outcomeHint("no_answer")).toMatch(/try again in 10 minutes/);
    expect(outcomeHint("reached")).toMatch(/ends/);
    expect(CALL_OUTCOMES.filter((o) => o.retried).map((o) => o.value)).toEqual(["no_answer", "busy", "voicemail"]);
  });
});
