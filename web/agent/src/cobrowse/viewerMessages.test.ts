import { describe, expect, it } from "vitest";
import { isFromViewer, isToViewer } from "./viewerMessages";

describe("messages between the desktop and the co-browse viewer", () => {
  it("takes the viewer's clicks, scrolls and ready, nothing else", () => {
    expect(isFromViewer({ type: "ready" })).toBe(true);
    expect(isFromViewer({ type: "click", node_id: 12, x: 10, y: 20.5, shift: false })).toBe(true);
    expect(isFromViewer({ type: "click", node_id: null, x: 0, y: 0, shift: true })).toBe(true);
    expect(isFromViewer({ type: "scroll", x: 0, y: 300 })).toBe(true);
    for (const bad of [
      null,
      "click",
      { type: "click", node_id: 1, x: -1, y: 0, shift: false },
      { type: "click", node_id: "1", x: 0, y: 0, shift: false },
      { type: "click", node_id: 1, x: 0, y: Number.NaN, shift: false },
      { type: "scroll", x: 0 },
      { type: "input", x: 0, y: 0 },
    ]) {
      expect(isFromViewer(bad)).toBe(false);
    }
  });

  it("gives the viewer only batches of rrweb events and resets", () => {
    expect(isToViewer({ type: "reset" })).toBe(true);
    expect(isToViewer({ type: "events", events: [{ type: 4, timestamp: 1 }] })).toBe(true);
    expect(isToViewer({ type: "events", events: [{ type: "4" }] })).toBe(false);
    expect(isToViewer({ type: "events", events: "[]" })).toBe(false);
    expect(isToViewer({ type: "script", src: "x" })).toBe(false);
  });
});
