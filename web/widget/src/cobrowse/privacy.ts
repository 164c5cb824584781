// What never leaves the visitor's browser (docs/cobrowse.md, "Privacy").
// Every input is masked (rrweb's maskAllInputs); a site may let the agent see a
// harmless field with `data-hovor-unmask`, but never a password, a card, a
// one-time code or anything named like them. Text inside `data-hovor-private`
// (or class `hovor-private`) is replaced by asterisks before it is sent;
// `data-hovor-block` (class `hovor-block`) elements are not serialized at all
// (the agent sees an empty box of the same size), nor is Hovor's own widget.

export const PRIVATE_SELECTOR = "[data-hovor-private], .hovor-private";
export const BLOCK_SELECTOR = "[data-hovor-block], .hovor-block, #hovor-root, #hovor-cobrowse";
const SENSITIVE_AUTOCOMPLETE = /^(cc-|current-password|new-password|one-time-code)/i;
const SENSITIVE_NAME = /card|cc-?num|cvc|cvv|iban|passw|heslo|pin\b|secret|ssn|rodne/i;

/** A field whose value is never shown, whatever the site marks. */
export function isSensitive(el: Element): boolean {
  const input = el as HTMLInputElement;
  if ((input.type ?? "").toLowerCase() === "password") return true;
  const auto = el.getAttribute("autocomplete") ?? "";
  if (SENSITIVE_AUTOCOMPLETE.test(auto.trim())) return true;
  const names = [el.getAttribute("name"), el.id, el.getAttribute("data-testid")].filter(Boolean).join(" ");
  return SENSITIVE_NAME.test(names);
}

export function maskInput(text: string, el: Element): string {
  if (!isSensitive(el) && el.closest("[data-hovor-unmask]")) return text;
  return "*".repeat(Math.min(text.length, 64));
}

export function maskText(text: string): string {
  return text.replace(/\S/g, "*");
}
