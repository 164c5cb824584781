/**
 * The new rule as one sentence, in the words of the moment it describes:
 * "When a visitor removes items worth at least 150 within 10 minutes, offer a
 * callback (sales queue), at most once per visit …". Built from the template
 * and its parameters as the server takes them (durations in seconds), so it
 * follows the form as the manager types. A template this file does not know
 * is described by its title; the sentence never claims more than it knows.
 */

export type Params = Record<string, unknown>;

export interface SentenceOptions {
  /** The template's title, for templates without a phrase of their own. */
  title?: string;
  /** What happens, for a rule without a template (a saved rule): "“Big removals” happens (on cart.remove)". */
  moment?: string;
  /** ISO 4217 code: amounts are written with it ("€150"); without it, as numbers. */
  currency?: string;
  locale?: string;
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function str(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** 45 → "45 seconds", 600 → "10 minutes", 90 → "1.5 minutes", 7200 → "2 hours". */
export function durationWords(seconds: unknown): string {
  const s = num(seconds);
  if (s === null) return "a while";
  if (s < 60) return plural(Math.round(s * 100) / 100, "second");
  if (s >= 3600 && s % 3600 === 0) return plural(s / 3600, "hour");
  return plural(Math.round((s / 60) * 100) / 100, "minute");
}

/** 1 → "once", 2 → "twice", 5 → "5 times". */
export function timesWords(n: number): string {
  return n === 1 ? "once" : n === 2 ? "twice" : `${n} times`;
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th";
  return `${n}${suffix}`;
}

function money(value: unknown, options: SentenceOptions): string {
  const n = num(value);
  if (n === null) return "?";
  if (!options.currency) return n.toLocaleString(options.locale);
  try {
    return new Intl.NumberFormat(options.locale, { style: "currency", currency: options.currency, maximumFractionDigits: 2, minimumFractionDigits: 0 }).format(n);
  } catch {
    return `${n} ${options.currency}`;
  }
}

type Moment = (p: Params, options: SentenceOptions) => string;

/** What happened, per template (its builder on the server says what it watches). */
const MOMENTS: Record<string, Moment> = {
  cart_abandoned: (p) => `adds items to the cart and has not gone on to checkout ${durationWords(p.seconds)} later, with items still in the cart`,
  cart_emptied: () => "removes the last item from the cart",
  high_value_removed: (p, o) => `removes items worth at least ${money(p.amount, o)} within ${durationWords(p.seconds)}`,
  payment_stuck: (p) =>
    `stays on the “${str(p.step) ?? "payment"}” checkout step for ${durationWords(p.seconds)} ${
      p.pre_selected_method === true ? "without going on" : "without choosing a payment method"
    }`,
  payment_switching: (p) => `picks a payment method ${timesWords(num(p.times) ?? 3)} within ${durationWords(p.seconds)}, at least two different ones`,
  terms_revisited: (p) => {
    const page = str(p.page_type) ? `the “${str(p.page_type)}” page` : `the terms page (${str(p.path) ?? "/terms*"})`;
    const n = num(p.times) ?? 3;
    return n === 1 ? `opens ${page}` : `opens ${page} for the ${ordinal(n)} time in one visit`;
  },
  coupon_failed: (p) => {
    const n = num(p.times) ?? 1;
    return n === 1 ? "enters a coupon code that is rejected" : `enters ${n} rejected coupon codes within ${durationWords(p.seconds)}`;
  },
  login_failures: (p) => `fails to sign in ${timesWords(num(p.times) ?? 3)} within ${durationWords(p.seconds)}`,
  compared_back_and_forth: (p) => {
    const first = str(p.category) ? `a product in “${str(p.category)}”` : "a product";
    const other = p.any_category === true ? "another product" : "another of the same category";
    return `views ${first}, then ${other}, then the first again within ${durationWords(p.seconds)}`;
  },
  idle_on_product: (p) => `stays idle on a product page for ${durationWords(p.seconds)}`,
  no_add_after_product: (p) => `stays on a product page for ${durationWords(p.seconds)} without adding it to the cart`,
};

const OFFERS: Record<string, string> = {
  chat: "offer a chat",
  callback: "offer a callback",
  cobrowse: "offer to browse together",
  message: "show a message",
};

function offer(p: Params): string {
  const action = str(p.action) ?? "chat";
  const parts = [OFFERS[action] ?? `offer ${action}`];
  const queue = str(p.queue);
  if (queue && action !== "message") parts.push(`(${queue} queue)`);
  const fallback = str(p.fallback);
  if (fallback) parts.push(`or ${fallback === "callback" ? "a callback" : "a message"} when nobody can take it`);
  return parts.join(" ");
}

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** {days: [0..4], start, end, timezone} → "only Mon–Fri 09:00–17:00 (Europe/Prague)". */
function hoursWords(hours: unknown): string | null {
  if (typeof hours !== "object" || hours === null) return null;
  const h = hours as Record<string, unknown>;
  const days = Array.isArray(h.days) ? [...h.days].filter((d): d is number => typeof d === "number").sort() : [];
  const [first, last] = [days[0], days[days.length - 1]];
  const consecutive = first !== undefined && last !== undefined && days.length > 2 && last - first === days.length - 1 && new Set(days).size === days.length;
  const dayText = consecutive ? `${DAYS[first] ?? "?"}–${DAYS[last] ?? "?"}` : days.map((d) => DAYS[d] ?? "?").join(", ");
  const zone = str(h.timezone);
  return `only ${dayText} ${str(h.start) ?? "?"}–${str(h.end) ?? "?"}${zone ? ` (${zone})` : ""}`;
}

function guards(p: Params): string[] {
  const out: string[] = [];
  // A template always limits offers per visit (1 unless set); a saved rule may say null: no limit.
  const perVisit = p.max_per_session === null ? null : (num(p.max_per_session) ?? 1);
  const perDay = num(p.max_per_visitor_per_day);
  if (perVisit !== null) out.push(`at most ${timesWords(perVisit)} per visit${perDay !== null ? ` and ${timesWords(perDay)} a day per visitor` : ""}`);
  else if (perDay !== null) out.push(`at most ${timesWords(perDay)} a day per visitor`);
  else out.push("every time it happens");
  const quiet = num(p.quiet_after_decline_seconds);
  if (quiet !== null && quiet > 0) out.push(`nothing for ${durationWords(quiet)} after a “no thanks”`);
  const between = num(p.min_seconds_between_offers);
  if (between !== null && between > 0) out.push(`at least ${durationWords(between)} between offers`);
  const hours = hoursWords(p.business_hours);
  if (hours) out.push(hours);
  return out;
}

/** "10 % of these visitors get no offer, so you can measure what the rule adds." (or nothing at 0) */
export function controlWords(share: unknown): string | null {
  const s = num(share);
  if (s === null || s <= 0) return null;
  return `${Math.round(s * 1000) / 10} % of these visitors get no offer, so you can measure what the rule adds.`;
}

/** The whole sentence, ending with a full stop; the control group is a second sentence. */
export function ruleSentence(template: string, params: Params, options: SentenceOptions = {}): string {
  const moment = MOMENTS[template];
  const when = moment
    ? `When a visitor ${moment(params, options)}`
    : options.moment
      ? `When ${options.moment}`
      : `When “${options.title ?? template}” happens`;
  const main = `${when}, ${[offer(params), ...guards(params)].join(", ")}.`;
  const control = controlWords(params.control_share);
  return control ? `${main} ${control}` : main;
}
