/**
 * Messages between the desktop and the co-browse viewer (cobrowse-viewer.html,
 * an iframe of the desktop's own origin with a CSP that lets the replayed page
 * keep its styles and images). The desktop posts the page's events; the viewer
 * posts the agent's clicks on the replay back.
 */

export type ToViewer = { type: "events"; events: unknown[] } | { type: "reset" };

export interface ViewerClick {
  type: "click";
  /** rrweb's id of the element under the pointer on the visitor's page (null: none). */
  node_id: number | null;
  /** Page coordinates on the visitor's page. */
  x: number;
  y: number;
  /** Shift held: point even when control is granted. */
  shift: boolean;
}

export interface ViewerScroll {
  type: "scroll";
  x: number;
  y: number;
}

export type FromViewer = ViewerClick | ViewerScroll | { type: "ready" };

export function isFromViewer(data: unknown): data is FromViewer {
  if (typeof data !== "object" || data === null) return false;
  const d = data as Record<string, unknown>;
  if (d.type === "ready") return true;
  const finite = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0;
  if (d.type === "scroll") return finite(d.x) && finite(d.y);
  if (d.type === "click") return finite(d.x) && finite(d.y) && (d.node_id === null || finite(d.node_id)) && typeof d.shift === "boolean";
  return false;
}
/** What the viewer accepts from the desktop (anything else is ignored). */
export function isToViewer(data: unknown): data is ToViewer {
  if (typeof data !== "object" || data === null) return false;
  const d = data as Record<string, unknown>;
  if (d.type === "reset") return true;
  return d.type === "events" && Array.isArray(d.events) && d.events.every((e) => typeof e === "object" && e !== null && typeof (e as { type?: unknown }).type === "number");
}
