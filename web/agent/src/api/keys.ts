/** Query keys shared by the queries and the realtime cache merge. */
export type InboxView = "unassigned" | "mine" | "all";
export type ConversationStatus = "open" | "closed";

export interface InboxFilter {
  view: InboxView;
  status: ConversationStatus;
}

export const keys = {
  me: ["me"] as const,
  users: ["users"] as const,
  conversationLists: ["conversations"] as const,
  conversationList: (filter: InboxFilter) => ["conversations", filter.view, filter.status] as const,
  conversation: (id: string) => ["conversation", id] as const,
  messages: (conversationId: string) => ["messages", conversationId] as const,
  deliveries: (conversationId: string) => ["deliveries", conversationId] as const,
  whatsappWindow: (conversationId: string, lastCustomerMessageId: string | null) =>
    ["whatsapp", conversationId, "window", lastCustomerMessageId] as const,
  whatsappTemplates: (conversationId: string) => ["whatsapp", conversationId, "templates"] as const,
  channels: ["channels"] as const,
  siteKeys: ["site-keys"] as const,
  apiTokens: ["api-tokens"] as const,
  canned: ["canned-responses"] as const,
  cannedVariables: ["canned-responses", "variables"] as const,
  rules: ["rules"] as const,
  rule: (key: string) => ["rules", key] as const,
  ruleVersions: (key: string) => ["rules", key, "versions"] as const,
  ruleValidation: (data: unknown) => ["rule-validation", data] as const,
  ruleTemplates: ["rule-templates"] as const,
  liveVisitors: ["visitors", "live"] as const,
  engagementStats: ["engagement", "stats"] as const,
  contacts: ["contacts"] as const,
  contactSearch: (q: string, offset: number) => ["contacts", "search", q, offset] as const,
  contact: (id: string) => ["contacts", "c", id] as const,
  contactOrders: (id: string) => ["contacts", "c", id, "orders"] as const,
  contactTimeline: (id: string, kinds: string | undefined) => ["contacts", "c", id, "timeline", kinds ?? "all"] as const,
  contactMerges: (id: string) => ["contacts", "c", id, "merges"] as const,
  contactAttributes: ["contact-attributes"] as const,
  contactTickets: (id: string) => ["contacts", "c", id, "tickets", "open"] as const,
  tickets: ["tickets"] as const,
  ticketList: (query: object) => ["tickets", "list", query] as const,
  ticket: (id: string) => ["tickets", "t", id] as const,
  ticketHistory: (id: string) => ["tickets", "t", id, "history"] as const,
  contactAllTickets: (id: string) => ["tickets", "contact", id] as const,
  routingQueues: ["routing", "queues"] as const,
  routingAgents: ["routing", "agents"] as const,
  wallboard: ["routing", "wallboard"] as const,
  myReservations: ["routing", "tasks", "mine"] as const,
};

/** Reads the filter back out of a list key (for cache-wide updates). */
export function filterFromListKey(key: readonly unknown[]): InboxFilter | null {
  const [root, view, status] = key;
  if (root !== "conversations") return null;
  if (view !== "unassigned" && view !== "mine" && view !== "all") return null;
  if (status !== "open" && status !== "closed") return null;
  return { view, status };
}
