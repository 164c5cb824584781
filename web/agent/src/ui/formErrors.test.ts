import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { formErrors, pathErrors, problemLocation, problemPath } from "./formErrors";

const USER_FIELDS = ["email", "name", "password", "role", "chat_capacity"] as const;
const SITE_FIELDS = ["name", "allowed_origins", "widget_settings.color", "widget_settings"] as const;

const invalid = (errors: { loc: (string | number)[]; msg: string }[]) =>
  new ApiError({ status: 422, title: "Invalid input", detail: "…", errors });

describe("problemLocation", () => {
  it("drops the request part and splits names from list positions", () => {
    expect(problemLocation(["body", "email"])).toEqual({ path: "email", index: null });
    expect(problemLocation(["body", "widget_settings", "color"])).toEqual({ path: "widget_settings.color", index: null });
    expect(problemLocation(["allowed_origins", 2])).toEqual({ path: "allowed_origins", index: 2 });
    // FastAPI's validation handler stringifies every part.
    expect(problemLocation(["body", "allowed_origins", "1"])).toEqual({ path: "allowed_origins", index: 1 });
    expect(problemLocation(["body"])).toEqual({ path: "", index: null });
  });
});

describe("formErrors", () => {
  it("puts FastAPI and service field errors next to their fields", () => {
    const result = formErrors(
      invalid([
        { loc: ["body", "password"], msg: "String should have at least 8 characters" },
        { loc: ["chat_capacity"], msg: "must be between 0 and 50" },
      ]),
      USER_FIELDS,
    );
    expect(result).toEqual({
      fields: { password: "String should have at least 8 characters", chat_capacity: "must be between 0 and 50" },
      form: null,
    });
  });

  it("joins several errors on one field", () => {
    const result = formErrors(
      invalid([
        { loc: ["body", "email"], msg: "not an e-mail" },
        { loc: ["body", "email"], msg: "too long" },
      ]),
      USER_FIELDS,
    );
    expect(result.fields.email).toBe("not an e-mail; too long");
  });

  it("names a list entry with the caller's label", () => {
    const sent = ["https://ok.example", "https://shop.example/path"];
    const result = formErrors(invalid([{ loc: ["allowed_origins", 1], msg: "expected scheme://host[:port]" }]), SITE_FIELDS, {
      entryLabel: (_field, i) => sent[i] ?? `Entry ${i + 1}`,
    });
    expect(result.fields.allowed_origins).toBe("https://shop.example/path: expected scheme://host[:port]");
    expect(formErrors(invalid([{ loc: ["allowed_origins", 0], msg: "bad" }]), SITE_FIELDS).fields.allowed_origins).toBe(
      "Entry 1: bad",
    );
  });

  it("prefers the most specific known field", () => {
    const result = formErrors(
      invalid([
        { loc: ["body", "widget_settings", "color"], msg: "String should match pattern" },
        { loc: ["body", "widget_settings", "title"], msg: "too long" },
      ]),
      SITE_FIELDS,
    );
    expect(result.fields).toEqual({
      "widget_settings.color": "String should match pattern",
      widget_settings: "too long",
    });
  });

  it("keeps errors for unknown fields as a form error", () => {
    const result = formErrors(invalid([{ loc: ["body", "colour"], msg: "extra field" }]), USER_FIELDS);
    expect(result).toEqual({ fields: {}, form: "colour: extra field" });
  });

  it("shows a 409 (e-mail exists) and other failures as a form error", () => {
    const conflict = new ApiError({ status: 409, title: "Conflict", detail: "a user with e-mail a@b.c exists already" });
    expect(formErrors(conflict, USER_FIELDS)).toEqual({ fields: {}, form: "a user with e-mail a@b.c exists already" });
    const network = new ApiError({ status: 0, title: "Network error", detail: "Could not reach the server." });
    expect(formErrors(network, USER_FIELDS).form).toBe("Could not reach the server.");
    const bare422 = new ApiError({ status: 422, title: "Invalid input", detail: "invalid allowed origin" });
    expect(formErrors(bare422, USER_FIELDS)).toEqual({ fields: {}, form: "invalid allowed origin" });
  });

  it("is empty without an error", () => {
    expect(formErrors(null, USER_FIELDS)).toEqual({ fields: {}, form: null });
  });
});

describe("problemPath / pathErrors (nested forms: the rule editor)", () => {
  const RULE_FIELDS = ["name", "action.text", "guards.control_share", "guards.business_hours", "condition", "trigger", "facts", "params.amount"] as const;

  it("keeps list positions in the path", () => {
    expect(problemPath(["body", "data", "facts", 0, "where"])).toBe("data.facts.0.where");
    expect(problemPath(["facts", 0, "where"])).toBe("facts.0.where");
    expect(problemPath(["condition"])).toBe("condition");
  });

  it("places each error under the most specific field, keeping its exact path", () => {
    const placed = pathErrors(
      [
        { loc: ["condition"], msg: "syntax error at 1:21" },
        { loc: ["facts", 0, "where"], msg: "unknown name 'x'" },
        { loc: ["facts", 1, "window"], msg: 'must be "session" or {"seconds": N}' },
        { loc: ["guards", "business_hours", "start"], msg: "must be HH:MM" },
        { loc: ["guards", "control_share"], msg: "Input should be less than or equal to 0.9" },
        { loc: ["key"], msg: "must stay hv" },
      ],
      RULE_FIELDS,
    );
    expect(placed.fields).toEqual({
      condition: [{ path: "condition", msg: "syntax error at 1:21" }],
      facts: [
        { path: "facts.0.where", msg: "unknown name 'x'" },
        { path: "facts.1.window", msg: 'must be "session" or {"seconds": N}' },
      ],
      "guards.business_hours": [{ path: "guards.business_hours.start", msg: "must be HH:MM" }],
      "guards.control_share": [{ path: "guards.control_share", msg: "Input should be less than or equal to 0.9" }],
    });
    expect(placed.unplaced).toEqual([{ path: "key", msg: "must stay hv" }]);
  });

  it("drops the request part and a wrapper the form does not show", () => {
    const placed = pathErrors([{ loc: ["body", "data", "name"], msg: "Field required" }, { loc: ["params", "amount"], msg: "> 0" }], RULE_FIELDS, ["data"]);
    expect(placed.fields.name).toEqual([{ path: "name", msg: "Field required" }]);
    expect(placed.fields["params.amount"]).toEqual([{ path: "params.amount", msg: "> 0" }]);
  });
});
