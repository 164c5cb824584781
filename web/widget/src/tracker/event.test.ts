import { describe, expect, it } from "vitest";
import { buildEvent, isValidType, propsProblem } from "./event";

describe("event types", () => {
  it("accepts standard and custom dotted lower-case names", () => {
    for (const type of ["page.view", "cart.add", "checkout.payment_method", "idle", "my_site.video.played_2"]) {
      expect(isValidType(type)).toBe(true);
    }
  });

  it("refuses anything else", () => {
    for (const type of ["", "Page.view", "page..view", ".page", "page.", "1page", "page-view", "page view", "a".repeat(65), 42, null]) {
      expect(isValidType(type)).toBe(false);
    }
    expect(isValidType("a".repeat(64))).toBe(true);
  });
});

describe("props", () => {
  it("must be a JSON object of at most 4 KiB and 3 levels", () => {
    expect(propsProblem({ id: "x", price: 1 })).toBeNull();
    expect(propsProblem({ a: { b: { c: 1 } } })).toBeNull();
    expect(propsProblem({ a: { b: { c: { d: 1 } } } })).toMatch(/deeper/);
    expect(propsProblem({ a: [[1]] })).toBeNull();
    expect(propsProblem({ a: [[[1]]] })).toMatch(/deeper/); // lists count as levels, as on the server
    expect(propsProblem([1])).toMatch(/object/);
    expect(propsProblem("x")).toMatch(/object/);
    expect(propsProblem({ s: "x".repeat(4080) })).toBeNull();
    expect(propsProblem({ s: "x".repeat(4090) })).toMatch(/4 KiB/);
    expect(propsProblem({ s: "é".repeat(700) })).toMatch(/4 KiB/); // escaped as \u00e9 by the server
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(propsProblem(cyclic)).toMatch(/JSON/);
  });
});

describe("buildEvent", () => {
  it("gives a UUID id and an ISO timestamp", () => {
    const now = new Date("2026-11-25T12:00:00.123Z");
    const event = buildEvent("product.view", { id: "p1" }, { url: "https://shop/p1" }, now);
    expect(event).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{32,36}$/),
      ts: "2026-11-25T12:00:00.123Z",
      type: "product.view",
      props: { id: "p1" },
      page: { url: "https://shop/p1" },
    });
    expect(buildEvent("idle").props).toEqual({});
    expect(buildEvent("idle").id).not.toBe(event.id);
  });

  it("throws on a bad type or bad props", () => {
    expect(() => buildEvent("Cart Add", {})).toThrow(/invalid event type/);
    expect(() => buildEvent("cart.add", [1])).toThrow(/object/);
  });
});
