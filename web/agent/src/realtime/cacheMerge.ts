/**
 * Merges live frames into the TanStack Query cache, so the inbox and the open
 * conversation show the same state a fresh fetch would. The list/page
 * functions are pure; applyFrame() wires them to a QueryClient.
 */
import type { InfiniteData, QueryClient } from "@tanstack/react-query";
import type {
  ConversationOut,
  ConversationPage,
  DeliveryOut,
  MeOut,
  MessageOut,
  MessagePage,
  Schemas,
  UserOut,
} from "../api/client";
import { filterFromListKey, keys, type InboxFilter } from "../api/keys";
import { applyCall } from "../conversation/calls";
import type { ServerFrame } from "./frames";

export type ConversationListData = InfiniteData<ConversationPage, string | null>;
export type MessagesData = InfiniteData<MessagePage, string | null>;

export interface MergeContext {
  /** The signed-in agent, for the "mine" view. */
  meId: string;
  /** The conversation on screen (its visitor messages count as read). */
  viewingConversationId: string | null;
}

/* -------------------------------------------------------- conversations -- */

export function belongsToList(conversation: ConversationOut, filter: InboxFilter, meId: string): boolean {
  if (conversation.status !== filter.status) return false;
  switch (filter.view) {
    case "unassigned":
      return conversation.assignee === null;
    case "mine":
      return conversation.assignee?.id === meId;
    case "all":
      return true;
  }
}

/** Newest activity first; ties broken by id so the order is stable. */
export function compareConversations(a: ConversationOut, b: ConversationOut): number {
  const ta = Date.parse(a.last_activity_at);
  const tb = Date.parse(b.last_activity_at);
  if (ta !== tb) return tb - ta;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * Removes the conversation from the loaded pages and, if it belongs, puts it
 * back at its sorted place. A conversation that sorts after everything loaded
 * is only appended when the list is complete (no next cursor), so paging
 * later does not show it twice or skip it.
 */
export function upsertConversation(
  data: ConversationListData,
  conversation: ConversationOut,
  belongs: boolean,
): ConversationListData {
  let removed = false;
  const pages = data.pages.map((page) => {
    const items = page.items.filter((c) => c.id !== conversation.id);
    if (items.length !== page.items.length) removed = true;
    return items.length === page.items.length ? page : { ...page, items };
  });
  if (!belongs) return removed ? { ...data, pages } : data;

  for (let p = 0; p < pages.length; p++) {
    const page = pages[p]!;
    const at = page.items.findIndex((c) => compareConversations(conversation, c) < 0);
    if (at !== -1) {
      const items = [...page.items.slice(0, at), conversation, ...page.items.slice(at)];
      pages[p] = { ...page, items };
      return { ...data, pages };
    }
  }
  const last = pages[pages.length - 1];
  if (last === undefined) {
    return { pages: [{ items: [conversation], next_cursor: null }], pageParams: [null] };
  }
  if (last.next_cursor === null || last.next_cursor === undefined) {
    pages[pages.length - 1] = { ...last, items: [...last.items, conversation] };
    return { ...data, pages };
  }
  return removed ? { ...data, pages } : data;
}

export function findConversation(data: ConversationListData, id: string): ConversationOut | undefined {
  for (const page of data.pages) {
    const found = page.items.find((c) => c.id === id);
    if (found) return found;
  }
  return undefined;
}

/**
 * The conversation as it looks after `message` arrived: last message,
 * activity time and (for visitor messages not on screen) one more unread.
 * Unchanged if the conversation already knows this message or a newer one.
 */
export function withMessage(conversation: ConversationOut, message: MessageOut, viewing: boolean): ConversationOut {
  const last = conversation.last_message;
  if (last && (last.id === message.id || Date.parse(last.created_at) > Date.parse(message.created_at))) {
    return conversation;
  }
  const activity =
    Date.parse(message.created_at) > Date.parse(conversation.last_activity_at)
      ? message.created_at
      : conversation.last_activity_at;
  let unread = conversation.unread_count;
  if (message.author_type === "visitor" && !viewing) unread += 1;
  if (viewing) unread = 0;
  return { ...conversation, last_message: message, last_activity_at: activity, unread_count: unread };
}

/* ------------------------------------------------------------- messages -- */

/** Appends to the newest page (pages[0]); a known id is replaced, not doubled. */
export function appendMessage(data: MessagesData, message: MessageOut): MessagesData {
  for (let p = 0; p < data.pages.length; p++) {
    const page = data.pages[p]!;
    const i = page.items.findIndex((m) => m.id === message.id);
    if (i !== -1) {
      const pages = [...data.pages];
      const items = [...page.items];
      items[i] = message;
      pages[p] = { ...page, items };
      return { ...data, pages };
    }
  }
  const newest = data.pages[0];
  if (newest === undefined) {
    return { pages: [{ items: [message], has_more: false }], pageParams: [null] };
  }
  // Keep oldest-first order even if frames arrive slightly out of order.
  const items = [...newest.items, message].sort(
    (a, b) => Date.parse(a.created_at) - Date.parse(b.created_at),
  );
  return { ...data, pages: [{ ...newest, items }, ...data.pages.slice(1)] };
}

/** All loaded messages, oldest first. */
export function flattenMessages(data: InfiniteData<MessagePage, unknown> | undefined): MessageOut[] {
  if (!data) return [];
  return [...data.pages].reverse().flatMap((page) => page.items);
}

/* --------------------------------------------------------- QueryClient -- */

export interface FrameEffects {
  /** A message for a conversation that no cached list or detail knows. */
  unknownConversationId: string | null;
}

/** Applies a conversation (from a frame or a mutation answer) everywhere. */
export function applyConversation(client: QueryClient, conversation: ConversationOut, ctx: MergeContext): void {
  const shown = ctx.viewingConversationId === conversation.id ? { ...conversation, unread_count: 0 } : conversation;
  client.setQueryData<ConversationOut>(keys.conversation(shown.id), shown);
  for (const [key, data] of client.getQueriesData<ConversationListData>({ queryKey: keys.conversationLists })) {
    const filter = filterFromListKey(key);
    if (!filter || !data) continue;
    const next = upsertConversation(data, shown, belongsToList(shown, filter, ctx.meId));
    if (next !== data) client.setQueryData(key, next);
  }
}

export function applyMessage(client: QueryClient, message: MessageOut, ctx: MergeContext): FrameEffects {
  const conversationId = message.conversation_id;
  const viewing = ctx.viewingConversationId === conversationId;
  client.setQueryData<MessagesData>(keys.messages(conversationId), (data) =>
    data ? appendMessage(data, message) : data,
  );

  let known: ConversationOut | undefined = client.getQueryData<ConversationOut>(keys.conversation(conversationId));
  if (!known) {
    for (const [, data] of client.getQueriesData<ConversationListData>({ queryKey: keys.conversationLists })) {
      known = data ? findConversation(data, conversationId) : undefined;
      if (known) break;
    }
  }
  if (!known) return { unknownConversationId: conversationId };
  const updated = withMessage(known, message, viewing);
  if (updated !== known) applyConversation(client, updated, ctx);
  return { unknownConversationId: null };
}

export function applyPresence(
  client: QueryClient,
  userId: string,
  status: UserOut["presence"],
  reason: string | null = null,
): void {
  const change = { presence: status, presence_reason: reason };
  client.setQueryData<MeOut | null>(keys.me, (me) =>
    me && me.user.id === userId ? { ...me, user: { ...me.user, ...change } } : me,
  );
  client.setQueryData<UserOut[]>(keys.users, (users) => users?.map((u) => (u.id === userId ? { ...u, ...change } : u)));
  client.setQueryData<Schemas["AgentOut"][]>(keys.routingAgents, (agents) =>
    agents?.map((a) => (a.id === userId ? { ...a, ...change } : a)),
  );
}

/** Replaces the delivery with the same id, or adds it (a reply's first news may be its outcome). */
export function upsertDelivery(list: readonly DeliveryOut[], delivery: DeliveryOut): DeliveryOut[] {
  const at = list.findIndex((d) => d.id === delivery.id);
  return at === -1 ? [...list, delivery] : list.map((d, i) => (i === at ? delivery : d));
}

/** Into the conversation's deliveries, if they are loaded; a later fetch brings the rest. */
export function applyDelivery(client: QueryClient, delivery: DeliveryOut): void {
  client.setQueryData<DeliveryOut[]>(keys.deliveries(delivery.conversation_id), (list) =>
    list ? upsertDelivery(list, delivery) : list,
  );
}

/** Merges one server frame; typing/error/pong are not cache state. */
export function applyFrame(client: QueryClient, frame: ServerFrame, ctx: MergeContext): FrameEffects {
  switch (frame.type) {
    case "conversation.created":
    case "conversation.updated":
      applyConversation(client, frame.conversation, ctx);
      return { unknownConversationId: null };
    case "message.created":
      return applyMessage(client, frame.message, ctx);
    case "delivery.updated":
      applyDelivery(client, frame.delivery);
      return { unknownConversationId: null };
    case "call.updated":
      applyCall(client, frame.call);
      return { unknownConversationId: null };
    case "presence.changed":
      applyPresence(client, frame.user_id, frame.status, frame.reason);
      return { unknownConversationId: null };
    default:
      return { unknownConversationId: null };
  }
}

/** Locally zeroes the unread badge once the agent has read a conversation. */
export function markReadInCache(client: QueryClient, conversationId: string, ctx: MergeContext): void {
  const known = client.getQueryData<ConversationOut>(keys.conversation(conversationId));
  if (known && known.unread_count !== 0) applyConversation(client, { ...known, unread_count: 0 }, ctx);
  for (const [key, data] of client.getQueriesData<ConversationListData>({ queryKey: keys.conversationLists })) {
    if (!data) continue;
    const found = findConversation(data, conversationId);
    if (found && found.unread_count !== 0) {
      client.setQueryData(key, upsertConversation(data, { ...found, unread_count: 0 }, true));
    }
  }
}
