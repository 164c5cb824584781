/**
 * The knowledge area lives in the URL hash: #/knowledge (the articles), #/knowledge/new
 * (a new article) and #/knowledge/<id> (one article's editor).
 */
import { hashArea } from "../app/hashArea";

export type KnowledgeRoute = { view: "list" } | { view: "new" } | { view: "article"; id: string };

export function knowledgeRouteFromHash(hash: string): KnowledgeRoute | null {
  if (/^#\/knowledge\/?$/.test(hash)) return { view: "list" };
  if (/^#\/knowledge\/new\/?$/.test(hash)) return { view: "new" };
  const match = /^#\/knowledge\/([^/?#]+)\/?$/.exec(hash);
  if (match) return { view: "article", id: decodeURIComponent(match[1]!) };
  return null;
}

export function knowledgeHash(route: KnowledgeRoute): string {
  if (route.view === "list") return "#/knowledge";
  if (route.view === "new") return "#/knowledge/new";
  return `#/knowledge/${encodeURIComponent(route.id)}`;
}

const area = hashArea(knowledgeRouteFromHash, knowledgeHash);

export function openKnowledge(route: KnowledgeRoute = { view: "list" }, options?: { replace?: boolean }): void {
  area.open(route, options);
}

export const closeKnowledge = (): void => area.close();
export const useKnowledgeRoute = (): KnowledgeRoute | null => area.useRoute();
