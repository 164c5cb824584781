/** Figures about the visitors on the site now, for the view's header. */
import { formatDuration } from "../ui/duration";
import type { LiveVisitorOut } from "./queries";
import { locale } from "../i18n/i18n";

export const OPEN_OFFER_STATUSES = new Set(["offered", "shown"]);

export interface LiveSummary {
  online: number;
  withCart: number;
  cartTotal: number;
  offersOpen: number;
}

export function liveSummary(visitors: readonly LiveVisitorOut[]): LiveSummary {
  let withCart = 0;
  let cartTotal = 0;
  let offersOpen = 0;
  for (const v of visitors) {
    if (v.cart_items > 0 || v.cart_value > 0) withCart += 1;
    cartTotal += v.cart_value;
    offersOpen += v.offers.filter((o) => OPEN_OFFER_STATUSES.has(String(o.status))).length;
  }
  return { online: visitors.length, withCart, cartTotal, offersOpen };
}

/** "42s", "4m 05s", "1h 12m": how long since `startIso`. */
export function timeOnSite(startIso: string | null, now: number): string {
  if (!startIso) return "—";
  const start = Date.parse(startIso);
  if (Number.isNaN(start)) return "—";
  return formatDuration((now - start) / 1000);
}

export function money(value: number): string {
  return value.toLocaleString(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** The engagement counters, split into the headline ones and the reasons for blocking. */
export function statsView(stats: Record<string, number>): { headline: { label: string; value: number }[]; blocked: { reason: string; value: number }[] } {
  const headline = [
    { label: "Events", value: stats.events ?? 0 },
    { label: "Matched", value: stats.matched ?? 0 },
    { label: "Offered", value: stats.offered ?? 0 },
    { label: "Held out", value: stats.held_out ?? 0 },
    { label: "Paced", value: stats.paced ?? 0 },
    // Offers of a rule's fallback (a callback or a message) made because its chat was paced.
    { label: "Fallback", value: stats.fallback ?? 0 },
  ];
  const blocked = Object.entries(stats)
    .filter(([key]) => key.startsWith("blocked:"))
    .map(([key, value]) => ({ reason: key.slice("blocked:".length), value }))
    .sort((a, b) => b.value - a.value);
  return { headline, blocked };
}
