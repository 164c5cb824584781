import type { EmailFileOut } from "./emailQueries";

export interface PreparedEmail {
  html: string;
  /** Remote images not loaded (each replaced by a link the agent may open). */
  remoteImages: number;
  /** Ids of the attachments the HTML shows inline (cid: images). */
  shownInline: Set<string>;
}

/**
 * The server's sanitised HTML made ready to insert: `cid:` images point at their stored
 * attachment's signed URL, remote images are not loaded (a link to open them instead:
 * a tracking pixel learns nothing unless the agent clicks), links open in a new tab.
 * Parsed with DOMParser, whose documents load nothing and run nothing.
 */
export function prepareEmailHtml(html: string, files: readonly EmailFileOut[]): PreparedEmail {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const byCid = new Map(files.filter((f) => f.content_id).map((f) => [f.content_id!.toLowerCase(), f]));
  const shownInline = new Set<string>();
  let remoteImages = 0;
  for (const img of Array.from(doc.body.querySelectorAll("img"))) {
    const src = img.getAttribute("src") ?? "";
    if (src.toLowerCase().startsWith("cid:")) {
      const file = byCid.get(decodeURIComponent(src.slice(4)).toLowerCase());
      if (file && file.preview) {
        img.setAttribute("src", file.url);
        img.setAttribute("data-attachment-id", file.id);
        shownInline.add(file.id);
      } else {
        img.replaceWith(doc.createTextNode(`[image: ${img.getAttribute("alt") || "not stored"}]`));
      }
    } else if (/^https?:/i.test(src)) {
      remoteImages += 1;
      const link = doc.createElement("a");
      link.setAttribute("href", src);
      link.className = "email-body__remote";
      link.textContent = `[remote image${img.getAttribute("alt") ? `: ${img.getAttribute("alt")}` : ""}]`;
      img.replaceWith(link);
    } else {
      img.remove();
    }
  }
  for (const a of Array.from(doc.body.querySelectorAll("a[href]"))) {
    a.setAttribute("target", "_blank");
    a.setAttribute("rel", "noopener noreferrer nofollow");
  }
  return { html: doc.body.innerHTML, remoteImages, shownInline };
}
