// The widget's own words in Czech, Slovak and English (docs/widget-embedding.md,
// "Language"). The language is the snippet's `data-lang`, else the page's
// <html lang>, else the browser's, else English. Plural forms come from
// Intl.PluralRules and times from Intl, so the dictionaries hold only words:
// keep them that small (widget.js has a size budget).

export type Lang = "cs" | "sk" | "en";

/** One text per plural category the language uses; `#` is the count. */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

export interface Texts {
  /** Shown instead of the server's default title and greeting (a site's own text is kept). */
  title: string;
  greeting: string;
  connecting: string;
  online: string;
  offline: string;
  refused: string;
  unavailable: string;
  open: string;
  close: string;
  unread: PluralForms;
  older: string;
  message: string;
  placeholder: string;
  send: string;
  /** `#` is the agent's name. */
  typing: string;
  agent: string;
  sending: string;
  notSent: string;
  rateLimited: string;
  tooLarge: string;
  offer: string;
  accept: string;
  decline: string;
  phone: string;
  badPhone: string;
  when: string;
  asap: string;
}

const en: Texts = {
  title: "Chat with us",
  greeting: "Hi! How can we help?",
  connecting: "Connecting…",
  online: "We typically reply in a few minutes",
  offline: "Reconnecting…",
  refused: "Chat is not available on this site",
  unavailable: "Chat is not available right now.",
  open: "Open chat",
  close: "Close chat",
  unread: { one: "# unread message", other: "# unread messages" },
  older: "Loading earlier messages…",
  message: "Message",
  placeholder: "Write a message…",
  send: "Send message",
  typing: "# is typing…",
  agent: "Agent",
  sending: "Sending…",
  notSent: "Not sent",
  rateLimited: "You are sending messages too quickly.",
  tooLarge: "That message is too long.",
  offer: "Offer",
  accept: "Accept",
  decline: "No thanks",
  phone: "Your phone number",
  badPhone: "Please enter a valid phone number.",
  when: "When should we call?",
  asap: "As soon as possible",
};

const cs: Texts = {
  title: "Napište nám",
  greeting: "Dobrý den! Jak vám můžeme pomoci?",
  connecting: "Připojuji…",
  online: "Obvykle odpovídáme do několika minut",
  offline: "Obnovuji spojení…",
  refused: "Chat na tomto webu není k dispozici",
  unavailable: "Chat teď není k dispozici.",
  open: "Otevřít chat",
  close: "Zavřít chat",
  unread: {
    one: "# nepřečtená zpráva",
    few: "# nepřečtené zprávy",
    many: "# nepřečtené zprávy",
    other: "# nepřečtených zpráv",
  },
  older: "Načítám starší zprávy…",
  message: "Zpráva",
  placeholder: "Napište zprávu…",
  send: "Odeslat zprávu",
  typing: "# píše…",
  agent: "Operátor",
  sending: "Odesílám…",
  notSent: "Neodesláno",
  rateLimited: "Posíláte zprávy příliš rychle.",
  tooLarge: "Zpráva je příliš dlouhá.",
  offer: "Nabídka",
  accept: "Přijmout",
  decline: "Ne, děkuji",
  phone: "Vaše telefonní číslo",
  badPhone: "Zadejte prosím platné telefonní číslo.",
  when: "Kdy vám máme zavolat?",
  asap: "Co nejdříve",
};

const sk: Texts = {
  title: "Napíšte nám",
  greeting: "Dobrý deň! Ako vám môžeme pomôcť?",
  connecting: "Pripájam…",
  online: "Zvyčajne odpovedáme do niekoľkých minút",
  offline: "Obnovujem spojenie…",
  refused: "Chat na tejto stránke nie je k dispozícii",
  unavailable: "Chat teraz nie je k dispozícii.",
  open: "Otvoriť chat",
  close: "Zavrieť chat",
  unread: {
    one: "# neprečítaná správa",
    few: "# neprečítané správy",
    many: "# neprečítanej správy",
    other: "# neprečítaných správ",
  },
  older: "Načítavam staršie správy…",
  message: "Správa",
  placeholder: "Napíšte správu…",
  send: "Odoslať správu",
  typing: "# píše…",
  agent: "Operátor",
  sending: "Odosielam…",
  notSent: "Neodoslané",
  rateLimited: "Posielate správy príliš rýchlo.",
  tooLarge: "Správa je príliš dlhá.",
  offer: "Ponuka",
  accept: "Prijať",
  decline: "Nie, ďakujem",
  phone: "Vaše telefónne číslo",
  badPhone: "Zadajte, prosím, platné telefónne číslo.",
  when: "Kedy vám máme zavolať?",
  asap: "Čo najskôr",
};

export const TEXTS: Record<Lang, Texts> = { cs, sk, en };

/**
 * The first candidate whose primary language the widget speaks ("cs-CZ" is
 * Czech, "SK" Slovak); English when none does. Empty or missing ones are skipped.
 */
export function pickLang(...candidates: readonly (string | null | undefined)[]): Lang {
  for (const tag of candidates) {
    const primary = (tag ?? "").trim().toLowerCase().split(/[-_]/)[0] ?? "";
    if (primary in TEXTS) return primary as Lang;
  }
  return "en";
}

/** The language of this page: the snippet's choice, the page's, the browser's. */
export function pageLang(chosen: string | undefined): Lang {
  return pickLang(chosen, document.documentElement.lang, ...(navigator.languages ?? []), navigator.language);
}

/** `forms` for the count `n` by the language's plural rules, `#` replaced by `n`. */
export function plural(lang: Lang, n: number, forms: PluralForms): string {
  const text = forms[new Intl.PluralRules(lang).select(n)] ?? forms.other;
  return text.replace("#", new Intl.NumberFormat(lang).format(n));
}

/** A duration from now as the language says it: "in 30 minutes", "za 30 minut", "o 1 hodinu". */
export function inTime(lang: Lang, amount: number, unit: "minute" | "hour"): string {
  const text = new Intl.RelativeTimeFormat(lang, { numeric: "always" }).format(amount, unit);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A message's time: the time of day for today's, with the date for older ones; "" if unreadable. */
export function formatMessageTime(lang: Lang, iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const today = date.toDateString() === now.toDateString();
  const options: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit" };
  if (!today) Object.assign(options, { day: "numeric", month: "numeric" });
  return new Intl.DateTimeFormat(lang, options).format(date);
}
