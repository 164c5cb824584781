/**
 * The admin area lives in the URL hash (#/admin/<tab>), next to the open
 * conversation's #/c/<id> (app/selection.ts): a reload keeps the tab, Back
 * returns to the conversation, and while the admin area is open no
 * conversation counts as being read.
 */
import { hashArea } from "../app/hashArea";

export type AdminTab = "team" | "routing" | "websites" | "channels" | "canned" | "bot" | "tokens" | "audit";
export const ADMIN_TABS: readonly AdminTab[] = ["team", "routing", "websites", "channels", "canned", "bot", "tokens", "audit"];

export function adminTabFromHash(hash: string): AdminTab | null {
  const match = /^#\/admin(?:\/([a-z]+))?\/?$/.exec(hash);
  if (!match) return null;
  const tab = match[1] ?? "team";
  return (ADMIN_TABS as readonly string[]).includes(tab) ? (tab as AdminTab) : "team";
}

export function adminHash(tab: AdminTab): string {
  return `#/admin/${tab}`;
}

const area = hashArea(adminTabFromHash, adminHash);

/** Opens the admin area (a new history entry) or switches its tab (in place). */
export function openAdmin(tab: AdminTab = "team"): void {
  area.open(tab, { replace: adminTabFromHash(window.location.hash) !== null });
}

/** Back to the inbox with no conversation open. */
export const closeAdmin = (): void => area.close();
export const useAdminTab = (): AdminTab | null => area.useRoute();
