/**
 * A rule's key (the server's `^[a-z0-9][a-z0-9_.-]*$`, at most 64 characters)
 * made from its name, so a manager names the rule and never has to invent an
 * identifier: "Košík > 150 €, callback" → "kosik-150-callback".
 */
export const KEY_MAX_LENGTH = 64;

export function keyFromName(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, KEY_MAX_LENGTH)
    .replace(/-+$/, "");
  return slug || "rule";
}
