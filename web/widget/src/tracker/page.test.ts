import { describe, expect, it } from "vitest";
import { pageInfo, pageType, parseUtm, pageViewProps } from "./page";

describe("UTM parsing", () => {
  it("reads the five utm_ parameters", () => {
    expect(
      parseUtm("https://shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=fridges%20sale&utm_term=quiet+fridge&utm_content=ad1&x=1"),
    ).toEqual({ source: "google", medium: "cpc", campaign: "fridges sale", term: "quiet fridge", content: "ad1" });
    expect(parseUtm("https://shop.example/p?utm_source=newsletter")).toEqual({ source: "newsletter" });
  });

  it("returns null without any, for empty values and for bad URLs", () => {
    expect(parseUtm("https://shop.example/?q=1")).toBeNull();
    expect(parseUtm("https://shop.example/?utm_source=")).toBeNull();
    expect(parseUtm("not a url")).toBeNull();
  });

  it("cuts very long values", () => {
    expect((parseUtm(`https://s.example/?utm_campaign=${"x".repeat(1000)}`)?.campaign as string).length).toBe(256);
  });
});

describe("page.view props", () => {
  it("carry the landing page and UTM only on the first page of a session", () => {
    const url = "https://shop.example/?utm_source=google&utm_medium=cpc";
    expect(pageViewProps(url, true)).toEqual({ landing_page: url, utm: { source: "google", medium: "cpc" } });
    expect(pageViewProps("https://shop.example/", true)).toEqual({ landing_page: "https://shop.example/" });
    expect(pageViewProps(url, false)).toEqual({});
  });
});

describe("page type", () => {
  it("is read from data-hovor-page-type on <html> or any element, trimmed", () => {
    document.documentElement.setAttribute("data-hovor-page-type", " terms ");
    expect(pageType()).toBe("terms");
    document.documentElement.removeAttribute("data-hovor-page-type");
    document.body.innerHTML = `<main data-hovor-page-type="product"></main>`;
    expect(pageType()).toBe("product");
    document.body.innerHTML = `<main data-hovor-page-type="  "></main>`;
    expect(pageType()).toBeNull();
    document.body.innerHTML = "";
    expect(pageType()).toBeNull();
  });

  it("goes into every page.view's props as page_type", () => {
    expect(pageViewProps("https://shop.example/vop", false, "terms")).toEqual({ page_type: "terms" });
    expect(pageViewProps("https://shop.example/vop", true, "terms")).toEqual({ page_type: "terms", landing_page: "https://shop.example/vop" });
  });
});

describe("the page's language", () => {
  it("is the snippet's data-lang, else the page's <html lang>, else left out", () => {
    document.documentElement.lang = "cs-CZ";
    expect(pageInfo().lang).toBe("cs-CZ");
    expect(pageInfo(false, "sk").lang).toBe("sk");
    document.documentElement.lang = "";
    expect(pageInfo()).not.toHaveProperty("lang");
  });
});
