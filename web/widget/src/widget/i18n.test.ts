import { afterEach, describe, expect, it, vi } from "vitest";
import type { Offer } from "../protocol";
import { formatMessageTime, inTime, pageLang, pickLang, plural, TEXTS, type Lang } from "./i18n";
import { OfferCard } from "./offer";
import { ChatView } from "./view";

describe("pickLang", () => {
  it("takes the first candidate the widget speaks, by its primary language", () => {
    expect(pickLang("cs-CZ")).toBe("cs");
    expect(pickLang("SK")).toBe("sk");
    expect(pickLang("sk_SK", "cs")).toBe("sk");
    expect(pickLang("de-AT", "", undefined, null, "cs")).toBe("cs");
    expect(pickLang("en-GB", "cs")).toBe("en");
  });

  it("is English when nothing fits (not a prefix match: 'csb' is Kashubian)", () => {
    expect(pickLang()).toBe("en");
    expect(pickLang("de", "pl-PL", "csb")).toBe("en");
  });
});

describe("pageLang", () => {
  afterEach(() => {
    document.documentElement.lang = "";
    vi.restoreAllMocks();
  });

  it("prefers the snippet's data-lang, then the page's <html lang>, then the browser", () => {
    vi.spyOn(navigator, "languages", "get").mockReturnValue(["sk-SK", "en"]);
    document.documentElement.lang = "cs";
    expect(pageLang("en")).toBe("en");
    expect(pageLang(undefined)).toBe("cs");
    document.documentElement.lang = "";
    expect(pageLang(undefined)).toBe("sk");
    document.documentElement.lang = "de";
    expect(pageLang(undefined)).toBe("sk");
  });
});

describe("plural", () => {
  const unread = (lang: Lang, n: number) => plural(lang, n, TEXTS[lang].unread);

  it("uses the Czech forms for 1, 2–4 and 5 or more", () => {
    expect([1, 2, 4, 5, 11, 21, 22, 25].map((n) => unread("cs", n))).toEqual([
      "1 nepřečtená zpráva",
      "2 nepřečtené zprávy",
      "4 nepřečtené zprávy",
      "5 nepřečtených zpráv",
      "11 nepřečtených zpráv",
      "21 nepřečtených zpráv",
      "22 nepřečtených zpráv",
      "25 nepřečtených zpráv",
    ]);
  });

  it("uses the Slovak forms for 1, 2–4 and 5 or more", () => {
    expect([1, 3, 5].map((n) => unread("sk", n))).toEqual([
      "1 neprečítaná správa",
      "3 neprečítané správy",
      "5 neprečítaných správ",
    ]);
  });

  it("uses the English one and other", () => {
    expect([1, 2].map((n) => unread("en", n))).toEqual(["1 unread message", "2 unread messages"]);
  });

  it("has every plural category each language's rules produce", () => {
    for (const lang of Object.keys(TEXTS) as Lang[]) {
      for (const category of new Intl.PluralRules(lang).resolvedOptions().pluralCategories) {
        expect(TEXTS[lang].unread[category], `${lang} ${category}`).toBeDefined();
      }
    }
  });
});

describe("times", () => {
  it("says the callback choices with the language's plural forms", () => {
    expect(inTime("cs", 30, "minute")).toBe("Za 30 minut");
    expect(inTime("cs", 1, "hour")).toBe("Za 1 hodinu");
    expect(inTime("sk", 1, "hour")).toBe("O 1 hodinu");
    expect(inTime("en", 30, "minute")).toBe("In 30 minutes");
  });

  it("formats a message's time for the language; older messages with their date", () => {
    const now = new Date(2026, 10, 25, 15, 0);
    const earlier = new Date(2026, 10, 25, 9, 5).toISOString();
    const yesterday = new Date(2026, 10, 24, 14, 30).toISOString();
    expect(formatMessageTime("cs", earlier, now)).toBe("09:05");
    expect(formatMessageTime("en", earlier, now)).toMatch(/^09:05\s?AM$/);
    expect(formatMessageTime("cs", yesterday, now)).toBe("24. 11. 14:30");
    expect(formatMessageTime("cs", "not a date", now)).toBe("");
  });
});

describe("a Czech widget", () => {
  afterEach(() => {
    document.getElementById("hovor-root")?.remove();
    document.body.replaceChildren();
  });

  it("draws the chat in Czech, with the server's default texts replaced and a site's own kept", () => {
    const handlers = { onOpen: vi.fn(), onClose: vi.fn(), onSend: vi.fn(), onInput: vi.fn(), onScrollTop: vi.fn() };
    const view = new ChatView({ ...TEXTS.en, title: "Obchod U Nováků", color: "#4f46e5" }, handlers, "cs");
    view.mount();
    const root = view.host.shadowRoot as ShadowRoot;
    const byId = (id: string) => root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
    expect(root.querySelector("h2")?.textContent).toBe("Obchod U Nováků");
    expect(byId("hovor-greeting")?.textContent).toBe("Dobrý den! Jak vám můžeme pomoci?");
    expect(byId("hovor-input")?.getAttribute("placeholder")).toBe("Napište zprávu…");
    view.setUnread(3);
    expect(byId("hovor-launcher")?.getAttribute("aria-label")).toBe("Otevřít chat, 3 nepřečtené zprávy");
    view.setTyping("Jana");
    expect(byId("hovor-typing")?.textContent).toBe("Jana píše…");
  });

  it("asks for a callback in Czech", () => {
    const host = document.createElement("div");
    document.body.append(host);
    const root = host.attachShadow({ mode: "open" });
    const card = new OfferCard(
      root.appendChild(document.createElement("div")),
      root,
      { onAccept: vi.fn(), onDecline: vi.fn() },
      "cs",
    );
    const offer: Offer = { id: "of_1", kind: "callback", text: "Zavoláme vám?", expires_at: "2999-01-01T00:00:00Z" };
    expect(card.show(offer)).toBe(true);
    const byId = (id: string) => root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
    expect(byId("hovor-offer-accept")?.textContent).toBe("Přijmout");
    expect(byId("hovor-offer-decline")?.textContent).toBe("Ne, děkuji");
    expect(byId("hovor-offer-phone")?.getAttribute("placeholder")).toBe("Vaše telefonní číslo");
    const time = byId("hovor-offer-time") as HTMLSelectElement;
    expect(Array.from(time.options).map((o) => o.text)).toEqual(["Co nejdříve", "Za 30 minut", "Za 1 hodinu"]);
  });
});
