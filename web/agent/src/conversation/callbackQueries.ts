import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type ConversationOut } from "../api/client";
import type { CallbackOut } from "./callbackDue";

/** Every callbacks query starts with this, so one invalidation refreshes them all. */
export const CALLBACKS_ROOT = ["callbacks"] as const;
const MAX_PER_REQUEST = 100; // the endpoint's limit

/**
 * The key names each callback conversation with what changes when its callback does: a
 * retried attempt unassigns it, an ended one closes it. Live conversation updates (already
 * merged into the list) thus refetch the callbacks without polling.
 */
function callbacksKey(conversations: readonly ConversationOut[]): readonly unknown[] {
  return [...CALLBACKS_ROOT, conversations.map((c) => `${c.id}:${c.status}:${c.assignee?.id ?? ""}`).sort()];
}

/** The callbacks of the callback conversations among `conversations`, by conversation id. */
export function useCallbacks(conversations: readonly ConversationOut[]): Map<string, CallbackOut> {
  const callbacks = conversations.filter((c) => c.channel === "callback").slice(0, MAX_PER_REQUEST);
  const query = useQuery({
    queryKey: callbacksKey(callbacks),
    enabled: callbacks.length > 0,
    queryFn: () =>
      unwrap(api.GET("/v1/callbacks", { params: { query: { conversation_id: callbacks.map((c) => c.id) } } })),
    placeholderData: (previous) => previous, // no flicker while a changed list refetches
  });
  return new Map((query.data?.items ?? []).map((cb) => [cb.conversation_id, cb]));
}
