/**
 * The tickets area lives in the URL hash like the contacts area (contacts/route.ts):
 * #/tickets (the list) and #/tickets/<id> (one ticket).
 */
import { hashArea } from "../app/hashArea";

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

const area = hashArea(ticketsRouteFromHash, ticketsHash);

/** Opens a view of the area (a new history entry, so Back returns). */
export function openTickets(route: TicketsRoute = { view: "list" }): void {
  area.open(route);
}

export const closeTickets = (): void => area.close();
export const useTicketsRoute = (): TicketsRoute | null => area.useRoute();
