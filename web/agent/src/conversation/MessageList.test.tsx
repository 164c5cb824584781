import { act, type ReactNode } from "react";
import { createRoot } from "react-dom/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { message } from "../realtime/fixtures";
import { MessageList } from "./MessageList";

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
});
