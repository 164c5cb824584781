/** Back-test firings per day, for the little bar chart. */

export interface DayBucket {
  /** The local date, YYYY-MM-DD. */
  day: string;
  count: number;
}

function localDay(date: Date): string {
  const y = date.getFullYear();
  const m = String(date.getMonth() + 1).padStart(2, "0");
  const d = String(date.getDate()).padStart(2, "0");
  return `${y}-${m}-${d}`;
}

/**
 * One bucket per local day of the back-tested period, oldest first, ending
 * today: a back-test of `days` days looks back from now, so it touches
 * `days + 1` calendar days (part of the first one, part of today).
 * Firings outside the period (or with an unreadable time) are not counted.
 */
export function firingsPerDay(firings: readonly { at: string }[], days: number, now: Date = new Date()): DayBucket[] {
  const buckets: DayBucket[] = [];
  const index = new Map<string, DayBucket>();
  for (let back = days; back >= 0; back--) {
    const date = new Date(now.getFullYear(), now.getMonth(), now.getDate() - back);
    const bucket = { day: localDay(date), count: 0 };
    buckets.push(bucket);
    index.set(bucket.day, bucket);
  }
  for (const firing of firings) {
    const at = new Date(firing.at);
    if (Number.isNaN(at.getTime())) continue;
    const bucket = index.get(localDay(at));
    if (bucket) bucket.count += 1;
  }
  return buckets;
}
