import { describe, expect, it } from "vitest";
import { knowledgeHash, knowledgeRouteFromHash } from "./route";

describe("knowledge route", () => {
  it("reads and writes the hash", () => {
    expect(knowledgeRouteFromHash("#/knowledge")).toEqual({ view: "list" });
    expect(knowledgeRouteFromHash("#/knowledge/new")).toEqual({ view: "new" });
    expect(knowledgeRouteFromHash("#/knowledge/01ABC")).toEqual({ view: "article", id: "01ABC" });
    expect(knowledgeRouteFromHash("#/tickets")).toBeNull();
    expect(knowledgeHash({ view: "article", id: "a b" })).toBe("#/knowledge/a%20b");
    expect(knowledgeRouteFromHash(knowledgeHash({ view: "new" }))).toEqual({ view: "new" });
  });
});
