import { describe, expect, it } from "vitest";
import { nextLanguage, perLanguage, textsOf, textsSummary, textsToSend } from "./texts";

describe("texts per language", () => {
  it("keeps one string as it is", () => {
    expect(textsOf("Hi")).toBe("Hi");
    expect(textsOf(undefined)).toBe("");
    expect(textsToSend("Hi")).toBe("Hi");
  });

  it("splits one text into the usual languages and sends only the written ones", () => {
    const texts = perLanguage("Hi");
    expect(texts).toEqual({ en: "Hi", cs: "", sk: "" });
    expect(textsToSend({ ...texts, cs: "Ahoj" })).toEqual({ en: "Hi", cs: "Ahoj" });
    expect(textsToSend({ en: " ", cs: "" })).toBe("");
    expect(nextLanguage({ cs: "", sk: "" })).toBe("en");
    expect(nextLanguage({ cs: "", sk: "", en: "" })).toBe("");
  });

  it("summarises the languages for a list", () => {
    expect(textsSummary({ cs: "Ahoj", en: "Hi", sk: "" })).toBe("cs: Ahoj · en: Hi");
  });

  it("copies a stored object, so editing the form never edits the cache", () => {
    const stored = { cs: "Ahoj" };
    const copy = textsOf(stored);
    expect(copy).toEqual(stored);
    expect(copy).not.toBe(stored);
  });
});
