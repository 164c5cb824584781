import { describe, expect, it } from "vitest";
import { newerStats, parseRoutingStats, parseTask, totalWaiting } from "./stats";
import { stats } from "./fixtures";

describe("parseRoutingStats", () => {
  it("reads the router's figures as the server sends them", () => {
    const raw = {
      at: "2026-11-25T15:10:44.582251+00:00",
      queues: [
        {
          id: "q1",
          name: "Web",
          waiting: 1,
          scheduled: 0,
          reserved: 0,
          assigned: 2,
          unroutable: 0,
          longest_wait_seconds: 2.0,
          estimated_wait_seconds: { webchat: null, callback: 12.5 },
          sla_seconds: { webchat: 30.0 },
        },
      ],
      agents: { available: 0, working: 1, full: 0, busy: 0, away: 0, offline: 3 },
    };
    const parsed = parseRoutingStats(raw)!;
    expect(parsed.queues[0]).toEqual(raw.queues[0]);
    expect(parsed.agents).toEqual(raw.agents);
    expect(totalWaiting(parsed)).toBe(1);
  });

  it("fills what is missing with zeros and drops queues without an id", () => {
    const parsed = parseRoutingStats({ at: "2026-01-01T00:00:00Z", queues: [{ name: "x" }, { id: "q", waiting: -3 }], agents: {} })!;
    expect(parsed.queues).toHaveLength(1);
    expect(parsed.queues[0]).toMatchObject({ id: "q", name: "q", waiting: 0, estimated_wait_seconds: {} });
    expect(parsed.agents.offline).toBe(0);
  });

  it("refuses what is not figures", () => {
    expect(parseRoutingStats(null)).toBeNull();
    expect(parseRoutingStats({ at: "yesterday", queues: [] })).toBeNull();
    expect(parseRoutingStats({ at: "2026-01-01T00:00:00Z" })).toBeNull();
  });
});

describe("newerStats", () => {
  it("keeps the later snapshot whichever arrives last", () => {
    const early = stats("2026-01-01T10:00:00Z", { Web: 1 });
    const late = stats("2026-01-01T10:00:02Z", { Web: 0 });
    expect(newerStats(early, late)).toBe(late);
    expect(newerStats(late, early)).toBe(late);
    expect(newerStats(null, early)).toBe(early);
    expect(newerStats(early, null)).toBe(early);
  });
});

describe("parseTask", () => {
  it("needs ids and a status; agent_id is a string or null", () => {
    expect(parseTask({ id: "t", conversation_id: "c", status: "reserved", agent_id: "u" })).toMatchObject({ agent_id: "u" });
    expect(parseTask({ id: "t", conversation_id: "c", status: "waiting" })).toMatchObject({ agent_id: null });
    expect(parseTask({ id: "t", status: "waiting" })).toBeNull();
    expect(parseTask({ id: "t", conversation_id: "c", status: "waiting", agent_id: 7 })).toBeNull();
  });
});
