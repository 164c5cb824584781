import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { IdleWatcher } from "./idle";

describe("IdleWatcher", () => {
  let watcher: IdleWatcher;
  let idle: number[];
  beforeEach(() => {
    vi.useFakeTimers();
    idle = [];
    watcher = new IdleWatcher((s) => idle.push(s));
    watcher.start();
  });
  afterEach(() => {
    watcher.stop();
    vi.useRealTimers();
  });

  it("reports 30 s, 60 s and 120 s without input, then nothing more", () => {
    vi.advanceTimersByTime(29_999);
    expect(idle).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(idle).toEqual([30]);
    vi.advanceTimersByTime(30_000);
    expect(idle).toEqual([30, 60]);
    vi.advanceTimersByTime(60_000);
    expect(idle).toEqual([30, 60, 120]);
    vi.advanceTimersByTime(600_000);
    expect(idle).toEqual([30, 60, 120]);
  });

  it("starts over on any input", () => {
    vi.advanceTimersByTime(20_000);
    window.dispatchEvent(new Event("mousemove"));
    vi.advanceTimersByTime(20_000);
    expect(idle).toEqual([]); // 40 s since load, 20 s since the mouse moved
    vi.advanceTimersByTime(10_000);
    expect(idle).toEqual([30]);
    document.dispatchEvent(new KeyboardEvent("keydown", { bubbles: true }));
    vi.advanceTimersByTime(59_000);
    expect(idle).toEqual([30, 30]);
    vi.advanceTimersByTime(1_000);
    expect(idle).toEqual([30, 30, 60]);
  });

  it("does not count while the page is hidden", () => {
    const state = vi.spyOn(document, "visibilityState", "get");
    vi.advanceTimersByTime(10_000);
    state.mockReturnValue("hidden");
    document.dispatchEvent(new Event("visibilitychange"));
    vi.advanceTimersByTime(300_000);
    expect(idle).toEqual([]);
    state.mockReturnValue("visible");
    document.dispatchEvent(new Event("visibilitychange"));
    vi.advanceTimersByTime(30_000);
    expect(idle).toEqual([30]);
    state.mockRestore();
  });
});
