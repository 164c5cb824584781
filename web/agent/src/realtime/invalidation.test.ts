import { describe, expect, it } from "vitest";
import { parseFrame } from "./frames";
import { invalidationKeys } from "./invalidation";

describe("change hints", () => {
  it("a ticket change refreshes ticket lists and its contact", () => {
    const frame = parseFrame(JSON.stringify({ type: "ticket.changed", ticket_id: "t1", contact_id: "c1" }));
    expect(frame).not.toBeNull();
    expect(invalidationKeys(frame!)).toEqual([["tickets"], ["contacts", "c", "c1"]]);
  });

  it("a merge refreshes both contacts and searches", () => {
    const frame = parseFrame(JSON.stringify({ type: "contact.changed", contact_ids: ["a", "b", 3] }));
    expect(invalidationKeys(frame!)).toEqual([["contacts", "c", "a"], ["contacts", "c", "b"], ["contacts", "search"]]);
  });

  it("malformed hints are ignored", () => {
    expect(parseFrame(JSON.stringify({ type: "ticket.changed" }))).toBeNull();
    expect(parseFrame(JSON.stringify({ type: "contact.changed", contact_ids: "x" }))).toBeNull();
  });
});
