// The conversation as the widget shows it: stored messages deduplicated by
// id and ordered by time, followed by the visitor's unacknowledged ones.

import type { AuthorType, Message } from "../protocol";
import type { OutboxEntry } from "./outbox";

export type DisplayStatus = "sending" | "sent" | "failed";

export interface DisplayMessage {
  /** Stable key for rendering: the message id, or `c:<client id>` while pending. */
  key: string;
  author: AuthorType;
  authorName: string | null;
  body: string;
  createdAt: string;
  status: DisplayStatus;
  error?: string;
}

export interface FailedEntry extends OutboxEntry {
  error: string;
}

function compare(a: Message, b: Message): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export class MessageLog {
  private readonly ordered: Message[] = [];
  private readonly ids = new Set<string>();
  private readonly clientIds = new Set<string>();

  /** Adds a message unless one with the same id is known; returns whether it was new. */
  add(message: Message): boolean {
    if (this.ids.has(message.id)) return false;
    this.ids.add(message.id);
    if (message.client_id) this.clientIds.add(message.client_id);
    // Messages nearly always arrive in order: insert from the end.
    let i = this.ordered.length;
    while (i > 0 && compare(this.ordered[i - 1] as Message, message) > 0) i--;
    this.ordered.splice(i, 0, message);
    return true;
  }

  /** Adds several; returns the ones that were new. */
  addAll(messages: readonly Message[]): Message[] {
    return messages.filter((m) => this.add(m));
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  hasClientId(clientId: string): boolean {
    return this.clientIds.has(clientId);
  }

  get size(): number {
    return this.ordered.length;
  }

  oldestId(): string | null {
    return this.ordered[0]?.id ?? null;
  }

  /**
   * What to draw: stored messages, then pending outbox entries that are not
   * stored yet (shown as "sending"), then refused ones (shown as "failed").
   */
  view(pending: readonly OutboxEntry[], failed: readonly FailedEntry[] = []): DisplayMessage[] {
    const out: DisplayMessage[] = this.ordered.map((m) => ({
      key: m.id,
      author: m.author_type,
      authorName: m.author_name,
      body: m.body,
      createdAt: m.created_at,
      status: "sent",
    }));
    for (const e of pending) {
      if (this.clientIds.has(e.client_id)) continue;
      out.push({
        key: `c:${e.client_id}`,
        author: "visitor",
        authorName: null,
        body: e.body,
        createdAt: e.created_at,
        status: "sending",
      });
    }
    for (const e of failed) {
      if (this.clientIds.has(e.client_id)) continue;
      out.push({
        key: `c:${e.client_id}`,
        author: "visitor",
        authorName: null,
        body: e.body,
        createdAt: e.created_at,
        status: "failed",
        error: e.error,
      });
    }
    return out;
  }
}
