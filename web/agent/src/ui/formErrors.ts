/**
 * Maps a failed write to the form that made it: field errors from a 422
 * problem go next to their fields, everything else (409 "exists already",
 * 403, network) becomes one form-level message.
 */
import { ApiError, errorMessage } from "../api/client";

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
  const known = new Set<string>(fields);
  const byField: Partial<Record<F, string>> = {};
  const unplaced: string[] = [];
  for (const { loc, msg } of error.errors) {
    const { path, index } = problemLocation(loc);
    // The most specific known field: "widget_settings.color", else "widget_settings".
    const parts = path.split(".");
    let field: F | null = null;
    for (let n = parts.length; n > 0 && field === null; n--) {
      const candidate = parts.slice(0, n).join(".");
      if (known.has(candidate)) field = candidate as F;
    }
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
