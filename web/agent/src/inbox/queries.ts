import { useInfiniteQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { keys, type InboxFilter } from "../api/keys";

export const PAGE_SIZE = 50;

export function useConversationList(filter: InboxFilter) {
  return useInfiniteQuery({
    queryKey: keys.conversationList(filter),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/v1/conversations", {
          params: { query: { view: filter.view, status: filter.status, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}
