/**
 * Where a visit came from, as agents read it: the referrer's host (or "direct") and the
 * UTM source / medium / campaign of the landing page. Used by the live visitors list,
 * the conversation's "On the website now" card and the leads list.
 */

export interface VisitSource {
  /** "google.com · cpc", "facebook · social", "direct", … */
  from: string;
  /** The UTM campaign, if the landing page had one. */
  campaign: string | null;
  /** The full referrer URL, for a tooltip. */
  referrer: string | null;
}

function host(url: string): string | null {
  try {
    return new URL(url).hostname.replace(/^www\./, "") || null;
  } catch {
    return null;
  }
}

export function visitSource(referrer: string | null | undefined, utm: Readonly<Record<string, string>> | null | undefined): VisitSource {
  const tags = utm ?? {};
  const origin = tags.source || (referrer ? host(referrer) : null) || "direct";
  const from = tags.medium ? `${origin} · ${tags.medium}` : origin;
  return { from, campaign: tags.campaign || null, referrer: referrer || null };
}

/** The same from a lead's flat fields. */
export function leadSource(lead: {
  referrer: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
}): VisitSource {
  const utm: Record<string, string> = {};
  if (lead.utm_source) utm.source = lead.utm_source;
  if (lead.utm_medium) utm.medium = lead.utm_medium;
  if (lead.utm_campaign) utm.campaign = lead.utm_campaign;
  return visitSource(lead.referrer, utm);
}
