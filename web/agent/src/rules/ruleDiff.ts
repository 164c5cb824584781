/**
 * What changed between two versions of a rule: a list of key paths
 * ("guards.max_per_session", "facts.0.where") with the value before and after.
 */

export type DiffKind = "added" | "removed" | "changed";

export interface DiffEntry {
  path: string;
  kind: DiffKind;
  before?: unknown;
  after?: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function walk(before: unknown, after: unknown, path: string[], out: DiffEntry[]): void {
  if (isObject(before) && isObject(after)) {
    const keys = [...Object.keys(before), ...Object.keys(after).filter((k) => !(k in before))];
    for (const key of keys) walk(before[key], after[key], [...path, key], out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && (before.some(isObject) || after.some(isObject))) {
    // Lists of structures (facts, steps) by position; lists of plain values as a whole.
    for (let i = 0; i < Math.max(before.length, after.length); i++) walk(before[i], after[i], [...path, String(i)], out);
    return;
  }
  const at = path.join(".");
  const had = before !== undefined;
  const has = after !== undefined;
  if (!had && has) out.push({ path: at, kind: "added", after });
  else if (had && !has) out.push({ path: at, kind: "removed", before });
  else if (JSON.stringify(before) !== JSON.stringify(after)) out.push({ path: at, kind: "changed", before, after });
}

/** The differences, in the order of the rule's keys. `null` and a missing key count as different. */
export function diffRules(before: unknown, after: unknown): DiffEntry[] {
  const out: DiffEntry[] = [];
  walk(before, after, [], out);
  // The version number always changes; it is shown on the row itself.
  return out.filter((e) => e.path !== "version");
}

/** A value as the diff shows it: JSON, shortened. */
export function showValue(value: unknown, max = 120): string {
  if (value === undefined) return "—";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
