/**
 * The rules area lives in the URL hash like the admin area (admin/route.ts):
 * #/rules (the list), #/rules/new (from a template), #/rules/r/<key> (one rule).
 */
import { hashArea } from "../app/hashArea";

export type RulesRoute = { view: "list" } | { view: "new" } | { view: "rule"; key: string };

export function rulesRouteFromHash(hash: string): RulesRoute | null {
  if (/^#\/rules\/?$/.test(hash)) return { view: "list" };
  if (/^#\/rules\/new\/?$/.test(hash)) return { view: "new" };
  const match = /^#\/rules\/r\/([^/?#]+)\/?$/.exec(hash);
  if (match) return { view: "rule", key: decodeURIComponent(match[1]!) };
  return null;
}

export function rulesHash(route: RulesRoute): string {
  if (route.view === "list") return "#/rules";
  if (route.view === "new") return "#/rules/new";
  return `#/rules/r/${encodeURIComponent(route.key)}`;
}

const area = hashArea(rulesRouteFromHash, rulesHash);

/** Opens a view of the area (a new history entry, so Back returns). */
export function openRules(route: RulesRoute = { view: "list" }): void {
  area.open(route);
}

export const closeRules = (): void => area.close();
export const useRulesRoute = (): RulesRoute | null => area.useRoute();
