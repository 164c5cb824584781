/**
 * Replies on their way to the server. The query cache only holds stored
 * messages; a pending reply is drawn from here until the stored message with
 * the same client_id shows up (POST answer or message.created frame).
 */
import { useSyncExternalStore } from "react";

export interface PendingReply {
  clientId: string;
  body: string;
  createdAt: string;
  state: "sending" | "failed";
  error: string | null;
}

const EMPTY: readonly PendingReply[] = [];
let outbox = new Map<string, readonly PendingReply[]>();
const listeners = new Set<() => void>();

function commit(conversationId: string, replies: readonly PendingReply[]): void {
  outbox = new Map(outbox);
  if (replies.length === 0) outbox.delete(conversationId);
  else outbox.set(conversationId, replies);
  for (const listener of listeners) listener();
}

export function putPending(conversationId: string, reply: PendingReply): void {
  const current = outbox.get(conversationId) ?? EMPTY;
  const at = current.findIndex((r) => r.clientId === reply.clientId);
  commit(conversationId, at === -1 ? [...current, reply] : current.map((r, i) => (i === at ? reply : r)));
}

export function removePending(conversationId: string, clientId: string): void {
  const current = outbox.get(conversationId) ?? EMPTY;
  if (current.some((r) => r.clientId === clientId)) {
    commit(conversationId, current.filter((r) => r.clientId !== clientId));
  }
}

export function pendingFor(conversationId: string): readonly PendingReply[] {
  return outbox.get(conversationId) ?? EMPTY;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function usePending(conversationId: string): readonly PendingReply[] {
  return useSyncExternalStore(subscribe, () => pendingFor(conversationId));
}

/** crypto.randomUUID needs a secure context; fall back to getRandomValues. */
export function newClientId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
