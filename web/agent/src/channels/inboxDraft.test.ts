import { describe, expect, it } from "vitest";
import { ApiError, type ChannelOut } from "../api/client";
import type { ConfigFieldOut } from "./inboxes";
import { draftFor, inboxBody, inboxErrors, inboxErrorSlot, inboxInputs, missingRequired } from "./inboxDraft";

function field(name: string, extra: Partial<ConfigFieldOut> = {}): ConfigFieldOut {
  return { name, label: name.toUpperCase(), secret: false, required: true, help: "", ...extra };
}

/** A channel the desktop has never heard of: the form must come from its fields alone. */
const PIGEON: ChannelOut = {
  kind: "pigeon",
  display_name: "Carrier pigeon",
  identity_kinds: ["pigeon"],
  realtime: false,
  default_sla_seconds: 86400,
  default_capacity: 5,
  outbound: true,
  inboxes: true,
  config_fields: [
    field("loft_id", { label: "Loft id", help: "On the loft's door" }),
    field("app_secret", { label: "App secret", secret: true }),
    field("ring", { label: "Ring colour", required: false }),
  ],
};

function problem(errors: { loc: (string | number)[]; msg: string }[]): ApiError {
  return new ApiError({ status: 422, title: "Invalid input", errors });
}

describe("the inbox form from config_fields", () => {
  it("has the name, then each setting in the server's order, secrets as password inputs", () => {
    const inputs = inboxInputs(PIGEON.config_fields);
    expect(inputs.map((i) => i.slot)).toEqual(["name", "config.loft_id", "config.app_secret", "config.ring"]);
    expect(inputs.map((i) => i.secret)).toEqual([false, false, true, false]);
    expect(inputs.map((i) => i.required)).toEqual([true, true, true, false]);
    expect(inputs[1]).toMatchObject({ label: "Loft id", help: "On the loft's door" });
  });

  it("starts empty, named after the channel unless the admin typed a name", () => {
    expect(draftFor(PIGEON)).toEqual({ kind: "pigeon", name: "Carrier pigeon", config: { loft_id: "", app_secret: "", ring: "" } });
    expect(draftFor(PIGEON, "Lofts north").name).toBe("Lofts north");
    expect(draftFor(undefined)).toEqual({ kind: "", name: "", config: {} });
  });

  it("sends the settings that were filled in, secrets exactly as pasted", () => {
    const draft = { kind: "pigeon", name: "  North  ", config: { loft_id: "L-7", app_secret: " s3cr3t ", ring: "  " } };
    expect(inboxBody(draft)).toEqual({ kind: "pigeon", name: "North", config: { loft_id: "L-7", app_secret: " s3cr3t " } });
  });

  it("names the required inputs left empty before sending", () => {
    const draft = { kind: "pigeon", name: " ", config: { loft_id: "L-7", app_secret: "", ring: "" } };
    expect(missingRequired(draft, PIGEON.config_fields)).toEqual({ name: "Required", "config.app_secret": "Required" });
  });
});

describe("server errors on the inbox form", () => {
  it("places each error on the input of its setting", () => {
    expect(inboxErrorSlot("config.loft_id", PIGEON.config_fields)).toBe("config.loft_id");
    expect(inboxErrorSlot("config.app_secret.0", PIGEON.config_fields)).toBe("config.app_secret");
    expect(inboxErrorSlot("name", PIGEON.config_fields)).toBe("name");
    expect(inboxErrorSlot("kind", PIGEON.config_fields)).toBe("kind");
    expect(inboxErrorSlot("config.unknown", PIGEON.config_fields)).toBeNull();
    expect(inboxErrorSlot("config", PIGEON.config_fields)).toBeNull();
  });

  it("turns a 422 into field messages and the rest into the form's message", () => {
    const errors = inboxErrors(
      problem([
        { loc: ["body", "config", "loft_id"], msg: "no such loft" },
        { loc: ["body", "config"], msg: "the provider refused these credentials" },
      ]),
      PIGEON.config_fields,
    );
    expect(errors.at).toEqual({ "config.loft_id": "no such loft" });
    expect(errors.form).toBe("config: the provider refused these credentials");
    expect(inboxErrors(null, PIGEON.config_fields)).toEqual({ at: {}, form: null });
  });
});
