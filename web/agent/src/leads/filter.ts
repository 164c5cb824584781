/** The leads list's filter: what the form holds, and the query the API takes from it. */

export const LEAD_STATUSES = ["new", "contacted", "qualified", "won", "lost"] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];
export const LEAD_SOURCES = ["callback", "offer_form", "chat_form", "bot", "form"] as const;
export type LeadSource = (typeof LEAD_SOURCES)[number];
export type OwnerFilter = "anyone" | "me" | "none";

export interface LeadFilter {
  status: LeadStatus | "open" | "all";
  source: LeadSource | "all";
  owner: OwnerFilter;
  campaign: string; // "" for any
  q: string;
}

export const DEFAULT_LEAD_FILTER: LeadFilter = { status: "open", source: "all", owner: "anyone", campaign: "", q: "" };

export interface LeadQuery {
  status?: string;
  source?: string;
  owner?: string;
  campaign?: string;
  q?: string;
}

/** The API's query for a filter (also the CSV export's). */
export function leadQuery(filter: LeadFilter): LeadQuery {
  const query: LeadQuery = {};
  if (filter.status === "open") query.status = "new,contacted,qualified";
  else if (filter.status !== "all") query.status = filter.status;
  if (filter.source !== "all") query.source = filter.source;
  if (filter.owner !== "anyone") query.owner = filter.owner;
  if (filter.campaign) query.campaign = filter.campaign;
  if (filter.q.trim()) query.q = filter.q.trim();
  return query;
}

/** The CSV export's address for the filter. */
export function exportHref(filter: LeadFilter): string {
  const params = new URLSearchParams(Object.entries(leadQuery(filter)) as [string, string][]);
  const query = params.toString();
  return `/v1/leads/export.csv${query ? `?${query}` : ""}`;
}

export const SOURCE_LABEL: Record<LeadSource, string> = {
  callback: "Callback",
  offer_form: "Offer form",
  chat_form: "Chat form",
  bot: "Bot",
  form: "Website form",
};
