// The widget's DOM: a launcher button and a chat panel inside an open shadow
// root on `#hovor-root`. The view only draws; main.ts decides what to draw.
// Test ids (data-testid="hovor-...") are a contract with the browser tests.

import { MAX_BODY_LENGTH, type WidgetSettings } from "../protocol";
import type { ConnectionState } from "./connection";
import { formatMessageTime, plural, TEXTS, type Lang, type Texts } from "./i18n";
import type { DisplayMessage } from "./messages";
import { adoptStyles } from "./stylesheet";
import css from "./styles.css?inline";

export interface ViewHandlers {
  onOpen(): void;
  onClose(): void;
  onSend(body: string): void;
  onInput(): void;
  onScrollTop(): void;
  /** A card to draw instead of a system message's text (the rating card), or null. */
  card?(body: string): HTMLElement | null;
}

type Attrs = Record<string, string>;

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  el.append(...children);
  return el;
}

function icon(path: string): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("fill", "none");
  svg.setAttribute("stroke", "currentColor");
  svg.setAttribute("stroke-width", "2");
  svg.setAttribute("stroke-linecap", "round");
  svg.setAttribute("stroke-linejoin", "round");
  svg.setAttribute("aria-hidden", "true");
  const p = document.createElementNS(ns, "path");
  p.setAttribute("d", path);
  svg.append(p);
  return svg;
}

const ICON_CHAT = "M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z";
const ICON_CLOSE = "M6 6l12 12M18 6L6 18";
const ICON_SEND = "M4 12l16-8-6 16-2.5-6.5L4 12z";

/** Distance from the bottom under which new messages keep the log scrolled down. */
const STICK_PX = 80;

export class ChatView {
  readonly host: HTMLElement;
  private readonly root: ShadowRoot;
  private readonly wrapper: HTMLElement;
  private readonly launcher: HTMLButtonElement;
  private readonly launcherIcons: [SVGSVGElement, SVGSVGElement];
  private badge: HTMLElement | null = null;
  private readonly panel: HTMLElement;
  private readonly status: HTMLElement;
  private readonly log: HTMLElement;
  private readonly older: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly typing: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly input: HTMLTextAreaElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly rendered = new Map<string, HTMLLIElement>();
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;
  private open = false;
  private unread = 0;
  private readonly t: Texts;

  constructor(
    settings: WidgetSettings,
    private readonly handlers: ViewHandlers,
    private readonly lang: Lang = "en",
  ) {
    const t = (this.t = TEXTS[lang]);
    // The server's defaults are English; a title or greeting the site set is its own text.
    const title = settings.title === TEXTS.en.title ? t.title : settings.title;
    const greeting = settings.greeting === TEXTS.en.greeting ? t.greeting : settings.greeting;
    this.host = h("div", { id: "hovor-root" });
    this.root = this.host.attachShadow({ mode: "open" });

    const closeButton = h(
      "button",
      { type: "button", class: "close", "data-testid": "hovor-close", "aria-label": t.close },
      icon(ICON_CLOSE),
    );
    this.status = h("p", { class: "status" }, t.connecting);
    const head = h(
      "header",
      { class: "head" },
      h("div", { class: "head-text" }, h("h2", { class: "title", id: "hovor-title" }, title), this.status),
      closeButton,
    );

    this.older = h("p", { class: "older", hidden: "" }, t.older);
    this.list = h("ol", { class: "messages" });
    this.log = h("div", { class: "log", role: "log", "aria-live": "polite", tabindex: "0" });
    if (greeting) {
      this.log.append(h("p", { class: "greeting", "data-testid": "hovor-greeting" }, greeting));
    }
    this.log.append(this.older, this.list);

    this.typing = h("div", { class: "typing", "data-testid": "hovor-typing", "aria-live": "polite", hidden: "" });
    this.notice = h("p", { class: "notice", role: "status", "data-testid": "hovor-notice", hidden: "" });

    this.input = h("textarea", {
      class: "input",
      "data-testid": "hovor-input",
      "aria-label": t.message,
      placeholder: t.placeholder,
      rows: "1",
      maxlength: String(MAX_BODY_LENGTH),
    });
    this.sendButton = h(
      "button",
      { type: "submit", class: "send", "data-testid": "hovor-send", "aria-label": t.send },
      icon(ICON_SEND),
    );
    const composer = h("form", { class: "composer" }, this.input, this.sendButton);

    this.panel = h(
      "section",
      {
        class: "panel",
        id: "hovor-panel",
        role: "dialog",
        "aria-modal": "false",
        "aria-labelledby": "hovor-title",
        "data-testid": "hovor-panel",
        hidden: "",
      },
      head,
      this.log,
      this.typing,
      this.notice,
      composer,
    );

    this.launcherIcons = [icon(ICON_CHAT), icon(ICON_CLOSE)];
    this.launcherIcons[1].style.display = "none";
    this.launcher = h(
      "button",
      {
        type: "button",
        class: "launcher",
        "data-testid": "hovor-launcher",
        "aria-label": t.open,
        "aria-expanded": "false",
        "aria-controls": "hovor-panel",
      },
      ...this.launcherIcons,
    );

    this.wrapper = h("div", { class: "hv" }, this.panel, this.launcher);
    // Styles and the site color go through the CSSOM (adoptStyles, style.setProperty),
    // which a strict Content-Security-Policy allows; never set a `style` attribute.
    this.wrapper.style.setProperty("--hv-color", settings.color);
    adoptStyles(this.root, css);
    this.root.append(this.wrapper);

    this.launcher.addEventListener("click", () => (this.open ? handlers.onClose() : handlers.onOpen()));
    closeButton.addEventListener("click", () => handlers.onClose());
    this.panel.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") {
        ev.preventDefault();
        handlers.onClose();
      }
    });
    composer.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.submit();
    });
    this.input.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener("input", () => {
      this.autosize();
      handlers.onInput();
    });
    this.log.addEventListener("scroll", () => {
      if (this.log.scrollTop < 40) handlers.onScrollTop();
    });
  }

  mount(): void {
    document.body.append(this.host);
  }

  setOpen(open: boolean, focus = true): void {
    this.open = open;
    this.panel.hidden = !open;
    this.wrapper.classList.toggle("open", open);
    this.launcherIcons[0].style.display = open ? "none" : "";
    this.launcherIcons[1].style.display = open ? "" : "none";
    this.launcher.setAttribute("aria-expanded", String(open));
    this.labelLauncher();
    if (open) {
      this.scrollToBottom();
      if (focus) this.input.focus();
    } else if (focus && this.root.activeElement) {
      this.launcher.focus();
    }
  }

  setStatus(state: ConnectionState): void {
    this.status.textContent = this.t[state];
  }

  /** The badge exists only while count > 0. */
  setUnread(count: number): void {
    this.unread = Math.max(0, count);
    if (this.unread === 0) {
      this.badge?.remove();
      this.badge = null;
    } else {
      if (!this.badge) {
        this.badge = h("span", { class: "badge", "data-testid": "hovor-unread", "aria-hidden": "true" });
        this.launcher.append(this.badge);
      }
      this.badge.textContent = String(this.unread);
    }
    this.labelLauncher();
  }

  private labelLauncher(): void {
    const t = this.t;
    const label = this.open ? t.close : this.unread ? `${t.open}, ${plural(this.lang, this.unread, t.unread)}` : t.open;
    this.launcher.setAttribute("aria-label", label);
  }

  setTyping(name: string | null): void {
    this.typing.hidden = name === null;
    this.typing.textContent = name === null ? "" : this.t.typing.replace("#", name);
  }

  showNotice(text: string, ms = 6000): void {
    this.notice.textContent = text;
    this.notice.hidden = false;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => (this.notice.hidden = true), ms);
  }

  setLoadingOlder(loading: boolean): void {
    this.older.hidden = !loading;
  }

  /**
   * Draw the conversation, reusing elements by key. `prepended` keeps the
   * reader's position when older history is inserted above.
   */
  renderMessages(items: readonly DisplayMessage[], opts: { prepended?: boolean; forceBottom?: boolean } = {}): void {
    const log = this.log;
    const nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < STICK_PX;
    const heightBefore = log.scrollHeight;
    const topBefore = log.scrollTop;

    const keep = new Set<string>();
    let previous: DisplayMessage | undefined;
    items.forEach((item, index) => {
      keep.add(item.key);
      const showName =
        item.author === "agent" && (previous?.author !== "agent" || previous.authorName !== item.authorName);
      let el = this.rendered.get(item.key);
      if (!el) {
        el = h("li", { class: "msg", "data-testid": "hovor-message" });
        this.rendered.set(item.key, el);
      }
      this.fill(el, item, showName);
      if (this.list.children[index] !== el) this.list.insertBefore(el, this.list.children[index] ?? null);
      previous = item;
    });
    for (const [key, el] of this.rendered) {
      if (!keep.has(key)) {
        el.remove();
        this.rendered.delete(key);
      }
    }

    if (opts.prepended) log.scrollTop = topBefore + (log.scrollHeight - heightBefore);
    else if (opts.forceBottom || nearBottom) this.scrollToBottom();
  }

  private fill(el: HTMLLIElement, item: DisplayMessage, showName: boolean): void {
    const signature = `${item.status}|${showName ? "n" : ""}|${item.body}`;
    if (el.dataset.sig === signature) return;
    el.dataset.sig = signature;
    el.dataset.author = item.author;
    el.dataset.status = item.status;
    el.replaceChildren();
    if (showName && item.authorName) el.append(h("span", { class: "who" }, item.authorName));
    const card = item.author === "system" ? this.handlers.card?.(item.body) : null;
    el.append(card ?? h("div", { class: "bubble" }, item.body));
    const meta =
      item.status === "sending"
        ? this.t.sending
        : item.status === "failed"
          ? `${this.t.notSent}${item.error ? `: ${item.error}` : ""}`
          : formatMessageTime(this.lang, item.createdAt);
    if (meta && item.author !== "system") el.append(h("span", { class: "meta" }, meta));
  }

  private submit(): void {
    const body = this.input.value;
    if (!body.trim()) return;
    this.input.value = "";
    this.autosize();
    this.handlers.onSend(body);
  }

  private autosize(): void {
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(this.input.scrollHeight + 2, 120)}px`;
  }

  private scrollToBottom(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }
}
