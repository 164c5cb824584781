/**
 * The contacts area lives in the URL hash like the rules area (rules/route.ts):
 * #/contacts (the list, with ?q= kept in the hash) and #/contacts/<id> (one contact).
 */
import { useSyncExternalStore } from "react";

export type ContactsRoute = { view: "list" } | { view: "contact"; id: string };

export function contactsRouteFromHash(hash: string): ContactsRoute | null {
  if (/^#\/contacts\/?$/.test(hash)) return { view: "list" };
  const match = /^#\/contacts\/([^/?#]+)\/?$/.exec(hash);
  if (match) return { view: "contact", id: decodeURIComponent(match[1]!) };
  return null;
}

export function contactsHash(route: ContactsRoute): string {
  return route.view === "list" ? "#/contacts" : `#/contacts/${encodeURIComponent(route.id)}`;
}

function notify(): void {
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

/** Opens the list or a contact (a new history entry, so Back returns). */
export function openContacts(route: ContactsRoute = { view: "list" }): void {
  const hash = contactsHash(route);
  if (window.location.hash === hash) return;
  history.pushState(null, "", window.location.pathname + window.location.search + hash);
  notify();
}

/** Leaves the contacts area for the inbox (no-op elsewhere). */
export function closeContacts(): void {
  if (contactsRouteFromHash(window.location.hash) === null) return;
  history.pushState(null, "", window.location.pathname + window.location.search);
  notify();
}

let lastHash = "";
let lastRoute: ContactsRoute | null = null;

/** The same object while the hash is the same (useSyncExternalStore compares snapshots). */
function snapshot(): ContactsRoute | null {
  const hash = window.location.hash;
  if (hash !== lastHash) {
    lastHash = hash;
    lastRoute = contactsRouteFromHash(hash);
  }
  return lastRoute;
}

function subscribe(listener: () => void): () => void {
  window.addEventListener("hashchange", listener);
  window.addEventListener("popstate", listener);
  return () => {
    window.removeEventListener("hashchange", listener);
    window.removeEventListener("popstate", listener);
  };
}

export function useContactsRoute(): ContactsRoute | null {
  return useSyncExternalStore(subscribe, snapshot);
}
