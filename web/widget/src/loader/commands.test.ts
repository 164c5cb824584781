import { describe, expect, it, vi } from "vitest";
import { createDispatcher } from "./commands";

describe("command dispatcher", () => {
  it("runs registered commands and replays buffered ones in order", () => {
    const d = createDispatcher();
    d.call("open");
    d.call("track", "cart.add", { id: 1 });
    d.call("track", "page.view");
    const open = vi.fn();
    const track = vi.fn();
    d.register("open", open);
    expect(open).toHaveBeenCalledOnce();
    d.register("track", track);
    expect(track.mock.calls).toEqual([["cart.add", { id: 1 }], ["page.view"]]);
    d.call("open");
    expect(open).toHaveBeenCalledTimes(2);
  });

  it("survives a throwing handler and non-string names", () => {
    const d = createDispatcher();
    const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
    d.register("boom", () => {
      throw new Error("x");
    });
    expect(() => d.call("boom")).not.toThrow();
    expect(() => d.call(42)).not.toThrow();
    spy.mockRestore();
  });
});
