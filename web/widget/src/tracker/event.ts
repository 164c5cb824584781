// Tracker events (docs/tracker-protocol.md): `{id, ts, type, props, page?}`.
// Checked here with the server's rules so a bad call fails loudly in the
// site's console instead of being rejected later.

import { uuid } from "../ids";

export type Props = Record<string, unknown>;

export interface PageInfo {
  url: string;
  title?: string;
  referrer?: string;
  /** The page's language (BCP 47, e.g. "cs" or "cs-CZ"). */
  lang?: string;
}

export interface TrackedEvent {
  id: string;
  ts: string;
  type: string;
  props: Props;
  page?: PageInfo;
}

const TYPE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;
export const MAX_PROPS_CHARS = 4096;
export const MAX_PROPS_DEPTH = 3;

/** A standard or custom event type: `^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$`, at most 64 characters. */
export const isValidType = (type: unknown): type is string =>
  typeof type === "string" && type.length <= 64 && TYPE.test(type);

const isObject = (value: unknown): value is Props =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Nesting depth of a JSON value as the server counts it: a flat object or array is 1. */
function depth(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  let deepest = 0;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depth(child));
  return deepest + 1;
}

/** Why `props` would be rejected, or null when it is fine. */
export function propsProblem(props: unknown): string | null {
  if (!isObject(props)) return "props must be an object";
  let json: string;
  try {
    json = JSON.stringify(props);
  } catch {
    return "props must be JSON";
  }
  // The server measures ASCII-escaped JSON: a non-ASCII character counts as \uXXXX.
  if (json.replace(/[^\x00-\x7f]/g, "uXXXXX").length > MAX_PROPS_CHARS) return "props larger than 4 KiB";
  if (depth(props) > MAX_PROPS_DEPTH) return "props nested deeper than 3 levels";
  return null;
}

/** Build an event with a fresh UUID and an ISO timestamp; throws on an invalid type or props. */
export function buildEvent(type: unknown, props: unknown = {}, page?: PageInfo, now: Date = new Date()): TrackedEvent {
  if (!isValidType(type)) throw new Error(`invalid event type ${JSON.stringify(type)}`);
  const problem = propsProblem(props ?? {});
  if (problem) throw new Error(`${type}: ${problem}`);
  const event: TrackedEvent = { id: uuid(), ts: now.toISOString(), type, props: (props ?? {}) as Props };
  if (page) event.page = page;
  return event;
}
