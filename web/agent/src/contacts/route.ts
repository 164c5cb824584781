/**
 * The contacts area lives in the URL hash like the rules area (rules/route.ts):
 * #/contacts (the list, with ?q= kept in the hash) and #/contacts/<id> (one contact).
 */
import { hashArea } from "../app/hashArea";

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

const area = hashArea(contactsRouteFromHash, contactsHash);

/** Opens a view of the area (a new history entry, so Back returns). */
export function openContacts(route: ContactsRoute = { view: "list" }): void {
  area.open(route);
}

export const closeContacts = (): void => area.close();
export const useContactsRoute = (): ContactsRoute | null => area.useRoute();
