// Older messages over HTTP: `GET /v1/widget/messages?limit=50&before=<id>`.

import { parseMessages, type MessagePage } from "../protocol";

export const PAGE_SIZE = 50;

export async function fetchOlderMessages(origin: string, token: string, before: string): Promise<MessagePage> {
  const url = new URL("/v1/widget/messages", origin);
  url.searchParams.set("limit", String(PAGE_SIZE));
  url.searchParams.set("before", before);
  const response = await fetch(url.toString(), {
    headers: { Authorization: `Bearer ${token}` },
    credentials: "omit",
  });
  if (!response.ok) throw new Error(`history: HTTP ${response.status}`);
  const data = (await response.json()) as { items?: unknown; has_more?: unknown };
  return { items: parseMessages(data.items), has_more: data.has_more === true };
}
