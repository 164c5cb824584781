/**
 * Saved segments, for now client-side only: a named contacts search kept in
 * this browser's localStorage (the server has no segments endpoint yet).
 */
export interface Segment {
  id: string;
  name: string;
  query: string;
}

export const SEGMENTS_KEY = "hovor.contacts.segments.v1";
const MAX_SEGMENTS = 30;

type Store = Pick<Storage, "getItem" | "setItem">;

function defaultStore(): Store | null {
  try {
    return typeof window !== "undefined" ? window.localStorage : null;
  } catch {
    return null;
  }
}

function isSegment(value: unknown): value is Segment {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === "string" && typeof v.name === "string" && typeof v.query === "string";
}

/** The saved segments, oldest first; anything unreadable counts as none. */
export function loadSegments(store: Store | null = defaultStore()): Segment[] {
  const raw = store?.getItem(SEGMENTS_KEY);
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter(isSegment) : [];
  } catch {
    return [];
  }
}

function write(segments: readonly Segment[], store: Store | null): Segment[] {
  try {
    store?.setItem(SEGMENTS_KEY, JSON.stringify(segments));
  } catch {
    // A full or disabled storage keeps the segments for this page only.
  }
  return [...segments];
}

export class SegmentError extends Error {}

/**
 * Saves `query` under `name` (trimmed). The same name again replaces that
 * segment's query; an empty name or query is refused.
 */
export function saveSegment(name: string, query: string, store: Store | null = defaultStore(), newId: () => string = randomId): Segment[] {
  const cleanName = name.trim();
  const cleanQuery = query.trim();
  if (!cleanName) throw new SegmentError("Give the segment a name.");
  if (!cleanQuery) throw new SegmentError("Search for something first.");
  const segments = loadSegments(store);
  const existing = segments.find((s) => s.name.toLowerCase() === cleanName.toLowerCase());
  if (existing) {
    return write(segments.map((s) => (s === existing ? { ...s, name: cleanName, query: cleanQuery } : s)), store);
  }
  if (segments.length >= MAX_SEGMENTS) throw new SegmentError(`At most ${MAX_SEGMENTS} segments; remove one first.`);
  return write([...segments, { id: newId(), name: cleanName, query: cleanQuery }], store);
}

export function removeSegment(id: string, store: Store | null = defaultStore()): Segment[] {
  return write(loadSegments(store).filter((s) => s.id !== id), store);
}

function randomId(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : `s${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}
