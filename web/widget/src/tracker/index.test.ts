import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { VisitorSession } from "../boot";
import { createDispatcher } from "../loader/commands";
import { fakeConnection, hello, memoryStore } from "../transport/testing";
import { consentGiven, startTracking } from "./index";

function setup(opts: { requireConsent?: boolean; queued?: unknown[][]; stored?: Record<string, string> } = {}) {
  const fake = fakeConnection();
  const store = memoryStore();
  for (const [k, v] of Object.entries(opts.stored ?? {})) store.setItem(k, v);
  const dispatcher = createDispatcher();
  for (const [name, ...args] of opts.queued ?? []) dispatcher.call(name, ...args); // the snippet's queue
  const session: VisitorSession = {
    origin: "https://chat.example.com",
    siteKey: "pk_1",
    token: "tok",
    visitorId: "v_1",
    settings: { title: "t", greeting: "", color: "#000", require_consent: opts.requireConsent ?? false },
  };
  fake.connection.start();
  fake.last().receive(hello());
  startTracking({ session: () => session, link: fake.connection, register: dispatcher.register, store });
  vi.advanceTimersByTime(300);
  const sentTypes = () => fake.last().sentOfType("events").flatMap((f) => (f.events as { type: string }[]).map((e) => e.type));
  return { ...fake, store, dispatcher, sentTypes };
}

describe("consentGiven", () => {
  it("an explicit choice wins, otherwise the site setting decides", () => {
    expect(consentGiven(null, false)).toBe(true);
    expect(consentGiven(null, true)).toBe(false);
    expect(consentGiven("1", true)).toBe(true);
    expect(consentGiven("0", false)).toBe(false);
  });
});

describe("startTracking", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    sessionStorage.clear();
    document.body.innerHTML = `<article data-hovor-product='{"id":"p1","price":5}'></article>`;
  });
  afterEach(() => vi.useRealTimers());

  it("sends page.view (landing page on the first of a session), product.view and queued track calls", () => {
    const { sentTypes, last } = setup({ queued: [["track", "video.played", { id: "intro" }]] });
    expect(sentTypes()).toEqual(["page.view", "product.view", "video.played"]);
    const first = last().sentOfType("events")[0] as { events: { props: Record<string, unknown>; page: Record<string, unknown> }[] };
    expect(first.events[0]?.props.landing_page).toBe(location.href);
    expect(first.events[0]?.page).toEqual({ url: location.href, title: document.title, referrer: document.referrer });
  });

  it("the page.view carries the page type the page declares", () => {
    document.body.innerHTML = `<main data-hovor-page-type="terms"></main>`;
    const { last } = setup();
    const first = last().sentOfType("events")[0] as { events: { type: string; props: Record<string, unknown> }[] };
    expect(first.events[0]?.type).toBe("page.view");
    expect(first.events[0]?.props.page_type).toBe("terms");
  });

  it("hovor('consent', false) queued before the first event: nothing is sent or stored", () => {
    const { sentTypes, store, dispatcher } = setup({ queued: [["track", "x.y"], ["consent", false]] });
    expect(sentTypes()).toEqual([]);
    expect(store.getItem("hovor:pk_1:events")).toBeNull();
    dispatcher.call("track", "later.event");
    vi.advanceTimersByTime(300);
    expect(sentTypes()).toEqual([]);
    // Consent given: tracking starts with this page.
    dispatcher.call("consent", true);
    vi.advanceTimersByTime(300);
    expect(sentTypes()).toEqual(["page.view", "product.view"]);
  });

  it("require_consent: nothing until hovor('consent', true), which is remembered", () => {
    const a = setup({ requireConsent: true });
    expect(a.sentTypes()).toEqual([]);
    expect(a.store.data.size).toBe(0);
    a.dispatcher.call("consent", true);
    vi.advanceTimersByTime(300);
    expect(a.sentTypes()).toEqual(["page.view", "product.view"]);
    expect(a.store.getItem("hovor:pk_1:consent")).toBe("1");

    const b = setup({ requireConsent: true, stored: { "hovor:pk_1:consent": "1" } });
    expect(b.sentTypes()).toEqual(["page.view", "product.view"]);
  });

  it("hovor('consent', false) later stops tracking and clears the buffer", () => {
    const { dispatcher, store, sentTypes } = setup();
    dispatcher.call("track", "a.b");
    expect(store.getItem("hovor:pk_1:events")).not.toBeNull();
    dispatcher.call("consent", false);
    expect(store.getItem("hovor:pk_1:events")).toBeNull();
    dispatcher.call("track", "c.d");
    vi.advanceTimersByTime(300);
    expect(sentTypes()).not.toContain("c.d");
  });

  it("identify is an event; a bad track call only warns", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { dispatcher, sentTypes } = setup();
    dispatcher.call("identify", { external_id: "c42", email: "a@example.org" });
    dispatcher.call("track", "Bad Type");
    vi.advanceTimersByTime(300);
    expect(sentTypes()).toContain("identify");
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("invalid event type"));
    warn.mockRestore();
  });
});
