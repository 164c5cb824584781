import { act, type ReactNode } from "react";
import { createRoot } from "react-dom/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { delivery, message } from "../realtime/fixtures";
import { deliveriesByMessage } from "./deliveryStatus";
import { MessageList } from "./MessageList";
import { placeOfferCards, type ConversationOfferOut } from "./offerQueries";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement | null = null;
afterEach(() => {
  container?.remove();
  container = null;
});

function render(node: ReactNode) {
  container = document.createElement("div");
  document.body.appendChild(container);
  const root = createRoot(container);
  act(() => root.render(node));
  return { container, unmount: () => act(() => root.unmount()) };
}

describe("MessageList", () => {
  it("marks each message with its author and shows pending and failed replies", () => {
    const onRetry = vi.fn();
    const { container, unmount } = render(
      <MessageList
        conversationId="c1"
        messages={[
          message({ id: "m1", author_type: "visitor", body: "Hi" }),
          message({ id: "m2", author_type: "system", body: "Ann joined" }),
          message({ id: "m3", author_type: "agent", author_id: "me", author_name: "Ann", body: "Hello!" }),
        ]}
        pending={[
          { clientId: "p1", body: "on its way", createdAt: "2025-01-01T10:00:00Z", state: "sending", error: null },
          { clientId: "p2", body: "broken", createdAt: "2025-01-01T10:00:00Z", state: "failed", error: "Network error" },
        ]}
        meId="me"
        contactName="Ada"
        visitorTyping
        hasEarlier={false}
        loadingEarlier={false}
        onLoadEarlier={() => undefined}
        onRetry={onRetry}
        onDiscard={() => undefined}
      />,
    );
    const rows = [...container.querySelectorAll<HTMLElement>('[data-testid="message"]')];
    expect(rows.map((r) => r.dataset.author)).toEqual(["visitor", "system", "agent", "agent", "agent"]);
    expect(rows[2]!.classList.contains("message--mine")).toBe(true);
    expect(rows[3]!.dataset.pending).toBe("sending");
    expect(container.querySelector('[data-testid="visitor-typing"]')?.textContent).toContain("Ada is typing");
    const retry = [...container.querySelectorAll("button")].find((b) => b.textContent === "Retry")!;
    act(() => retry.click());
    expect(onRetry).toHaveBeenCalledWith("p2");
    unmount();
  });

  it("shows each outgoing message's delivery, the provider's reason when it failed, and retries it", () => {
    const onRetry = vi.fn();
    const reason = "not sent: no SMTP configured (HOVOR_SMTP_URL)";
    const props = {
      conversationId: "c1",
      pending: [],
      meId: "me",
      contactName: "Ada",
      visitorTyping: false,
      hasEarlier: false,
      loadingEarlier: false,
      onLoadEarlier: () => undefined,
      onRetry: () => undefined,
      onDiscard: () => undefined,
    };
    const messages = [
      message({ id: "m1", author_type: "visitor", body: "Where is my order?" }),
      message({ id: "m2", author_type: "agent", author_id: "me", body: "On its way." }),
      message({ id: "m3", author_type: "agent", author_id: "me", body: "Tracking: 123" }),
      message({ id: "m4", author_type: "agent", author_id: "me", body: "note", private: true }),
    ];
    const byMessage = deliveriesByMessage([
      delivery({ id: "d2", message_id: "m2", status: "read" }),
      delivery({ id: "d3", message_id: "m3", status: "failed", last_error: reason }),
      delivery({ id: "d4", message_id: "m4", status: "sent" }),
    ]);
    const { container, unmount } = render(
      <MessageList {...props} messages={messages} deliveries={{ byMessage, retryingId: null, retryError: null, onRetry }} />,
    );
    const shown = (id: string) => container.querySelector(`[data-message-id="${id}"] [data-testid="delivery"]`) as HTMLElement | null;
    expect(shown("m1")).toBeNull();
    expect(shown("m4")).toBeNull(); // a note for the team is never sent
    expect(shown("m2")?.dataset.deliveryStatus).toBe("read");
    expect(shown("m2")?.textContent).toBe("Read");
    const failed = shown("m3")!;
    expect(failed.dataset.deliveryStatus).toBe("failed");
    expect(failed.getAttribute("role")).toBe("alert");
    expect(failed.textContent).toContain(reason);
    const retry = [...failed.querySelectorAll("button")].find((b) => b.textContent === "Retry now")!;
    act(() => retry.click());
    expect(onRetry).toHaveBeenCalledWith("d3");
    unmount();

    const again = render(
      <MessageList
        {...props}
        messages={messages}
        deliveries={{ byMessage, retryingId: "d3", retryError: { deliveryId: "d3", message: "the delivery is sending" }, onRetry }}
      />,
    );
    const busy = again.container.querySelector('[data-message-id="m3"] button') as HTMLButtonElement;
    expect(busy.disabled).toBe(true);
    expect(busy.textContent).toBe("Retrying…");
    expect(again.container.querySelector('[data-message-id="m3"]')?.textContent).toContain("the delivery is sending");
    again.unmount();
  });
});

describe("MessageList with offer cards", () => {
  const offer: ConversationOfferOut = {
    id: "o1",
    kind: "chat",
    text: "Need a hand with the payment?",
    decided_at: "2025-01-01T10:00:00Z",
    note_id: "m1",
    card: {
      rule_key: "payment-switching",
      rule_name: "Switching payment methods",
      rule_version: 2,
      invited_by: null,
      facts: [
        { name: "switches", label: "Switches", value: 3, text: "3" },
        { name: "failed_codes", label: "Failed codes", value: ["SALE10"], text: "SALE10" },
      ],
      page: { url: "https://shop.example.cz/checkout.html", title: "Pokladna" },
      recent_pages: [
        { url: "https://shop.example.cz/", title: "Obchod" },
        { url: "https://shop.example.cz/p?id=mug", title: null },
      ],
      cart: [{ id: "mug", name: "Hrnek", quantity: 2, price: 189, price_text: "189 Kč" }],
      cart_value: 378,
      cart_value_text: "378 Kč",
      currency: "CZK",
      locale: "cs",
      device: "desktop",
      returning: true,
    },
  };

  it("shows the context card in place of its note: facts highlighted, titles, amounts in the currency", () => {
    const messages = [
      message({ id: "m1", author_type: "system", private: true, body: "Offer accepted: Need a hand…" }),
      message({ id: "m2", author_type: "visitor", body: "Hi" }),
    ];
    const { byNote, loose } = placeOfferCards([offer, { ...offer, id: "o2", kind: "callback", note_id: null }], new Set(messages.map((m) => m.id)));
    expect([...byNote.keys()]).toEqual(["m1"]);
    expect(loose.map((o) => o.id)).toEqual(["o2"]);
    const { container, unmount } = render(
      <MessageList
        conversationId="c1"
        messages={messages}
        pending={[]}
        meId="me"
        contactName="Ada"
        visitorTyping={false}
        hasEarlier={false}
        loadingEarlier={false}
        onLoadEarlier={() => undefined}
        onRetry={() => undefined}
        onDiscard={() => undefined}
        offerCards={byNote}
      />,
    );
    // The note's text is not shown twice: the card stands for it.
    expect([...container.querySelectorAll<HTMLElement>('[data-testid="message"]')].map((m) => m.dataset.messageId)).toEqual(["m2"]);
    const card = container.querySelector<HTMLElement>('[data-testid="offer-card"]')!;
    expect(card.textContent).toContain("Rule: Switching payment methods (v2)");
    const facts = [...card.querySelectorAll<HTMLElement>("[data-fact]")].map((li) => li.textContent);
    expect(facts).toEqual(["3Switches", "SALE10Failed codes"]);
    const links = [...card.querySelectorAll("a")].map((a) => [a.textContent, a.getAttribute("title")]);
    expect(links).toEqual([
      ["Pokladna", "https://shop.example.cz/checkout.html"],
      ["Obchod", "https://shop.example.cz/"],
      ["https://shop.example.cz/p?id=mug", "https://shop.example.cz/p?id=mug"],
    ]);
    expect(card.querySelector('[data-item="mug"] .offer-card__price')?.textContent).toBe("189\u00a0Kč");
    expect(card.querySelector('[data-testid="offer-card-total"]')?.textContent).toBe("378\u00a0Kč");
    unmount();
  });
});
