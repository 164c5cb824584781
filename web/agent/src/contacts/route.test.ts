import { describe, expect, it } from "vitest";
import { contactsHash, contactsRouteFromHash } from "./route";

describe("contacts route", () => {
  it("reads the list and a contact from the hash, and writes them back", () => {
    expect(contactsRouteFromHash("#/contacts")).toEqual({ view: "list" });
    expect(contactsRouteFromHash("#/contacts/")).toEqual({ view: "list" });
    expect(contactsRouteFromHash("#/contacts/01J%20X")).toEqual({ view: "contact", id: "01J X" });
    expect(contactsRouteFromHash("#/c/abc")).toBeNull();
    expect(contactsRouteFromHash("#/contactsx")).toBeNull();
    expect(contactsHash({ view: "contact", id: "01J X" })).toBe("#/contacts/01J%20X");
    expect(contactsHash({ view: "list" })).toBe("#/contacts");
  });
});
