// A proactive offer (docs/tracker-protocol.md, "Offers"): a small card above
// the launcher with the offer's text and Accept / No thanks; a callback offer
// also asks for a phone number and an optional time. The card only draws and
// validates; main.ts sends offer.shown / offer.accepted / offer.declined.
// Test ids: hovor-offer, hovor-offer-text, hovor-offer-accept,
// hovor-offer-decline, hovor-offer-phone, hovor-offer-time.

import type { Offer } from "../protocol";
import { inTime, TEXTS, type Lang } from "./i18n";
import css from "./offer.css?inline";
import { adoptStyles } from "./stylesheet";

export interface OfferAnswer {
  phone?: string;
  preferred_time?: string;
}

export interface OfferHandlers {
  onAccept(offer: Offer, answer: OfferAnswer): void;
  onDecline(offer: Offer): void;
}

/** Digits, spaces and "+" (leading), 6–20 characters; returned without spaces, or null. */
export function normalizePhone(input: string): string | null {
  const text = input.trim();
  if (text.length < 6 || text.length > 20 || !/^\+?[0-9 ]+$/.test(text)) return null;
  const compact = text.replace(/ /g, "");
  return compact.replace("+", "").length >= 6 ? compact : null;
}

/** The time select's value ("" = as soon as possible, else minutes from now) as an ISO time. */
export function preferredTime(minutes: string, now: number = Date.now()): string | undefined {
  const n = Number(minutes);
  return minutes && n > 0 ? new Date(now + n * 60_000).toISOString() : undefined;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string>, text = ""): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

export class OfferCard {
  private card: HTMLElement | null = null;
  private current: Offer | null = null;
  private expiry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly container: HTMLElement,
    root: ShadowRoot,
    private readonly handlers: OfferHandlers,
    private readonly lang: Lang = "en",
  ) {
    adoptStyles(root, css);
  }

  get offer(): Offer | null {
    return this.current;
  }

  /** Show `offer` (replacing any other). Returns false when it has already expired. */
  show(offer: Offer, now: number = Date.now()): boolean {
    const left = offer.expires_at ? Date.parse(offer.expires_at) - now : Infinity;
    if (left <= 0) return false;
    this.hide();
    this.current = offer;
    if (Number.isFinite(left)) this.expiry = setTimeout(() => this.hide(), Math.min(left, 2 ** 31 - 1));
    const t = TEXTS[this.lang];

    const card = el("div", { class: "offer", role: "dialog", "aria-label": t.offer, "data-testid": "hovor-offer" });
    card.append(el("p", { class: "offer-text", "data-testid": "hovor-offer-text" }, offer.text));
    let phone: HTMLInputElement | null = null;
    let time: HTMLSelectElement | null = null;
    const error = el("p", { class: "offer-error", role: "alert", hidden: "" }, t.badPhone);
    if (offer.kind === "callback") {
      phone = el("input", {
        class: "offer-field",
        type: "tel",
        inputmode: "tel",
        autocomplete: "tel",
        placeholder: t.phone,
        "aria-label": t.phone,
        maxlength: "20",
        "data-testid": "hovor-offer-phone",
      });
      time = el("select", { class: "offer-field", "aria-label": t.when, "data-testid": "hovor-offer-time" });
      const choices: [string, string][] = [
        ["", t.asap],
        ["30", inTime(this.lang, 30, "minute")],
        ["60", inTime(this.lang, 1, "hour")],
      ];
      for (const [value, label] of choices) {
        time.append(el("option", { value }, label));
      }
      phone.addEventListener("input", () => {
        phone?.removeAttribute("aria-invalid");
        error.hidden = true;
      });
      card.append(phone, error, time);
    }
    const decline = el("button", { type: "button", class: "offer-decline", "data-testid": "hovor-offer-decline" }, t.decline);
    const accept = el("button", { type: "button", class: "offer-accept", "data-testid": "hovor-offer-accept" }, t.accept);
    const actions = el("div", { class: "offer-actions" });
    actions.append(decline, accept);
    card.append(actions);

    decline.addEventListener("click", () => {
      this.hide();
      this.handlers.onDecline(offer);
    });
    accept.addEventListener("click", () => {
      const answer: OfferAnswer = {};
      if (phone && time) {
        const number = normalizePhone(phone.value);
        if (!number) {
          phone.setAttribute("aria-invalid", "true");
          error.hidden = false;
          phone.focus();
          return;
        }
        answer.phone = number;
        const at = preferredTime(time.value);
        if (at) answer.preferred_time = at;
      }
      this.hide();
      this.handlers.onAccept(offer, answer);
    });

    this.card = card;
    this.container.append(card);
    return true;
  }

  hide(): void {
    clearTimeout(this.expiry);
    this.card?.remove();
    this.card = null;
    this.current = null;
  }
}
