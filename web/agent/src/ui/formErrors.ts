/**
 * Maps a failed write to the form that made it: field errors from a 422
 * problem go next to their fields, everything else (409 "exists already",
 * 403, network) becomes one form-level message.
 */
import { ApiError, errorMessage, type ProblemFieldError } from "../api/client";

export interface FormErrors<F extends string> {
  /** One message per field; several errors on a field are joined. */
  fields: Partial<Record<F, string>>;
  /** A message for the whole form, or null. */
  form: string | null;
}

export const NO_ERRORS: FormErrors<never> = { fields: {}, form: null };

/**
 * Where a problem's `loc` points, without the request part: FastAPI's
 * validation says ["body", "widget_settings", "color"], the services say
 * ["allowed_origins", 2]. `path` keeps only the names ("widget_settings.color"),
 * `index` the first list position, if any.
 */
export function problemLocation(loc: readonly (string | number)[]): { path: string; index: number | null } {
  const rest = loc[0] === "body" || loc[0] === "query" || loc[0] === "path" ? loc.slice(1) : loc;
  const names: string[] = [];
  let index: number | null = null;
  for (const part of rest) {
    if (typeof part === "number" || /^\d+$/.test(part)) {
      if (index === null) index = Number(part);
    } else {
      names.push(part);
    }
  }
  return { path: names.join("."), index };
}

/** The most specific known field of a name path: "widget_settings.color", else "widget_settings". */
function knownField<F extends string>(path: string, fields: readonly F[]): F | null {
  const known = new Set<string>(fields);
  const parts = path.split(".");
  for (let n = parts.length; n > 0; n--) {
    const candidate = parts.slice(0, n).join(".");
    if (known.has(candidate)) return candidate as F;
  }
  return null;
}

/**
 * The whole of a problem's `loc` without the request part, list positions
 * kept: ["facts", 0, "where"] is "facts.0.where" (what a field's error
 * element carries as data-field when one control edits a whole structure).
 */
export function problemPath(loc: readonly (string | number)[]): string {
  const rest = loc[0] === "body" || loc[0] === "query" || loc[0] === "path" ? loc.slice(1) : loc;
  return rest.map(String).join(".");
}

export interface PathError {
  /** problemPath of the error's loc, e.g. "facts.0.where". */
  path: string;
  msg: string;
}

export interface PathErrors<F extends string> {
  /** Each field's errors, each with its exact path (a field may edit a whole structure). */
  fields: Partial<Record<F, PathError[]>>;
  /** Errors that belong to no field of the form. */
  unplaced: PathError[];
}

/**
 * Like formErrors, for forms whose controls edit nested data (a JSON editor
 * for "facts", one input for "guards.control_share"): each field error goes to
 * the most specific known field by its names (list positions ignored) and
 * keeps its exact path. `strip` drops a leading part the form does not show
 * (e.g. "data" of a {data: …} body).
 */
export function pathErrors<F extends string>(
  errors: readonly ProblemFieldError[],
  fields: readonly F[],
  strip: readonly string[] = [],
): PathErrors<F> {
  const out: PathErrors<F> = { fields: {}, unplaced: [] };
  for (const { loc, msg } of errors) {
    let rest: readonly (string | number)[] = loc[0] === "body" || loc[0] === "query" || loc[0] === "path" ? loc.slice(1) : loc;
    if (typeof rest[0] === "string" && strip.includes(rest[0])) rest = rest.slice(1);
    const path = problemPath(rest);
    const field = knownField(problemLocation(rest).path, fields);
    if (field === null) {
      out.unplaced.push({ path, msg });
    } else {
      (out.fields[field] ??= []).push({ path, msg });
    }
  }
  return out;
}

export interface FormErrorOptions {
  /** Names the entry of a list field an error is about (default: "Entry 3"). */
  entryLabel?: (field: string, index: number) => string;
}

export function formErrors<F extends string>(
  error: unknown,
  fields: readonly F[],
  options: FormErrorOptions = {},
): FormErrors<F> {
  if (!error) return { fields: {}, form: null };
  if (!(error instanceof ApiError) || error.status !== 422 || error.errors.length === 0) {
    return { fields: {}, form: errorMessage(error) };
  }
  const byField: Partial<Record<F, string>> = {};
  const unplaced: string[] = [];
  for (const { loc, msg } of error.errors) {
    const { path, index } = problemLocation(loc);
    const field = knownField(path, fields);
    if (field === null) {
      unplaced.push(path ? `${path}: ${msg}` : msg);
      continue;
    }
    const label = index === null ? null : (options.entryLabel?.(field, index) ?? `Entry ${index + 1}`);
    const text = label ? `${label}: ${msg}` : msg;
    byField[field] = byField[field] ? `${byField[field]}; ${text}` : text;
  }
  const form = unplaced.length > 0 ? unplaced.join("; ") : Object.keys(byField).length === 0 ? errorMessage(error) : null;
  return { fields: byField, form };
}

export interface SlotErrors {
  /** One message per slot (a form's own name for a place: "steps.1.target"); several are joined. */
  at: Record<string, string>;
  /** A message for the whole form, or null. */
  form: string | null;
}

export const NO_SLOT_ERRORS: SlotErrors = { at: {}, form: null };

/**
 * Like formErrors, for forms that name their own places: `slotOf` maps a
 * problem's path ("steps.1.target") to a slot or null; unplaced errors and
 * anything that is not a 422 with field errors become the form's message.
 */
export function slotErrors(error: unknown, slotOf: (path: string) => string | null): SlotErrors {
  if (!error) return NO_SLOT_ERRORS;
  if (!(error instanceof ApiError) || error.status !== 422 || error.errors.length === 0) {
    return { at: {}, form: errorMessage(error) };
  }
  const at: Record<string, string> = {};
  const unplaced: string[] = [];
  for (const { loc, msg } of error.errors) {
    const path = problemPath(loc);
    const slot = slotOf(path);
    if (slot === null) unplaced.push(path ? `${path}: ${msg}` : msg);
    else at[slot] = at[slot] ? `${at[slot]}; ${msg}` : msg;
  }
  return { at, form: unplaced.length > 0 ? unplaced.join("; ") : null };
}
