import { describe, expect, it } from "vitest";
import { isSensitive, maskInput, maskText } from "./privacy";

function field(html: string): Element {
  document.body.innerHTML = html;
  return document.querySelector("input") as Element;
}

describe("masking", () => {
  it("masks every input unless the site unmasks a harmless one", () => {
    expect(maskInput("Praha", field('<input id="city">'))).toBe("*****");
    expect(maskInput("Praha", field('<div data-hovor-unmask><input id="city"></div>'))).toBe("Praha");
  });

  it("never unmasks passwords, cards or one-time codes", () => {
    for (const html of [
      '<input type="password" data-hovor-unmask>',
      '<input autocomplete="cc-number" data-hovor-unmask>',
      '<input name="cislo-karty-card" data-hovor-unmask>',
      '<input id="cvc" data-hovor-unmask>',
      '<input autocomplete="one-time-code" data-hovor-unmask>',
    ]) {
      const el = field(html);
      expect(isSensitive(el)).toBe(true);
      expect(maskInput("4111111111111111", el)).toBe("****************");
    }
  });

  it("replaces private text, keeping its spaces", () => {
    expect(maskText("Jana Nováková, Praha 4")).toBe("**** ********* ***** *");
  });
});
