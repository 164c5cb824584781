import { describe, expect, it } from "vitest";
import { parseOrigins } from "./origins";

describe("parseOrigins", () => {
  it("takes one origin per line, trimmed, without blank lines", () => {
    expect(parseOrigins("https://www.example.com\r\n\n  https://example.com  \n\t\n")).toEqual([
      "https://www.example.com",
      "https://example.com",
    ]);
  });

  it("keeps duplicates and odd entries for the server to judge (its errors name positions in this list)", () => {
    expect(parseOrigins("https://a.example\nhttps://a.example\nnot an origin")).toEqual([
      "https://a.example",
      "https://a.example",
      "not an origin",
    ]);
  });

  it("is empty for an empty textarea", () => {
    expect(parseOrigins("")).toEqual([]);
    expect(parseOrigins(" \n \n")).toEqual([]);
  });
});
