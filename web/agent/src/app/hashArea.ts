/**
 * One area of the desktop that lives in the URL hash (#/contacts/<id>, #/wallboard, …):
 * a reload keeps it, Back leaves it. Each area gives how to read its hash and how to
 * write it; this gives open, close and a hook that re-renders when the hash changes.
 */
import { useSyncExternalStore } from "react";

export interface HashArea<R> {
  /** Opens ``route`` (a new history entry, so Back returns; ``replace`` switches in place). */
  open(route: R, options?: { replace?: boolean }): void;
  /** Leaves the area for the inbox (no-op elsewhere). */
  close(): void;
  /** The area's route now, or null when the hash is elsewhere. */
  useRoute(): R | null;
}

function notify(): void {
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

function subscribe(listener: () => void): () => void {
  window.addEventListener("hashchange", listener);
  window.addEventListener("popstate", listener);
  return () => {
    window.removeEventListener("hashchange", listener);
    window.removeEventListener("popstate", listener);
  };
}

function go(hash: string, replace: boolean): void {
  const url = window.location.pathname + window.location.search + hash;
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  notify();
}

export function hashArea<R>(parse: (hash: string) => R | null, format: (route: R) => string): HashArea<R> {
  let lastHash: string | null = null;
  let lastRoute: R | null = null;
  /** The same object while the hash is the same (useSyncExternalStore compares snapshots). */
  function snapshot(): R | null {
    const hash = window.location.hash;
    if (hash !== lastHash) {
      lastHash = hash;
      lastRoute = parse(hash);
    }
    return lastRoute;
  }
  return {
    open(route, options) {
      const hash = format(route);
      if (window.location.hash === hash) return;
      go(hash, options?.replace ?? false);
    },
    close() {
      if (parse(window.location.hash) !== null) go("", false);
    },
    useRoute() {
      return useSyncExternalStore(subscribe, snapshot);
    },
  };
}
