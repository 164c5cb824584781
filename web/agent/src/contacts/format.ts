/** How contact data reads on screen. */
import type { IdentityOut } from "./queries";
import { locale } from "../i18n/i18n";

export const IDENTITY_LABELS: Record<IdentityOut["kind"], string> = {
  email: "E-mail",
  phone: "Phone",
  external_id: "Customer id",
  messenger: "Messenger",
  visitor: "Web visitor",
};

/** Verified first, then e-mail, phone, customer id, messenger, web visitors. */
const KIND_ORDER: IdentityOut["kind"][] = ["email", "phone", "external_id", "messenger", "visitor"];

export function sortIdentities(identities: readonly IdentityOut[]): IdentityOut[] {
  return [...identities].sort(
    (a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || Number(b.verified) - Number(a.verified) || a.value.localeCompare(b.value),
  );
}

/** Long opaque ids (visitor ids) by their tail. */
export function shortId(id: string, keep = 8): string {
  return id.length > keep + 2 ? `…${id.slice(-keep)}` : id;
}

/** "€129.00" for a decimal string and an ISO 4217 code; "129.00 XYZ" if the code is unknown here. */
export function formatMoney(amount: string | number, currency: string): string {
  const value = typeof amount === "number" ? amount : Number(amount);
  if (!Number.isFinite(value)) return `${amount} ${currency}`;
  try {
    return new Intl.NumberFormat(locale(), { style: "currency", currency }).format(value);
  } catch {
    return `${value.toFixed(2)} ${currency}`;
  }
}

/** An attribute or claim value as text. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "string" || typeof value === "number") return String(value);
  return JSON.stringify(value);
}

/** "user:01J…" → "an agent"; "system:identify" → "automatic (identify)". */
export function describeActor(actor: string, userName: (id: string) => string | undefined): string {
  const [kind, rest = ""] = actor.split(":", 2);
  if (kind === "user") return userName(rest) ?? "an agent";
  if (kind === "system") return `automatic (${rest})`;
  return actor;
}

const MOVED_NAMES: Record<string, [string, string]> = {
  identities: ["identity", "identities"],
  timeline: ["timeline entry", "timeline entries"],
  orders: ["order", "orders"],
  conversations: ["conversation", "conversations"],
  attributes: ["attribute", "attributes"],
  tickets: ["ticket", "tickets"],
  verified: ["identity verified", "identities verified"],
};

/** "1 identity", "3 timeline entries": what a merge moved, from the audit's `moved` keys. */
export function movedLabel(what: string, count: number): string {
  const [one, many] = MOVED_NAMES[what] ?? [what.replace(/_/g, " "), what.replace(/_/g, " ")];
  return `${count} ${count === 1 ? one : many}`;
}
