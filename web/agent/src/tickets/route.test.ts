import { describe, expect, it } from "vitest";
import { ticketsHash, ticketsRouteFromHash } from "./route";

describe("tickets route", () => {
  it("reads the list and a ticket from the hash, and writes them back", () => {
    expect(ticketsRouteFromHash("#/tickets")).toEqual({ view: "list" });
    expect(ticketsRouteFromHash("#/tickets/")).toEqual({ view: "list" });
    expect(ticketsRouteFromHash("#/tickets/01J%20X")).toEqual({ view: "ticket", id: "01J X" });
    expect(ticketsRouteFromHash("#/c/abc")).toBeNull();
    expect(ticketsRouteFromHash("#/ticketsx")).toBeNull();
    expect(ticketsHash({ view: "ticket", id: "01J X" })).toBe("#/tickets/01J%20X");
    expect(ticketsHash({ view: "list" })).toBe("#/tickets");
  });
});
