/**
 * Total waiting over the last minutes, kept in the browser from the
 * `wallboard.updated` frames (about one every 2 s), for the wallboard's trend line.
 */

export interface WaitingPoint {
  /** This browser's clock (ms) for the moment the router counted. */
  t: number;
  waiting: number;
}

export const HISTORY_WINDOW_MS = 10 * 60_000;
const MAX_POINTS = 1_000;

/**
 * The history with `point` added: a point older than the last is ignored (a
 * late frame), one at the same time replaces it, and points that fell out of
 * the window are dropped, except the newest of them, so the line still
 * starts at the window's left edge.
 */
export function appendPoint(
  history: readonly WaitingPoint[],
  point: WaitingPoint,
  windowMs: number = HISTORY_WINDOW_MS,
): WaitingPoint[] {
  const last = history[history.length - 1];
  if (last && point.t < last.t) return history as WaitingPoint[];
  const kept = last && point.t === last.t ? history.slice(0, -1) : history.slice();
  kept.push(point);
  const start = point.t - windowMs;
  let firstInside = kept.findIndex((p) => p.t >= start);
  // Keep one point from before the window unless one sits right on its edge.
  if (firstInside > 0 && kept[firstInside]!.t > start) firstInside -= 1;
  const trimmed = firstInside > 0 ? kept.slice(firstInside) : kept;
  return trimmed.length > MAX_POINTS ? trimmed.slice(trimmed.length - MAX_POINTS) : trimmed;
}

export interface TrendShape {
  /** A step line (counts change in steps), "M x y H x V y …". */
  line: string;
  /** The same, closed down to the baseline, for a light fill. */
  area: string;
  /** The highest count in the window (at least 1, the scale's top). */
  max: number;
}

/**
 * The trend line in a `width` × `height` box: now at the right edge,
 * `windowMs` ago at the left. Null with no points.
 */
export function trendShape(
  history: readonly WaitingPoint[],
  now: number,
  width: number,
  height: number,
  windowMs: number = HISTORY_WINDOW_MS,
): TrendShape | null {
  if (history.length === 0) return null;
  const max = Math.max(1, ...history.map((p) => p.waiting));
  const top = 2; // room for the stroke at the peak
  const x = (t: number) => round(Math.min(width, Math.max(0, width - ((now - t) / windowMs) * width)));
  const y = (n: number) => round(height - (n / max) * (height - top));
  const first = history[0]!;
  const parts = [`M ${x(first.t)} ${y(first.waiting)}`];
  for (const p of history.slice(1)) parts.push(`H ${x(p.t)} V ${y(p.waiting)}`);
  parts.push(`H ${width}`);
  const line = parts.join(" ");
  return { line, area: `${line} V ${height} H ${x(first.t)} Z`, max };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
