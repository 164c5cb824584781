/** The wallboard lives in the URL hash (#/wallboard), like the visitors, rules and admin areas. */
import { useSyncExternalStore } from "react";

export const WALLBOARD_HASH = "#/wallboard";

export function isWallboardHash(hash: string): boolean {
  return /^#\/wallboard\/?$/.test(hash);
}

function notify(): void {
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

export function openWallboard(): void {
  if (isWallboardHash(window.location.hash)) return;
  history.pushState(null, "", window.location.pathname + window.location.search + WALLBOARD_HASH);
  notify();
}

/** Leaves the wallboard for the inbox (no-op elsewhere). */
export function closeWallboard(): void {
  if (!isWallboardHash(window.location.hash)) return;
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

export function useWallboardOpen(): boolean {
  return useSyncExternalStore(subscribe, () => isWallboardHash(window.location.hash));
}
