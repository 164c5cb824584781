// What the tracker says about the page: url/title/referrer, its language, and
// the UTM parameters of the landing URL.

import type { PageInfo, Props } from "./event";

const MAX_CHARS = 2048;
const UTM_FIELDS = ["source", "medium", "campaign", "term", "content"];

/**
 * The current page, each field cut to 2,048 characters; `full` adds the referrer. `lang`
 * is the snippet's data-lang, else the page's <html lang>: the server writes offers in it.
 */
export function pageInfo(full = false, chosenLang?: string): PageInfo {
  const page: PageInfo = { url: location.href.slice(0, MAX_CHARS) };
  page.title = document.title.slice(0, MAX_CHARS);
  const lang = (chosenLang || document.documentElement.lang || "").trim();
  if (lang) page.lang = lang.slice(0, 35);
  if (full) page.referrer = document.referrer.slice(0, MAX_CHARS);
  return page;
}

/** `utm_source` … `utm_content` of a URL as `{source, …}`; null when it has none. */
export function parseUtm(url: string): Props | null {
  let params: URLSearchParams;
  try {
    params = new URL(url).searchParams;
  } catch {
    return null;
  }
  const utm: Props = {};
  let found = false;
  for (const field of UTM_FIELDS) {
    const value = params.get(`utm_${field}`);
    if (value) {
      utm[field] = value.slice(0, 256);
      found = true;
    }
  }
  return found ? utm : null;
}

/**
 * The page's type as the shop declares it, `<html data-hovor-page-type="terms">` (or on
 * any element present when the tracker starts): rules recognise the page by it rather than
 * by a URL that differs from shop to shop. Null when none is declared.
 */
export function pageType(doc: Document = document): string | null {
  const el = doc.documentElement.hasAttribute("data-hovor-page-type") ? doc.documentElement : doc.querySelector("[data-hovor-page-type]");
  const value = el?.getAttribute("data-hovor-page-type")?.trim();
  return value ? value.slice(0, 64) : null;
}

/** Props of a page.view: the declared `page_type`; on the first page of a session, `landing_page` and `utm`. */
export function pageViewProps(url: string, firstOfSession: boolean, type: string | null = null): Props {
  const props: Props = type ? { page_type: type } : {};
  if (!firstOfSession) return props;
  props.landing_page = url.slice(0, MAX_CHARS);
  const utm = parseUtm(url);
  if (utm) props.utm = utm;
  return props;
}
