/** Who is typing where: a tiny store fed by `typing` frames, with expiry. */
import { useSyncExternalStore } from "react";

const EXPIRE_MS = 6_000;
const typingUntil = new Map<string, number>();
const timers = new Map<string, ReturnType<typeof setTimeout>>();
const listeners = new Set<() => void>();

function emit(): void {
  for (const listener of listeners) listener();
}

export function setVisitorTyping(conversationId: string, typing: boolean): void {
  const timer = timers.get(conversationId);
  if (timer) clearTimeout(timer);
  timers.delete(conversationId);
  if (typing) {
    typingUntil.set(conversationId, Date.now() + EXPIRE_MS);
    timers.set(
      conversationId,
      setTimeout(() => setVisitorTyping(conversationId, false), EXPIRE_MS),
    );
  } else if (!typingUntil.delete(conversationId)) {
    return;
  }
  emit();
}

export function isVisitorTyping(conversationId: string): boolean {
  return (typingUntil.get(conversationId) ?? 0) > Date.now();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useVisitorTyping(conversationId: string | null): boolean {
  return useSyncExternalStore(subscribe, () => (conversationId ? isVisitorTyping(conversationId) : false));
}
