/**
 * An admin's inboxes (GET/POST /v1/inboxes, DELETE /v1/inboxes/{id}) and their
 * "test connection" (POST /v1/inboxes/{id}/test), through TanStack Query like
 * the rest of the desktop.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";

export type InboxIn = Schemas["InboxIn"];
export type InboxOut = Schemas["InboxOut"];
export type ConnectionOut = Schemas["ConnectionOut"];
export type ConfigFieldOut = Schemas["ConfigFieldOut"];

/** Only this feature reads the list, so its key lives here rather than in api/keys.ts. */
export const INBOXES_KEY = ["inboxes"] as const;

export function useInboxes() {
  return useQuery({ queryKey: INBOXES_KEY, queryFn: () => unwrap(api.GET("/v1/inboxes")) });
}

export function useAddInbox() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: InboxIn) => unwrap(api.POST("/v1/inboxes", { body })),
    onSuccess(inbox) {
      queryClient.setQueryData<InboxOut[]>(INBOXES_KEY, (list) => (list ? [...list, inbox] : list));
      void queryClient.invalidateQueries({ queryKey: INBOXES_KEY });
    },
  });
}

export function useRemoveInbox() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/v1/inboxes/{inbox_id}", { params: { path: { inbox_id: id } } })),
    onSuccess(_, id) {
      queryClient.setQueryData<InboxOut[]>(INBOXES_KEY, (list) => list?.filter((i) => i.id !== id));
      void queryClient.invalidateQueries({ queryKey: INBOXES_KEY });
    },
  });
}

/** One inbox's "Test connection": the server calls the provider with the inbox's credentials. */
export function useTestInbox(id: string) {
  return useMutation({
    mutationFn: () => unwrap(api.POST("/v1/inboxes/{inbox_id}/test", { params: { path: { inbox_id: id } } })),
  });
}
