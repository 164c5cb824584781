import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, describe, expect, it, vi } from "vitest";

// openapi-fetch keeps the fetch it finds when the client is made: stub it before any import.
const server = vi.hoisted(() => {
  const routes = new Map<string, () => { status: number; body: unknown }>();
  const calls: string[] = [];
  const fetch = vi.fn(async (input: Request) => {
    const key = `${input.method} ${new URL(input.url).pathname}`;
    calls.push(key);
    const route = routes.get(key);
    const { status, body } = route ? route() : { status: 404, body: { title: "Not found", status: 404 } };
    const type = status >= 400 ? "application/problem+json" : "application/json";
    return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { "Content-Type": type } });
  });
  vi.stubGlobal("fetch", fetch);
  return { routes, calls };
});

import { keys } from "../api/keys";
import { conversation } from "../realtime/fixtures";
import { task } from "./fixtures";
import { ReservationTray } from "./ReservationTray";
import type { TaskOut } from "./stats";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const ME = "u-me";
const reserved = task({
  id: "t1",
  conversation_id: "c1",
  status: "reserved",
  agent_id: ME,
  queue_name: "Fridges",
  reservation_expires_at: new Date(Date.now() + 25_000).toISOString(),
});

let root: Root | null = null;
let container: HTMLDivElement | null = null;
afterEach(() => {
  if (root) act(() => root!.unmount());
  container?.remove();
  root = container = null;
  server.routes.clear();
  server.calls.length = 0;
  history.replaceState(null, "", "/app/");
});

function renderTray(client: QueryClient) {
  // The channel names come from GET /v1/channels; cached here, as the desktop has them after sign-in.
  client.setQueryData(keys.channels, [
    { kind: "webchat", display_name: "Live chat", identity_kinds: [], realtime: true, default_sla_seconds: 30, default_capacity: 3, outbound: true, inboxes: false, config_fields: [] },
  ]);
  container = document.createElement("div");
  document.body.appendChild(container);
  root = createRoot(container);
  act(() =>
    root!.render(
      <QueryClientProvider client={client}>
        <ReservationTray meId={ME} />
      </QueryClientProvider>,
    ),
  );
  return container;
}

function serve(key: string, status: number, body: unknown) {
  server.routes.set(key, () => ({ status, body }));
}

const q = (el: HTMLElement, testId: string) => el.querySelector<HTMLElement>(`[data-testid="${testId}"]`);

describe("ReservationTray", () => {
  it("shows a pending reservation from the server; accepting opens the conversation", async () => {
    serve("GET /v1/routing/tasks", 200, [reserved, task({ id: "t2", status: "assigned", agent_id: ME })]);
    serve("GET /v1/conversations/c1", 200, conversation({ id: "c1", contact: { id: "k1", name: "Ada", email: null } }));
    serve("POST /v1/routing/tasks/t1/accept", 200, { ...reserved, status: "assigned" });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const el = renderTray(client);

    await vi.waitFor(() => expect(el.querySelectorAll('[data-testid="reservation-card"]')).toHaveLength(1));
    await vi.waitFor(() => expect(el.textContent).toContain("Ada"));
    expect(q(el, "reservation-queue")?.textContent).toBe("Fridges");
    expect(q(el, "reservation-card")?.getAttribute("aria-label")).toBe("Incoming Live chat from Ada"); // the server's name
    expect(q(el, "reservation-countdown")?.textContent).toMatch(/^0:2\d$/);

    await act(async () => q(el, "reservation-accept")!.click());
    await vi.waitFor(() => expect(window.location.hash).toBe("#/c/c1"));
    expect(server.calls).toContain("POST /v1/routing/tasks/t1/accept");
    await vi.waitFor(() => expect(el.querySelectorAll('[data-testid="reservation-card"]')).toHaveLength(0));
  });

  it("a 409 (the reservation ended) says so and offers to dismiss, without opening anything", async () => {
    serve("GET /v1/routing/tasks", 200, [reserved]);
    serve("GET /v1/conversations/c1", 200, conversation({ id: "c1" }));
    serve("POST /v1/routing/tasks/t1/accept", 409, { title: "Conflict", status: 409, detail: "the reservation has expired" });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const el = renderTray(client);
    await vi.waitFor(() => expect(q(el, "reservation-accept")).not.toBeNull());

    await act(async () => q(el, "reservation-accept")!.click());
    await vi.waitFor(() => expect(q(el, "reservation-error")?.textContent).toContain("Too late"));
    expect(window.location.hash).toBe("");
    expect(q(el, "reservation-accept")).toBeNull();
    const dismiss = [...el.querySelectorAll("button")].find((b) => b.textContent === "Dismiss")!;
    act(() => dismiss.click());
    expect(client.getQueryData<TaskOut[]>(keys.myReservations)).toEqual([]);
    await vi.waitFor(() => expect(el.querySelectorAll('[data-testid="reservation-card"]')).toHaveLength(0));
  });
});
