// Storage that never throws: private modes, disabled cookies and full quotas
// make localStorage/sessionStorage fail in many ways; the widget must still run.

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const memory = new Map<string, string>();
const memoryStore: KeyValueStore = {
  getItem: (key) => memory.get(key) ?? null,
  setItem: (key, value) => void memory.set(key, value),
  removeItem: (key) => void memory.delete(key),
};

function pick(kind: "localStorage" | "sessionStorage"): KeyValueStore {
  try {
    const store = window[kind];
    const probe = "hovor:probe";
    store.setItem(probe, "1");
    store.removeItem(probe);
    return store;
  } catch {
    return memoryStore;
  }
}

/** Wraps a store so that failing writes (quota) are ignored. */
function safe(store: KeyValueStore): KeyValueStore {
  return {
    getItem(key) {
      try {
        return store.getItem(key);
      } catch {
        return null;
      }
    },
    setItem(key, value) {
      try {
        store.setItem(key, value);
      } catch {
        /* quota exceeded or storage disabled: keep going without it */
      }
    },
    removeItem(key) {
      try {
        store.removeItem(key);
      } catch {
        /* ignore */
      }
    },
  };
}

export const local = (): KeyValueStore => safe(pick("localStorage"));
export const session = (): KeyValueStore => safe(pick("sessionStorage"));

/** All keys the widget uses, in one place: `hovor:<site key>:<name>`. */
export const storageKey = (
  siteKey: string,
  name: "token" | "outbox" | "open" | "unread" | "events" | "consent" | "landed" | "cobrowse",
): string =>
  `hovor:${siteKey}:${name}`;
