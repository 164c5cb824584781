import { describe, expect, it } from "vitest";
import { parseFrame } from "./frames";

describe("parseFrame", () => {
  it("accepts documented frames", () => {
    expect(parseFrame('{"type":"pong"}')).toEqual({ type: "pong" });
    expect(parseFrame('{"type":"typing","conversation_id":"c","author_type":"visitor","state":true}')).toEqual({
      type: "typing",
      conversation_id: "c",
      author_type: "visitor",
      state: true,
    });
  });
  it("rejects junk and unknown types", () => {
    expect(parseFrame("not json")).toBeNull();
    expect(parseFrame('{"type":"conversation.updated"}')).toBeNull();
    expect(parseFrame('{"type":"something.else"}')).toBeNull();
    expect(parseFrame("[1,2]")).toBeNull();
  });
});
