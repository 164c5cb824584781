/** The live visitors view lives in the URL hash (#/visitors), like the admin and rules areas. */
import { useSyncExternalStore } from "react";

export const VISITORS_HASH = "#/visitors";

export function isVisitorsHash(hash: string): boolean {
  return /^#\/visitors\/?$/.test(hash);
}

function notify(): void {
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

export function openVisitors(): void {
  if (isVisitorsHash(window.location.hash)) return;
  history.pushState(null, "", window.location.pathname + window.location.search + VISITORS_HASH);
  notify();
}

/** Leaves the view for the inbox (no-op elsewhere). */
export function closeVisitors(): void {
  if (!isVisitorsHash(window.location.hash)) return;
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

export function useVisitorsOpen(): boolean {
  return useSyncExternalStore(subscribe, () => isVisitorsHash(window.location.hash));
}
