import { describe, expect, it } from "vitest";
import {
  actorName,
  canMoveTo,
  DEFAULT_FILTER,
  describeHistory,
  fromLocalInput,
  isOverdue,
  parseFilter,
  STATUSES,
  suggestedSubject,
  ticketListQuery,
  toLocalInput,
  type HistoryOut,
} from "./logic";

describe("canMoveTo", () => {
  it("follows docs/tickets.md", () => {
    const allowed = Object.fromEntries(STATUSES.map((from) => [from, STATUSES.filter((to) => to !== from && canMoveTo(from, to))]));
    expect(allowed).toEqual({
      new: ["open", "pending", "solved", "closed"],
      open: ["pending", "solved", "closed"],
      pending: ["open", "solved", "closed"],
      solved: ["open", "closed"],
      closed: [],
    });
  });

  it("keeps the current status selectable and never goes back to new", () => {
    for (const s of STATUSES) expect(canMoveTo(s, s)).toBe(true);
    for (const s of STATUSES.filter((s) => s !== "new")) expect(canMoveTo(s, "new")).toBe(false);
  });
});

describe("isOverdue", () => {
  const now = Date.parse("2026-06-01T12:00:00Z");
  it("is past due and still unsolved", () => {
    expect(isOverdue({ due_at: "2026-06-01T11:59:00Z", status: "pending" }, now)).toBe(true);
    expect(isOverdue({ due_at: "2026-06-01T11:59:00Z", status: "new" }, now)).toBe(true);
    expect(isOverdue({ due_at: "2026-06-01T12:01:00Z", status: "open" }, now)).toBe(false);
    expect(isOverdue({ due_at: null, status: "open" }, now)).toBe(false);
  });
  it("is never overdue once solved or closed", () => {
    expect(isOverdue({ due_at: "2026-05-01T00:00:00Z", status: "solved" }, now)).toBe(false);
    expect(isOverdue({ due_at: "2026-05-01T00:00:00Z", status: "closed" }, now)).toBe(false);
  });
});

describe("ticketListQuery", () => {
  it("sends the default filter as unsolved, anyone", () => {
    expect(ticketListQuery(DEFAULT_FILTER, 25)).toEqual({ status: "unsolved", limit: 25 });
  });
  it("maps assignee and status, trims the search, adds the cursor", () => {
    expect(ticketListQuery({ status: "pending", assignee: "me", q: "  #12 " }, 25, "abc")).toEqual({
      status: "pending",
      assignee: "me",
      q: "#12",
      limit: 25,
      cursor: "abc",
    });
    expect(ticketListQuery({ status: "all", assignee: "unassigned", q: "   " }, 10)).toEqual({ assignee: "none", limit: 10 });
  });
});

describe("parseFilter", () => {
  it("falls back field by field", () => {
    expect(parseFilter(null)).toEqual(DEFAULT_FILTER);
    expect(parseFilter({ status: "solved", assignee: "bogus", q: 3 })).toEqual({ status: "solved", assignee: "anyone", q: "" });
    expect(parseFilter({ status: "all", assignee: "me", q: "tv" })).toEqual({ status: "all", assignee: "me", q: "tv" });
  });
});

describe("local date input", () => {
  it("round-trips through the browser's time zone", () => {
    const iso = "2026-12-01T12:00:00.000Z";
    expect(fromLocalInput(toLocalInput(iso))).toBe(iso);
    expect(fromLocalInput("")).toBeNull();
    expect(fromLocalInput("nonsense")).toBeNull();
    expect(toLocalInput(null)).toBe("");
  });
});

describe("history text", () => {
  const users = [{ id: "u1", name: "Alice" }];
  const entry = (field: string, old_value: string | null, new_value: string | null): HistoryOut => ({
    id: "h",
    field,
    old_value,
    new_value,
    actor: "user:u1",
    created_at: "2026-06-01T12:00:00Z",
  });
  const fmt = (iso: string) => `<${iso}>`;

  it("names actors", () => {
    expect(actorName("user:u1", users)).toBe("Alice");
    expect(actorName("user:zz", users)).toBe("Unknown user");
    expect(actorName("system:merge", users)).toBe("System (merge)");
  });

  it("describes each field", () => {
    expect(describeHistory(entry("status", "new", "pending"), users, fmt)).toEqual({ what: "Status", from: "new", to: "pending" });
    expect(describeHistory(entry("assignee", null, "u1"), users, fmt)).toEqual({ what: "Assignee", from: "Unassigned", to: "Alice" });
    expect(describeHistory(entry("due_at", null, "2026-01-01T00:00:00Z"), users, fmt)).toEqual({
      what: "Due date",
      from: "none",
      to: "<2026-01-01T00:00:00Z>",
    });
    expect(describeHistory(entry("created", null, "new"), users, fmt)).toEqual({ what: "Created", from: null, to: "new" });
    expect(describeHistory(entry("conversation_linked", null, "c1"), users, fmt).what).toBe("Conversation linked");
  });
});

describe("suggestedSubject", () => {
  it("puts the first message on one line and cuts it to fit", () => {
    expect(suggestedSubject("  Refund\n for   my TV ")).toBe("Refund for my TV");
    expect(suggestedSubject(null)).toBe("");
    const long = suggestedSubject("x".repeat(300));
    expect(long).toHaveLength(200);
    expect(long.endsWith("…")).toBe(true);
  });
});
