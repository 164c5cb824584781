// What the visitor sees of co-browsing: the consent prompts, the banner
// "an agent is viewing this page" with Stop, and the agent's highlights. All
// in one shadow root (#hovor-cobrowse), never recorded itself.

import { adoptStyles } from "../widget/stylesheet";
import type { CobrowseTexts } from "./texts";
import css from "./ui.css?inline";

const SPOT_MS = 3000;

export class CobrowseUi {
  readonly host: HTMLElement;
  private readonly root: ShadowRoot;
  private ask: HTMLElement | null = null;
  private bar: HTMLElement | null = null;

  constructor(private readonly t: CobrowseTexts) {
    this.host = document.createElement("div");
    this.host.id = "hovor-cobrowse";
    this.root = this.host.attachShadow({ mode: "open" });
    adoptStyles(this.root, css);
    document.body.appendChild(this.host);
  }

  /** A consent prompt; `answer` gets true for Allow. One prompt at a time. */
  askConsent(text: string, answer: (allowed: boolean) => void): void {
    this.clearAsk();
    const box = el("div", "ask", { role: "alertdialog", "aria-live": "assertive", "data-testid": "cobrowse-ask" });
    const p = el("p");
    p.textContent = text;
    const row = el("div", "row");
    const deny = button(this.t.deny, "cobrowse-deny");
    const allow = button(this.t.allow, "cobrowse-allow", "primary");
    deny.onclick = () => {
      this.clearAsk();
      answer(false);
    };
    allow.onclick = () => {
      this.clearAsk();
      answer(true);
    };
    row.append(deny, allow);
    box.append(p, row);
    this.root.append(box);
    this.ask = box;
    allow.focus();
  }

  clearAsk(): void {
    this.ask?.remove();
    this.ask = null;
  }

  banner(text: string, onStop: () => void): void {
    if (!this.bar) {
      this.bar = el("div", "bar", { role: "status", "data-testid": "cobrowse-banner" });
      this.root.append(this.bar);
    }
    const label = el("span", "", { "data-testid": "cobrowse-banner-text" });
    label.textContent = text;
    const stop = button(this.t.stop, "cobrowse-stop");
    stop.onclick = onStop;
    this.bar.replaceChildren(label, stop);
  }

  clearBanner(): void {
    this.bar?.remove();
    this.bar = null;
  }

  notice(text: string, ms = 5000): void {
    const note = el("div", "note", { role: "status", "data-testid": "cobrowse-notice" });
    note.textContent = text;
    this.root.append(note);
    setTimeout(() => note.remove(), ms);
  }

  /** The agent points at an element (its box outlined) or at a point of the page. */
  spot(target: Element | null, pageX: number, pageY: number): void {
    const spot = el("div", "spot", { "data-testid": "cobrowse-spot" });
    if (target) {
      const r = target.getBoundingClientRect();
      if (r.bottom < 0 || r.top > innerHeight) target.scrollIntoView({ block: "center" });
      const box = target.getBoundingClientRect();
      Object.assign(spot.style, { left: `${box.left - 4}px`, top: `${box.top - 4}px`, width: `${box.width + 8}px`, height: `${box.height + 8}px` });
    } else {
      spot.classList.add("dot");
      Object.assign(spot.style, { left: `${pageX - scrollX - 9}px`, top: `${pageY - scrollY - 9}px` });
    }
    this.root.append(spot);
    setTimeout(() => spot.remove(), SPOT_MS);
  }

  remove(): void {
    this.host.remove();
  }
}

function el(tag: string, cls = "", attrs: Record<string, string> = {}): HTMLElement {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

function button(text: string, testId: string, cls = ""): HTMLButtonElement {
  const b = el("button", cls, { type: "button", "data-testid": testId }) as HTMLButtonElement;
  b.textContent = text;
  return b;
}
