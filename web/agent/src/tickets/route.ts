/**
 * The tickets area lives in the URL hash like the contacts area (contacts/route.ts):
 * #/tickets (the list) and #/tickets/<id> (one ticket).
 */
import { useSyncExternalStore } from "react";

export type TicketsRoute = { view: "list" } | { view: "ticket"; id: string };

export function ticketsRouteFromHash(hash: string): TicketsRoute | null {
  if (/^#\/tickets\/?$/.test(hash)) return { view: "list" };
  const match = /^#\/tickets\/([^/?#]+)\/?$/.exec(hash);
  if (match) return { view: "ticket", id: decodeURIComponent(match[1]!) };
  return null;
}

export function ticketsHash(route: TicketsRoute): string {
  return route.view === "list" ? "#/tickets" : `#/tickets/${encodeURIComponent(route.id)}`;
}

function notify(): void {
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

/** Opens the list or a ticket (a new history entry, so Back returns). */
export function openTickets(route: TicketsRoute = { view: "list" }): void {
  const hash = ticketsHash(route);
  if (window.location.hash === hash) return;
  history.pushState(null, "", window.location.pathname + window.location.search + hash);
  notify();
}

/** Leaves the tickets area for the inbox (no-op elsewhere). */
export function closeTickets(): void {
  if (ticketsRouteFromHash(window.location.hash) === null) return;
  history.pushState(null, "", window.location.pathname + window.location.search);
  notify();
}

let lastHash = "";
let lastRoute: TicketsRoute | null = null;

function snapshot(): TicketsRoute | null {
  const hash = window.location.hash;
  if (hash !== lastHash) {
    lastHash = hash;
    lastRoute = ticketsRouteFromHash(hash);
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

export function useTicketsRoute(): TicketsRoute | null {
  return useSyncExternalStore(subscribe, snapshot);
}
