import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Offer } from "../protocol";
import { normalizePhone, OfferCard, preferredTime } from "./offer";

const byId = (root: ParentNode, id: string) => root.querySelector<HTMLElement>(`[data-testid="${id}"]`);

describe("phone and time", () => {
  it("accepts digits, spaces and a leading +, 6–20 characters", () => {
    expect(normalizePhone("+49 170 1234567")).toBe("+491701234567");
    expect(normalizePhone(" 0170 123456 ")).toBe("0170123456");
    for (const bad of ["12345", "+49-170-123", "call me", "1".repeat(21), "49+123456", "+     1"]) {
      expect(normalizePhone(bad)).toBeNull();
    }
  });

  it("turns the select's minutes into an ISO time; as soon as possible is none", () => {
    const now = Date.parse("2026-11-25T12:00:00Z");
    expect(preferredTime("", now)).toBeUndefined();
    expect(preferredTime("30", now)).toBe("2026-11-25T12:30:00.000Z");
    expect(preferredTime("60", now)).toBe("2026-11-25T13:00:00.000Z");
  });
});

describe("OfferCard", () => {
  let host: HTMLElement;
  let root: ShadowRoot;
  let container: HTMLElement;
  const accepted: unknown[][] = [];
  const declined: Offer[] = [];
  let card: OfferCard;
  const offer = (kind: Offer["kind"], expires_at = "2999-01-01T00:00:00Z"): Offer => ({ id: `of_${kind}`, kind, text: `Offer ${kind}`, expires_at });

  beforeEach(() => {
    host = document.createElement("div");
    document.body.append(host);
    root = host.attachShadow({ mode: "open" });
    container = document.createElement("div");
    root.append(container);
    accepted.length = 0;
    declined.length = 0;
    card = new OfferCard(container, root, {
      onAccept: (o, answer) => accepted.push([o.id, answer]),
      onDecline: (o) => declined.push(o),
    });
  });
  afterEach(() => host.remove());

  it("shows a chat offer with text, Accept and No thanks", () => {
    expect(card.show(offer("chat"))).toBe(true);
    expect(byId(root, "hovor-offer-text")?.textContent).toBe("Offer chat");
    expect(byId(root, "hovor-offer-phone")).toBeNull();
    byId(root, "hovor-offer-accept")?.click();
    expect(accepted).toEqual([["of_chat", {}]]);
    expect(byId(root, "hovor-offer")).toBeNull();
  });

  it("declining hides it and reports it", () => {
    card.show(offer("chat"));
    byId(root, "hovor-offer-decline")?.click();
    expect(declined.map((o) => o.id)).toEqual(["of_chat"]);
    expect(byId(root, "hovor-offer")).toBeNull();
  });

  it("a callback needs a valid phone; the time is optional", () => {
    card.show(offer("callback"));
    const phone = byId(root, "hovor-offer-phone") as HTMLInputElement;
    const time = byId(root, "hovor-offer-time") as HTMLSelectElement;
    expect(Array.from(time.options).map((o) => o.text)).toEqual(["As soon as possible", "In 30 minutes", "In 1 hour"]);
    phone.value = "abc";
    byId(root, "hovor-offer-accept")?.click();
    expect(accepted).toEqual([]);
    expect(phone.getAttribute("aria-invalid")).toBe("true");
    phone.value = "+49 30 1234567";
    byId(root, "hovor-offer-accept")?.click();
    expect(accepted).toEqual([["of_callback", { phone: "+49301234567" }]]);

    card.show(offer("callback"));
    (byId(root, "hovor-offer-phone") as HTMLInputElement).value = "030 1234567";
    (byId(root, "hovor-offer-time") as HTMLSelectElement).value = "30";
    byId(root, "hovor-offer-accept")?.click();
    expect(accepted[1]).toEqual(["of_callback", { phone: "0301234567", preferred_time: expect.stringMatching(/Z$/) }]);
  });

  it("does not show an expired offer and hides one when it expires", () => {
    vi.useFakeTimers();
    const now = Date.now();
    expect(card.show(offer("chat", new Date(now - 1000).toISOString()))).toBe(false);
    expect(card.show(offer("chat", new Date(now + 5000).toISOString()))).toBe(true);
    vi.advanceTimersByTime(5000);
    expect(byId(root, "hovor-offer")).toBeNull();
    vi.useRealTimers();
  });
});
