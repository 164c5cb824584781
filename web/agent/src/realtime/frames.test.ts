import { describe, expect, it } from "vitest";
import { parseFrame } from "./frames";

describe("parseFrame", () => {
  it("accepts documented frames", () => {
    expect(parseFrame('{"type":"pong"}')).toEqual({ type: "pong" });
    expect(parseFrame('{"type":"typing","conversation_id":"c","author_type":"visitor","state":true}')).toEqual({
      type: "typing",
      conversation_id: "c",
      author_type: "visitor",
      state: true,
    });
  });
  it("accepts delivery.updated with its delivery and rejects it without one", () => {
    const delivery = { id: "d1", conversation_id: "c1", message_id: "m1", channel: "email", status: "failed" };
    expect(parseFrame(JSON.stringify({ type: "delivery.updated", delivery }))).toMatchObject({ type: "delivery.updated", delivery });
    expect(parseFrame('{"type":"delivery.updated","delivery":{"id":"d1"}}')).toBeNull();
    expect(parseFrame('{"type":"delivery.updated"}')).toBeNull();
  });
  it("rejects junk and unknown types", () => {
    expect(parseFrame("not json")).toBeNull();
    expect(parseFrame('{"type":"conversation.updated"}')).toBeNull();
    expect(parseFrame('{"type":"something.else"}')).toBeNull();
    expect(parseFrame("[1,2]")).toBeNull();
  });
});

describe("routing frames", () => {
  const task = {
    id: "t1",
    conversation_id: "c1",
    channel: "webchat",
    queue_id: "q1",
    queue_name: "Web",
    status: "reserved",
    agent_id: "u1",
    reservation_expires_at: "2026-11-25T15:11:07.605771+00:00",
  };

  it("wallboard.updated carries the live figures", () => {
    const frame = parseFrame(
      JSON.stringify({
        type: "wallboard.updated",
        stats: { at: "2026-11-25T15:10:44Z", queues: [{ id: "q1", name: "Web", waiting: 1 }], agents: { offline: 3 } },
      }),
    );
    expect(frame?.type).toBe("wallboard.updated");
    if (frame?.type !== "wallboard.updated") return;
    expect(frame.stats.queues[0]).toMatchObject({ id: "q1", name: "Web", waiting: 1, reserved: 0 });
    expect(frame.stats.agents).toMatchObject({ offline: 3, available: 0 });
  });

  it("task.changed and alert.raised carry a task", () => {
    expect(parseFrame(JSON.stringify({ type: "task.changed", task }))).toMatchObject({ type: "task.changed", task: { id: "t1", agent_id: "u1" } });
    expect(parseFrame(JSON.stringify({ type: "alert.raised", alert: "sla_breached", task }))).toMatchObject({
      type: "alert.raised",
      alert: "sla_breached",
      task: { id: "t1" },
    });
  });

  it("presence.changed carries the reason (or null)", () => {
    expect(parseFrame(JSON.stringify({ type: "presence.changed", user_id: "u", status: "busy", reason: "Lunch" }))).toEqual({
      type: "presence.changed",
      user_id: "u",
      status: "busy",
      reason: "Lunch",
    });
    expect(parseFrame(JSON.stringify({ type: "presence.changed", user_id: "u", status: "online" }))).toMatchObject({ reason: null });
  });

  it("malformed routing frames are dropped", () => {
    expect(parseFrame(JSON.stringify({ type: "wallboard.updated", stats: { queues: [] } }))).toBeNull();
    expect(parseFrame(JSON.stringify({ type: "task.changed", task: { id: "t1" } }))).toBeNull();
    expect(parseFrame(JSON.stringify({ type: "alert.raised", alert: "panic", task }))).toBeNull();
  });
});
