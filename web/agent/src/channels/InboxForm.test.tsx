import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, describe, expect, it, vi } from "vitest";

// openapi-fetch keeps the fetch it finds when the client is made: stub it before any import.
const server = vi.hoisted(() => {
  const answers: { status: number; body: unknown }[] = [];
  const posts: unknown[] = [];
  const fetch = vi.fn(async (input: Request) => {
    if (input.method === "POST") posts.push(await input.clone().json());
    const { status, body } = answers.shift() ?? { status: 500, body: { title: "No answer queued", status: 500 } };
    const type = status >= 400 ? "application/problem+json" : "application/json";
    return new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });
  });
  vi.stubGlobal("fetch", fetch);
  return { answers, posts };
});

import type { ChannelOut } from "../api/client";
import { InboxForm } from "./InboxForm";
import type { InboxOut } from "./inboxes";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** Two channels the desktop has never heard of: their forms come from config_fields alone. */
const PIGEON: ChannelOut = {
  kind: "pigeon",
  display_name: "Carrier pigeon",
  identity_kinds: ["pigeon"],
  realtime: false,
  default_sla_seconds: 86400,
  default_capacity: 5,
  outbound: true,
  inboxes: true,
  config_fields: [
    { name: "loft_id", label: "Loft id", secret: false, required: true, help: "On the loft's door" },
    { name: "app_secret", label: "App secret", secret: true, required: true, help: "" },
  ],
};
const SMOKE: ChannelOut = {
  ...PIGEON,
  kind: "smoke",
  display_name: "Smoke signals",
  config_fields: [{ name: "hill", label: "Hill", secret: false, required: false, help: "Which hill" }],
};

let root: Root | null = null;
let container: HTMLDivElement | null = null;
afterEach(() => {
  if (root) act(() => root!.unmount());
  container?.remove();
  root = container = null;
  server.answers.length = 0;
  server.posts.length = 0;
});

function renderForm(onAdded: (inbox: InboxOut) => void = () => {}): HTMLDivElement {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  container = document.createElement("div");
  document.body.appendChild(container);
  root = createRoot(container);
  act(() =>
    root!.render(
      <QueryClientProvider client={client}>
        <InboxForm channels={[PIGEON, SMOKE]} loaded onAdded={onAdded} />
      </QueryClientProvider>,
    ),
  );
  return container;
}

const byTestId = <T extends HTMLElement>(el: HTMLElement, id: string) => el.querySelector<T>(`[data-testid="${id}"]`);

/** Types into a React-controlled input or select as a user does (the value setter, then the event). */
function enter(el: HTMLInputElement | HTMLSelectElement, value: string) {
  const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
  act(() => {
    Object.getOwnPropertyDescriptor(proto, "value")!.set!.call(el, value);
    el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? "change" : "input", { bubbles: true }));
  });
}

const inputsOf = (el: HTMLElement) =>
  [...el.querySelectorAll<HTMLInputElement>("input")].map((i) => [i.dataset.testid, i.type, i.required]);

describe("InboxForm", () => {
  it("makes one input per config field, secrets as passwords, help under them, and swaps them with the channel", () => {
    const el = renderForm();
    expect(inputsOf(el)).toEqual([
      ["inbox-field-name", "text", true],
      ["inbox-field-config.loft_id", "text", true],
      ["inbox-field-config.app_secret", "password", true],
    ]);
    expect(el.querySelector("label[for='inbox-config-loft_id']")?.textContent).toBe("Loft id *");
    expect(byTestId(el, "inbox-field-config.loft_id")?.getAttribute("aria-describedby")).toBe("inbox-config-loft_id-hint");
    expect(el.textContent).toContain("On the loft's door");
    expect(byTestId<HTMLInputElement>(el, "inbox-field-name")?.value).toBe("Carrier pigeon");

    enter(byTestId<HTMLInputElement>(el, "inbox-field-name")!, "Lofts north");
    enter(byTestId<HTMLSelectElement>(el, "inbox-kind")!, "smoke");
    expect(inputsOf(el)).toEqual([
      ["inbox-field-name", "text", true],
      ["inbox-field-config.hill", "text", false],
    ]);
    expect(el.textContent).toContain("Which hill");
    expect(byTestId<HTMLInputElement>(el, "inbox-field-name")?.value).toBe("Lofts north"); // typed: kept
  });

  it("marks required settings left empty without asking the server", () => {
    const el = renderForm();
    enter(byTestId<HTMLInputElement>(el, "inbox-field-config.loft_id")!, "L-7");
    act(() => byTestId(el, "inbox-submit")!.click());
    const errors = [...el.querySelectorAll<HTMLElement>('[data-testid="field-error"]')];
    expect(errors.map((e) => [e.dataset.field, e.textContent])).toEqual([["config.app_secret", "Required"]]);
    expect(server.posts).toEqual([]);
  });

  it("sends the settings, puts the server's field error on its input, and hands over the saved inbox", async () => {
    const added = vi.fn();
    const el = renderForm(added);
    enter(byTestId<HTMLInputElement>(el, "inbox-field-config.loft_id")!, "L-404");
    enter(byTestId<HTMLInputElement>(el, "inbox-field-config.app_secret")!, "s3cr3t");
    server.answers.push({
      status: 422,
      body: { title: "Invalid input", status: 422, errors: [{ loc: ["body", "config", "loft_id"], msg: "no such loft" }] },
    });
    await act(async () => byTestId(el, "inbox-submit")!.click());
    await vi.waitFor(() => expect(byTestId(el, "field-error")?.dataset.field).toBe("config.loft_id"));
    expect(byTestId(el, "field-error")?.textContent).toBe("no such loft");
    expect(byTestId(el, "inbox-field-config.loft_id")?.getAttribute("aria-invalid")).toBe("true");
    expect(server.posts).toEqual([{ kind: "pigeon", name: "Carrier pigeon", config: { loft_id: "L-404", app_secret: "s3cr3t" } }]);
    expect(added).not.toHaveBeenCalled();

    enter(byTestId<HTMLInputElement>(el, "inbox-field-config.loft_id")!, "L-7");
    const inbox: InboxOut = {
      id: "ib1",
      kind: "pigeon",
      name: "Carrier pigeon",
      config: { loft_id: "L-7", app_secret: "…cr3t" },
      webhook_url: "https://chat.example.com/v1/channels/pigeon/ib1/webhook",
      webhook_secret: "whsec",
    };
    server.answers.push({ status: 201, body: inbox });
    await act(async () => byTestId(el, "inbox-submit")!.click());
    await vi.waitFor(() => expect(added).toHaveBeenCalledWith(inbox));
    expect(byTestId(el, "field-error")).toBeNull();
    expect(byTestId<HTMLInputElement>(el, "inbox-field-config.loft_id")?.value).toBe(""); // ready for the next one
  });
});
