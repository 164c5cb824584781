import { describe, expect, it } from "vitest";
import { diffRules, showValue } from "./ruleDiff";

const V1 = {
  key: "hv",
  name: "High-value items removed",
  enabled: true,
  trigger: { events: ["cart.remove"] },
  absence: null,
  facts: [{ name: "removed_value", kind: "sum", where: "has(event.props.price)", window: { seconds: 600 } }],
  condition: "facts.removed_value >= 1000.0",
  action: { type: "chat", queue: "sales", text: "Hi" },
  guards: { max_per_session: 1, control_share: 0 },
};

describe("diffRules", () => {
  it("is empty for equal rules", () => {
    expect(diffRules(V1, structuredClone(V1))).toEqual([]);
  });

  it("names each changed leaf by its key path, list positions included", () => {
    const v2 = structuredClone(V1);
    v2.condition = "facts.removed_value >= 500.0";
    v2.facts[0]!.window.seconds = 900;
    v2.guards.max_per_session = 2;
    v2.enabled = false;
    expect(diffRules(V1, v2)).toEqual([
      { path: "enabled", kind: "changed", before: true, after: false },
      { path: "facts.0.window.seconds", kind: "changed", before: 600, after: 900 },
      { path: "condition", kind: "changed", before: "facts.removed_value >= 1000.0", after: "facts.removed_value >= 500.0" },
      { path: "guards.max_per_session", kind: "changed", before: 1, after: 2 },
    ]);
  });

  it("reports added and removed keys, treats lists of plain values as one value, and skips the version", () => {
    const { condition: _c, ...withoutCondition } = V1;
    const v2 = { ...withoutCondition, trigger: { events: ["cart.remove", "cart.clear"] }, guards: { ...V1.guards, business_hours: { timezone: "UTC" } }, version: 2 };
    expect(diffRules({ ...V1, version: 1 }, v2)).toEqual([
      { path: "trigger.events", kind: "changed", before: ["cart.remove"], after: ["cart.remove", "cart.clear"] },
      { path: "condition", kind: "removed", before: "facts.removed_value >= 1000.0" },
      { path: "guards.business_hours", kind: "added", after: { timezone: "UTC" } },
    ]);
  });

  it("compares a structure with null as a whole (trigger replaced by absence)", () => {
    const v2 = { ...V1, trigger: null, absence: { after: { event: "cart.add" }, none_of: ["order.completed"], for_seconds: 900 } };
    expect(diffRules(V1, v2).map((e) => [e.path, e.kind])).toEqual([
      ["trigger", "changed"],
      ["absence", "changed"],
    ]);
  });

  it("adds and removes list entries by position", () => {
    const v2 = { ...V1, facts: [...V1.facts, { name: "n", kind: "count" }] };
    expect(diffRules(V1, v2)).toEqual([{ path: "facts.1", kind: "added", after: { name: "n", kind: "count" } }]);
    expect(diffRules(v2, V1)).toEqual([{ path: "facts.1", kind: "removed", before: { name: "n", kind: "count" } }]);
  });
});

describe("showValue", () => {
  it("shows JSON, shortened", () => {
    expect(showValue("a")).toBe('"a"');
    expect(showValue(null)).toBe("null");
    expect(showValue(undefined)).toBe("—");
    expect(showValue("x".repeat(200), 10)).toBe('"xxxxxxxx…');
  });
});
