// Styles for the shadow root that survive a strict Content-Security-Policy.
//
// A <style> element is "inline style" to CSP: on a site whose `style-src`
// lacks 'unsafe-inline' the browser ignores it and the widget is drawn
// unstyled. A constructable stylesheet (`new CSSStyleSheet()` + `replaceSync`,
// attached through `adoptedStyleSheets`) goes through the CSSOM, which CSP does
// not restrict. Browsers without constructable stylesheets (Safari < 16.4,
// Firefox < 101) get the <style> element: they work as before on sites that
// allow inline styles.

/** How the styles were attached, for tests and debugging. */
export type StyleMode = "adopted" | "element";

function constructable(root: ShadowRoot): boolean {
  return (
    "adoptedStyleSheets" in root &&
    typeof CSSStyleSheet === "function" &&
    typeof CSSStyleSheet.prototype.replaceSync === "function"
  );
}

/** Attach `css` to `root`, as a constructable stylesheet where the browser has them. */
export function adoptStyles(root: ShadowRoot, css: string): StyleMode {
  if (constructable(root)) {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      return "adopted";
    } catch {
      // e.g. a CSSStyleSheet without a public constructor ("Illegal constructor")
    }
  }
  const style = document.createElement("style");
  style.textContent = css;
  root.prepend(style);
  return "element";
}
