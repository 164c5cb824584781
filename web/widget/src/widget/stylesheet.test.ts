import { afterEach, describe, expect, it, vi } from "vitest";
import { adoptStyles } from "./stylesheet";
import css from "./styles.css?inline";
import { ChatView } from "./view";

const CSS = ".launcher { position: fixed; }";

/** Records what the widget hands to a constructable stylesheet. */
class FakeSheet {
  static made: FakeSheet[] = [];
  text: string | null = null;
  constructor() {
    FakeSheet.made.push(this);
  }
  replaceSync(text: string): void {
    this.text = text;
  }
}

function shadowRoot(withAdopted: boolean): ShadowRoot {
  const root = document.createElement("div").attachShadow({ mode: "open" });
  // jsdom has no adoptedStyleSheets; a browser with constructable stylesheets does.
  if (withAdopted) Object.defineProperty(root, "adoptedStyleSheets", { value: [], writable: true });
  return root;
}

afterEach(() => {
  vi.unstubAllGlobals();
  FakeSheet.made = [];
  document.getElementById("hovor-root")?.remove();
});

describe("adoptStyles", () => {
  it("adopts a constructed stylesheet and adds no <style> element when the browser can", () => {
    vi.stubGlobal("CSSStyleSheet", FakeSheet);
    const root = shadowRoot(true);
    const existing = new FakeSheet();
    root.adoptedStyleSheets = [existing as unknown as CSSStyleSheet];

    expect(adoptStyles(root, CSS)).toBe("adopted");

    expect(root.querySelector("style")).toBeNull();
    expect(root.adoptedStyleSheets).toHaveLength(2);
    expect(root.adoptedStyleSheets[0]).toBe(existing); // kept, not replaced
    const sheet = root.adoptedStyleSheets[1] as unknown as FakeSheet;
    expect(sheet).toBeInstanceOf(FakeSheet);
    expect(sheet.text).toBe(CSS);
  });

  it("falls back to a <style> element without adoptedStyleSheets", () => {
    vi.stubGlobal("CSSStyleSheet", FakeSheet);
    const root = shadowRoot(false);
    root.append(document.createElement("div"));

    expect(adoptStyles(root, CSS)).toBe("element");

    const style = root.firstChild as HTMLStyleElement;
    expect(style.tagName).toBe("STYLE");
    expect(style.textContent).toBe(CSS);
    expect(FakeSheet.made).toHaveLength(0);
  });

  it("falls back when CSSStyleSheet has no replaceSync", () => {
    vi.stubGlobal("CSSStyleSheet", class {});
    const root = shadowRoot(true);

    expect(adoptStyles(root, CSS)).toBe("element");
    expect(root.querySelector("style")?.textContent).toBe(CSS);
    expect(root.adoptedStyleSheets).toHaveLength(0);
  });

  it("falls back when CSSStyleSheet is missing altogether", () => {
    vi.stubGlobal("CSSStyleSheet", undefined);
    const root = shadowRoot(true);

    expect(adoptStyles(root, CSS)).toBe("element");
    expect(root.querySelector("style")?.textContent).toBe(CSS);
  });

  it("falls back when CSSStyleSheet cannot be constructed", () => {
    vi.stubGlobal(
      "CSSStyleSheet",
      class extends FakeSheet {
        constructor() {
          super();
          throw new TypeError("Illegal constructor");
        }
      },
    );
    const root = shadowRoot(true);

    expect(adoptStyles(root, CSS)).toBe("element");
    expect(root.querySelector("style")?.textContent).toBe(CSS);
    expect(root.adoptedStyleSheets).toHaveLength(0);
  });
});

describe("ChatView styles", () => {
  const settings = { title: "Demo Shop", greeting: "", color: "#0f766e" };
  const handlers = { onOpen() {}, onClose() {}, onSend() {}, onInput() {}, onScrollTop() {} };

  it("adopts its stylesheet and sets the site color through the CSSOM", () => {
    vi.stubGlobal("CSSStyleSheet", FakeSheet);
    const attach = HTMLElement.prototype.attachShadow;
    const spy = vi.spyOn(HTMLElement.prototype, "attachShadow").mockImplementation(function (this: HTMLElement, init) {
      const root = attach.call(this, init);
      Object.defineProperty(root, "adoptedStyleSheets", { value: [], writable: true });
      return root;
    });
    try {
      const view = new ChatView(settings, handlers);
      const root = view.host.shadowRoot!;
      expect(root.querySelector("style")).toBeNull();
      expect(root.adoptedStyleSheets).toHaveLength(1);
      expect((root.adoptedStyleSheets[0] as unknown as FakeSheet).text).toBe(css);
      const wrapper = root.querySelector<HTMLElement>(".hv")!;
      expect(wrapper.style.getPropertyValue("--hv-color")).toBe("#0f766e");
    } finally {
      spy.mockRestore();
    }
  });

  it("uses a <style> element where constructable stylesheets are missing (as in jsdom)", () => {
    const view = new ChatView(settings, handlers);
    const style = view.host.shadowRoot!.querySelector("style");
    expect(style?.textContent).toBe(css);
  });
});
