import { describe, expect, it } from "vitest";
import { entryDetail, groupByDay, kindGroup, kindsParam, timelineEntries, toggleFilter, type TimelineEntry, type TimelinePage } from "./timeline";

function entry(id: string, kind: string, at: string, data: Record<string, unknown> = {}): TimelineEntry {
  return { id, kind, occurred_at: at, ref_type: kind, ref_id: id, summary: `${kind} ${id}`, data };
}

const page = (items: TimelineEntry[], next_cursor: string | null = null): TimelinePage => ({ items, next_cursor });

describe("filters", () => {
  it("maps kinds to their chip", () => {
    expect(kindGroup("order.placed")).toBe("order");
    expect(kindGroup("conversation.closed")).toBe("conversation");
    expect(kindGroup("ticket.opened")).toBe("ticket");
    expect(kindGroup("refund.issued")).toBe("refund");
  });

  it("asks the server for the kinds of the chosen chips, or everything", () => {
    expect(kindsParam(new Set())).toBeUndefined();
    expect(kindsParam(new Set(["order"]))).toBe("order.placed");
    expect(kindsParam(new Set(["conversation", "web"]))).toBe("conversation.closed,conversation.started,web.session");
    expect(kindsParam(new Set(["nonsense"]))).toBeUndefined();
  });

  it("toggles a chip without touching the old set", () => {
    const before = new Set(["order"]);
    const after = toggleFilter(before, "web");
    expect([...after].sort()).toEqual(["order", "web"]);
    expect([...toggleFilter(after, "order")]).toEqual(["web"]);
    expect([...before]).toEqual(["order"]);
  });
});

describe("timelineEntries", () => {
  const pages = [
    page([entry("e3", "order.placed", "2026-03-12T10:00:00Z"), entry("e2", "conversation.started", "2026-03-12T09:00:00Z", { conversation_id: "c1" })], "cur"),
    // The second page repeats an entry (a new entry pushed the boundary) and has older ones.
    page([entry("e2", "conversation.started", "2026-03-12T09:00:00Z", { conversation_id: "c1" }), entry("e1", "web.session", "2026-03-11T08:00:00Z")]),
  ];

  it("joins the pages newest first without duplicates", () => {
    expect(timelineEntries(pages).map((e) => e.id)).toEqual(["e3", "e2", "e1"]);
    expect(timelineEntries(undefined)).toEqual([]);
  });

  it("keeps only the chosen chips", () => {
    expect(timelineEntries(pages, { selected: new Set(["web", "order"]) }).map((e) => e.id)).toEqual(["e3", "e1"]);
  });

  it("leaves out the open conversation's own entries, not other conversations' or offers'", () => {
    const more = [
      page([
        ...pages[0]!.items,
        entry("e4", "conversation.started", "2026-03-10T09:00:00Z", { conversation_id: "c0" }),
        entry("e5", "offer.accepted", "2026-03-12T08:59:00Z", { conversation_id: "c1" }),
      ]),
    ];
    expect(timelineEntries(more, { exceptConversationId: "c1" }).map((e) => e.id)).toEqual(["e3", "e5", "e4"]);
  });
});

describe("groupByDay", () => {
  it("puts entries under Today, Yesterday and dated headings, in order", () => {
    const now = new Date(2026, 2, 12, 15, 0);
    const days = groupByDay(
      [
        entry("a", "order.placed", new Date(2026, 2, 12, 14, 0).toISOString()),
        entry("b", "web.session", new Date(2026, 2, 12, 9, 0).toISOString()),
        entry("c", "web.session", new Date(2026, 2, 11, 20, 0).toISOString()),
        entry("d", "contact.identified", new Date(2026, 0, 3, 12, 0).toISOString()),
        entry("e", "contact.identified", "not a date"),
      ],
      now,
    );
    expect(days.map((d) => [d.label === "Today" || d.label === "Yesterday" || d.label === "Undated" ? d.label : "dated", d.entries.map((e) => e.id)])).toEqual([
      ["Today", ["a", "b"]],
      ["Yesterday", ["c"]],
      ["dated", ["d"]],
      ["Undated", ["e"]],
    ]);
    expect(days[2]!.label).toContain("2026");
  });
});

describe("entryDetail", () => {
  it("describes a web session's landing page, referrer and cart", () => {
    const web = entry("w", "web.session", "2026-03-12T10:00:00Z", {
      landing_url: "https://shop.example/demo/shop/kettle.html?utm=x",
      referrer: "https://www.google.com/search?q=kettle",
      cart_value: 59,
      page_views: 3,
    });
    expect(entryDetail(web)).toBe("landed on /demo/shop/kettle.html?utm=x · from www.google.com · cart 59.00");
    expect(entryDetail(entry("o", "order.placed", "2026-03-12T10:00:00Z"))).toBeNull();
    expect(entryDetail(entry("w2", "web.session", "2026-03-12T10:00:00Z", { cart_value: 0 }))).toBeNull();
  });

  it("shows the start of an e-mail conversation's text", () => {
    const mail = entry("c", "conversation.started", "2026-03-12T10:00:00Z", { channel: "email", subject: "Kettle", preview: "The lid is cracked." });
    expect(entryDetail(mail)).toBe("The lid is cracked.");
    expect(entryDetail(entry("c2", "conversation.started", "2026-03-12T10:00:00Z", { channel: "webchat" }))).toBeNull();
  });
});
