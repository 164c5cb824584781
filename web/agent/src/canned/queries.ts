import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";
import { keys } from "../api/keys";

export type CannedOut = Schemas["CannedOut"];
export type CannedIn = Schemas["CannedIn"];
export type RenderedOut = Schemas["RenderedOut"];
export type VariableOut = Schemas["VariableOut"];

export function useCannedResponses() {
  return useQuery({ queryKey: keys.canned, queryFn: () => unwrap(api.GET("/v1/canned-responses")) });
}

export function useCannedVariables() {
  return useQuery({
    queryKey: keys.cannedVariables,
    queryFn: () => unwrap(api.GET("/v1/canned-responses/variables")),
    staleTime: Infinity,
  });
}

export function useSaveCanned() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string | null; body: CannedIn }) =>
      id === null
        ? unwrap(api.POST("/v1/canned-responses", { body }))
        : unwrap(api.PUT("/v1/canned-responses/{canned_id}", { params: { path: { canned_id: id } }, body })),
    onSuccess() {
      void queryClient.invalidateQueries({ queryKey: keys.canned });
    },
  });
}

export function useDeleteCanned() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE("/v1/canned-responses/{canned_id}", { params: { path: { canned_id: id } } })),
    onSuccess(_, id) {
      queryClient.setQueryData<CannedOut[]>(keys.canned, (list) => list?.filter((c) => c.id !== id));
      void queryClient.invalidateQueries({ queryKey: keys.canned });
    },
  });
}

/** The canned response's text for this conversation (its variables filled in); sends nothing. */
export function renderCanned(conversationId: string, cannedId: string): Promise<RenderedOut> {
  return unwrap(
    api.GET("/v1/conversations/{conversation_id}/canned-responses/{canned_id}/render", {
      params: { path: { conversation_id: conversationId, canned_id: cannedId } },
    }),
  );
}
