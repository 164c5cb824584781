import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import type { SiteKeyOut } from "./queries";
import { EMPTY_SITE_FORM, siteFormErrors, siteFormOf, siteKeyBody } from "./siteForm";

const stored: SiteKeyOut = {
  id: "01SITE",
  key: "pk_abc",
  name: "Shop",
  allowed_origins: ["https://shop.example", "https://www.shop.example"],
  widget_settings: { title: "Pište nám", greeting: "Dobrý den!", color: "#0f766e", require_consent: true },
  created_at: "2025-01-01T00:00:00Z",
};

describe("siteFormOf", () => {
  it("fills the edit form with what the key has now, one origin per line", () => {
    expect(siteFormOf(stored)).toEqual({
      name: "Shop",
      origins: "https://shop.example\nhttps://www.shop.example",
      title: "Pište nám",
      greeting: "Dobrý den!",
      color: "#0f766e",
      requireConsent: true,
    });
  });

  it("shows the server's defaults for settings the key does not have", () => {
    const bare = { ...stored, allowed_origins: ["https://shop.example"], widget_settings: {} };
    expect(siteFormOf(bare)).toEqual({ ...EMPTY_SITE_FORM, name: "Shop", origins: "https://shop.example" });
  });
});

describe("siteKeyBody", () => {
  it("sends every widget setting, so a PATCH never resets consent to its default", () => {
    const body = siteKeyBody({ ...siteFormOf(stored), origins: " https://shop.example \n\nhttps://new.example\n" });
    expect(body).toEqual({
      name: "Shop",
      allowed_origins: ["https://shop.example", "https://new.example"],
      widget_settings: { title: "Pište nám", greeting: "Dobrý den!", color: "#0f766e", require_consent: true },
    });
  });

  it("takes an emptied title or greeting as the default", () => {
    const body = siteKeyBody({ ...siteFormOf(stored), title: "  ", greeting: "" });
    expect(body.widget_settings).toMatchObject({ title: "Chat with us", greeting: "Hi! How can we help?" });
  });
});

describe("siteFormErrors", () => {
  it("names a refused origin by the line it came from, and puts setting errors on their fields", () => {
    const body = siteKeyBody({ ...siteFormOf(stored), origins: "https://shop.example\nhttps://shop.example/cart" });
    const error = new ApiError({
      status: 422,
      title: "Invalid input",
      errors: [
        { loc: ["allowed_origins", 1], msg: "expected scheme://host[:port]" },
        { loc: ["body", "widget_settings", "color"], msg: "String should match pattern" },
      ],
    });
    const result = siteFormErrors(error, body);
    expect(result.fields.allowed_origins).toBe("https://shop.example/cart: expected scheme://host[:port]");
    expect(result.fields["widget_settings.color"]).toBe("String should match pattern");
    expect(result.form).toBeNull();
  });

  it("makes anything but a 422 the form's message", () => {
    const result = siteFormErrors(
      new ApiError({ status: 404, title: "Not found", detail: "no such site key" }),
      siteKeyBody(EMPTY_SITE_FORM),
    );
    expect(result).toEqual({ fields: {}, form: "no such site key" });
  });
});

describe("a greeting per language", () => {
  it("is edited and sent back whole, empty languages left out", () => {
    const greeting = { cs: "Dobrý den!", sk: "Dobrý deň!", en: "Hello!" };
    const form = siteFormOf({ ...stored, widget_settings: { ...stored.widget_settings, greeting } });
    expect(form.greeting).toEqual(greeting);
    expect(siteKeyBody(form).widget_settings?.greeting).toEqual(greeting);
    expect(siteKeyBody({ ...form, greeting: { ...greeting, sk: "" } }).widget_settings?.greeting).toEqual({ cs: "Dobrý den!", en: "Hello!" });
    expect(siteKeyBody({ ...form, greeting: { cs: " " } }).widget_settings?.greeting).toBe("Hi! How can we help?");
  });
});
