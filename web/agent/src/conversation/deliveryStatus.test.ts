import { describe, expect, it } from "vitest";
import { delivery } from "../realtime/fixtures";
import { deliveriesByMessage, deliveryView } from "./deliveryStatus";

const NOW = Date.parse("2025-01-01T10:00:00Z");

describe("deliveryView", () => {
  it("names each state", () => {
    expect(deliveryView(delivery({ id: "d", status: "sending" }), NOW).label).toBe("Sending…");
    expect(deliveryView(delivery({ id: "d", status: "sent" }), NOW).label).toBe("Sent");
    expect(deliveryView(delivery({ id: "d", status: "delivered" }), NOW)).toMatchObject({ label: "Delivered", tone: "ok" });
    expect(deliveryView(delivery({ id: "d", status: "read" }), NOW)).toMatchObject({ label: "Read", retryable: false });
  });

  it("a failed delivery gives the provider's reason and offers a retry", () => {
    const view = deliveryView(delivery({ id: "d", status: "failed", last_error: "not sent: no SMTP configured (HOVOR_SMTP_URL)" }), NOW);
    expect(view).toEqual({ label: "Not delivered", tone: "danger", reason: "not sent: no SMTP configured (HOVOR_SMTP_URL)", retryable: true });
  });

  it("a delivery waiting after a failure says when it tries again; a due one is sending", () => {
    const waiting = delivery({ id: "d", status: "pending", last_error: "451 try later", next_attempt_at: "2025-01-01T10:05:00Z" });
    const view = deliveryView(waiting, NOW);
    expect(view.label).toMatch(/^Not sent yet · next attempt at /);
    expect(view.label).not.toMatch(/at $/);
    expect(view).toMatchObject({ tone: "warn", reason: "451 try later", retryable: true });
    // After "Retry now" the reason stays in the row but the attempt is due: sending.
    expect(deliveryView({ ...waiting, next_attempt_at: "2025-01-01T10:00:00Z", attempts: 0 }, NOW)).toMatchObject({
      label: "Sending…",
      reason: null,
      retryable: false,
    });
    expect(deliveryView(delivery({ id: "d", status: "pending", next_attempt_at: "2025-01-01T10:05:00Z" }), NOW).label).toBe("Sending…");
  });
});

describe("deliveriesByMessage", () => {
  it("keys deliveries by their message", () => {
    const map = deliveriesByMessage([delivery({ id: "a", message_id: "m1" }), delivery({ id: "b", message_id: "m2" })]);
    expect(map.get("m2")?.id).toBe("b");
    expect(deliveriesByMessage(undefined).size).toBe(0);
  });

  it("shows a reply's own delivery, not the pushes to the visitor's devices", () => {
    const own = delivery({ id: "a", message_id: "m1", channel: "webchat", status: "sent" });
    const push = delivery({ id: "b", message_id: "m1", channel: "push", status: "failed" });
    expect(deliveriesByMessage([own, push]).get("m1")?.id).toBe("a");
    expect(deliveriesByMessage([push]).has("m1")).toBe(false);
  });
});
