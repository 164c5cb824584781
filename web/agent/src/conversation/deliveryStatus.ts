/**
 * How a reply fared on the customer's channel (the outbox's delivery row),
 * in the words shown beside the message.
 */
import type { DeliveryOut } from "../api/client";
import { clockTime } from "../inbox/relativeTime";

export type DeliveryTone = "muted" | "ok" | "warn" | "danger";

export interface DeliveryView {
  label: string;
  tone: DeliveryTone;
  /** The provider's reason for the last failure, shown in full. */
  reason: string | null;
  /** Whether "Retry now" is offered (a failed delivery, or one waiting to try again). */
  retryable: boolean;
}

/**
 * A delivery waiting after a failed attempt (it has a reason and a later
 * attempt due) says when it tries again; `now` only decides whether that
 * time has already come.
 */
export function deliveryView(delivery: DeliveryOut, now: number = Date.now()): DeliveryView {
  switch (delivery.status) {
    case "pending": {
      const due = delivery.next_attempt_at ? Date.parse(delivery.next_attempt_at) : NaN;
      if (delivery.last_error && due > now) {
        return { label: `Not sent yet · next attempt at ${clockTime(delivery.next_attempt_at!)}`, tone: "warn", reason: delivery.last_error, retryable: true };
      }
      return { label: "Sending…", tone: "muted", reason: null, retryable: false };
    }
    case "sending":
      return { label: "Sending…", tone: "muted", reason: null, retryable: false };
    case "sent":
      return { label: "Sent", tone: "muted", reason: null, retryable: false };
    case "delivered":
      return { label: "Delivered", tone: "ok", reason: null, retryable: false };
    case "read":
      return { label: "Read", tone: "ok", reason: null, retryable: false };
    case "failed":
      return { label: "Not delivered", tone: "danger", reason: delivery.last_error ?? "no reason given", retryable: true };
  }
}

/**
 * Deliveries by the message they carry: the one on the conversation's channel.
 * A web chat reply may also have push deliveries (channel `push`, one per
 * device of a visitor whose app was closed; docs/mobile-api.md), which are
 * not the reply's own and are left out here.
 */
export function deliveriesByMessage(deliveries: readonly DeliveryOut[] | undefined): ReadonlyMap<string, DeliveryOut> {
  return new Map((deliveries ?? []).filter((d) => d.channel !== "push").map((d) => [d.message_id, d]));
}
