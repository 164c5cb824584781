/**
 * WhatsApp's 24-hour customer-service window as the composer shows it, and the
 * template picker's pure parts (placeholders, preview, readiness). The server
 * decides (GET /v1/conversations/{id}/whatsapp); the desktop counts down to
 * its `closes_at` so the composer flips the moment the window closes.
 */
import type { Schemas } from "../api/client";
import { t } from "../i18n/i18n";
import { countdown } from "./callbackDue";

export type WhatsAppWindowOut = Schemas["WhatsAppWindowOut"];
export type WhatsAppTemplateOut = Schemas["WhatsAppTemplateOut"];

const SOON_MS = 60 * 60_000; // the last hour is shown in amber

export interface WindowState {
  /** Free text may be sent now. */
  open: boolean;
  /** The chip above the text box ("4h 05m left to reply") or the notice's sentence. */
  text: string;
  tone: "open" | "soon" | "closed";
}

/** Where the window stands at `now`, from the server's answer. */
export function windowState(window: Pick<WhatsAppWindowOut, "closes_at" | "last_customer_message_at">, now: number): WindowState {
  const closes = window.closes_at === null ? Number.NaN : Date.parse(window.closes_at);
  if (Number.isNaN(closes)) {
    return { open: false, tone: "closed", text: t("wa.closedNever") };
  }
  const left = closes - now;
  if (left <= 0) {
    return { open: false, tone: "closed", text: t("wa.closedLate") };
  }
  return { open: true, tone: left <= SOON_MS ? "soon" : "open", text: t("wa.windowLeft", { left: countdown(left) }) };
}

const PLACEHOLDER = /\{\{\s*(\d+)\s*\}\}/g;

/** The body with each {{n}} replaced by its value; an empty value keeps its {{n}}. */
export function previewTemplate(body: string, values: readonly string[]): string {
  return body.replace(PLACEHOLDER, (whole, n: string) => {
    const value = values[Number(n) - 1]?.trim();
    return value ? value : whole;
  });
}

/** Why the template cannot be sent yet, or null when every parameter is filled in acceptably. */
export function templateProblem(template: Pick<WhatsAppTemplateOut, "parameters">, values: readonly string[]): string | null {
  for (let i = 0; i < template.parameters; i++) {
    const value = (values[i] ?? "").trim();
    const param = `{{${i + 1}}}`;
    if (!value) return t("wa.fillIn", { param });
    if (/[\n\t]| {4}/.test(value)) return t("wa.paramWhitespace", { param });
    if (value.length > 1024) return t("wa.paramLong", { param });
  }
  return null;
}

/** A stable key for a template in a <select>: its name and language. */
export function templateKey(template: Pick<WhatsAppTemplateOut, "name" | "language">): string {
  return `${template.name}\u0000${template.language}`;
}
