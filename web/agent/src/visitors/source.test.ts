import { describe, expect, it } from "vitest";
import { leadSource, visitSource } from "./source";

describe("visitSource", () => {
  it("names the UTM source and medium, and the campaign", () => {
    expect(visitSource("https://www.google.com/", { source: "google", medium: "cpc", campaign: "zima-2026" })).toEqual({
      from: "google · cpc",
      campaign: "zima-2026",
      referrer: "https://www.google.com/",
    });
  });

  it("falls back to the referrer's host without www, then to direct", () => {
    expect(visitSource("https://www.seznam.cz/hledani?q=lednice", {}).from).toBe("seznam.cz");
    expect(visitSource(null, {})).toEqual({ from: "direct", campaign: null, referrer: null });
    expect(visitSource("not a url", undefined).from).toBe("direct");
  });

  it("reads a lead's flat fields", () => {
    expect(leadSource({ referrer: null, utm_source: "newsletter", utm_medium: "email", utm_campaign: "listopad" })).toEqual({
      from: "newsletter · email",
      campaign: "listopad",
      referrer: null,
    });
  });
});
