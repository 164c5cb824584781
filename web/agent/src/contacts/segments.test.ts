import { beforeEach, describe, expect, it } from "vitest";
import { loadSegments, removeSegment, saveSegment, SegmentError, SEGMENTS_KEY } from "./segments";

class MemoryStore {
  data = new Map<string, string>();
  getItem(key: string) {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.data.set(key, value);
  }
}

describe("saved segments (client-side)", () => {
  let store: MemoryStore;
  let n: number;
  const id = () => `seg${++n}`;
  beforeEach(() => {
    store = new MemoryStore();
    n = 0;
  });

  it("saves, lists and removes named searches", () => {
    saveSegment(" VIP ", " gold ", store, id);
    const after = saveSegment("Example.org", "@example.org", store, id);
    expect(after).toEqual([
      { id: "seg1", name: "VIP", query: "gold" },
      { id: "seg2", name: "Example.org", query: "@example.org" },
    ]);
    expect(loadSegments(store)).toEqual(after);
    expect(removeSegment("seg1", store)).toEqual([{ id: "seg2", name: "Example.org", query: "@example.org" }]);
  });

  it("replaces the query of a segment saved again under the same name", () => {
    saveSegment("VIP", "gold", store, id);
    expect(saveSegment("vip", "platinum", store, id)).toEqual([{ id: "seg1", name: "vip", query: "platinum" }]);
  });

  it("refuses an empty name or query", () => {
    expect(() => saveSegment("  ", "x", store, id)).toThrow(SegmentError);
    expect(() => saveSegment("Name", " ", store, id)).toThrow(SegmentError);
    expect(loadSegments(store)).toEqual([]);
  });

  it("treats unreadable storage as no segments", () => {
    store.setItem(SEGMENTS_KEY, "{not json");
    expect(loadSegments(store)).toEqual([]);
    store.setItem(SEGMENTS_KEY, JSON.stringify([{ id: "a", name: "ok", query: "q" }, { id: 3 }, "x"]));
    expect(loadSegments(store)).toEqual([{ id: "a", name: "ok", query: "q" }]);
    expect(loadSegments(null)).toEqual([]);
  });
});
