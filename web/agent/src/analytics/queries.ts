import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";

export type OverviewOut = Schemas["OverviewOut"];
export type EngagementReportOut = Schemas["EngagementReportOut"];
export type EngagementRowOut = Schemas["EngagementRowOut"];
export type ServiceReportOut = Schemas["ServiceReportOut"];
export type ServiceRowOut = Schemas["ServiceRowOut"];
export type EngagementDim = "all" | "rule" | "kind" | "page";
export type ServiceDim = "all" | "channel" | "queue" | "team" | "agent";

export interface Period {
  from: string;
  to: string;
  tz: string;
}

export const analyticsKeys = {
  overview: (p: Period) => ["analytics", "overview", p] as const,
  engagement: (p: Period, dim: EngagementDim) => ["analytics", "engagement", p, dim] as const,
  service: (p: Period, dim: ServiceDim) => ["analytics", "service", p, dim] as const,
};

/** Rollups change as events arrive; a minute is fresh enough for a dashboard. */
const REFRESH_MS = 60_000;

function query(p: Period) {
  return { from: p.from, to: p.to, tz: p.tz };
}

export function useOverview(p: Period) {
  return useQuery({
    queryKey: analyticsKeys.overview(p),
    queryFn: ({ signal }) => unwrap(api.GET("/v1/analytics/overview", { params: { query: query(p) }, signal })),
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  });
}

export function useEngagement(p: Period, dim: EngagementDim) {
  return useQuery({
    queryKey: analyticsKeys.engagement(p, dim),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/v1/analytics/engagement", { params: { query: { ...query(p), dim } }, signal })),
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  });
}

export function useService(p: Period, dim: ServiceDim) {
  return useQuery({
    queryKey: analyticsKeys.service(p, dim),
    queryFn: ({ signal }) => unwrap(api.GET("/v1/analytics/service", { params: { query: { ...query(p), dim } }, signal })),
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  });
}

/** The CSV export's address (the session cookie authenticates the download). */
export function csvUrl(area: "engagement" | "service", p: Period, dim: string): string {
  const params = new URLSearchParams({ from: p.from, to: p.to, tz: p.tz, dim });
  return `/v1/analytics/${area}.csv?${params.toString()}`;
}
