/**
 * The desktop's language: English or Czech, chosen by the agent (the language
 * menu in the top bar, remembered in localStorage) and otherwise the browser's
 * (cs* is Czech, anything else English). Texts come from two typed
 * dictionaries (en.ts, cs.ts; the compiler and i18n.test.ts keep them in step);
 * dates and numbers from Intl in the same language.
 *
 * A plain module rather than a library: two languages, flat keys, `{name}`
 * placeholders and plural forms from Intl.PluralRules are all the desktop needs.
 * `t` reads the current language, so any function can call it; the app
 * re-renders its whole tree when the language changes (App keys it on `lang`).
 */
import { useSyncExternalStore } from "react";
import { cs } from "./cs";
import { en, type Key } from "./en";

export type Lang = "en" | "cs";
export const LANGS: readonly Lang[] = ["en", "cs"];
export const LANG_NAMES: Record<Lang, string> = { en: "English", cs: "Čeština" };
export type { Key };

const DICTIONARIES: Record<Lang, Record<Key, string>> = { en, cs };
const STORAGE_KEY = "hovor.lang";

/** The browser's language as the desktop speaks it: cs* → Czech, anything else English. */
export function browserLang(languages: readonly string[] = navigator.languages ?? [navigator.language]): Lang {
  const first = (languages[0] ?? "").toLowerCase();
  return first.startsWith("cs") ? "cs" : "en";
}

function stored(): Lang | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === "en" || value === "cs" ? value : null;
  } catch {
    return null;
  }
}

let current: Lang = typeof window === "undefined" ? "en" : (stored() ?? browserLang());
const listeners = new Set<() => void>();

export function getLang(): Lang {
  return current;
}

/** Switches the desktop's language and remembers the agent's choice. */
export function setLang(lang: Lang): void {
  current = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    /* private mode: the choice lasts until the page is reloaded */
  }
  document.documentElement.lang = lang;
  for (const listener of listeners) listener();
}

/** The current language, re-rendering the component when it changes. */
export function useLang(): Lang {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getLang,
    getLang,
  );
}

/**
 * The locale Intl formats with: Czech in Czech; in English the browser's own
 * English (en-US, en-GB…) so an English desktop reads as it always has.
 */
export function locale(lang: Lang = current): string | undefined {
  if (lang === "cs") return "cs-CZ";
  const browser = typeof navigator === "undefined" ? "" : navigator.language;
  return browser.toLowerCase().startsWith("en") ? undefined : "en";
}

export type Vars = Record<string, string | number>;

function fill(text: string, vars: Vars | undefined): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? (typeof vars[name] === "number" ? new Intl.NumberFormat(locale()).format(vars[name]) : String(vars[name])) : whole,
  );
}

/** The text of `key` in the current language, `{name}` replaced from `vars`. */
export function t(key: Key, vars?: Vars): string {
  return fill(DICTIONARIES[current][key] ?? en[key], vars);
}

/**
 * A counted text: `key` names the forms `key.one`, `key.few`, `key.other`…
 * (those the language uses, by Intl.PluralRules); `{count}` is `count`.
 */
export function tn(key: string, count: number, vars?: Vars): string {
  const dictionary = DICTIONARIES[current] as Record<string, string>;
  const form = new Intl.PluralRules(current).select(count);
  const text = dictionary[`${key}.${form}`] ?? dictionary[`${key}.other`] ?? (en as Record<string, string>)[`${key}.other`] ?? key;
  return fill(text, { count, ...vars });
}
