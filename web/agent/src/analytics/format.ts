/** How the dashboard writes its figures: uplift with its interval, rates, durations. */

export interface UpliftFigure {
  uplift: number | null;
  ci_low: number | null;
  ci_high: number | null;
  significant: boolean;
  too_small: boolean;
}

function signed(fraction: number): string {
  const pct = Math.round(fraction * 100);
  return `${pct > 0 ? "+" : pct < 0 ? "−" : "±"}${Math.abs(pct)} %`;
}

function plain(fraction: number): string {
  const pct = Math.round(fraction * 100);
  return `${pct < 0 ? "−" : ""}${Math.abs(pct)}`;
}

/** "+18 % (95 % CI 6–31 %)"; "no data" when nothing can be compared. */
export function formatUplift(u: UpliftFigure): string {
  if (u.uplift === null) return "no data";
  const interval = u.ci_low !== null && u.ci_high !== null ? ` (95 % CI ${plain(u.ci_low)}–${plain(u.ci_high)} %)` : "";
  return `${signed(u.uplift)}${interval}`;
}

/** The verdict beside the figure: tell the manager whether to believe it yet. */
export function upliftVerdict(u: UpliftFigure): "too_small" | "significant" | "no_difference" {
  if (u.too_small) return "too_small";
  return u.significant ? "significant" : "no_difference";
}

export function formatRate(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? "–" : `${(rate * 100).toFixed(1)} %`;
}

export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "–";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function formatNumber(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined) return "–";
  return value.toLocaleString("cs-CZ", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** ISO date (YYYY-MM-DD) of a local day `days` before `from`. */
export function isoDay(from: Date, days = 0): string {
  const d = new Date(from.getFullYear(), from.getMonth(), from.getDate() - days);
  const mm = String(d.getMonth() + 1).padStart(2, "0");
  const dd = String(d.getDate()).padStart(2, "0");
  return `${d.getFullYear()}-${mm}-${dd}`;
}

export const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** 0..1 of the busiest cell, for the heat map's shade. */
export function heatShares(grid: number[][]): number[][] {
  const max = Math.max(0, ...grid.flat());
  return grid.map((row) => row.map((v) => (max > 0 ? v / max : 0)));
}

/** What stopped a match (the API's reason codes, docs/analytics.md). */
export const GUARD_REASONS: Record<string, string> = {
  offer_open: "an offer was open",
  visitor_left: "visitor left",
  business_hours: "outside business hours",
  quiet_period: "quiet period",
  min_interval: "too soon after an offer",
  per_session_cap: "cap per visit",
  per_day_cap: "cap per day",
  pacing: "no agent free (pacing)",
  other: "other",
};

/** The reasons that stopped something, most first, with their labels. */
export function guardReasons(byReason: Record<string, number> | undefined): [string, number][] {
  return Object.entries(byReason ?? {})
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([code, n]) => [GUARD_REASONS[code] ?? code, n]);
}
