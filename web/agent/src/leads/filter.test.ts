import { describe, expect, it } from "vitest";
import { DEFAULT_LEAD_FILTER, exportHref, leadQuery } from "./filter";

describe("leadQuery", () => {
  it("asks for the open statuses by default and nothing else", () => {
    expect(leadQuery(DEFAULT_LEAD_FILTER)).toEqual({ status: "new,contacted,qualified" });
  });

  it("passes each chosen filter, trimming the search", () => {
    expect(
      leadQuery({ status: "won", source: "callback", owner: "none", campaign: "zima-2026", q: "  jana " }),
    ).toEqual({ status: "won", source: "callback", owner: "none", campaign: "zima-2026", q: "jana" });
    expect(leadQuery({ ...DEFAULT_LEAD_FILTER, status: "all" })).toEqual({});
  });

  it("builds the CSV export's address with the same filters", () => {
    expect(exportHref({ ...DEFAULT_LEAD_FILTER, status: "all" })).toBe("/v1/leads/export.csv");
    expect(exportHref({ ...DEFAULT_LEAD_FILTER, campaign: "black friday" })).toBe(
      "/v1/leads/export.csv?status=new%2Ccontacted%2Cqualified&campaign=black+friday",
    );
  });
});
