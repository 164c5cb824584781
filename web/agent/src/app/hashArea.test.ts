import { afterEach, describe, expect, it } from "vitest";
import { hashArea } from "./hashArea";

type Route = { view: "list" } | { view: "item"; id: string };
const parse = (hash: string): Route | null => {
  if (hash === "#/things") return { view: "list" };
  const match = /^#\/things\/([^/]+)$/.exec(hash);
  return match ? { view: "item", id: match[1]! } : null;
};
const format = (r: Route): string => (r.view === "list" ? "#/things" : `#/things/${r.id}`);

describe("hashArea", () => {
  afterEach(() => history.replaceState(null, "", "/"));

  it("opens with a new history entry, switches in place on request, and closes to the inbox", () => {
    const area = hashArea(parse, format);
    const before = history.length;
    area.open({ view: "list" });
    expect(window.location.hash).toBe("#/things");
    expect(history.length).toBe(before + 1);
    area.open({ view: "item", id: "7" }, { replace: true });
    expect(window.location.hash).toBe("#/things/7");
    expect(history.length).toBe(before + 1);
    area.close();
    expect(window.location.hash).toBe("");
  });

  it("leaves other areas alone when closing", () => {
    const area = hashArea(parse, format);
    history.replaceState(null, "", "/#/elsewhere");
    area.close();
    expect(window.location.hash).toBe("#/elsewhere");
  });
});
