/** The open conversation lives in the URL hash (#/c/<id>) so reloads keep it. */
import { useSyncExternalStore } from "react";

export function selectedConversationId(): string | null {
  if (typeof window === "undefined") return null;
  const match = /^#\/c\/([^/?#]+)$/.exec(window.location.hash);
  return match ? decodeURIComponent(match[1]!) : null;
}

export function selectConversation(id: string | null): void {
  const hash = id ? `#/c/${encodeURIComponent(id)}` : "";
  if (window.location.hash === hash) return;
  if (hash) window.location.hash = hash;
  else history.pushState(null, "", window.location.pathname + window.location.search);
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

function subscribe(listener: () => void): () => void {
  window.addEventListener("hashchange", listener);
  return () => window.removeEventListener("hashchange", listener);
}

export function useSelectedConversationId(): string | null {
  return useSyncExternalStore(subscribe, selectedConversationId);
}
