// The rating card: a closed conversation's system message carrying a rating
// link (`<origin>/csat/<token>`, docs/self-service.md) is drawn as 1-5 buttons
// and a comment box that post to `/v1/widget/csat/<token>` instead of a link.

import type { Lang } from "./i18n";

const WORDS = {
  cs: ["Jak jsme vám pomohli?", "Komentář (nepovinný)", "Odeslat", "Děkujeme za hodnocení", "Hodnocení se nepodařilo odeslat"],
  sk: ["Ako sme vám pomohli?", "Komentár (nepovinný)", "Odoslať", "Ďakujeme za hodnotenie", "Hodnotenie sa nepodarilo odoslať"],
  en: ["How did we do?", "Comment (optional)", "Send", "Thank you for your rating", "Could not send the rating"],
} as const;

/** The token of a rating link to this server at the end of `body`, if any. */
export function csatToken(body: string, origin: string): string | null {
  const at = body.lastIndexOf(`${origin}/csat/`);
  if (at < 0) return null;
  const token = body.slice(at + origin.length + 6);
  return /^[\w-]+\.[\w-]+$/.test(token) ? token : null;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string>, ...kids: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...kids);
  return e;
}

/** The card for `token`; asks the server first whether it was already used. */
export function csatCard(token: string, origin: string, lang: Lang): HTMLElement {
  const [ask, commentLabel, send, thanks, failed] = WORDS[lang];
  const url = `${origin}/v1/widget/csat/${token}`;
  const card = el("div", { class: "csat", "data-testid": "hovor-csat" });
  const done = (score: number): void => {
    card.replaceChildren(el("p", { class: "csat-done", "data-testid": "hovor-csat-done" }, `${thanks} (${score}/5)`));
  };
  let score = 0;
  const buttons = [1, 2, 3, 4, 5].map((n) => {
    const b = el("button", { type: "button", class: "csat-score", "aria-pressed": "false", "data-score": String(n) }, String(n));
    b.onclick = () => {
      score = n;
      for (const other of buttons) other.setAttribute("aria-pressed", String(other === b));
      submit.disabled = false;
    };
    return b;
  });
  const comment = el("textarea", { class: "csat-comment", rows: "2", maxlength: "2000", "aria-label": commentLabel, placeholder: commentLabel });
  const error = el("p", { class: "csat-error", role: "alert" });
  const submit = el("button", { type: "button", class: "csat-send", "data-testid": "hovor-csat-send" }, send);
  submit.disabled = true;
  submit.onclick = () => {
    submit.disabled = true;
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ score, comment: comment.value }),
      credentials: "omit",
    })
      .then((r) => (r.ok || r.status === 409 ? done(score) : Promise.reject(new Error(String(r.status)))))
      .catch(() => {
        error.textContent = failed;
        submit.disabled = false;
      });
  };
  card.append(el("p", { class: "csat-ask" }, ask), el("div", { class: "csat-scores", role: "group", "aria-label": ask }, ...buttons), comment, submit, error);
  fetch(url, { credentials: "omit" })
    .then((r) => (r.ok ? (r.json() as Promise<{ rated?: boolean; score?: number }>) : null))
    .then((state) => {
      if (state?.rated && state.score) done(state.score);
    })
    .catch(() => undefined); // the card stays; sending tells if the link is bad
  return card;
}
