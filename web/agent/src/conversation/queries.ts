import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, errorMessage, unwrap, type ConversationOut, type DeliveryOut, type MessageOut } from "../api/client";
import { keys } from "../api/keys";
import { selectedConversationId } from "../app/selection";
import {
  applyConversation,
  applyDelivery,
  applyMessage,
  findConversation,
  markReadInCache,
  type ConversationListData,
  type MergeContext,
} from "../realtime/cacheMerge";
import { newClientId, pendingFor, putPending, removePending } from "./outbox";

const MESSAGE_PAGE = 50;

function mergeContext(meId: string): MergeContext {
  return { meId, viewingConversationId: selectedConversationId() };
}

export function useConversation(id: string) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: keys.conversation(id),
    queryFn: () => unwrap(api.GET("/v1/conversations/{conversation_id}", { params: { path: { conversation_id: id } } })),
    placeholderData: () => {
      for (const [, data] of queryClient.getQueriesData<ConversationListData>({ queryKey: keys.conversationLists })) {
        const found = data ? findConversation(data, id) : undefined;
        if (found) return found;
      }
      return undefined;
    },
  });
}

export function useMessages(conversationId: string) {
  return useInfiniteQuery({
    queryKey: keys.messages(conversationId),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/v1/conversations/{conversation_id}/messages", {
          params: {
            path: { conversation_id: conversationId },
            query: { limit: MESSAGE_PAGE, ...(pageParam ? { before: pageParam } : {}) },
          },
        }),
      ),
    getNextPageParam: (page) => (page.has_more ? page.items[0]?.id : undefined),
  });
}

/**
 * How each outgoing message fared on its channel; `delivery.updated` frames
 * keep it current (realtime/cacheMerge.ts). Off for channels that send
 * nothing (callbacks).
 */
export function useDeliveries(conversationId: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.deliveries(conversationId),
    queryFn: () =>
      unwrap(
        api.GET("/v1/conversations/{conversation_id}/deliveries", { params: { path: { conversation_id: conversationId } } }),
      ),
    enabled,
  });
}

/** "Retry now": the answer (pending again) goes into the cache; the outcome comes as a frame. */
export function useRetryDelivery(conversationId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: string): Promise<DeliveryOut> =>
      unwrap(api.POST("/v1/deliveries/{delivery_id}/retry", { params: { path: { delivery_id: deliveryId } } })),
    onSuccess(delivery) {
      applyDelivery(queryClient, delivery);
    },
    onError() {
      // 409: it was sent or is under way meanwhile; show what it is now.
      void queryClient.invalidateQueries({ queryKey: keys.deliveries(conversationId) });
    },
  });
}

export function useUsers() {
  return useQuery({
    queryKey: keys.users,
    queryFn: () => unwrap(api.GET("/v1/users")),
    staleTime: 5 * 60_000,
  });
}

type Action = { kind: "close" } | { kind: "reopen" } | { kind: "assign"; userId: string | null };

export function useConversationAction(conversationId: string, meId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: Action): Promise<ConversationOut> => {
      const path = { conversation_id: conversationId };
      switch (action.kind) {
        case "close":
          return unwrap(api.POST("/v1/conversations/{conversation_id}/close", { params: { path } }));
        case "reopen":
          return unwrap(api.POST("/v1/conversations/{conversation_id}/reopen", { params: { path } }));
        case "assign":
          return unwrap(
            api.POST("/v1/conversations/{conversation_id}/assign", { params: { path }, body: { user_id: action.userId } }),
          );
      }
    },
    onSuccess(conversation) {
      applyConversation(queryClient, conversation, mergeContext(meId));
    },
  });
}

export function useMarkRead(conversationId: string, meId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(api.POST("/v1/conversations/{conversation_id}/read", { params: { path: { conversation_id: conversationId } } })),
    onMutate() {
      markReadInCache(queryClient, conversationId, mergeContext(meId));
    },
    onSuccess(conversation) {
      applyConversation(queryClient, conversation, mergeContext(meId));
    },
  });
}

/** Sends a reply; `clientId` is reused on retry so the server can dedupe. */
export function useSendReply(conversationId: string, meId: string) {
  const queryClient = useQueryClient();
  return async function send(body: string, clientId: string = newClientId()): Promise<MessageOut | null> {
    putPending(conversationId, { clientId, body, createdAt: new Date().toISOString(), state: "sending", error: null });
    try {
      const message = await unwrap(
        api.POST("/v1/conversations/{conversation_id}/messages", {
          params: { path: { conversation_id: conversationId } },
          body: { body, client_id: clientId, private: false },
        }),
      );
      applyMessage(queryClient, message, mergeContext(meId));
      removePending(conversationId, clientId);
      return message;
    } catch (error) {
      putPending(conversationId, { clientId, body, createdAt: new Date().toISOString(), state: "failed", error: errorMessage(error) });
      return null;
    }
  };
}

export function retryPending(send: ReturnType<typeof useSendReply>, conversationId: string, clientId: string): void {
  const reply = pendingFor(conversationId).find((r) => r.clientId === clientId);
  if (reply) void send(reply.body, reply.clientId);
}
