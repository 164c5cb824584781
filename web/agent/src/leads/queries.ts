import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";
import { leadQuery, type LeadFilter } from "./filter";

export type LeadOut = Schemas["LeadOut"];
export type LeadPatch = Schemas["LeadPatch"];

export const LEAD_PAGE = 25;

export function useLeadList(filter: LeadFilter, cursor: string | null) {
  const query = { ...leadQuery(filter), limit: LEAD_PAGE, ...(cursor ? { cursor } : {}) };
  return useQuery({
    queryKey: ["leads", "list", query] as const,
    queryFn: ({ signal }) => unwrap(api.GET("/v1/leads", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useLeadCampaigns() {
  return useQuery({
    queryKey: ["leads", "campaigns"] as const,
    queryFn: ({ signal }) => unwrap(api.GET("/v1/leads/campaigns", { signal })),
    staleTime: 60_000,
  });
}

export function useUpdateLead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: LeadPatch }) =>
      unwrap(api.PATCH("/v1/leads/{lead_id}", { params: { path: { lead_id: id } }, body: patch })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["leads", "list"] }),
  });
}
