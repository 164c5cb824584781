/**
 * The rules area lives in the URL hash like the admin area (admin/route.ts):
 * #/rules (the list), #/rules/new (from a template), #/rules/r/<key> (one rule).
 */
import { useSyncExternalStore } from "react";

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

function notify(): void {
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

/** Opens a view of the rules area (a new history entry, so Back returns). */
export function openRules(route: RulesRoute = { view: "list" }): void {
  const hash = rulesHash(route);
  if (window.location.hash === hash) return;
  history.pushState(null, "", window.location.pathname + window.location.search + hash);
  notify();
}

/** Leaves the rules area for the inbox (no-op elsewhere). */
export function closeRules(): void {
  if (rulesRouteFromHash(window.location.hash) === null) return;
  history.pushState(null, "", window.location.pathname + window.location.search);
  notify();
}

let lastHash = "";
let lastRoute: RulesRoute | null = null;

/** The same object while the hash is the same (useSyncExternalStore compares snapshots). */
function snapshot(): RulesRoute | null {
  const hash = window.location.hash;
  if (hash !== lastHash) {
    lastHash = hash;
    lastRoute = rulesRouteFromHash(hash);
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

export function useRulesRoute(): RulesRoute | null {
  return useSyncExternalStore(subscribe, snapshot);
}
