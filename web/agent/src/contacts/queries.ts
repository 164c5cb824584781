import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";
import { keys } from "../api/keys";

export type ContactOut = Schemas["ContactOut"];
export type ContactSummary = Schemas["ContactSummary"];
export type IdentityOut = Schemas["IdentityOut"];
export type OrderOut = Schemas["OrderOut"];
export type MergeOut = Schemas["MergeOut"];
export type AttributeOut = Schemas["AttributeOut"];
export type TicketOut = Schemas["TicketOut"];

export const CONTACT_PAGE = 25;
const TIMELINE_PAGE = 20;

export function useContact(id: string | null) {
  return useQuery({
    queryKey: keys.contact(id ?? ""),
    queryFn: ({ signal }) => unwrap(api.GET("/v1/contacts/{contact_id}", { params: { path: { contact_id: id! } }, signal })),
    enabled: id !== null,
    staleTime: 30_000,
  });
}

export function useContactOrders(id: string) {
  return useQuery({
    queryKey: keys.contactOrders(id),
    queryFn: ({ signal }) => unwrap(api.GET("/v1/contacts/{contact_id}/orders", { params: { path: { contact_id: id } }, signal })),
    staleTime: 30_000,
  });
}

/** The timeline, newest first, a page at a time ("load more" follows next_cursor). */
export function useTimeline(id: string, kinds: string | undefined) {
  return useInfiniteQuery({
    queryKey: keys.contactTimeline(id, kinds),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET("/v1/contacts/{contact_id}/timeline", {
          params: {
            path: { contact_id: id },
            query: { limit: TIMELINE_PAGE, ...(kinds ? { kinds } : {}), ...(pageParam ? { before: pageParam } : {}) },
          },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    staleTime: 30_000,
    placeholderData: keepPreviousData,
  });
}

export function useContactSearch(q: string, offset: number, enabled = true) {
  return useQuery({
    queryKey: keys.contactSearch(q, offset),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/v1/contacts", { params: { query: { limit: CONTACT_PAGE, offset, ...(q ? { q } : {}) } }, signal })),
    enabled,
    placeholderData: keepPreviousData,
  });
}

export function useContactAttributes() {
  return useQuery({
    queryKey: keys.contactAttributes,
    queryFn: ({ signal }) => unwrap(api.GET("/v1/contact-attributes", { signal })),
    staleTime: 5 * 60_000,
  });
}

export function useMerges(id: string) {
  return useQuery({
    queryKey: keys.contactMerges(id),
    queryFn: ({ signal }) => unwrap(api.GET("/v1/contacts/{contact_id}/merges", { params: { path: { contact_id: id } }, signal })),
  });
}

/** Merge `sourceId` into `targetId`; everything shown about contacts is fetched again. */
export function useMergeContacts(targetId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (sourceId: string) =>
      unwrap(api.POST("/v1/contacts/{contact_id}/merge", { params: { path: { contact_id: targetId } }, body: { source_id: sourceId } })),
    onSettled() {
      void queryClient.invalidateQueries({ queryKey: keys.contacts });
      void queryClient.invalidateQueries({ queryKey: keys.conversationLists });
    },
  });
}

export function useUndoMerge() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (mergeId: string) => unwrap(api.POST("/v1/contact-merges/{merge_id}/undo", { params: { path: { merge_id: mergeId } } })),
    onSettled() {
      void queryClient.invalidateQueries({ queryKey: keys.contacts });
      void queryClient.invalidateQueries({ queryKey: keys.conversationLists });
    },
  });
}

/** The contact's tickets not yet solved or closed (new, open, pending). */
export function useOpenTickets(id: string) {
  return useQuery({
    queryKey: keys.contactTickets(id),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/v1/contacts/{contact_id}/tickets", { params: { path: { contact_id: id }, query: { status: "open" } }, signal })),
    staleTime: 30_000,
  });
}
