import { describe, expect, it } from "vitest";
import { boundsHint, initialValues, minutesToSeconds, paramFields, paramsFromValues, secondsToMinutes, shareFromPercent } from "./schemaForm";

// As pydantic writes it for HighValueRemovedParams (GET /v1/rule-templates).
const HIGH_VALUE = {
  additionalProperties: false,
  properties: {
    key: { maxLength: 64, pattern: "^[a-z0-9][a-z0-9_.-]*$", title: "Key", type: "string" },
    name: { anyOf: [{ maxLength: 200, type: "string" }, { type: "null" }], default: null, title: "Name" },
    action: { default: "chat", enum: ["chat", "callback", "cobrowse", "message"], title: "Action", type: "string" },
    queue: { anyOf: [{ type: "string" }, { type: "null" }], default: "sales", title: "Queue" },
    max_per_session: { default: 1, minimum: 1, title: "Max Per Session", type: "integer" },
    max_per_visitor_per_day: { anyOf: [{ minimum: 1, type: "integer" }, { type: "null" }], default: 3, title: "Max Per Visitor Per Day" },
    control_share: { default: 0.0, maximum: 0.9, minimum: 0.0, title: "Control Share", type: "number" },
    amount: { default: 1000, exclusiveMinimum: 0, title: "Amount", type: "number" },
    seconds: { default: 600, exclusiveMinimum: 0, maximum: 2592000, title: "Seconds", type: "number", description: "the window, in seconds, over which removals add up" },
    quiet_after_decline_seconds: { default: 1800, minimum: 0, title: "Quiet After Decline Seconds", type: "number" },
  },
  required: ["key"],
  title: "HighValueRemovedParams",
  type: "object",
};

describe("paramFields", () => {
  const fields = paramFields(HIGH_VALUE);
  const byName = Object.fromEntries(fields.map((f) => [f.name, f]));

  it("keeps the schema's order and reads kinds, titles, defaults and required marks", () => {
    expect(fields.map((f) => f.name)).toEqual(Object.keys(HIGH_VALUE.properties));
    expect(byName.key).toMatchObject({ kind: "string", required: true, nullable: false, title: "Key", maxLength: 64 });
    expect(byName.max_per_session).toMatchObject({ kind: "integer", default: 1, minimum: 1, title: "Max per session" });
    expect(byName.amount).toMatchObject({ kind: "number", default: 1000, exclusiveMinimum: 0, required: false });
    expect(byName.action).toMatchObject({ kind: "enum", options: ["chat", "callback", "cobrowse", "message"], default: "chat" });
  });

  it("reads optional values (anyOf with null) with the inner type's bounds", () => {
    expect(byName.name).toMatchObject({ kind: "string", nullable: true, default: null, maxLength: 200 });
    expect(byName.max_per_visitor_per_day).toMatchObject({ kind: "integer", nullable: true, default: 3, minimum: 1 });
    expect(byName.queue).toMatchObject({ kind: "string", nullable: true, default: "sales" });
  });

  it("follows $refs to $defs, literal unions and booleans", () => {
    const fields2 = paramFields({
      $defs: { Kind: { enum: ["a", "b"], title: "Kind", type: "string" } },
      properties: {
        kind: { $ref: "#/$defs/Kind", default: "b" },
        mode: { anyOf: [{ const: "x" }, { const: "y" }, { type: "null" }], default: null },
        flag: { type: "boolean", default: true, title: "Flag" },
      },
    });
    expect(fields2[0]).toMatchObject({ name: "kind", kind: "enum", options: ["a", "b"], default: "b" });
    expect(fields2[1]).toMatchObject({ name: "mode", kind: "enum", options: ["x", "y"], nullable: true, title: "Mode" });
    expect(fields2[2]).toMatchObject({ kind: "boolean", default: true });
    expect(paramFields(null)).toEqual([]);
    expect(paramFields({ type: "object" })).toEqual([]);
  });

  it("states the bounds", () => {
    expect(boundsHint(byName.control_share!)).toBe("0 – 0.9");
    expect(boundsHint(byName.seconds!)).toBe("minutes, > 0, ≤ 43200");
    expect(boundsHint(byName.max_per_session!)).toBe("≥ 1");
    expect(boundsHint(byName.queue!)).toBeNull();
  });
});

describe("durations in minutes", () => {
  const byName = Object.fromEntries(paramFields(HIGH_VALUE).map((f) => [f.name, f]));

  it("marks seconds parameters as minutes, in their title and description", () => {
    expect(byName.seconds).toMatchObject({ minutes: true, title: "Minutes", description: "the window, in minutes, over which removals add up" });
    expect(byName.quiet_after_decline_seconds).toMatchObject({ minutes: true, title: "Quiet after decline (minutes)" });
    expect(byName.amount).toMatchObject({ minutes: false });
  });

  it("converts both ways without float noise", () => {
    expect(secondsToMinutes(90)).toBe(1.5);
    expect(minutesToSeconds(0.1)).toBe(6);
    expect(minutesToSeconds(secondsToMinutes(1234))).toBe(1234);
  });

  it("turns the control group's percent into the server's share", () => {
    expect(shareFromPercent("10")).toBe(0.1);
    expect(shareFromPercent(" 7.5 ")).toBe(0.075);
    expect(shareFromPercent("")).toBe(0);
    expect(shareFromPercent("ten")).toBe("ten");
  });

  it("sends typed minutes as seconds, and what does not parse as typed", () => {
    const fields = paramFields(HIGH_VALUE);
    const values = { ...initialValues(fields), key: "k", seconds: "2.5", quiet_after_decline_seconds: "0" };
    expect(paramsFromValues(fields, values)).toMatchObject({ seconds: 150, quiet_after_decline_seconds: 0 });
    expect(paramsFromValues(fields, { ...values, seconds: "soon" }).seconds).toBe("soon");
  });
});

describe("initialValues / paramsFromValues", () => {
  const fields = paramFields(HIGH_VALUE);

  it("starts from the defaults, as text", () => {
    expect(initialValues(fields)).toEqual({
      key: "",
      name: "",
      action: "chat",
      queue: "sales",
      max_per_session: "1",
      max_per_visitor_per_day: "3",
      control_share: "0",
      amount: "1000",
      seconds: "10",
      quiet_after_decline_seconds: "30",
    });
  });

  it("converts numbers, leaves out empty optionals and sends null to clear a default", () => {
    const values = { ...initialValues(fields), key: " hv-1 ", amount: "250.5", queue: "", max_per_visitor_per_day: "" };
    expect(paramsFromValues(fields, values)).toEqual({
      key: "hv-1",
      action: "chat",
      queue: null,
      max_per_session: 1,
      max_per_visitor_per_day: null,
      control_share: 0,
      amount: 250.5,
      seconds: 600,
      quiet_after_decline_seconds: 1800,
    });
  });

  it("sends what does not parse as typed, and an empty required field as empty, for the server to name", () => {
    const values = { ...initialValues(fields), amount: "lots" };
    const params = paramsFromValues(fields, values);
    expect(params.amount).toBe("lots");
    expect(params.key).toBe("");
  });
});
