import { afterEach, describe, expect, it, vi } from "vitest";
import { ChatView, type ViewHandlers } from "./view";

const settings = { title: "Demo Shop", greeting: "Hi! How can we help?", color: "#4f46e5" };

function mount() {
  const handlers: ViewHandlers = {
    onOpen: vi.fn(),
    onClose: vi.fn(),
    onSend: vi.fn(),
    onInput: vi.fn(),
    onScrollTop: vi.fn(),
  };
  const view = new ChatView(settings, handlers);
  view.mount();
  const root = document.getElementById("hovor-root")?.shadowRoot;
  if (!root) throw new Error("no open shadow root");
  const byId = (id: string) => root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  return { view, handlers, root, byId };
}

afterEach(() => document.getElementById("hovor-root")?.remove());

describe("ChatView", () => {
  it("draws the launcher and a closed dialog with the test ids browser tests rely on", () => {
    const { byId } = mount();
    for (const id of ["hovor-launcher", "hovor-panel", "hovor-input", "hovor-send", "hovor-close", "hovor-typing"]) {
      expect(byId(id), id).not.toBeNull();
    }
    const panel = byId("hovor-panel");
    expect(panel?.getAttribute("role")).toBe("dialog");
    expect(panel?.hidden).toBe(true);
    expect(panel?.querySelector("h2")?.textContent).toBe("Demo Shop");
    expect(byId("hovor-greeting")?.textContent).toBe("Hi! How can we help?");
    expect(byId("hovor-unread")).toBeNull();
    expect(byId("hovor-typing")?.hidden).toBe(true);
  });

  it("renders messages with author and status, reusing elements by key", () => {
    const { view, root } = mount();
    view.renderMessages([
      { key: "1", author: "agent", authorName: "Alice", body: "Hello", createdAt: "2026-11-25T12:00:00Z", status: "sent" },
      { key: "c:k", author: "visitor", authorName: null, body: "Hi <b>", createdAt: "2026-11-25T12:00:01Z", status: "sending" },
    ]);
    const items = () => Array.from(root.querySelectorAll<HTMLElement>('[data-testid="hovor-message"]'));
    expect(items().map((el) => [el.dataset.author, el.dataset.status])).toEqual([
      ["agent", "sent"],
      ["visitor", "sending"],
    ]);
    expect(items()[1]?.querySelector(".bubble")?.textContent).toBe("Hi <b>"); // text, never HTML
    const agentEl = items()[0];
    view.renderMessages([
      { key: "1", author: "agent", authorName: "Alice", body: "Hello", createdAt: "2026-11-25T12:00:00Z", status: "sent" },
      { key: "2", author: "visitor", authorName: null, body: "Hi <b>", createdAt: "2026-11-25T12:00:01Z", status: "sent" },
    ]);
    expect(items()).toHaveLength(2);
    expect(items()[0]).toBe(agentEl);
    expect(items()[1]?.dataset.status).toBe("sent");
  });

  it("shows the unread badge only while the count is positive", () => {
    const { view, byId } = mount();
    view.setUnread(3);
    expect(byId("hovor-unread")?.textContent).toBe("3");
    expect(byId("hovor-launcher")?.getAttribute("aria-label")).toBe("Open chat, 3 unread messages");
    view.setUnread(0);
    expect(byId("hovor-unread")).toBeNull();
    expect(byId("hovor-launcher")?.getAttribute("aria-label")).toBe("Open chat");
  });

  it("sends on Enter, keeps Shift+Enter for a newline, closes on Escape", () => {
    const { view, handlers, byId } = mount();
    view.setOpen(true);
    const input = byId("hovor-input") as HTMLTextAreaElement;
    input.value = "hello";
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", shiftKey: true, bubbles: true, cancelable: true }));
    expect(handlers.onSend).not.toHaveBeenCalled();
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
    expect(handlers.onSend).toHaveBeenCalledWith("hello");
    expect(input.value).toBe("");
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true }));
    expect(handlers.onClose).toHaveBeenCalled();
  });

  it("shows who is typing", () => {
    const { view, byId } = mount();
    view.setTyping("Alice");
    expect(byId("hovor-typing")?.hidden).toBe(false);
    expect(byId("hovor-typing")?.textContent).toBe("Alice is typing…");
    view.setTyping(null);
    expect(byId("hovor-typing")?.hidden).toBe(true);
  });
});
