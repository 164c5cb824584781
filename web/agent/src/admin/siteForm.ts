/**
 * The site-key form's values and the request bodies made from them, shared by
 * "Add a website" (POST /v1/site-keys) and a site's "Edit" (PATCH
 * /v1/site-keys/{id}), so both send the same shape and place the server's
 * field errors the same way.
 */
import { formErrors, type FormErrors } from "../ui/formErrors";
import { isTexts, textsOf, textsToSend, type Texts } from "../ui/texts";
import { parseOrigins } from "./origins";
import type { SiteKeyIn, SiteKeyOut } from "./queries";

export const SITE_FIELDS = [
  "name",
  "allowed_origins",
  "widget_settings.title",
  "widget_settings.greeting",
  "widget_settings.color",
  "widget_settings",
] as const;
export type SiteField = (typeof SITE_FIELDS)[number];

/** The server's defaults (auth/schemas.py WidgetSettings), shown when a key has none. */
export const DEFAULT_WIDGET = { title: "Chat with us", greeting: "Hi! How can we help?", color: "#4f46e5" };

export interface SiteFormValues {
  name: string;
  /** The allowed origins, one per line. */
  origins: string;
  title: string;
  /** One greeting, or one per language ({"cs": "…", "en": "…"}): each visitor reads theirs. */
  greeting: Texts;
  color: string;
  requireConsent: boolean;
}

export const EMPTY_SITE_FORM: SiteFormValues = { name: "", origins: "", requireConsent: false, ...DEFAULT_WIDGET };

/** A stored widget setting, or its default. */
export function widgetSetting(siteKey: SiteKeyOut, name: keyof typeof DEFAULT_WIDGET): string {
  const value = siteKey.widget_settings[name];
  return typeof value === "string" ? value : DEFAULT_WIDGET[name];
}

/** The edit form of an existing key: what it has now. */
export function siteFormOf(siteKey: SiteKeyOut): SiteFormValues {
  return {
    name: siteKey.name,
    origins: siteKey.allowed_origins.join("\n"),
    title: widgetSetting(siteKey, "title"),
    greeting: isTexts(siteKey.widget_settings.greeting) ? textsOf(siteKey.widget_settings.greeting) : DEFAULT_WIDGET.greeting,
    color: widgetSetting(siteKey, "color"),
    requireConsent: siteKey.widget_settings.require_consent === true,
  };
}

/**
 * The body for both POST and PATCH. Every widget setting is sent: the server
 * fills missing ones with defaults, so leaving one out of a PATCH would reset
 * it (require_consent among them). An emptied title or greeting means the default.
 */
export function siteKeyBody(form: SiteFormValues): SiteKeyIn {
  return {
    name: form.name.trim(),
    allowed_origins: parseOrigins(form.origins),
    widget_settings: {
      title: form.title.trim() || DEFAULT_WIDGET.title,
      greeting: greetingToSend(form.greeting),
      color: form.color,
      require_consent: form.requireConsent,
    },
  };
}

/** The server's refusal placed on the form; a bad origin is named by the line it came from. */
export function siteFormErrors(error: unknown, sent: SiteKeyIn): FormErrors<SiteField> {
  const origins = sent.allowed_origins;
  return formErrors(error, SITE_FIELDS, {
    entryLabel: (field, i) => (field === "allowed_origins" && origins[i] ? origins[i] : `Entry ${i + 1}`),
  });
}

/** An emptied greeting (or one with every language empty) means the default. */
function greetingToSend(greeting: Texts): Texts {
  const texts = textsToSend(typeof greeting === "string" ? greeting.trim() : greeting);
  return texts === "" ? DEFAULT_WIDGET.greeting : texts;
}
