/**
 * The admin area lives in the URL hash (#/admin/<tab>), next to the open
 * conversation's #/c/<id> (app/selection.ts): a reload keeps the tab, Back
 * returns to the conversation, and while the admin area is open no
 * conversation counts as being read.
 */
import { useSyncExternalStore } from "react";

export type AdminTab = "team" | "routing" | "websites" | "tokens";
export const ADMIN_TABS: readonly AdminTab[] = ["team", "routing", "websites", "tokens"];

export function adminTabFromHash(hash: string): AdminTab | null {
  const match = /^#\/admin(?:\/([a-z]+))?\/?$/.exec(hash);
  if (!match) return null;
  const tab = match[1] ?? "team";
  return (ADMIN_TABS as readonly string[]).includes(tab) ? (tab as AdminTab) : "team";
}

export function adminHash(tab: AdminTab): string {
  return `#/admin/${tab}`;
}

function notify(): void {
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

/** Opens the admin area (a new history entry) or switches its tab (in place). */
export function openAdmin(tab: AdminTab = "team"): void {
  const hash = adminHash(tab);
  if (window.location.hash === hash) return;
  if (adminTabFromHash(window.location.hash) === null) {
    history.pushState(null, "", window.location.pathname + window.location.search + hash);
  } else {
    history.replaceState(null, "", window.location.pathname + window.location.search + hash);
  }
  notify();
}

/** Back to the inbox with no conversation open. */
export function closeAdmin(): void {
  if (adminTabFromHash(window.location.hash) === null) return;
  history.pushState(null, "", window.location.pathname + window.location.search);
  notify();
}

function subscribe(listener: () => void): () => void {
  window.addEventListener("hashchange", listener);
  window.addEventListener("popstate", listener);
  return () => {
    window.removeEventListener("hashchange", listener);
    window.removeEventListener("popstate", listener);
  };
}

export function useAdminTab(): AdminTab | null {
  return useSyncExternalStore(subscribe, () => adminTabFromHash(window.location.hash));
}
