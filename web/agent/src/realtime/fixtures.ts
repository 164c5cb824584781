/** Builders for test data (shapes from docs/api.md). */
import type { ConversationOut, ConversationPage, DeliveryOut, MessageOut } from "../api/client";
import type { ConversationListData, MessagesData } from "./cacheMerge";

export function message(over: Partial<MessageOut> & { id: string }): MessageOut {
  return {
    conversation_id: "c1",
    author_type: "visitor",
    author_id: null,
    author_name: "Ada",
    body: "hello",
    client_id: null,
    private: false,
    created_at: "2025-01-01T10:00:00Z",
    ...over,
  };
}

export function conversation(over: Partial<ConversationOut> & { id: string }): ConversationOut {
  return {
    status: "open",
    channel: "webchat",
    contact: { id: `k-${over.id}`, name: `Contact ${over.id}`, email: null },
    assignee: null,
    last_message: null,
    unread_count: 0,
    created_at: "2025-01-01T09:00:00Z",
    last_activity_at: "2025-01-01T09:00:00Z",
    ...over,
  };
}

export function listData(...pages: ConversationPage[]): ConversationListData {
  return { pages, pageParams: pages.map((_, i) => (i === 0 ? null : `cursor-${i}`)) };
}

export function messagesData(items: MessageOut[], hasMore = false): MessagesData {
  return { pages: [{ items, has_more: hasMore }], pageParams: [null] };
}

export function delivery(over: Partial<DeliveryOut> & { id: string }): DeliveryOut {
  return {
    message_id: `m-${over.id}`,
    conversation_id: "c1",
    channel: "email",
    status: "sent",
    attempts: 1,
    next_attempt_at: null,
    last_error: null,
    sent_at: "2025-01-01T10:00:05Z",
    ...over,
  };
}
