// @vitest-environment node
import { describe, expect, it } from "vitest";
import { embedSnippet } from "./snippet";

// The docs lie outside what Vite may serve, so read them with Node's fs; the
// desktop's tsconfig has no Node types, hence the computed name and the cast.
const fs = (await import(/* @vite-ignore */ ["node", "fs"].join(":"))) as {
  readFileSync(path: string, encoding: "utf8"): string;
};
const docPath = decodeURIComponent(new URL("../../../../docs/widget-embedding.md", import.meta.url).pathname);
const doc = fs.readFileSync(docPath, "utf8");

/** The ```html block under "2. Paste the snippet" in the site owners' guide. */
function documentedSnippet(): string {
  const section = doc.slice(doc.indexOf("## 2. Paste the snippet"));
  const match = /```html\n([\s\S]*?)\n```/.exec(section);
  if (!match?.[1]) throw new Error("no snippet in docs/widget-embedding.md");
  return match[1];
}

describe("embedSnippet", () => {
  it("is the documented snippet with this server and the real key", () => {
    const documented = documentedSnippet()
      .replace("https://chat.example.com", "https://hovor.shop.test:8443")
      .replace("pk_oVezfwTPx0TMW4hp", "pk_live123");
    expect(embedSnippet("https://hovor.shop.test:8443", "pk_live123")).toBe(documented);
  });

  it("matches the docs byte for byte for the docs' own example", () => {
    expect(embedSnippet("https://chat.example.com", "pk_oVezfwTPx0TMW4hp")).toBe(documentedSnippet());
  });

  it("is also the snippet of the shop integration guide", () => {
    const guidePath = decodeURIComponent(new URL("../../../../docs/integrate-your-shop.md", import.meta.url).pathname);
    const guide = fs.readFileSync(guidePath, "utf8");
    const match = /## 1\. The snippet[\s\S]*?```html\n([\s\S]*?)\n```/.exec(guide);
    expect(match?.[1]).toBe(embedSnippet("https://chat.example.com", "pk_oVezfwTPx0TMW4hp"));
  });

  it("does not double the slash after an origin given with one", () => {
    expect(embedSnippet("http://127.0.0.1:8000/", "pk_x")).toContain('"http://127.0.0.1:8000/widget/loader.js", "pk_x"');
  });
});
