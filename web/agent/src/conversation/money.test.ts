import { describe, expect, it } from "vitest";
import { formatMoney } from "./money";

const NB = "\u00a0";

describe("formatMoney", () => {
  it("writes amounts in the currency and the reader's language, as the server does", () => {
    expect(formatMoney(189, "CZK", "cs")).toBe(`189${NB}Kč`);
    expect(formatMoney(1890.5, "CZK", "cs")).toBe(`1${NB}890,50${NB}Kč`);
    expect(formatMoney(189, "EUR", "en")).toBe("€189.00");
    expect(formatMoney(189, "EUR", "sk")).toBe(`189,00${NB}€`);
    expect(formatMoney(189, "eur", "en")).toBe("€189.00");
  });

  it("writes a bare number when no currency was tracked", () => {
    expect(formatMoney(2499, null, "en")).toBe("2,499");
    expect(formatMoney(2499.5, null, "cs")).toBe(`2${NB}499,50`);
  });

  it("falls back to the code when the browser does not know the currency", () => {
    expect(formatMoney(5, "XYZ1", "en")).toBe("5.00 XYZ1");
  });
});
