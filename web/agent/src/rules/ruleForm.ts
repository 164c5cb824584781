/**
 * The rule editor's form: the common fields as text inputs, the structural
 * parts (trigger, absence, facts) as one JSON document, and the conversion
 * both ways. Numbers that do not parse are sent as typed, so the server's
 * validation names the field; only the JSON is checked here first.
 */
import { textsOf, textsToSend, type Texts } from "../ui/texts";

export const ACTION_TYPES = ["chat", "callback", "cobrowse", "message"] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export const ACTION_LABELS: Record<ActionType, string> = {
  chat: "Chat",
  callback: "Callback",
  cobrowse: "Co-browse",
  message: "Message",
};

export const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;

/** The fields the server's errors are placed under (most specific first is not needed). */
export const RULE_FIELDS = [
  "key",
  "name",
  "enabled",
  "action",
  "action.type",
  "action.queue",
  "action.text",
  "guards",
  "guards.max_per_session",
  "guards.max_per_visitor_per_day",
  "guards.quiet_after_decline_seconds",
  "guards.min_seconds_between_offers",
  "guards.control_share",
  "guards.business_hours",
  "condition",
  "trigger",
  "absence",
  "facts",
] as const;
export type RuleField = (typeof RULE_FIELDS)[number];

/** The parts of a rule edited as raw JSON. */
export const STRUCTURE_KEYS = ["trigger", "absence", "facts"] as const;

export interface RuleFormValues {
  key: string;
  name: string;
  enabled: boolean;
  actionType: ActionType;
  queue: string;
  /** One text, or one per language ({"cs": "…", "en": "…"}). */
  text: Texts;
  /** The language of texts per language a visitor's language has none of ("" = the first). */
  language: string;
  maxPerSession: string;
  maxPerVisitorPerDay: string;
  quietAfterDeclineMinutes: string;
  minMinutesBetweenOffers: string;
  controlSharePercent: string;
  businessHours: boolean;
  timezone: string;
  days: number[];
  start: string;
  end: string;
  condition: string;
  /** {"trigger", "absence", "facts"} as JSON text. */
  structure: string;
  /** The offer made instead when nobody can take the action, as saved (the form does not
   * edit it; it is kept so that saving an edited rule never drops it). */
  fallback: unknown;
}

type Data = Record<string, unknown>;

function isObject(value: unknown): value is Data {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  return value === null || value === undefined ? "" : String(value);
}

/** Rounds away float noise: 0.1 * 100 is 10, not 10.000000000000002. */
function tidy(n: number): string {
  return String(Math.round(n * 1e6) / 1e6);
}

function scaled(value: unknown, divisor: number): string {
  return typeof value === "number" ? tidy(value / divisor) : text(value);
}

export function localTimezone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

export function formFromRule(data: Data): RuleFormValues {
  const action = isObject(data.action) ? data.action : {};
  const guards = isObject(data.guards) ? data.guards : {};
  const hours = isObject(guards.business_hours) ? guards.business_hours : null;
  const structure: Data = {};
  for (const key of STRUCTURE_KEYS) structure[key] = data[key] ?? (key === "facts" ? [] : null);
  const type = ACTION_TYPES.includes(action.type as ActionType) ? (action.type as ActionType) : "chat";
  return {
    key: text(data.key),
    name: text(data.name),
    enabled: data.enabled !== false,
    actionType: type,
    queue: text(action.queue),
    text: textsOf(action.text),
    language: text(data.language),
    maxPerSession: text(guards.max_per_session),
    maxPerVisitorPerDay: text(guards.max_per_visitor_per_day),
    quietAfterDeclineMinutes: scaled(guards.quiet_after_decline_seconds, 60),
    minMinutesBetweenOffers: scaled(guards.min_seconds_between_offers, 60),
    controlSharePercent: typeof guards.control_share === "number" ? tidy(guards.control_share * 100) : "0",
    businessHours: hours !== null,
    timezone: hours ? text(hours.timezone) : localTimezone(),
    days: hours && Array.isArray(hours.days) ? hours.days.filter((d): d is number => typeof d === "number") : [0, 1, 2, 3, 4],
    start: hours ? text(hours.start) : "09:00",
    end: hours ? text(hours.end) : "17:00",
    condition: text(data.condition),
    structure: JSON.stringify(structure, null, 2),
    fallback: action.fallback ?? null,
  };
}

/** "" → null; a number → that number times `factor`; anything else as typed (the server names it). */
function numberField(value: string, factor = 1): unknown {
  const trimmed = value.trim();
  if (trimmed === "") return null;
  const n = Number(trimmed);
  return Number.isFinite(n) ? Math.round(n * factor * 1e6) / 1e6 : trimmed;
}

export type RuleFromForm = { data: Data; jsonError: null } | { data: null; jsonError: string };

/** Parses the structure JSON: an object with only trigger, absence and facts. */
export function parseStructure(source: string): { value: Data; error: null } | { value: null; error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : "not JSON";
    return { value: null, error: `Not valid JSON: ${reason}` };
  }
  if (!isObject(parsed)) return { value: null, error: 'Must be a JSON object: {"trigger", "absence", "facts"}' };
  const extra = Object.keys(parsed).filter((k) => !(STRUCTURE_KEYS as readonly string[]).includes(k));
  if (extra.length > 0) {
    return { value: null, error: `Only trigger, absence and facts go here (not ${extra.map((k) => `"${k}"`).join(", ")})` };
  }
  return { value: parsed, error: null };
}

/** The rule data the form stands for, or why the JSON part cannot be read. */
export function ruleFromForm(values: RuleFormValues): RuleFromForm {
  const structure = parseStructure(values.structure);
  if (structure.error !== null) return { data: null, jsonError: structure.error };
  const guards: Data = {
    max_per_session: numberField(values.maxPerSession),
    max_per_visitor_per_day: numberField(values.maxPerVisitorPerDay),
    quiet_after_decline_seconds: numberField(values.quietAfterDeclineMinutes, 60),
    min_seconds_between_offers: numberField(values.minMinutesBetweenOffers, 60),
    control_share: numberField(values.controlSharePercent, 0.01) ?? 0,
    business_hours: values.businessHours
      ? { timezone: values.timezone.trim(), days: [...values.days].sort(), start: values.start, end: values.end }
      : null,
  };
  const data: Data = {
    key: values.key,
    name: values.name.trim(),
    enabled: values.enabled,
    ...(values.language.trim() ? { language: values.language.trim() } : {}),
    trigger: structure.value.trigger ?? null,
    absence: structure.value.absence ?? null,
    facts: structure.value.facts ?? [],
    condition: values.condition.trim() === "" ? null : values.condition,
    action: {
      type: values.actionType,
      queue: values.queue.trim() === "" ? null : values.queue.trim(),
      text: textsToSend(values.text),
      ...(values.fallback ? { fallback: values.fallback } : {}),
    },
    guards,
  };
  return { data, jsonError: null };
}

/** One line about what a rule does: "On cart.remove, if facts.removed_value >= 1000.0 → chat". */
export function ruleSummary(data: Data): string {
  const parts: string[] = [];
  const trigger = isObject(data.trigger) ? data.trigger : null;
  const absence = isObject(data.absence) ? data.absence : null;
  if (trigger && Array.isArray(trigger.events)) parts.push(`On ${trigger.events.join(" or ")}`);
  if (absence) {
    const after = isObject(absence.after) ? text(absence.after.event) : "?";
    const none = Array.isArray(absence.none_of) ? absence.none_of.join(" or ") : "?";
    parts.push(`${formatSeconds(absence.for_seconds)} after ${after} without ${none}`);
  }
  if (Array.isArray(data.facts) && data.facts.length > 0) {
    const names = data.facts.filter(isObject).map((f) => `${text(f.name)} (${text(f.kind)})`);
    parts.push(`tracking ${names.join(", ")}`);
  }
  if (typeof data.condition === "string" && data.condition) parts.push(`if ${data.condition}`);
  const action = isObject(data.action) ? data.action : {};
  const label = ACTION_LABELS[action.type as ActionType] ?? text(action.type);
  return `${parts.join(", ")} → offer ${label.toLowerCase()}${action.queue ? ` (queue ${text(action.queue)})` : ""}`;
}

export function formatSeconds(value: unknown): string {
  if (typeof value !== "number") return "?";
  if (value % 3600 === 0) return `${value / 3600} h`;
  if (value % 60 === 0) return `${value / 60} min`;
  return `${value} s`;
}
