import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import type { components } from "../api/schema";

export type CobrowseSession = components["schemas"]["CobrowseSessionOut"];
export type CobrowseSettings = components["schemas"]["CobrowseSettingsOut"];

export const cobrowseKeys = {
  ofConversation: (conversationId: string) => ["cobrowse", "conversation", conversationId] as const,
  settings: ["cobrowse", "settings"] as const,
};

/** The conversation's latest co-browse session (null: none yet). */
export function useConversationCobrowse(conversationId: string) {
  return useQuery({
    queryKey: cobrowseKeys.ofConversation(conversationId),
    queryFn: () =>
      unwrap(api.GET("/v1/conversations/{conversation_id}/cobrowse", { params: { path: { conversation_id: conversationId } } })),
  });
}

/** A `cobrowse.updated` frame, or an answer of the API: the session as it is now. */
export function applySession(queryClient: QueryClient, session: CobrowseSession): void {
  queryClient.setQueryData(cobrowseKeys.ofConversation(session.conversation_id), (old: CobrowseSession | null | undefined) =>
    old && old.id !== session.id && old.created_at > session.created_at ? old : session,
  );
}

export function useStartCobrowse(conversationId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(api.POST("/v1/conversations/{conversation_id}/cobrowse", { params: { path: { conversation_id: conversationId } } })),
    onSuccess: (session) => applySession(queryClient, session),
  });
}

export function useEndCobrowse() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (sessionId: string) => unwrap(api.POST("/v1/cobrowse/{session_id}/end", { params: { path: { session_id: sessionId } } })),
    onSuccess: (session) => applySession(queryClient, session),
  });
}

export function useControl() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ sessionId, on }: { sessionId: string; on: boolean }) =>
      unwrap(api.POST("/v1/cobrowse/{session_id}/control", { params: { path: { session_id: sessionId } }, body: { on } })),
    onSuccess: (session) => applySession(queryClient, session),
  });
}

export function useCobrowseSettings() {
  return useQuery({ queryKey: cobrowseKeys.settings, queryFn: () => unwrap(api.GET("/v1/cobrowse/settings")) });
}

export function useSaveCobrowseSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CobrowseSettings) => unwrap(api.PUT("/v1/cobrowse/settings", { body })),
    onSuccess: (saved) => queryClient.setQueryData(cobrowseKeys.settings, saved),
  });
}
