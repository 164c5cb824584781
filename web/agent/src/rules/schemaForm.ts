/**
 * A template's parameter form, built from its JSON Schema (pydantic's
 * model_json_schema): one descriptor per property, in the schema's order,
 * with its kind, default, bounds and whether it is required or may be null.
 * The form keeps every value as text (or a boolean) and converts on submit.
 * Durations (a parameter named `seconds` or `*_seconds`) are shown and typed
 * in minutes, because that is how a manager thinks of them, and sent to the
 * server in seconds.
 */
import { textsToSend } from "../ui/texts";

/** "texts": one string, or one per language (`{"cs": "…"}`; ui/texts.ts). */
export type ParamKind = "string" | "number" | "integer" | "boolean" | "enum" | "texts";

export interface ParamField {
  name: string;
  title: string;
  kind: ParamKind;
  required: boolean;
  /** The schema allows null (an `anyOf` with {"type": "null"}). */
  nullable: boolean;
  default: unknown;
  options: string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  description?: string;
  /** Shown in minutes, sent in seconds (bounds stay in the server's seconds). */
  minutes: boolean;
}

const SECONDS_PER_MINUTE = 60;

/** A parameter the server takes in seconds: `seconds`, `quiet_after_decline_seconds`, … */
export function isDuration(name: string): boolean {
  return /(^|_)seconds$/.test(name);
}

/** Rounds away float noise: 0.1 * 60 is 6, not 6.000000000000001. */
function tidy(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

export function secondsToMinutes(seconds: number): number {
  return tidy(seconds / SECONDS_PER_MINUTE);
}

/** To the millisecond: minutes shown with six decimals (20.566667 for 1234 s) come back whole. */
export function minutesToSeconds(minutes: number): number {
  return Math.round(minutes * SECONDS_PER_MINUTE * 1000) / 1000;
}

export type ParamValue = string | boolean | Record<string, string>;
export type ParamValues = Record<string, ParamValue>;

type Schema = Record<string, unknown>;

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Follows "#/$defs/Name" (and "#/definitions/Name") references inside the root schema. */
function resolve(schema: Schema, root: Schema, depth = 0): Schema {
  const ref = schema.$ref;
  if (typeof ref !== "string" || depth > 8) return schema;
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  const defs = match ? root[match[1]!] : undefined;
  const target = isSchema(defs) ? defs[match![2]!] : undefined;
  if (!isSchema(target)) return schema;
  const { $ref: _ref, ...rest } = schema;
  return { ...resolve(target, root, depth + 1), ...rest };
}

function numberOf(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** "max_per_session" → "Max per session" (when the schema has no title). */
export function humanize(name: string): string {
  const words = name.replace(/_/g, " ").trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : name;
}

/** pydantic's titles are Title Cased ("Max Per Session"); the desktop writes sentence case. */
function sentenceCase(title: string): string {
  const [first, ...rest] = title.split(" ");
  return [first, ...rest.map((w) => (/^[A-Z][a-z]+$/.test(w) ? w.toLowerCase() : w))].join(" ");
}

function describeProperty(name: string, raw: Schema, root: Schema, required: boolean): ParamField {
  const outer = resolve(raw, root);
  // `anyOf: [X, {"type": "null"}]` is an optional X; allOf: [X] is X.
  let nullable = false;
  let perLanguage = false;
  let inner: Schema = outer;
  const variants = Array.isArray(outer.anyOf) ? outer.anyOf : Array.isArray(outer.oneOf) ? outer.oneOf : null;
  if (variants) {
    const schemas = variants.filter(isSchema).map((v) => resolve(v, root));
    nullable = schemas.some((v) => v.type === "null");
    const rest = schemas.filter((v) => v.type !== "null");
    const consts = rest.filter((v) => "const" in v);
    perLanguage = rest.some((v) => v.type === "string") && rest.some((v) => v.type === "object");
    if (consts.length > 0 && consts.length === rest.length) {
      inner = { type: "string", enum: consts.map((v) => v.const) };
    } else {
      inner = rest[0] ?? {};
    }
  } else if (Array.isArray(outer.allOf) && outer.allOf.length === 1 && isSchema(outer.allOf[0])) {
    inner = resolve(outer.allOf[0], root);
  }
  if (Array.isArray(outer.type) && outer.type.includes("null")) nullable = true;
  const type = Array.isArray(inner.type) ? inner.type.find((t) => t !== "null") : inner.type;
  const enumValues = Array.isArray(inner.enum) ? inner.enum : "const" in inner ? [inner.const] : null;

  let kind: ParamKind;
  if (enumValues) kind = "enum";
  else if (perLanguage) kind = "texts";
  else if (type === "boolean") kind = "boolean";
  else if (type === "integer") kind = "integer";
  else if (type === "number") kind = "number";
  else kind = "string";

  const minutes = isDuration(name) && (kind === "number" || kind === "integer");
  const named = typeof outer.title === "string" ? sentenceCase(outer.title) : humanize(name);
  const title = minutes ? minutesTitle(named) : named;
  const field: ParamField = {
    name,
    title,
    kind,
    required,
    nullable,
    default: "default" in outer ? outer.default : inner.default,
    options: enumValues ? enumValues.map(String) : [],
    minutes,
  };
  const description = outer.description ?? inner.description;
  if (typeof description === "string") field.description = minutes ? description.replace(/\bseconds\b/g, "minutes") : description;
  const bounds = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength"] as const;
  for (const bound of bounds) {
    const value = numberOf(inner[bound]);
    if (value !== undefined) field[bound] = value;
  }
  if (typeof inner.pattern === "string") field.pattern = inner.pattern;
  return field;
}

/** "Seconds" → "Minutes", "Quiet after decline seconds" → "Quiet after decline (minutes)". */
function minutesTitle(title: string): string {
  if (/^seconds$/i.test(title)) return "Minutes";
  return `${title.replace(/\s*seconds$/i, "")} (minutes)`;
}

/** The form's fields, in the schema's order. */
export function paramFields(schema: unknown): ParamField[] {
  if (!isSchema(schema)) return [];
  const root = resolve(schema, schema);
  const properties = root.properties;
  if (!isSchema(properties)) return [];
  const required = new Set(Array.isArray(root.required) ? root.required.map(String) : []);
  return Object.entries(properties)
    .filter((entry): entry is [string, Schema] => isSchema(entry[1]))
    .map(([name, raw]) => describeProperty(name, raw, root, required.has(name)));
}

/** The starting value of each field: its default, as the form holds it. */
export function initialValues(fields: readonly ParamField[]): ParamValues {
  const values: ParamValues = {};
  for (const field of fields) {
    if (field.kind === "boolean") values[field.name] = field.default === true;
    else if (field.default === null || field.default === undefined) values[field.name] = field.kind === "enum" && !field.nullable ? (field.options[0] ?? "") : "";
    else if (field.minutes && typeof field.default === "number") values[field.name] = String(secondsToMinutes(field.default));
    else values[field.name] = String(field.default);
  }
  return values;
}

/**
 * A short, human statement of a field's bounds: "1 – 100", "> 0", "at most 64
 * characters"; a duration's in minutes ("minutes, > 0, ≤ 43200").
 */
export function boundsHint(field: ParamField): string | null {
  const parts: string[] = [];
  const shown = (n: number | undefined) => (n === undefined ? undefined : field.minutes ? secondsToMinutes(n) : n);
  const [minimum, maximum] = [shown(field.minimum), shown(field.maximum)];
  const [exclusiveMinimum, exclusiveMaximum] = [shown(field.exclusiveMinimum), shown(field.exclusiveMaximum)];
  const low = exclusiveMinimum !== undefined ? `> ${exclusiveMinimum}` : minimum !== undefined ? `≥ ${minimum}` : null;
  const high = exclusiveMaximum !== undefined ? `< ${exclusiveMaximum}` : maximum !== undefined ? `≤ ${maximum}` : null;
  if (minimum !== undefined && maximum !== undefined) parts.push(`${minimum} – ${maximum}`);
  else if (low && high) parts.push(`${low}, ${high}`);
  else if (low) parts.push(low);
  else if (high) parts.push(high);
  if (field.maxLength !== undefined) parts.push(`at most ${field.maxLength} characters`);
  if (field.minutes) parts.unshift("minutes");
  return parts.length > 0 ? parts.join(", ") : null;
}

/**
 * The parameters to send. An empty optional field is left out (the server's
 * default applies) or, when the default is not null but null is allowed, sent
 * as null ("no queue"). A number that does not parse is sent as typed, so the
 * server names the field. Minutes go out as seconds.
 */
export function paramsFromValues(fields: readonly ParamField[], values: ParamValues): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (field.kind === "boolean") {
      params[field.name] = value === true;
      continue;
    }
    if (field.kind === "texts" && typeof value === "object") {
      const texts = textsToSend(value);
      if (texts !== "") params[field.name] = texts;
      continue;
    }
    const text = typeof value === "string" ? value.trim() : "";
    if (text === "") {
      if (field.required) params[field.name] = "";
      else if (field.nullable && field.default !== null && field.default !== undefined) params[field.name] = null;
      continue;
    }
    if (field.kind === "number" || field.kind === "integer") {
      const number = Number(text);
      if (!Number.isFinite(number)) params[field.name] = text;
      else params[field.name] = field.minutes ? minutesToSeconds(number) : number;
    } else {
      params[field.name] = text;
    }
  }
  return params;
}

/** "10" (%) → 0.1; "" → 0; what does not parse goes as typed, for the server to name. */
export function shareFromPercent(percent: string): number | string {
  const text = percent.trim();
  if (text === "") return 0;
  const n = Number(text);
  return Number.isFinite(n) ? tidy(n / 100) : text;
}
