/**
 * Amounts as the reader expects them, with Intl.NumberFormat: "189 Kč", "€189.00",
 * "189,00 €". The server writes offer texts and the note the same way
 * (hovor.orders.currencies.format_money).
 */
import { locale as desktopLocale } from "../i18n/i18n";

/** Prices in these are whole amounts in practice: no decimals unless the amount has some. */
const WHOLE_UNITS = new Set(["CZK", "HUF", "JPY", "KRW", "ISK", "CLP"]);

export function formatMoney(amount: number, currency: string | null | undefined, locale: string | null | undefined): string {
  const code = currency ? currency.toUpperCase() : null;
  const whole = Number.isInteger(Math.round(amount * 100) / 100);
  const digits = whole && (code === null || WHOLE_UNITS.has(code)) ? 0 : 2;
  const options: Intl.NumberFormatOptions = code
    ? { style: "currency", currency: code, minimumFractionDigits: digits, maximumFractionDigits: digits }
    : { minimumFractionDigits: digits, maximumFractionDigits: 2 };
  try {
    return new Intl.NumberFormat(locale ?? desktopLocale(), options).format(amount);
  } catch {
    // A locale or currency the browser does not know: the reader's own, the code as text.
    const number = new Intl.NumberFormat(desktopLocale(), { minimumFractionDigits: digits, maximumFractionDigits: 2 }).format(amount);
    return code ? `${number} ${code}` : number;
  }
}
