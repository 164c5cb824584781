import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { draftFromQueue, EMPTY_QUEUE, queueBody, queueErrors, queueErrorSlot, type QueueDraft } from "./queueForm";

const KINDS = ["webchat", "email"];
import type { QueueOut } from "./queries";

const queue: QueueOut = {
  id: "q1",
  name: "Fridges",
  channels: ["webchat"],
  steps: [
    { target: "has(skills.fridges) && skills.fridges >= 3", timeout_seconds: 60 },
    { target: "", timeout_seconds: null },
  ],
  strategy: "longest_idle",
  overflow_queue_id: "q2",
  sla_seconds: { webchat: 20 },
  sticky_seconds: 600,
  wrap_up_seconds: 30,
  reservation_seconds: 15,
  auto_accept: false,
  weight_skill: "fridges",
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
};

describe("queue drafts", () => {
  it("round-trip a queue unchanged", () => {
    const body = queueBody(draftFromQueue(queue));
    const { id: _id, created_at: _c, updated_at: _u, ...expected } = queue;
    expect(body).toEqual(expected);
  });

  it("empty inputs mean the defaults; blank targets match everyone", () => {
    expect(queueBody({ ...EMPTY_QUEUE, name: "  Web  ", sticky: "", wrapUp: "", reservation: "" })).toEqual({
      name: "Web",
      channels: [],
      steps: [{ target: "", timeout_seconds: null }],
      strategy: "least_occupied",
      overflow_queue_id: null,
      sla_seconds: {},
      sticky_seconds: 0,
      wrap_up_seconds: 0,
      reservation_seconds: 30,
      auto_accept: true,
      weight_skill: null,
    });
  });

  it("sends an unreadable number as NaN (null in JSON) so the server names the field", () => {
    const body = queueBody({ ...EMPTY_QUEUE, reservation: "soon", sla: { webchat: "x", email: "" } });
    expect(body.reservation_seconds).toBeNaN();
    expect(JSON.parse(JSON.stringify(body)).reservation_seconds).toBeNull();
    expect(Object.keys(body.sla_seconds!)).toEqual(["webchat"]);
  });
});

describe("queue errors", () => {
  const draft: QueueDraft = { ...EMPTY_QUEUE, steps: [{ target: "x", timeout: "" }, { target: "has(skills.x &&", timeout: "" }] };

  it("go under the control they are about", () => {
    expect(queueErrorSlot("steps.1.target", draft, KINDS)).toBe("steps.1.target");
    expect(queueErrorSlot("steps.0.timeout_seconds", draft, KINDS)).toBe("steps.0.timeout_seconds");
    expect(queueErrorSlot("steps.7.target", draft, KINDS)).toBe("steps");
    expect(queueErrorSlot("sla_seconds.webchat", draft, KINDS)).toBe("sla_seconds.webchat");
    expect(queueErrorSlot("sla_seconds.email", draft, KINDS)).toBe("sla_seconds.email"); // a server channel
    expect(queueErrorSlot("sla_seconds.email", draft, [])).toBe("sla_seconds");
    expect(queueErrorSlot("sla_seconds.fax", draft, KINDS)).toBe("sla_seconds");
    expect(queueErrorSlot("reservation_seconds", draft, KINDS)).toBe("reservation_seconds");
    expect(queueErrorSlot("colour", draft, KINDS)).toBeNull();
  });

  it("from a 422 problem: per control, the rest for the form", () => {
    const error = new ApiError({
      status: 422,
      detail: "the queue is not valid",
      errors: [
        { loc: ["steps", 1, "target"], msg: "syntax error at 1:14: invalid argument to has() macro" },
        { loc: ["body", "reservation_seconds"], msg: "Input should be greater than 0" },
        { loc: ["name"], msg: "another queue has this name" },
        { loc: ["name"], msg: "must not be empty" },
        { loc: ["body", "colour"], msg: "extra" },
      ],
    });
    expect(queueErrors(error, draft, KINDS)).toEqual({
      at: {
        "steps.1.target": "syntax error at 1:14: invalid argument to has() macro",
        reservation_seconds: "Input should be greater than 0",
        name: "another queue has this name; must not be empty",
      },
      form: "colour: extra",
    });
  });

  it("anything else (409, network) is one message for the form", () => {
    const error = new ApiError({ status: 409, detail: "1 task(s) are still in this queue; transfer them first" });
    expect(queueErrors(error, draft, KINDS)).toEqual({ at: {}, form: "1 task(s) are still in this queue; transfer them first" });
    expect(queueErrors(null, draft, KINDS).form).toBeNull();
  });
});
