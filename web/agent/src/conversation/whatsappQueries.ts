import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type MessageOut } from "../api/client";
import { keys } from "../api/keys";
import { selectedConversationId } from "../app/selection";
import { applyMessage } from "../realtime/cacheMerge";
import type { WhatsAppTemplateOut } from "./whatsappWindow";

/**
 * The conversation's 24-hour window. Keyed by the customer's last message, so
 * a new message from them (a live frame in the message cache) reopens it.
 */
export function useWhatsAppWindow(conversationId: string, lastCustomerMessageId: string | null, enabled: boolean) {
  return useQuery({
    queryKey: keys.whatsappWindow(conversationId, lastCustomerMessageId),
    queryFn: () =>
      unwrap(api.GET("/v1/conversations/{conversation_id}/whatsapp", { params: { path: { conversation_id: conversationId } } })),
    enabled,
  });
}

/** The inbox's approved templates (the server caches Meta's list for an hour). */
export function useWhatsAppTemplates(conversationId: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.whatsappTemplates(conversationId),
    queryFn: () =>
      unwrap(
        api.GET("/v1/conversations/{conversation_id}/whatsapp/templates", {
          params: { path: { conversation_id: conversationId } },
        }),
      ),
    enabled,
    staleTime: 5 * 60_000,
  });
}

/** "Refresh": read the list from Meta again (a template approved a minute ago shows up). */
export function useRefreshWhatsAppTemplates(conversationId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (): Promise<WhatsAppTemplateOut[]> =>
      unwrap(
        api.POST("/v1/conversations/{conversation_id}/whatsapp/templates/refresh", {
          params: { path: { conversation_id: conversationId } },
        }),
      ),
    onSuccess(templates) {
      queryClient.setQueryData(keys.whatsappTemplates(conversationId), templates);
    },
  });
}

export interface TemplateSend {
  name: string;
  language: string;
  parameters: string[];
  clientId: string;
}

/** Sends a template; the stored message goes into the cache like a reply. */
export function useSendWhatsAppTemplate(conversationId: string, meId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (send: TemplateSend): Promise<MessageOut> =>
      unwrap(
        api.POST("/v1/conversations/{conversation_id}/whatsapp/templates/send", {
          params: { path: { conversation_id: conversationId } },
          body: { name: send.name, language: send.language, parameters: send.parameters, client_id: send.clientId },
        }),
      ),
    onSuccess(message) {
      applyMessage(queryClient, message, { meId, viewingConversationId: selectedConversationId() });
    },
  });
}
