/**
 * The composer's "/" shortcut: finds the "/word" being typed at the caret,
 * ranks canned responses against it and splices the rendered text in.
 */

export interface CannedLike {
  id: string;
  title: string;
  shortcut: string;
}

/** The "/query" ending at the caret, at the start of the text or after white space. */
export interface SlashQuery {
  start: number;
  end: number;
  query: string;
}

export function slashQuery(text: string, caret: number): SlashQuery | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)\/([\p{L}\p{N}_-]*)$/u.exec(before);
  const query = match?.[2];
  if (query === undefined) return null;
  return { start: caret - query.length - 1, end: caret, query };
}

/** Lower-case and without diacritics: "Vrácení" is found by "vraceni". */
export function fold(value: string): string {
  return value.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Shortcut prefix first, then shortcut or title containing the query; at most `limit`. */
export function matchCanned<T extends CannedLike>(items: readonly T[], query: string, limit = 8): T[] {
  const q = fold(query);
  const rank = (item: T): number => {
    const shortcut = fold(item.shortcut);
    const title = fold(item.title);
    if (shortcut.startsWith(q)) return 0;
    if (title.startsWith(q)) return 1;
    if (shortcut.includes(q) || title.includes(q)) return 2;
    return 3;
  };
  return items
    .map((item) => ({ item, rank: rank(item) }))
    .filter((x) => x.rank < 3)
    .sort((a, b) => a.rank - b.rank || a.item.shortcut.localeCompare(b.item.shortcut))
    .slice(0, limit)
    .map((x) => x.item);
}

/** The text with [start, end) replaced, and where the caret goes after it. */
export function splice(text: string, start: number, end: number, inserted: string): { text: string; caret: number } {
  return { text: text.slice(0, start) + inserted + text.slice(end), caret: start + inserted.length };
}

/** "{{contact.first_name}}, {{order.number}}" for a warning about missing values. */
export function describeMissing(missing: readonly string[]): string {
  return missing.map((name) => `{{${name}}}`).join(", ");
}
