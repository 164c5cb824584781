import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";
import { keys } from "../api/keys";

export type LiveVisitorOut = Schemas["LiveVisitorOut"];
export type InviteIn = Schemas["InviteIn"];
export type InviteKind = NonNullable<InviteIn["kind"]>;

export const LIVE_POLL_MS = 3_000;
const STATS_POLL_MS = 5_000;

/** The visitors on the site now, every 3 s while the tab is visible. */
export function useLiveVisitors() {
  return useQuery({
    queryKey: keys.liveVisitors,
    queryFn: ({ signal }) => unwrap(api.GET("/v1/visitors/live", { signal })),
    refetchInterval: LIVE_POLL_MS,
    refetchIntervalInBackground: false,
    staleTime: 0,
  });
}

/** This node's engagement counters (admins and supervisors only). */
export function useEngagementStats(enabled: boolean) {
  return useQuery({
    queryKey: keys.engagementStats,
    queryFn: ({ signal }) => unwrap(api.GET("/v1/engagement/stats", { signal })),
    enabled,
    refetchInterval: STATS_POLL_MS,
    refetchIntervalInBackground: false,
    staleTime: 0,
  });
}

export function useInvite() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ visitorId, body }: { visitorId: string; body: InviteIn }) =>
      unwrap(api.POST("/v1/visitors/{visitor_id}/invite", { params: { path: { visitor_id: visitorId } }, body })),
    onSuccess() {
      void queryClient.invalidateQueries({ queryKey: keys.liveVisitors });
    },
  });
}
