/**
 * The embed snippet of docs/widget-embedding.md ("2. Paste the snippet"),
 * with this server's origin and a real site key. Keep the two in step:
 * snippet.test.ts compares them.
 */
export function embedSnippet(serverOrigin: string, siteKey: string): string {
  const loader = `${serverOrigin.replace(/\/+$/, "")}/widget/loader.js`;
  return [
    "<script>",
    "  (function (w, d, src, key) {",
    "    w.hovor = w.hovor || function () { (w.hovor.q = w.hovor.q || []).push(arguments); };",
    '    var s = d.createElement("script"); s.async = true; s.src = src; s.dataset.site = key;',
    "    d.head.appendChild(s);",
    `  })(window, document, ${JSON.stringify(loader)}, ${JSON.stringify(siteKey)});`,
    "</script>",
  ].join("\n");
}
