import { describe, expect, it } from "vitest";
import { DEFAULT_AUDIT_FILTER, auditExportHref, auditQuery, describeTarget } from "./auditQuery";

describe("auditQuery", () => {
  it("asks for everything by default", () => {
    expect(auditQuery(DEFAULT_AUDIT_FILTER)).toEqual({});
    expect(auditExportHref(DEFAULT_AUDIT_FILTER)).toBe("/v1/audit.csv");
  });

  it("turns the days into local midnights, the last day included", () => {
    const query = auditQuery({ actorId: "u1", from: "2026-12-01", to: "2026-12-03" });
    expect(query.actor_id).toBe("u1");
    expect(new Date(query.since!).getTime()).toBe(new Date(2026, 11, 1).getTime());
    expect(new Date(query.until!).getTime()).toBe(new Date(2026, 11, 4).getTime());
    expect(auditExportHref({ ...DEFAULT_AUDIT_FILTER, actorId: "u1" })).toBe("/v1/audit.csv?actor_id=u1");
  });
});

describe("describeTarget", () => {
  it("names each id by its kind", () => {
    expect(describeTarget({ user_id: "01J", key: "welcome" })).toBe("user 01J, key welcome");
    expect(describeTarget({})).toBe("");
  });
});
