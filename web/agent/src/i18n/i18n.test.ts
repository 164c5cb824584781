import { describe, expect, it } from "vitest";
import { cs } from "./cs";
import { en } from "./en";
import { browserLang } from "./i18n";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the desktop's dictionaries", () => {
  it("has every English key in Czech, with the same placeholders, and nothing else", () => {
    expect(Object.keys(cs).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      const czech = (cs as Record<string, string>)[key]!;
      expect(czech.trim(), key).not.toBe("");
      expect(placeholders(czech), key).toEqual(placeholders(text));
    }
  });

  it("speaks Czech to a Czech browser and English to every other", () => {
    expect(browserLang(["cs-CZ", "en"])).toBe("cs");
    expect(browserLang(["cs"])).toBe("cs");
    expect(browserLang(["en-US", "cs"])).toBe("en");
    expect(browserLang(["sk"])).toBe("en");
    expect(browserLang([])).toBe("en");
  });
});
