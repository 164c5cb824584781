import { describe, expect, it } from "vitest";
import { describeMissing, fold, matchCanned, slashQuery, splice } from "./shortcut";

const items = [
  { id: "1", title: "Vrácení zboží", shortcut: "vraceni" },
  { id: "2", title: "Doprava", shortcut: "doprava" },
  { id: "3", title: "Greeting", shortcut: "hi" },
  { id: "4", title: "Stav objednávky", shortcut: "stav" },
];

describe("slashQuery", () => {
  it("finds a slash word at the start or after a space, up to the caret", () => {
    expect(slashQuery("/vra", 4)).toEqual({ start: 0, end: 4, query: "vra" });
    expect(slashQuery("Dobrý den /", 11)).toEqual({ start: 10, end: 11, query: "" });
    expect(slashQuery("hello /do more", 9)).toEqual({ start: 6, end: 9, query: "do" });
  });
  it("ignores a slash inside a word or a URL, and a finished word", () => {
    expect(slashQuery("and/or", 6)).toBeNull();
    expect(slashQuery("https://x.cz/a", 14)).toBeNull();
    expect(slashQuery("/vraceni ", 9)).toBeNull();
  });
});

describe("matchCanned", () => {
  it("ranks shortcut prefixes first and folds diacritics", () => {
    expect(matchCanned(items, "").map((i) => i.id)).toEqual(["2", "3", "4", "1"]);
    expect(matchCanned(items, "vrac").map((i) => i.id)).toEqual(["1"]);
    expect(matchCanned(items, "zbozi").map((i) => i.id)).toEqual(["1"]);
    expect(matchCanned(items, "OBJEDN").map((i) => i.id)).toEqual(["4"]);
    expect(matchCanned(items, "nothing")).toEqual([]);
  });
  it("keeps at most the limit", () => {
    expect(matchCanned(items, "", 2)).toHaveLength(2);
  });
});

describe("splice and the rest", () => {
  it("replaces the slash word and puts the caret after the insert", () => {
    expect(splice("Hi /vra!", 3, 7, "text")).toEqual({ text: "Hi text!", caret: 7 });
  });
  it("folds and names missing variables", () => {
    expect(fold("Žluťoučký")).toBe("zlutoucky");
    expect(describeMissing(["contact.first_name", "order.number"])).toBe("{{contact.first_name}}, {{order.number}}");
  });
});
