import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import type { ConversationOut, DeliveryOut, MeOut } from "../api/client";
import { keys } from "../api/keys";
import {
  appendMessage,
  applyFrame,
  belongsToList,
  flattenMessages,
  markReadInCache,
  upsertConversation,
  upsertDelivery,
  withMessage,
  type ConversationListData,
  type MessagesData,
} from "./cacheMerge";
import { conversation, delivery, listData, message, messagesData } from "./fixtures";

const ME = "u-me";
const ctx = { meId: ME, viewingConversationId: null };
const ids = (data: ConversationListData | undefined) => data?.pages.flatMap((p) => p.items.map((c) => c.id));

describe("belongsToList", () => {
  const mine = conversation({ id: "a", assignee: { id: ME, name: "Me" } });
  const theirs = conversation({ id: "b", assignee: { id: "u-2", name: "Bo" } });
  const nobody = conversation({ id: "c" });
  it("sorts conversations into the three views", () => {
    expect(belongsToList(nobody, { view: "unassigned", status: "open" }, ME)).toBe(true);
    expect(belongsToList(mine, { view: "unassigned", status: "open" }, ME)).toBe(false);
    expect(belongsToList(mine, { view: "mine", status: "open" }, ME)).toBe(true);
    expect(belongsToList(theirs, { view: "mine", status: "open" }, ME)).toBe(false);
    expect(belongsToList(theirs, { view: "all", status: "open" }, ME)).toBe(true);
  });
  it("respects the status filter", () => {
    const closed = conversation({ id: "d", status: "closed" });
    expect(belongsToList(closed, { view: "all", status: "open" }, ME)).toBe(false);
    expect(belongsToList(closed, { view: "all", status: "closed" }, ME)).toBe(true);
  });
});

describe("upsertConversation", () => {
  const older = conversation({ id: "old", last_activity_at: "2025-01-01T08:00:00Z" });
  const newer = conversation({ id: "new", last_activity_at: "2025-01-01T12:00:00Z" });

  it("inserts at the sorted place, newest activity first", () => {
    const data = listData({ items: [newer, older], next_cursor: null });
    const mid = conversation({ id: "mid", last_activity_at: "2025-01-01T10:00:00Z" });
    expect(ids(upsertConversation(data, mid, true))).toEqual(["new", "mid", "old"]);
  });

  it("moves an updated conversation to the top instead of duplicating it", () => {
    const data = listData({ items: [newer, older], next_cursor: null });
    const bumped = { ...older, last_activity_at: "2025-01-01T13:00:00Z" };
    const next = upsertConversation(data, bumped, true);
    expect(ids(next)).toEqual(["old", "new"]);
    expect(next.pages[0]!.items[0]!.last_activity_at).toBe("2025-01-01T13:00:00Z");
  });

  it("removes a conversation that no longer belongs", () => {
    const data = listData({ items: [newer, older], next_cursor: null });
    expect(ids(upsertConversation(data, older, false))).toEqual(["new"]);
  });

  it("returns the same object when nothing changes", () => {
    const data = listData({ items: [newer], next_cursor: null });
    expect(upsertConversation(data, older, false)).toBe(data);
  });

  it("does not append past the loaded pages while more pages exist", () => {
    const data = listData({ items: [newer], next_cursor: "more" });
    expect(ids(upsertConversation(data, older, true))).toEqual(["new"]);
    const complete = listData({ items: [newer], next_cursor: null });
    expect(ids(upsertConversation(complete, older, true))).toEqual(["new", "old"]);
  });

  it("inserts into a later page when that is where it sorts", () => {
    const oldest = conversation({ id: "oldest", last_activity_at: "2025-01-01T06:00:00Z" });
    const data = listData({ items: [newer], next_cursor: "c1" }, { items: [oldest], next_cursor: null });
    expect(data.pages[1]!.items.map((c) => c.id)).toEqual(["oldest"]);
    const next = upsertConversation(data, older, true);
    expect(next.pages.map((p) => p.items.map((c) => c.id))).toEqual([["new"], ["old", "oldest"]]);
  });
});

describe("withMessage", () => {
  const base = conversation({ id: "c1", unread_count: 1, last_activity_at: "2025-01-01T09:00:00Z" });
  const m = message({ id: "m2", created_at: "2025-01-01T10:00:00Z" });

  it("updates last message, activity and unread for a visitor message", () => {
    const next = withMessage(base, m, false);
    expect(next.last_message?.id).toBe("m2");
    expect(next.last_activity_at).toBe("2025-01-01T10:00:00Z");
    expect(next.unread_count).toBe(2);
  });
  it("does not count a message twice (conversation.updated may come first)", () => {
    const once = withMessage(base, m, false);
    expect(withMessage(once, m, false)).toBe(once);
  });
  it("keeps unread at zero for the conversation on screen", () => {
    expect(withMessage(base, m, true).unread_count).toBe(0);
  });
  it("does not count agent messages as unread", () => {
    expect(withMessage(base, { ...m, author_type: "agent", author_id: ME }, false).unread_count).toBe(1);
  });
});

describe("appendMessage", () => {
  it("appends once and dedupes by id", () => {
    const data = messagesData([message({ id: "m1" })]);
    const m2 = message({ id: "m2", created_at: "2025-01-01T10:01:00Z" });
    const once = appendMessage(data, m2);
    const twice = appendMessage(once, m2);
    expect(flattenMessages(twice).map((m) => m.id)).toEqual(["m1", "m2"]);
  });
  it("keeps oldest-first order when frames arrive out of order", () => {
    const data = messagesData([message({ id: "m3", created_at: "2025-01-01T10:03:00Z" })]);
    const next = appendMessage(data, message({ id: "m2", created_at: "2025-01-01T10:02:00Z" }));
    expect(flattenMessages(next).map((m) => m.id)).toEqual(["m2", "m3"]);
  });
  it("flattens older pages before newer ones", () => {
    const data: MessagesData = {
      pages: [
        { items: [message({ id: "m3" })], has_more: true },
        { items: [message({ id: "m1" }), message({ id: "m2" })], has_more: false },
      ],
      pageParams: [null, "m3"],
    };
    expect(flattenMessages(data).map((m) => m.id)).toEqual(["m1", "m2", "m3"]);
  });
});

describe("applyFrame on a QueryClient", () => {
  function seeded() {
    const client = new QueryClient();
    const a = conversation({ id: "a", last_activity_at: "2025-01-01T09:00:00Z" });
    client.setQueryData(keys.conversationList({ view: "unassigned", status: "open" }), listData({ items: [a], next_cursor: null }));
    client.setQueryData(keys.conversationList({ view: "mine", status: "open" }), listData({ items: [], next_cursor: null }));
    client.setQueryData(keys.conversationList({ view: "all", status: "open" }), listData({ items: [a], next_cursor: null }));
    client.setQueryData(keys.messages("a"), messagesData([message({ id: "m1", conversation_id: "a" })]));
    return { client, a };
  }
  const list = (client: QueryClient, view: "unassigned" | "mine" | "all") =>
    ids(client.getQueryData<ConversationListData>(keys.conversationList({ view, status: "open" })));

  it("conversation.created shows a new chat in the matching inboxes", () => {
    const { client } = seeded();
    const b = conversation({ id: "b", last_activity_at: "2025-01-01T11:00:00Z" });
    applyFrame(client, { type: "conversation.created", conversation: b }, ctx);
    expect(list(client, "unassigned")).toEqual(["b", "a"]);
    expect(list(client, "all")).toEqual(["b", "a"]);
    expect(list(client, "mine")).toEqual([]);
    expect(client.getQueryData<ConversationOut>(keys.conversation("b"))?.id).toBe("b");
  });

  it("conversation.updated moves an assigned chat from Unassigned to Mine", () => {
    const { client, a } = seeded();
    applyFrame(client, { type: "conversation.updated", conversation: { ...a, assignee: { id: ME, name: "Me" } } }, ctx);
    expect(list(client, "unassigned")).toEqual([]);
    expect(list(client, "mine")).toEqual(["a"]);
    expect(list(client, "all")).toEqual(["a"]);
  });

  it("conversation.updated to closed leaves the open lists", () => {
    const { client, a } = seeded();
    client.setQueryData(keys.conversationList({ view: "all", status: "closed" }), listData({ items: [], next_cursor: null }));
    applyFrame(client, { type: "conversation.updated", conversation: { ...a, status: "closed" } }, ctx);
    expect(list(client, "all")).toEqual([]);
    expect(ids(client.getQueryData(keys.conversationList({ view: "all", status: "closed" })))).toEqual(["a"]);
  });

  it("message.created appends once, bumps the lists and counts unread", () => {
    const { client } = seeded();
    const b = conversation({ id: "b", last_activity_at: "2025-01-01T10:00:00Z" });
    applyFrame(client, { type: "conversation.created", conversation: b }, ctx);
    const m2 = message({ id: "m2", conversation_id: "a", created_at: "2025-01-01T12:00:00Z" });
    applyFrame(client, { type: "message.created", message: m2 }, ctx);
    applyFrame(client, { type: "message.created", message: m2 }, ctx);
    const messages = client.getQueryData<MessagesData>(keys.messages("a"));
    expect(flattenMessages(messages).map((m) => m.id)).toEqual(["m1", "m2"]);
    expect(list(client, "unassigned")).toEqual(["a", "b"]);
    const row = client.getQueryData<ConversationListData>(keys.conversationList({ view: "all", status: "open" }))!.pages[0]!.items[0]!;
    expect(row.last_message?.id).toBe("m2");
    expect(row.unread_count).toBe(1);
  });

  it("message.created for the conversation on screen keeps it read", () => {
    const { client } = seeded();
    const m2 = message({ id: "m2", conversation_id: "a", created_at: "2025-01-01T12:00:00Z" });
    applyFrame(client, { type: "message.created", message: m2 }, { meId: ME, viewingConversationId: "a" });
    const row = client.getQueryData<ConversationListData>(keys.conversationList({ view: "all", status: "open" }))!.pages[0]!.items[0]!;
    expect(row.unread_count).toBe(0);
  });

  it("reports a message for a conversation nobody has cached", () => {
    const { client } = seeded();
    const effects = applyFrame(client, { type: "message.created", message: message({ id: "x", conversation_id: "zzz" }) }, ctx);
    expect(effects.unknownConversationId).toBe("zzz");
  });

  it("presence.changed updates the signed-in user", () => {
    const client = new QueryClient();
    const me: MeOut = {
      user: { id: ME, email: "me@x", name: "Me", role: "agent", presence: "online", chat_capacity: 3 },
      workspace: { id: "w", name: "W" },
      csrf_token: "t",
    };
    client.setQueryData(keys.me, me);
    applyFrame(client, { type: "presence.changed", user_id: ME, status: "away", reason: "Lunch" }, ctx);
    expect(client.getQueryData<MeOut>(keys.me)?.user.presence).toBe("away");
    expect(client.getQueryData<MeOut>(keys.me)?.user.presence_reason).toBe("Lunch");
  });

  it("a presence change reaches the team list and the routing profiles, reason included", () => {
    const client = new QueryClient();
    const user = { id: "u-2", email: "b@x", name: "Bo", role: "agent" as const, presence: "away" as const, presence_reason: "Lunch", chat_capacity: 3 };
    const agent = { id: "u-2", name: "Bo", role: "agent", presence: "away", presence_reason: "Lunch", skills: {}, attributes: {}, capacity: { webchat: 3 } };
    client.setQueryData(keys.users, [user]);
    client.setQueryData(keys.routingAgents, [agent]);
    applyFrame(client, { type: "presence.changed", user_id: "u-2", status: "online", reason: null }, ctx);
    expect(client.getQueryData<(typeof user)[]>(keys.users)?.[0]).toMatchObject({ presence: "online", presence_reason: null });
    expect(client.getQueryData<(typeof agent)[]>(keys.routingAgents)?.[0]).toMatchObject({ presence: "online", presence_reason: null });
  });

  it("markReadInCache zeroes the badge everywhere", () => {
    const { client, a } = seeded();
    applyFrame(client, { type: "conversation.updated", conversation: { ...a, unread_count: 3 } }, ctx);
    markReadInCache(client, "a", ctx);
    const row = client.getQueryData<ConversationListData>(keys.conversationList({ view: "all", status: "open" }))!.pages[0]!.items[0]!;
    expect(row.unread_count).toBe(0);
    expect(client.getQueryData<ConversationOut>(keys.conversation("a"))?.unread_count).toBe(0);
  });
});

describe("delivery.updated", () => {
  it("updates the delivery in place, adds one not yet known, and leaves unloaded conversations alone", () => {
    const client = new QueryClient();
    client.setQueryData(keys.deliveries("c1"), [delivery({ id: "d1", status: "sending" }), delivery({ id: "d2" })]);
    const failed = delivery({ id: "d1", status: "failed", last_error: "not sent: no SMTP configured (HOVOR_SMTP_URL)" });
    applyFrame(client, { type: "delivery.updated", delivery: failed }, ctx);
    applyFrame(client, { type: "delivery.updated", delivery: delivery({ id: "d3", status: "sent" }) }, ctx);
    applyFrame(client, { type: "delivery.updated", delivery: delivery({ id: "d9", conversation_id: "c9" }) }, ctx);
    const list = client.getQueryData<DeliveryOut[]>(keys.deliveries("c1"));
    expect(list?.map((d) => [d.id, d.status])).toEqual([
      ["d1", "failed"],
      ["d2", "sent"],
      ["d3", "sent"],
    ]);
    expect(list?.[0]).toEqual(failed);
    expect(client.getQueryData(keys.deliveries("c9"))).toBeUndefined();
  });

  it("upsertDelivery keeps the list unchanged but for the one delivery", () => {
    const before = [delivery({ id: "a" }), delivery({ id: "b" })];
    const after = upsertDelivery(before, delivery({ id: "b", status: "read" }));
    expect(after[0]).toBe(before[0]);
    expect(after[1]?.status).toBe("read");
    expect(before[1]?.status).toBe("sent");
  });
});
