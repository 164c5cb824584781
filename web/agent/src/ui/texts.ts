/**
 * A text a visitor reads (an offer's text, the widget's greeting) is one
 * string, or one per language: {"cs": "…", "sk": "…", "en": "…"}. The server
 * picks the visitor's (docs/engagement.md, "Texts in several languages").
 */

export type Texts = string | Record<string, string>;

/** The languages offered first when a manager writes a text per language. */
export const TEXT_LANGUAGES = ["cs", "sk", "en"] as const;

export function isTexts(value: unknown): value is Texts {
  return (
    typeof value === "string" ||
    (typeof value === "object" &&
      value !== null &&
      !Array.isArray(value) &&
      Object.values(value).every((v) => typeof v === "string"))
  );
}

/** A stored value as the form edits it ("" when there is none). */
export function textsOf(value: unknown): Texts {
  if (value === null || value === undefined) return "";
  return isTexts(value) ? (typeof value === "string" ? value : { ...value }) : String(value);
}

/** One text split into languages: the current text under `first`, the other usual languages empty. */
export function perLanguage(text: string, first: string = "en"): Record<string, string> {
  const out: Record<string, string> = { [first]: text };
  for (const lang of TEXT_LANGUAGES) if (!(lang in out)) out[lang] = "";
  return out;
}

/** The next usual language not written yet, else "". */
export function nextLanguage(texts: Record<string, string>): string {
  return TEXT_LANGUAGES.find((lang) => !(lang in texts)) ?? "";
}

/** What is sent: empty languages left out; a text with every language empty is "". */
export function textsToSend(texts: Texts): Texts {
  if (typeof texts === "string") return texts;
  const kept = Object.entries(texts).filter(([lang, text]) => lang.trim() !== "" && text.trim() !== "");
  return kept.length === 0 ? "" : Object.fromEntries(kept.map(([lang, text]) => [lang.trim(), text]));
}

/** The text a list shows: the one string, or the languages' texts joined. */
export function textsSummary(texts: Texts): string {
  if (typeof texts === "string") return texts;
  return Object.entries(texts)
    .filter(([, text]) => text.trim() !== "")
    .map(([lang, text]) => `${lang}: ${text}`)
    .join(" · ");
}
