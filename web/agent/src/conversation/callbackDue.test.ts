import { describe, expect, it } from "vitest";
import { callbackDue, countdown, dueChipClass } from "./callbackDue";

describe("callback count-down", () => {
  const now = Date.parse("2026-03-10T12:00:00Z");
  const pending = (due_at: string) => ({ status: "pending" as const, due_at });

  it("counts down to the due time in minutes and seconds", () => {
    expect(callbackDue(pending("2026-03-10T12:04:12Z"), now)).toMatchObject({ text: "due in 4:12", tone: "due" });
    expect(callbackDue(pending("2026-03-10T12:00:45Z"), now)).toMatchObject({ text: "due in 0:45", tone: "soon" });
    expect(callbackDue(pending("2026-03-10T12:00:45Z"), now + 1000).text).toBe("due in 0:44");
  });

  it("is overdue, in red, from the due time on", () => {
    const due = callbackDue(pending("2026-03-10T12:00:00Z"), now);
    expect(due).toMatchObject({ text: "overdue 0:00", tone: "overdue" });
    expect(callbackDue(pending("2026-03-10T11:58:30Z"), now).text).toBe("overdue 1:30");
    expect(dueChipClass(due.tone)).toContain("chip--danger");
    expect(dueChipClass("due")).not.toContain("chip--danger");
  });

  it("shows hours and days for a callback booked for later", () => {
    expect(callbackDue(pending("2026-03-10T14:05:00Z"), now).text).toBe("due in 2h 05m");
    expect(callbackDue(pending("2026-03-13T16:00:00Z"), now).text).toBe("due in 3d 4h");
    expect(countdown(-2 * 3600_000)).toBe("2h 00m");
  });

  it("says how an ended callback ended instead of counting", () => {
    for (const status of ["done", "failed", "cancelled"] as const) {
      const due = callbackDue({ status, due_at: "2026-03-10T11:00:00Z" }, now);
      expect(due).toMatchObject({ text: `Callback ${status}`, tone: "ended" });
    }
  });

  it("does not invent a time from junk", () => {
    expect(callbackDue(pending("nope"), now).text).toBe("Callback");
  });
});
